"""The events of the pip service: the PIP, the inburgeringstermijn, progress and exams.

One constant per published CloudEvent type; producers, consumers and read models all
name a type through these constants. The data of each is described by
`contracts/schemas/<type>.json`. A type that moved to a new version keeps its older one
as `<NAME>_V1`: replay from offset 0 still meets it."""

BEZWAAR_BESLIST = "nl.inburgering.pip.bezwaar-beslist.v1"
BEZWAAR_INGEDIEND = "nl.inburgering.pip.bezwaar-ingediend.v1"
CONCEPT_PIP_GEWIJZIGD = "nl.inburgering.pip.concept-pip-gewijzigd.v2"
CONCEPT_PIP_GEWIJZIGD_V1 = "nl.inburgering.pip.concept-pip-gewijzigd.v1"
CURSUSUREN_GEREGISTREERD = "nl.inburgering.pip.cursusuren-geregistreerd.v2"
CURSUSUREN_GEREGISTREERD_V1 = "nl.inburgering.pip.cursusuren-geregistreerd.v1"
DOELGROEP_GEWIJZIGD = "nl.inburgering.pip.doelgroep-gewijzigd.v1"
DUAAL_TRAJECT_AFGEROND = "nl.inburgering.pip.duaal-traject-afgerond.v1"
DUAAL_TRAJECT_VASTGELEGD = "nl.inburgering.pip.duaal-traject-vastgelegd.v1"
EXAMENUITSLAG_ONTVANGEN = "nl.inburgering.pip.examenuitslag-ontvangen.v2"
EXAMENUITSLAG_ONTVANGEN_V1 = "nl.inburgering.pip.examenuitslag-ontvangen.v1"
INBURGERINGSAANBOD_GEWIJZIGD = "nl.inburgering.pip.inburgeringsaanbod-gewijzigd.v1"
INBURGERINGSAANBOD_VASTGELEGD = "nl.inburgering.pip.inburgeringsaanbod-vastgelegd.v1"
INBURGERINGSPLICHT_VOLDAAN = "nl.inburgering.pip.inburgeringsplicht-voldaan.v2"
INBURGERINGSPLICHT_VOLDAAN_V1 = "nl.inburgering.pip.inburgeringsplicht-voldaan.v1"
INBURGERINGSTERMIJN_GESTART = "nl.inburgering.pip.inburgeringstermijn-gestart.v2"
INBURGERINGSTERMIJN_GESTART_V1 = "nl.inburgering.pip.inburgeringstermijn-gestart.v1"
INBURGERINGSTERMIJN_LOOPT_BIJNA_AF = "nl.inburgering.pip.inburgeringstermijn-loopt-bijna-af.v2"
INBURGERINGSTERMIJN_LOOPT_BIJNA_AF_V1 = "nl.inburgering.pip.inburgeringstermijn-loopt-bijna-af.v1"
INBURGERINGSTERMIJN_VAN_DUO_OVERGENOMEN = (
    "nl.inburgering.pip.inburgeringstermijn-van-duo-overgenomen.v1"
)
INBURGERINGSTERMIJN_VERLENGD = "nl.inburgering.pip.inburgeringstermijn-verlengd.v2"
INBURGERINGSTERMIJN_VERLENGD_V1 = "nl.inburgering.pip.inburgeringstermijn-verlengd.v1"
INTAKE_PARTICIPATIEUREN_OVERGENOMEN = "nl.inburgering.pip.intake-participatieuren-overgenomen.v1"
KNM_BEHAALD = "nl.inburgering.pip.knm-behaald.v2"
KNM_BEHAALD_V1 = "nl.inburgering.pip.knm-behaald.v1"
MAATSCHAPPELIJKE_BEGELEIDING_VASTGELEGD = (
    "nl.inburgering.pip.maatschappelijke-begeleiding-vastgelegd.v1"
)
MAP_AFGEROND = "nl.inburgering.pip.map-afgerond.v2"
MAP_AFGEROND_V1 = "nl.inburgering.pip.map-afgerond.v1"
# v2 names the language components afgeschaald (geheel: all four; gedeeltelijk: some).
NIVEAU_AFGESCHAALD = "nl.inburgering.pip.niveau-afgeschaald.v2"
NIVEAU_AFGESCHAALD_V1 = "nl.inburgering.pip.niveau-afgeschaald.v1"
# v2 adds maximumParticipatieUren (a partial medical ontheffing capping the Z-route hours).
ONTHEFFING_VERLEEND = "nl.inburgering.pip.ontheffing-verleend.v2"
ONTHEFFING_VERLEEND_V1 = "nl.inburgering.pip.ontheffing-verleend.v1"
PARTICIPATIEVERKLARING_ONDERTEKEND = "nl.inburgering.pip.participatieverklaring-ondertekend.v2"
PARTICIPATIEVERKLARING_ONDERTEKEND_V1 = "nl.inburgering.pip.participatieverklaring-ondertekend.v1"
PIP_OPGESTELD = "nl.inburgering.pip.pip-opgesteld.v2"
PIP_OPGESTELD_V1 = "nl.inburgering.pip.pip-opgesteld.v1"
PIP_TERMIJN_OPGESCHORT = "nl.inburgering.pip.pip-termijn-opgeschort.v2"
PIP_TERMIJN_OPGESCHORT_V1 = "nl.inburgering.pip.pip-termijn-opgeschort.v1"
PIP_TERMIJN_VERSTREKEN = "nl.inburgering.pip.pip-termijn-verstreken.v1"
PIP_VASTGESTELD = "nl.inburgering.pip.pip-vastgesteld.v1"
PIP_VERZONDEN = "nl.inburgering.pip.pip-verzonden.v1"
TAALNIVEAU_BEHAALD = "nl.inburgering.pip.taalniveau-behaald.v2"
TAALNIVEAU_BEHAALD_V1 = "nl.inburgering.pip.taalniveau-behaald.v1"
TRAJECT_BEEINDIGD = "nl.inburgering.pip.traject-beeindigd.v1"
TRAJECT_GEPAUZEERD = "nl.inburgering.pip.traject-gepauzeerd.v1"
TRAJECT_HERVAT = "nl.inburgering.pip.traject-hervat.v1"
# v2 carries the intake's participation hours, a partial afschaling's components and the
# ontheffingen (with a partial medical one's cap on participation hours).
TRAJECT_OVERGEDRAGEN = "nl.inburgering.pip.traject-overgedragen.v2"
TRAJECT_OVERGEDRAGEN_V1 = "nl.inburgering.pip.traject-overgedragen.v1"
TRAJECT_OVERGENOMEN = "nl.inburgering.pip.traject-overgenomen.v2"
TRAJECT_OVERGENOMEN_V1 = "nl.inburgering.pip.traject-overgenomen.v1"
# v2 adds the review of a duaal traject (duaalTrajectId, duaalOordeel).
UITERSTE_DATUM_PIP_GEWIJZIGD = "nl.inburgering.pip.uiterste-datum-pip-gewijzigd.v1"
VOORTGANGSGESPREK_GEVOERD = "nl.inburgering.pip.voortgangsgesprek-gevoerd.v2"
VOORTGANGSGESPREK_GEVOERD_V1 = "nl.inburgering.pip.voortgangsgesprek-gevoerd.v1"
VRIJSTELLING_VERLEEND = "nl.inburgering.pip.vrijstelling-verleend.v1"
