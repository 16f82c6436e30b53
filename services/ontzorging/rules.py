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
ART_56A_LID_1 = "art. 56a lid 1 Participatiewet"
ART_57 = "art. 57 Participatiewet"
STAP_8 = "domain.md stap 8"
# The minister's wider reading since 2023: the gemeente chooses which fixed costs it pays.
MAATWERK_2023 = (
    "secundair: Verzamelbrief inburgering (minister SZW, april 2023; gemeente.nu 'Regels "
    "financieel ontzorgen statushouders aangepast'); rijksoverheid.nl 21-03-2024 "
    "(internetconsultatie meer maatwerk)"
)
LANGER_ONTZORGEN = (
    "secundair: Schulinck, 'Ontzorgen van inburgeringsplichtige asielstatushouders met recht "
    "op bijstand' (langer ontzorgen op grond van art. 57 Pw)"
)
MACHTIGING = (
    f"{ART_56A} (machtiging om namens de inburgeraar te betalen); gevolg van weigeren: "
    "art. 18 lid 2 Participatiewet (verlaging); secundair: Schulinck, 'Het nieuwe "
    "inburgeringsstelsel'"
)

AANTAL_MAANDEN = 6
IBAN_LENGTES = {"NL": 18, "BE": 16, "DE": 22, "LU": 20, "FR": 27, "GB": 22}
MAAND_PATROON = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


class Doelgroep(StrEnum):
    ASIELSTATUSHOUDER = "asielstatushouder"
    GEZINSMIGRANT = "gezinsmigrant"
    OVERIGE_MIGRANT = "overige_migrant"


class Post(StrEnum):
    """The fixed costs the gemeente may pay directly. `energie` is one contract for gas and
    electricity; `gas` and `elektriciteit` are the posts as DUO and Divosa name them."""

    HUUR = "huur"
    ENERGIE = "energie"
    GAS = "gas"
    ELEKTRICITEIT = "elektriciteit"
    WATER = "water"
    ZORGVERZEKERING = "zorgverzekering"
    GEMEENTELIJKE_BELASTINGEN = "gemeentelijke_belastingen"


# The usual posts (huur, gas, water, licht, zorgverzekering): a recommendation since 2023,
# not a precondition of any payment. Each is covered by any of the posts it maps to.
GEBRUIKELIJKE_POSTEN: dict[Post, tuple[Post, ...]] = {
    Post.HUUR: (Post.HUUR,),
    Post.GAS: (Post.GAS, Post.ENERGIE),
    Post.ELEKTRICITEIT: (Post.ELEKTRICITEIT, Post.ENERGIE),
    Post.WATER: (Post.WATER,),
    Post.ZORGVERZEKERING: (Post.ZORGVERZEKERING,),
}


class RedenBeeindiging(StrEnum):
    BIJSTAND_BEEINDIGD = "bijstand_beeindigd"
    VERHUISD_NAAR_ANDERE_GEMEENTE = "verhuisd_naar_andere_gemeente"
    INBURGERINGSPLICHT_BEEINDIGD = "inburgeringsplicht_beeindigd"
    OVERLEDEN = "overleden"
    INSTEMMING_INGETROKKEN = "instemming_ingetrokken"
    OVERIG = "overig"


class Status(StrEnum):
    ONTZORGD = "ontzorgd"
    BETAALMACHTIGING_GEWEIGERD = "betaalmachtiging_geweigerd"
    VRIJWILLIG_VOORTGEZET = "vrijwillig_voortgezet"
    BUDGETBEHEER = "budgetbeheer"
    AFBOUW = "afbouw"
    FINANCIEEL_ZELFREDZAAM = "financieel_zelfredzaam"
    BEEINDIGD = "beeindigd"


AFGESLOTEN = (Status.FINANCIEEL_ZELFREDZAAM, Status.BEEINDIGD)


# --- Violations -----------------------------------------------------------------------


class OntzorgingNietToegestaan(RuleViolation):
    bron = f"{ART_56A_LID_1}: verblijfsvergunning asiel voor bepaalde tijd en bijstand"


class OntzorgingBestaatAl(RuleViolation):
    status = 409
    bron = f"{ART_56A}: één ontzorging per inburgeraar per gemeente"


