"""The rules of financieel ontzorgen (art. 56a Participatiewet): value sets, the six months,
named rule violations and the guards that raise them. The aggregate in `domainmodel.py` and
the use cases call these guards; each violation names its source (`bron`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable
from enum import StrEnum
from uuid import UUID

from shared.domain import RuleViolation, add_months, today

ART_56A = "art. 56a Participatiewet"
STAP_8 = "domain.md stap 8"

AANTAL_MAANDEN = 6
IBAN_LENGTES = {"NL": 18, "BE": 16, "DE": 22, "LU": 20, "FR": 27, "GB": 22}
MAAND_PATROON = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


class Doelgroep(StrEnum):
    ASIELSTATUSHOUDER = "asielstatushouder"
    GEZINSMIGRANT = "gezinsmigrant"
    OVERIGE_MIGRANT = "overige_migrant"


class Post(StrEnum):
    """The fixed costs the gemeente may pay directly."""

    HUUR = "huur"
    ENERGIE = "energie"
    WATER = "water"
    ZORGVERZEKERING = "zorgverzekering"
    GEMEENTELIJKE_BELASTINGEN = "gemeentelijke_belastingen"


VERPLICHTE_POSTEN = (Post.HUUR, Post.ENERGIE, Post.ZORGVERZEKERING)


class RedenBeeindiging(StrEnum):
    BIJSTAND_BEEINDIGD = "bijstand_beeindigd"
    VERHUISD_NAAR_ANDERE_GEMEENTE = "verhuisd_naar_andere_gemeente"
    INBURGERINGSPLICHT_BEEINDIGD = "inburgeringsplicht_beeindigd"
    OVERIG = "overig"


class Status(StrEnum):
    ONTZORGD = "ontzorgd"
    BUDGETBEHEER = "budgetbeheer"
    AFBOUW = "afbouw"
    FINANCIEEL_ZELFREDZAAM = "financieel_zelfredzaam"
    BEEINDIGD = "beeindigd"


AFGESLOTEN = (Status.FINANCIEEL_ZELFREDZAAM, Status.BEEINDIGD)


# --- Violations -----------------------------------------------------------------------


class OntzorgingNietToegestaan(RuleViolation):
    bron = ART_56A


class OntzorgingBestaatAl(RuleViolation):
    status = 409
    bron = f"{ART_56A}: één ontzorging per inburgeraar per gemeente"


class DatumInToekomst(RuleViolation):
    bron = "platformregel: een zakelijke datum ligt niet in de toekomst"


class DatumVoorEerdereStap(RuleViolation):
    bron = f"{STAP_8}: ontzorgen, dan budgetbeheer, dan financiële zelfredzaamheid"


class OntzorgingsperiodeVerstreken(RuleViolation):
    bron = f"{ART_56A}: de eerste zes maanden van de bijstand"


class OntzorgingsperiodeNietVerstreken(RuleViolation):
    bron = f"{ART_56A}: budgetbeheer volgt op zes maanden ontzorgen"


class OntzorgingAfgesloten(RuleViolation):
    bron = f"{STAP_8}: na zelfredzaamheid of beëindiging verandert niets meer"


class OngeldigeIban(RuleViolation):
    bron = "ISO 13616 (IBAN, controlegetal mod-97)"


class OngeldigBedrag(RuleViolation):
    bron = "platformregel: bedragen in eurocent, groter dan 0"


class OngeldigeMaand(RuleViolation):
    bron = "platformregel: maand als JJJJ-MM"


class BetaalmachtigingOntbreekt(RuleViolation):
    bron = f"{ART_56A}: betalen namens de inburgeraar vraagt een machtiging"


class VerplichteVasteLastenOntbreken(RuleViolation):
    bron = f"{ART_56A}; {STAP_8}: ten minste huur, energie en zorgverzekering"


class CrediteurOntbreekt(RuleViolation):
    bron = f"{ART_56A}: de gemeente betaalt rechtstreeks aan de crediteur"


class VasteLastNietVastgelegd(RuleViolation):
    bron = f"{ART_56A}: alleen vastgelegde vaste lasten worden betaald"


class BetalingBuitenOntzorgingsperiode(RuleViolation):
    bron = f"{ART_56A}: zes maanden vanaf de start van de bijstand"


class BetalingVoorStart(RuleViolation):
    bron = f"{ART_56A}: betalen onder de beschikking, uit de bijstand"


class BetalingTeVroeg(RuleViolation):
    bron = "platformregel: vaste lasten van een maand uit de bijstand, hooguit een maand vooruit"


class BetalingAlGedaan(RuleViolation):
    status = 409
    title = "Al betaald"
    bron = "platformregel: één betaling per post per maand"


class BedragWijktAf(RuleViolation):
    bron = "platformregel: betaald bedrag = vastgelegd maandbedrag"


class BudgetbeheerAlGestart(RuleViolation):
    bron = STAP_8


class BudgetbeheerNietGestart(RuleViolation):
    bron = f"{STAP_8}: budgetcoaching, afbouw en zelfredzaamheid volgen op budgetbeheer"


class AfbouwOngeldig(RuleViolation):
    bron = f"{STAP_8}: afbouw van de posten die de gemeente nog betaalt"


class ToelichtingOntbreekt(RuleViolation):
    bron = "platformregel: een beëindiging om een andere reden wordt toegelicht"


# --- The six months ---------------------------------------------------------------------


def einde_periode(startdatum_bijstand: dt.date) -> dt.date:
    """The first day after the six months of direct payment."""
    return add_months(startdatum_bijstand, AANTAL_MAANDEN)


def is_ontzorgingsperiode_afgelopen(einde_ontzorgingsperiode: dt.date, peildatum: dt.date) -> bool:
    """art. 56a Pw: the gemeente pays directly in the first six months of the bijstand;
    on the first day after them (`einde_periode`) that period is over (budgetbeheer may
    start)."""
    return peildatum >= einde_ontzorgingsperiode


def maand_van(datum: dt.date) -> str:
    return f"{datum.year:04d}-{datum.month:02d}"


def ontzorgingsmaanden(startdatum_bijstand: dt.date) -> list[str]:
    """The six calendar months paid, starting with the month bijstand starts."""
    eerste = startdatum_bijstand.replace(day=1)
    return [maand_van(add_months(eerste, i)) for i in range(AANTAL_MAANDEN)]


# --- Guards: who is ontzorgd ------------------------------------------------------------


def check_ontzorging_toegestaan(
    doelgroep: Doelgroep, ontvangt_bijstand: bool, verblijfsvergunning_asiel_bepaalde_tijd: bool
) -> None:
    """Only inburgeraars with bijstand and a temporary asylum permit are ontzorgd; the
    permit decides, so a nareiziger with a regular permit is not (art. 56a Pw)."""
    ontbrekend = []
    if doelgroep != Doelgroep.ASIELSTATUSHOUDER:
        ontbrekend.append("asielstatus")
    if not ontvangt_bijstand:
        ontbrekend.append("bijstand")
    if not verblijfsvergunning_asiel_bepaalde_tijd:
        ontbrekend.append("verblijfsvergunning asiel voor bepaalde tijd")
    if ontbrekend:
        raise OntzorgingNietToegestaan(
            "Financieel ontzorgen is alleen voor een asielstatushouder met bijstand en een "
            f"verblijfsvergunning asiel voor bepaalde tijd; ontbreekt: {', '.join(ontbrekend)}",
            ontbrekend=ontbrekend,
        )


def check_een_ontzorging(bestaat_al: bool, gemeente: str, inburgeraar_id: UUID) -> None:
    if bestaat_al:
        raise OntzorgingBestaatAl(
            f"Inburgeraar {inburgeraar_id} wordt in {gemeente} al ontzorgd; "
            "zoek de ontzorging op met inburgeraarId"
        )


def check_binnen_ontzorgingsperiode(
    beschikkingsdatum: dt.date, startdatum_bijstand: dt.date
) -> None:
    einde = einde_periode(startdatum_bijstand)
    if beschikkingsdatum >= einde:
        raise OntzorgingsperiodeVerstreken(
            f"De zes maanden ontzorgen vanaf de bijstand ({startdatum_bijstand}) eindigden "
            f"op {einde}, voor de dagtekening {beschikkingsdatum}"
        )


def check_open(status: Status) -> None:
    if status in AFGESLOTEN:
        raise OntzorgingAfgesloten(
            f"Deze ontzorging is afgesloten ({status.value}); er verandert niets meer"
        )


# --- Guards: dates ----------------------------------------------------------------------


def check_niet_in_toekomst(datum: dt.date, wat: str) -> None:
    if datum > today():
        raise DatumInToekomst(f"{wat} {datum} ligt in de toekomst (vandaag is {today()})")


def check_niet_voor(datum: dt.date, grens: dt.date, wat: str, grens_wat: str) -> None:
    if datum < grens:
        raise DatumVoorEerdereStap(f"{wat} {datum} ligt voor {grens_wat} {grens}")


# --- Guards: fixed costs ----------------------------------------------------------------


def normaliseer_iban(iban: str) -> str:
    return re.sub(r"\s+", "", iban).upper()


def iban_fout(iban: str) -> str | None:
    """Why `iban` is not a valid IBAN, or None."""
    tekens = normaliseer_iban(iban)
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", tekens):
        return "heeft niet de vorm landcode, 2 controlecijfers en rekeningnummer"
    lengte = IBAN_LENGTES.get(tekens[:2])
    if lengte is not None and len(tekens) != lengte:
        return f"een IBAN uit {tekens[:2]} heeft {lengte} tekens, niet {len(tekens)}"
    if int("".join(str(int(c, 36)) for c in tekens[4:] + tekens[:4])) % 97 != 1:
        return "controlegetal klopt niet (mod-97)"
    return None


def check_iban(iban: str) -> str:
    fout = iban_fout(iban)
    if fout:
        raise OngeldigeIban(f"IBAN {iban!r} {fout}", ontbrekend=["iban"])
    return normaliseer_iban(iban)


def check_bedrag(bedrag_cent: int) -> None:
    if isinstance(bedrag_cent, bool) or not isinstance(bedrag_cent, int) or bedrag_cent <= 0:
        raise OngeldigBedrag(f"Bedrag {bedrag_cent!r} moet een geheel aantal eurocent > 0 zijn")


def check_maand(maand: str) -> None:
    if not re.fullmatch(MAAND_PATROON, maand):
        raise OngeldigeMaand(f"Maand {maand!r} is geen JJJJ-MM")


def check_crediteur(crediteur: str) -> str:
    crediteur = crediteur.strip()
    if not crediteur:
        raise CrediteurOntbreekt("Naam van de crediteur ontbreekt", ontbrekend=["crediteur"])
    return crediteur


# --- Guards: payments -------------------------------------------------------------------


def check_betaalmachtiging(gegeven: bool) -> None:
    if not gegeven:
        raise BetaalmachtigingOntbreekt(
            "Zonder betaalmachtiging betaalt de gemeente geen vaste lasten",
            ontbrekend=["betaalmachtiging"],
        )


def ontbrekende_verplichte_posten(vastgelegd: Collection[str]) -> list[str]:
    return [p.value for p in VERPLICHTE_POSTEN if p.value not in vastgelegd]


def check_verplichte_posten(vastgelegd: Collection[str]) -> None:
    ontbrekend = ontbrekende_verplichte_posten(vastgelegd)
    if ontbrekend:
        raise VerplichteVasteLastenOntbreken(
            "Leg eerst huur, energie en zorgverzekering vast", ontbrekend=ontbrekend
        )


def check_betaalmaand(
    maand: str, betaaldatum: dt.date, startdatum_bijstand: dt.date, beschikkingsdatum: dt.date
) -> None:
    maanden = ontzorgingsmaanden(startdatum_bijstand)
    if maand < maanden[0]:
        raise BetalingBuitenOntzorgingsperiode(
            f"{maand} ligt voor de start van de bijstand ({startdatum_bijstand})"
        )
    if maand > maanden[-1]:
        raise BetalingBuitenOntzorgingsperiode(
            f"{maand} ligt na de zes maanden ontzorgen ({maanden[0]} t/m {maanden[-1]})"
        )
    start = max(beschikkingsdatum, startdatum_bijstand)
    if betaaldatum < start:
        raise BetalingVoorStart(
            f"Betaaldatum {betaaldatum} ligt voor de beschikking en de start van de "
            f"bijstand ({start})"
        )
    if maand > maand_van(add_months(betaaldatum.replace(day=1), 1)):
        raise BetalingTeVroeg(
            f"{maand} kan op {betaaldatum} nog niet betaald worden: hooguit een maand vooruit"
        )


def check_niet_al_betaald(post: Post, maand: str, eerder: tuple[dt.date, int] | None) -> None:
    """`eerder`: the betaaldatum and amount of the payment of this post and month, if any."""
    if eerder is not None:
        betaaldatum, bedrag_cent = eerder
        raise BetalingAlGedaan(
            f"{post.value} over {maand} is al betaald op {betaaldatum} "
            f"({bedrag_cent} cent); er wordt niet nog eens betaald"
        )


def check_vaste_last_vastgelegd(post: Post, maand: str, bedrag_per_maand_cent: int | None) -> int:
    if bedrag_per_maand_cent is None:
        raise VasteLastNietVastgelegd(
            f"Voor {post.value} is over {maand} geen vaste last vastgelegd",
            ontbrekend=[post.value],
        )
    return bedrag_per_maand_cent


def check_bedrag_vastgelegd(
    post: Post, maand: str, bedrag_cent: int, bedrag_per_maand_cent: int
) -> None:
    if bedrag_cent != bedrag_per_maand_cent:
        raise BedragWijktAf(
            f"{post.value} over {maand} is {bedrag_per_maand_cent} cent per maand "
            f"vastgelegd, niet {bedrag_cent}; leg een wijziging eerst vast"
        )


# --- Guards: after the six months -------------------------------------------------------


def check_budgetbeheer_nog_niet_gestart(startdatum: dt.date | None) -> None:
    if startdatum is not None:
        raise BudgetbeheerAlGestart(f"Budgetbeheer loopt al sinds {startdatum}")


def check_ontzorgingsperiode_verstreken(startdatum: dt.date, einde: dt.date) -> None:
    if startdatum < einde:
        raise OntzorgingsperiodeNietVerstreken(
            f"Budgetbeheer start na de zes maanden ontzorgen, vanaf {einde}; niet op {startdatum}"
        )


def check_budgetbeheer_gestart(startdatum: dt.date | None, wat: str) -> dt.date:
    if startdatum is None:
        raise BudgetbeheerNietGestart(f"{wat}: eerst budgetbeheer starten")
    return startdatum


def check_afbouw(
    posten: Iterable[str], vastgelegd: Collection[str], zelf_betaald: Collection[str]
) -> list[str]:
    """The posts handed over to the inburgeraar, sorted; registered and not his yet."""
    namen = sorted(set(posten))
    if not namen:
        raise AfbouwOngeldig("Noem de posten die de inburgeraar zelf gaat betalen")
    niet_vastgelegd = [p for p in namen if p not in vastgelegd]
    al_zelf = [p for p in namen if p in zelf_betaald]
    if niet_vastgelegd or al_zelf:
        raise AfbouwOngeldig(
            f"Niet vastgelegd: {niet_vastgelegd or '-'}; al zelf betaald: {al_zelf or '-'}"
        )
    return namen


def check_toelichting(reden: RedenBeeindiging, toelichting: str | None) -> str | None:
    toelichting = (toelichting or "").strip() or None
    if reden == RedenBeeindiging.OVERIG and toelichting is None:
        raise ToelichtingOntbreekt(
            "Licht een beëindiging om een andere reden toe", ontbrekend=["toelichting"]
        )
    return toelichting
