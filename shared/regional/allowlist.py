"""What a region may see: an explicit allow-list of source event types and, of each, the
fields that pass, each in the shape its kind allows (a date, a boolean, a number, a code, a
short organisation name). An event type that is not listed does not go to the region at
all. No listed field may be one that any domain event class names in its
`persoonsgegevens` (tests/regio/test_regional_stream.py walks them all).

It is a contract: every type is named through the `contracts` constants, and the regional
JSON Schemas (`shared.contracts`) are derived from it. A source type that gets a new
contract version keeps its older versions listed (Kafka history replays them), both
mapping to the same regional type; the regional type changes only when its own shape does."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType

from contracts import intake, ontzorging, pip, regio
from shared.cloudevents import TYPE_PREFIX

# The services whose gemeente topics a region reads.
SERVICES = ("intake", "pip", "ontzorging")
REGIONAL_SERVICE = "regio"


class Kind(Enum):
    """The shape a regional field's value must have; anything else is refused."""

    DATE = "date"  # YYYY-MM-DD
    BOOL = "bool"
    COUNT = "count"  # a whole number 0..COUNT_MAX
    CODE = "code"  # an enum value: letters, digits, underscore, at most CODE_MAX_LENGTH
    ORGANISATION = "organisation"  # a provider's name: one line, at most ORGANISATION_MAX_LENGTH


DATE, BOOL, COUNT, CODE, ORG = Kind.DATE, Kind.BOOL, Kind.COUNT, Kind.CODE, Kind.ORGANISATION

# The limits of the kinds; shared.contracts publishes them in the regional JSON Schemas.
COUNT_MAX = 100_000
CODE_MAX_LENGTH = 40
CODE_PATTERN = rf"^[A-Za-z0-9_]{{1,{CODE_MAX_LENGTH}}}$"
ORGANISATION_MAX_LENGTH = 120


@dataclass(frozen=True)
class Allowed:
    """One regional type: the source type it is made of, in every version that is on the
    topics (oldest first, the one producers publish now last), and exactly the fields
    (snake_case, as in the domain event) that pass."""

    regional_type: str
    sources: tuple[str, ...]
    fields: Mapping[str, Kind]

    @property
    def current_source(self) -> str:
        return self.sources[-1]