class DatumInToekomst(RuleViolation):
    bron = "platformregel: een zakelijke datum ligt niet in de toekomst"


class DatumVoorEerdereStap(RuleViolation):
    bron = f"{STAP_8}: ontzorgen, dan budgetbeheer, dan financiële zelfredzaamheid"


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
    bron = MACHTIGING


class AfwijkingNietGemotiveerd(RuleViolation):
    bron = f"art. 3:46 Awb (deugdelijke motivering); {MAATWERK_2023}"


class PostNietGekozen(RuleViolation):
    bron = f"{MAATWERK_2023}: de gemeente betaalt de posten die zij koos"


class PostZelfBetaald(RuleViolation):
    bron = f"{STAP_8}: na de afbouw betaalt de inburgeraar die post zelf"


class InstemmingOntbreekt(RuleViolation):
    bron = f"{ART_57}; {LANGER_ONTZORGEN}: na de zes maanden alleen met instemming"


class AlVrijwilligVoortgezet(RuleViolation):
    status = 409
    title = "Al vrijwillig voortgezet"
    bron = f"{ART_57}: één vrijwillige voortzetting, met haar einddatum"


class VrijwilligeVoortzettingNietMogelijk(RuleViolation):
    bron = f"{ART_57}; {STAP_8}: voortzetten volgt op het ontzorgen, niet op budgetbeheer"


class CrediteurOntbreekt(RuleViolation):
    bron = f"{ART_56A}: de gemeente betaalt rechtstreeks aan de crediteur"


class VasteLastNietVastgelegd(RuleViolation):
    bron = f"{ART_56A}: alleen vastgelegde vaste lasten worden betaald"


class BetalingBuitenOntzorgingsperiode(RuleViolation):
    bron = f"{ART_56A_LID_1}: de eerste zes maanden van de bijstand; daarna {ART_57}"


class BetalingVoorStart(RuleViolation):
    bron = f"{ART_56A_LID_1}: de zes maanden lopen vanaf de start van de bijstand"


class BetalingVoorInstemming(RuleViolation):
    bron = f"{ART_57}; {LANGER_ONTZORGEN}: na de zes maanden pas na instemming"


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
    bron = (
        f"{STAP_8}: budgetcoaching, afbouw en zelfredzaamheid volgen op budgetbeheer of op "
        f"vrijwillig voortgezet ontzorgen ({ART_57})"
    )


class AfbouwOngeldig(RuleViolation):
    bron = f"{STAP_8}: afbouw van de posten die de gemeente nog betaalt"


class ToelichtingOntbreekt(RuleViolation):
    bron = "platformregel: een beëindiging om een andere reden wordt toegelicht"


# --- The six months ---------------------------------------------------------------------


def einde_periode(startdatum_bijstand: dt.date) -> dt.date:
    """The first day after the six months of direct payment: art. 56a lid 1 Pw counts them
    from the start of the bijstand, whatever the date of the PIP or beschikking."""
    return add_months(startdatum_bijstand, AANTAL_MAANDEN)


def is_ontzorgingsperiode_afgelopen(einde_ontzorgingsperiode: dt.date, peildatum: dt.date) -> bool:
    """art. 56a Pw: the gemeente pays directly in the first six months of the bijstand;
    on the first day after them (`einde_periode`) that period is over (budgetbeheer may
    start)."""
    return peildatum >= einde_ontzorgingsperiode


def einde_vrijwillige_voortzetting(einddatum: dt.date) -> dt.date:
    """The first day after a voluntary continuation (art. 57 Pw): its einddatum is the last
    day the gemeente pays under it (`check_betaalmaand` pays its month)."""
    return einddatum + dt.timedelta(days=1)


def is_vrijwillige_voortzetting_afgelopen(einddatum: dt.date, peildatum: dt.date) -> bool:
    """art. 57 Pw: the continuation the inburgeraar agreed to ends on its einddatum."""
    return peildatum >= einde_vrijwillige_voortzetting(einddatum)


def maand_van(datum: dt.date) -> str:
    return f"{datum.year:04d}-{datum.month:02d}"


def ontzorgingsmaanden(startdatum_bijstand: dt.date) -> list[str]:
    """The six calendar months paid, starting with the month bijstand starts."""
    eerste = startdatum_bijstand.replace(day=1)
    return [maand_van(add_months(eerste, i)) for i in range(AANTAL_MAANDEN)]


