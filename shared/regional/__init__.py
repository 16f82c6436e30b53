"""The regional stream: per arbeidsmarktregio one topic, `regio.<slug>.inburgering`, with
only what regional coordination needs (counts per route, provider and level, hours, exam
results, timeliness) and no personal data.

- `allowlist`: which source event types and which of their fields a region may see;
- `pseudonym`: the keyed, per-region person reference and the regional event id;
- `translation`: a gemeente's CloudEvent -> the regional CloudEvent (or a refusal);
- `links`: where the aggregate -> inburgeraar links are kept.

The Kafka publisher loop is the regio service's (`services/regio/publisher.py`); the
embedded path reads the service logs through the same translator
(`services/projections/regio.py`)."""

from shared.regional.allowlist import (
    ALLOW_LIST,
    ALLOWED,
    BOOL,
    CODE,
    CODE_MAX_LENGTH,
    CODE_PATTERN,
    COUNT,
    COUNT_MAX,
    DATE,
    ORG,
    ORGANISATION_MAX_LENGTH,
    REGIONAL_SERVICE,
    SERVICES,
    Allowed,
    Kind,
    current_sources,
    regional_type,
)
from shared.regional.links import MemoryLinks, PostgresLinks, SQLiteLinks, link_store
from shared.regional.pseudonym import (
    PSEUDONYM_HEX_DIGITS,
    pseudonym,
    pseudonym_key,
    regional_id,
)
from shared.regional.translation import (
    PERSON_AGGREGATE_SERVICES,
    BuitenRegio,
    NietRegionaal,
    OnbekendePersoon,
    OngeldigeWaarde,
    PersonLinks,
    RegionalTranslator,
    explicit_person,
    learn,
    person_of,
    regional_source,
    to_regional,
)

__all__ = [
    "ALLOWED",
    "ALLOW_LIST",
    "BOOL",
    "CODE",
    "CODE_MAX_LENGTH",
    "CODE_PATTERN",
    "COUNT",
    "COUNT_MAX",
    "DATE",
    "ORG",
    "ORGANISATION_MAX_LENGTH",
    "PERSON_AGGREGATE_SERVICES",
    "PSEUDONYM_HEX_DIGITS",
    "REGIONAL_SERVICE",
    "SERVICES",
    "Allowed",
    "BuitenRegio",
    "Kind",
    "MemoryLinks",
    "NietRegionaal",
    "OnbekendePersoon",
    "OngeldigeWaarde",
    "PersonLinks",
    "PostgresLinks",
    "RegionalTranslator",
    "SQLiteLinks",
    "current_sources",
    "explicit_person",
    "learn",
    "link_store",
    "person_of",
    "pseudonym",
    "pseudonym_key",
    "regional_id",
    "regional_source",
    "regional_type",
    "to_regional",
]
