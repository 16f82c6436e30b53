"""The events of the pip service: the PIP, the inburgeringstermijn, progress and exams.

One constant per published CloudEvent type; producers, consumers and read models all
name a type through these constants. The data of each is described by
`contracts/schemas/<type>.json`."""

CONCEPT_PIP_GEWIJZIGD = "nl.inburgering.pip.concept-pip-gewijzigd.v1"
CURSUSUREN_GEREGISTREERD = "nl.inburgering.pip.cursusuren-geregistreerd.v1"
EXAMENUITSLAG_ONTVANGEN = "nl.inburgering.pip.examenuitslag-ontvangen.v1"
INBURGERINGSPLICHT_VOLDAAN = "nl.inburgering.pip.inburgeringsplicht-voldaan.v1"
INBURGERINGSTERMIJN_GESTART = "nl.inburgering.pip.inburgeringstermijn-gestart.v1"
INBURGERINGSTERMIJN_LOOPT_BIJNA_AF = "nl.inburgering.pip.inburgeringstermijn-loopt-bijna-af.v1"
INBURGERINGSTERMIJN_VERLENGD = "nl.inburgering.pip.inburgeringstermijn-verlengd.v1"
KNM_BEHAALD = "nl.inburgering.pip.knm-behaald.v1"
MAP_AFGEROND = "nl.inburgering.pip.map-afgerond.v1"
NIVEAU_AFGESCHAALD = "nl.inburgering.pip.niveau-afgeschaald.v1"
ONTHEFFING_VERLEEND = "nl.inburgering.pip.ontheffing-verleend.v1"
PARTICIPATIEVERKLARING_ONDERTEKEND = "nl.inburgering.pip.participatieverklaring-ondertekend.v1"
PIP_OPGESTELD = "nl.inburgering.pip.pip-opgesteld.v1"
PIP_TERMIJN_OPGESCHORT = "nl.inburgering.pip.pip-termijn-opgeschort.v1"
PIP_TERMIJN_VERSTREKEN = "nl.inburgering.pip.pip-termijn-verstreken.v1"
PIP_VASTGESTELD = "nl.inburgering.pip.pip-vastgesteld.v1"
TAALNIVEAU_BEHAALD = "nl.inburgering.pip.taalniveau-behaald.v1"
VOORTGANGSGESPREK_GEVOERD = "nl.inburgering.pip.voortgangsgesprek-gevoerd.v1"
VRIJSTELLING_VERLEEND = "nl.inburgering.pip.vrijstelling-verleend.v1"
