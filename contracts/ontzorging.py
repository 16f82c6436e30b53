"""The events of the ontzorging service: financieel ontzorgen and budgetbeheer.

One constant per published CloudEvent type; producers, consumers and read models all
name a type through these constants. The data of each is described by
`contracts/schemas/<type>.json`. A type that moved to a new version keeps its older one
as `<NAME>_V1`: replay from offset 0 still meets it."""

AFBOUW_GESTART = "nl.inburgering.ontzorging.afbouw-gestart.v1"
BESCHIKKING_VERZONDEN = "nl.inburgering.ontzorging.beschikking-verzonden.v1"
BETAALMACHTIGING_GEGEVEN = "nl.inburgering.ontzorging.betaalmachtiging-gegeven.v1"
BETAALMACHTIGING_GEWEIGERD = "nl.inburgering.ontzorging.betaalmachtiging-geweigerd.v1"
BEZWAAR_BESLIST = "nl.inburgering.ontzorging.bezwaar-beslist.v1"
BEZWAAR_INGEDIEND = "nl.inburgering.ontzorging.bezwaar-ingediend.v1"
BUDGETBEHEER_GESTART = "nl.inburgering.ontzorging.budgetbeheer-gestart.v1"
BUDGETCOACHING_GESPREK_GEVOERD = "nl.inburgering.ontzorging.budgetcoaching-gesprek-gevoerd.v1"
FINANCIEEL_ZELFREDZAAM_VASTGESTELD = (
    "nl.inburgering.ontzorging.financieel-zelfredzaam-vastgesteld.v1"
)
ONTZORGING_BEEINDIGD = "nl.inburgering.ontzorging.ontzorging-beeindigd.v1"
# v2 carries the end of the six months (eindeOntzorgingsperiode).
ONTZORGING_GESTART = "nl.inburgering.ontzorging.ontzorging-gestart.v2"
ONTZORGING_GESTART_V1 = "nl.inburgering.ontzorging.ontzorging-gestart.v1"
ONTZORGING_VRIJWILLIG_VOORTGEZET = "nl.inburgering.ontzorging.ontzorging-vrijwillig-voortgezet.v1"
ONTZORGINGSPERIODE_AFGELOPEN = "nl.inburgering.ontzorging.ontzorgingsperiode-afgelopen.v1"
TE_BETALEN_POSTEN_VASTGELEGD = "nl.inburgering.ontzorging.te-betalen-posten-vastgelegd.v1"
VASTE_LAST_VASTGELEGD = "nl.inburgering.ontzorging.vaste-last-vastgelegd.v1"
VASTE_LASTEN_BETAALD = "nl.inburgering.ontzorging.vaste-lasten-betaald.v1"
# The voluntary continuation (art. 57 Pw) reached its einddatum.
VRIJWILLIGE_ONTZORGING_AFGELOPEN = "nl.inburgering.ontzorging.vrijwillige-ontzorging-afgelopen.v1"