ALLOWED: tuple[Allowed, ...] = (
    # Registration: who enters the obligation, from when (not name, BSN, birth date, address,
    # nor vestigingsdatum).
    Allowed(
        regio.INBURGERAAR_GEREGISTREERD,
        (
            intake.INBURGERAAR_GEREGISTREERD_V1,
            intake.INBURGERAAR_GEREGISTREERD_V2,
            intake.INBURGERAAR_GEREGISTREERD,
        ),
        {"doelgroep": CODE, "datum_start_inburgeringsplicht": DATE},
    ),
    # Brede intake completed: the advised route and the dates of the clock.
    Allowed(
        regio.INTAKE_AFGEROND,
        (intake.INTAKE_AFGEROND_V1, intake.INTAKE_AFGEROND),
        {
            "doelgroep": CODE,
            "leerroute": CODE,
            "datum_start_inburgeringsplicht": DATE,
            "afrondingsdatum": DATE,
        },
    ),
    # PIP set: route, level, components, and whether the first PIP came within ten weeks
    # (not begeleiding, the free-text guidance; not ontzorging, which says bijstand).
    Allowed(
        regio.PIP_VASTGESTELD,
        (pip.PIP_VASTGESTELD,),
        {
            "pip_versie": COUNT,
            "is_eerste_pip": BOOL,
            "dagtekening": DATE,
            "leerroute": CODE,
            "niveau": CODE,
            "map": BOOL,
            "knm": BOOL,
            "pvt_intensiteit_uren": COUNT,
            "binnen_tien_weken": BOOL,
        },
    ),
    # Afschalen B1 -> A2 is a new PIP version with another level.
    Allowed(
        regio.NIVEAU_AFGESCHAALD,
        (pip.NIVEAU_AFGESCHAALD_V1, pip.NIVEAU_AFGESCHAALD),
        {"pip_versie": COUNT, "dagtekening": DATE, "van_niveau": CODE, "naar_niveau": CODE},
    ),
    Allowed(
        regio.INBURGERINGSTERMIJN_GESTART,
        (pip.INBURGERINGSTERMIJN_GESTART_V1, pip.INBURGERINGSTERMIJN_GESTART),
        {"startdatum": DATE, "einddatum": DATE},
    ),
    # Extended: the dates only; the reason (illness, birth) and its explanation stay home.
    Allowed(
        regio.INBURGERINGSTERMIJN_VERLENGD,
        (pip.INBURGERINGSTERMIJN_VERLENGD_V1, pip.INBURGERINGSTERMIJN_VERLENGD),
        {"vorige_einddatum": DATE, "nieuwe_einddatum": DATE},
    ),
    # Hours per provider (an organisation) and quality mark: what regions buy together.
    Allowed(
        regio.CURSUSUREN_GEREGISTREERD,
        (pip.CURSUSUREN_GEREGISTREERD_V1, pip.CURSUSUREN_GEREGISTREERD),
        {"soort": CODE, "aanbieder": ORG, "keurmerk": BOOL, "uren": COUNT, "peildatum": DATE},
    ),
    Allowed(
        regio.EXAMENUITSLAG_ONTVANGEN,
        (pip.EXAMENUITSLAG_ONTVANGEN_V1, pip.EXAMENUITSLAG_ONTVANGEN),
        {"onderdeel": CODE, "behaald": BOOL, "niveau": CODE, "examendatum": DATE},
    ),
    Allowed(
        regio.TAALNIVEAU_BEHAALD,
        (pip.TAALNIVEAU_BEHAALD_V1, pip.TAALNIVEAU_BEHAALD),
        {"niveau": CODE, "datum": DATE},
    ),
    Allowed(regio.KNM_BEHAALD, (pip.KNM_BEHAALD_V1, pip.KNM_BEHAALD), {"examendatum": DATE}),
    # Obligation met: the date only. Its `grond` (diploma, vrijstelling, ontheffing, ...) is
    # left out: `grond` is personal data in OntheffingVerleend (a medical ground), and a
    # field name personal anywhere passes nowhere.
    Allowed(
        regio.INBURGERINGSPLICHT_VOLDAAN,
        (pip.INBURGERINGSPLICHT_VOLDAAN_V1, pip.INBURGERINGSPLICHT_VOLDAAN),
        {"datum": DATE},
    ),
    # Ontzorging: dates only; no amounts, creditors, IBANs or reasons for ending.
    Allowed(
        regio.ONTZORGING_GESTART,
        (ontzorging.ONTZORGING_GESTART_V1, ontzorging.ONTZORGING_GESTART),
        {"beschikkingsdatum": DATE, "startdatum_bijstand": DATE},
    ),
    Allowed(
        regio.BUDGETBEHEER_GESTART,
        (ontzorging.BUDGETBEHEER_GESTART,),
        {"startdatum": DATE},
    ),
    Allowed(
        regio.FINANCIEEL_ZELFREDZAAM_VASTGESTELD,
        (ontzorging.FINANCIEEL_ZELFREDZAAM_VASTGESTELD,),
        {"vaststellingsdatum": DATE},
    ),
)

# Source CloudEvent type (every listed version) -> {field -> kind}. Exactly these fields
# pass; everything else in the event, and every type not listed, is dropped.
ALLOW_LIST: Mapping[str, Mapping[str, Kind]] = MappingProxyType(
    {source: MappingProxyType(dict(a.fields)) for a in ALLOWED for source in a.sources}
)
_REGIONAL_TYPES: Mapping[str, str] = MappingProxyType(
    {source: a.regional_type for a in ALLOWED for source in a.sources}
)


def _base(ce_type: str) -> str:
    return ce_type.rsplit(".v", 1)[0]


def _check(allowed: tuple[Allowed, ...]) -> None:
    regional = [a.regional_type for a in allowed]
    assert len(set(regional)) == len(regional), "two entries make one regional type"
    sources = [s for a in allowed for s in a.sources]
    assert len(set(sources)) == len(sources), "a source type is listed twice"
    for a in allowed:
        assert a.regional_type.startswith(f"{TYPE_PREFIX}.{REGIONAL_SERVICE}."), a
        assert len({_base(s) for s in a.sources}) == 1, f"{a.regional_type}: one source type"
        assert a.regional_type.split(".")[3] == a.current_source.split(".")[3], a


_check(ALLOWED)


def regional_type(source_type: str) -> str:
    """The regional type an allowed source type (any listed version) becomes."""
    try:
        return _REGIONAL_TYPES[source_type]
    except KeyError:
        raise ValueError(f"{source_type!r} does not go to the region") from None


def current_sources() -> dict[str, str]:
    """Regional type -> the source type producers publish now, in allow-list order."""
    return {a.regional_type: a.current_source for a in ALLOWED}
