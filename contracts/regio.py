"""The regional stream: the events a region receives, without personal data.

One constant per published CloudEvent type; producers, consumers and read models all
name a type through these constants. The data of each is described by
`contracts/schemas/<type>.json`."""

BUDGETBEHEER_GESTART = "nl.inburgering.regio.budgetbeheer-gestart.v1"
CURSUSUREN_GEREGISTREERD = "nl.inburgering.regio.cursusuren-geregistreerd.v1"
EXAMENUITSLAG_ONTVANGEN = "nl.inburgering.regio.examenuitslag-ontvangen.v1"
FINANCIEEL_ZELFREDZAAM_VASTGESTELD = "nl.inburgering.regio.financieel-zelfredzaam-vastgesteld.v1"
INBURGERAAR_GEREGISTREERD = "nl.inburgering.regio.inburgeraar-geregistreerd.v1"
INBURGERINGSPLICHT_VOLDAAN = "nl.inburgering.regio.inburgeringsplicht-voldaan.v1"
INBURGERINGSTERMIJN_GESTART = "nl.inburgering.regio.inburgeringstermijn-gestart.v1"
INBURGERINGSTERMIJN_VERLENGD = "nl.inburgering.regio.inburgeringstermijn-verlengd.v1"
INTAKE_AFGEROND = "nl.inburgering.regio.intake-afgerond.v1"
KNM_BEHAALD = "nl.inburgering.regio.knm-behaald.v1"
NIVEAU_AFGESCHAALD = "nl.inburgering.regio.niveau-afgeschaald.v1"
ONTZORGING_GESTART = "nl.inburgering.regio.ontzorging-gestart.v1"
PIP_VASTGESTELD = "nl.inburgering.regio.pip-vastgesteld.v1"
TAALNIVEAU_BEHAALD = "nl.inburgering.regio.taalniveau-behaald.v1"