def resterende_ontzorgingsmaanden(startdatum_bijstand: dt.date, besluitdatum: dt.date) -> list[str]:
    """The months of the six that a decision dated `besluitdatum` still reaches: a later
    PIP does not move the period (art. 56a lid 1 Pw), it only finds less of it left."""
    return [m for m in ontzorgingsmaanden(startdatum_bijstand) if m >= maand_van(besluitdatum)]


def ingang_vrijwillig(einde_ontzorgingsperiode: dt.date, instemmingsdatum: dt.date) -> dt.date:
    """A voluntary continuation runs from the end of the six months, or from the consent when
    that comes later."""
    return max(einde_ontzorgingsperiode, instemmingsdatum)


def gedekte_posten(posten: Iterable[str]) -> set[str]:
    """The usual posts that `posten` cover (`energie` covers gas and electricity)."""
    namen = set(posten)
    return {
        p.value for p, dekking in GEBRUIKELIJKE_POSTEN.items() if any(d in namen for d in dekking)
    }


def ontbrekende_vaste_lasten(
    vastgelegd: Collection[str], gekozen: Collection[str] | None
) -> list[str]:
    """What the read model recommends: the chosen posts not registered yet, or, before the
    gemeente chose, the usual posts not covered yet. Never a precondition of a payment."""
    if gekozen is not None:
        return sorted(p for p in gekozen if p not in vastgelegd)
    gedekt = gedekte_posten(vastgelegd)
    return [p.value for p in GEBRUIKELIJKE_POSTEN if p.value not in gedekt]


def wijkt_af(posten: Collection[str]) -> bool:
    """Whether a choice of posts differs from the usual ones (more, fewer or others)."""
    gebruikelijk = {p.value for p in GEBRUIKELIJKE_POSTEN}
    return gedekte_posten(posten) != gebruikelijk or not set(posten) <= gebruikelijk | {
        Post.ENERGIE.value
    }


# --- Guards: who is ontzorgd ------------------------------------------------------------


def check_ontzorging_toegestaan(
    ontvangt_bijstand: bool, verblijfsvergunning_asiel_bepaalde_tijd: bool
) -> None:
    """Inburgeraars with bijstand and a temporary asylum permit are ontzorgd, whatever their
    Wi2021 doelgroep: the permit decides, so a nareiziger on an afhankelijke asielvergunning
    is, one with a regular permit is not (art. 56a lid 1 Pw)."""
    ontbrekend = []
    if not ontvangt_bijstand:
        ontbrekend.append("bijstand")
    if not verblijfsvergunning_asiel_bepaalde_tijd:
        ontbrekend.append("verblijfsvergunning asiel voor bepaalde tijd")
    if ontbrekend:
        raise OntzorgingNietToegestaan(
            "Financieel ontzorgen is voor een inburgeraar met bijstand en een "
            f"verblijfsvergunning asiel voor bepaalde tijd; ontbreekt: {', '.join(ontbrekend)}",
            ontbrekend=ontbrekend,
        )


def check_een_ontzorging(bestaat_al: bool, gemeente: str, inburgeraar_id: UUID) -> None:
    if bestaat_al:
        raise OntzorgingBestaatAl(
            f"Inburgeraar {inburgeraar_id} wordt in {gemeente} al ontzorgd; "
            "zoek de ontzorging op met inburgeraarId"
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


def check_betaalmachtiging(gegeven: bool, geweigerd_op: dt.date | None = None) -> None:
    """No direct payment without the inburgeraar's authorisation; a refusal is recorded and
    may lead to a verlaging of the bijstand (art. 18 lid 2 Pw), never to paying anyway."""
    if not gegeven:
        waarom = f"is op {geweigerd_op} geweigerd" if geweigerd_op else "ontbreekt"
        raise BetaalmachtigingOntbreekt(
            f"De betaalmachtiging {waarom}: de gemeente betaalt geen vaste lasten",
            ontbrekend=["betaalmachtiging"],
        )


def check_te_betalen_posten(
    posten: Iterable[str], afwijkingsreden: str | None
) -> tuple[list[str], str | None]:
    """The posts the gemeente pays, sorted; a choice other than the usual posts states why."""
    namen = sorted(set(posten))
    reden = (afwijkingsreden or "").strip() or None
    if wijkt_af(namen) and reden is None:
        raise AfwijkingNietGemotiveerd(
            f"De keuze {namen or '[]'} wijkt af van de gebruikelijke posten "
            f"({', '.join(p.value for p in GEBRUIKELIJKE_POSTEN)}): geef de reden",
            ontbrekend=["afwijkingsreden"],
        )
    return namen, reden


def check_gekozen_post(post: Post, gekozen: Collection[str] | None) -> None:
    if gekozen is not None and post.value not in gekozen:
        raise PostNietGekozen(
            f"De gemeente koos {sorted(gekozen) or '[]'} te betalen, niet {post.value}",
            ontbrekend=[post.value],
        )


def check_niet_zelf_betaald(post: Post, maand: str, zelf_vanaf: str | None) -> None:
    """`zelf_vanaf`: the month from which the inburgeraar pays `post` himself (afbouw)."""
    if zelf_vanaf is not None and maand >= zelf_vanaf:
        raise PostZelfBetaald(
            f"{post.value} betaalt de inburgeraar zelf vanaf {zelf_vanaf}; niet over {maand}"
        )


def check_betaalmaand(
    maand: str,
    betaaldatum: dt.date,
    startdatum_bijstand: dt.date,
    vrijwillig: tuple[dt.date, dt.date, dt.date | None] | None = None,
) -> None:
    """A month of the six from the start of the bijstand (art. 56a lid 1 Pw), or a month of
    a voluntary continuation; `vrijwillig` is its (instemmingsdatum, ingang, einddatum)."""
    maanden = ontzorgingsmaanden(startdatum_bijstand)
    if maand < maanden[0]:
        raise BetalingBuitenOntzorgingsperiode(
            f"{maand} ligt voor de start van de bijstand ({startdatum_bijstand})"
        )
    if betaaldatum < startdatum_bijstand:
        raise BetalingVoorStart(
            f"Betaaldatum {betaaldatum} ligt voor de start van de bijstand ({startdatum_bijstand})"
        )
    if maand > maand_van(add_months(betaaldatum.replace(day=1), 1)):
        raise BetalingTeVroeg(
            f"{maand} kan op {betaaldatum} nog niet betaald worden: hooguit een maand vooruit"
        )
    if maand <= maanden[-1]:
        return
    if vrijwillig is None:
        raise BetalingBuitenOntzorgingsperiode(
            f"{maand} ligt na de zes maanden ontzorgen ({maanden[0]} t/m {maanden[-1]}); "
            "daarna alleen bij vrijwillige voortzetting"
        )
    instemming, ingang, einde = vrijwillig
    if maand < maand_van(ingang) or (einde is not None and maand > maand_van(einde)):
        tot = "open einde" if einde is None else f"t/m {maand_van(einde)}"
        raise BetalingBuitenOntzorgingsperiode(
            f"{maand} valt buiten de vrijwillige voortzetting ({maand_van(ingang)}, {tot})"
        )
    if betaaldatum < instemming:
        raise BetalingVoorInstemming(
            f"Betaaldatum {betaaldatum} ligt voor de instemming met voortzetten ({instemming})"
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
    """`startdatum`: of budgetbeheer, or else of the voluntary continuation."""
    if startdatum is None:
        raise BudgetbeheerNietGestart(
            f"{wat}: eerst budgetbeheer starten of het ontzorgen vrijwillig voortzetten"
        )
    return startdatum


# --- Guards: voluntary continuation (art. 57 Pw) ------------------------------------------


def check_instemming(gegeven: bool) -> None:
    if not gegeven:
        raise InstemmingOntbreekt(
            "Na de zes maanden betaalt de gemeente alleen door met instemming van de inburgeraar",
            ontbrekend=["instemmingGegeven"],
        )


def check_vrijwillig_voort_te_zetten(status: Status, ingang: dt.date | None) -> None:
    if ingang is not None:
        raise AlVrijwilligVoortgezet(f"Het ontzorgen is al vrijwillig voortgezet vanaf {ingang}")
    if status is not Status.ONTZORGD:
        raise VrijwilligeVoortzettingNietMogelijk(
            f"Voortzetten kan vanuit het ontzorgen, niet vanuit {status.value}"
        )


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
