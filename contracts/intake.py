"""The events of the intake service: the inburgeringsplicht and the brede intake.

One constant per published CloudEvent type; producers, consumers and read models all
name a type through these constants. The data of each is described by
`contracts/schemas/<type>.json`. A type that changed incompatibly keeps its older version
as `<NAME>_V1`: replay from offset 0 still meets it, so readers accept both."""

BEZWAAR_BESLIST = "nl.inburgering.intake.bezwaar-beslist.v1"
BEZWAAR_INGEDIEND = "nl.inburgering.intake.bezwaar-ingediend.v1"
# v2 is the beschikking after a proposal (amount, verwijtbaarheid, dagtekening, verzenddatum,
# bezwaartermijn); v1 was imposed by the no-show itself.
BOETE_OPGELEGD = "nl.inburgering.intake.boete-opgelegd.v2"
BOETE_OPGELEGD_V1 = "nl.inburgering.intake.boete-opgelegd.v1"
BOETEVOORSTEL_AFGEWEZEN = "nl.inburgering.intake.boetevoorstel-afgewezen.v1"
BOETEVOORSTEL_GEDAAN = "nl.inburgering.intake.boetevoorstel-gedaan.v1"
COA_PROFIEL_ONTVANGEN = "nl.inburgering.intake.coa-profiel-ontvangen.v1"
CONTACTPERSOON_TOEGEWEZEN = "nl.inburgering.intake.contactpersoon-toegewezen.v1"
DOELGROEP_GEWIJZIGD = "nl.inburgering.intake.doelgroep-gewijzigd.v1"
HOOFDDOEL_VASTGELEGD = "nl.inburgering.intake.hoofddoel-vastgelegd.v1"
# v2 carries the uiterste datum of the PIP (uitersteDatumPip); v3 DUO's kennisgeving
# (datumKennisgeving), from which the ten weeks run.
INBURGERAAR_GEREGISTREERD = "nl.inburgering.intake.inburgeraar-geregistreerd.v3"
INBURGERAAR_GEREGISTREERD_V1 = "nl.inburgering.intake.inburgeraar-geregistreerd.v1"
INBURGERAAR_GEREGISTREERD_V2 = "nl.inburgering.intake.inburgeraar-geregistreerd.v2"
INBURGERAAR_OVERLEDEN = "nl.inburgering.intake.inburgeraar-overleden.v1"
INBURGERAAR_VERHUISD = "nl.inburgering.intake.inburgeraar-verhuisd.v1"
INBURGERINGSPLICHT_INGETROKKEN = "nl.inburgering.intake.inburgeringsplicht-ingetrokken.v1"
# v2 carries the current uiterste datum of the PIP (uitersteDatumPip).
INTAKE_AFGEROND = "nl.inburgering.intake.intake-afgerond.v2"
INTAKE_AFGEROND_V1 = "nl.inburgering.intake.intake-afgerond.v1"
INTAKEGESPREK_GEVOERD = "nl.inburgering.intake.intakegesprek-gevoerd.v1"
KENNISGEVING_ONTVANGEN = "nl.inburgering.intake.kennisgeving-ontvangen.v1"
LEEFGEBIED_VASTGELEGD = "nl.inburgering.intake.leefgebied-vastgelegd.v1"
LEERBAARHEIDSTOETS_VASTGELEGD = "nl.inburgering.intake.leerbaarheidstoets-vastgelegd.v1"
LEERROUTE_GEADVISEERD = "nl.inburgering.intake.leerroute-geadviseerd.v1"
# v2: nieuweUitnodiging is a date (format: date), no longer a bare string.
NIET_VERSCHENEN = "nl.inburgering.intake.niet-verschenen.v2"
NIET_VERSCHENEN_V1 = "nl.inburgering.intake.niet-verschenen.v1"
OPLEIDING_EN_WERKERVARING_VASTGELEGD = (
    "nl.inburgering.intake.opleiding-en-werkervaring-vastgelegd.v1"
)
PARTICIPATIEUREN_GEREGISTREERD = "nl.inburgering.intake.participatieuren-geregistreerd.v1"
PARTICIPATIEUREN_INTAKE_VASTGESTELD = "nl.inburgering.intake.participatieuren-intake-vastgesteld.v1"
PERSOONLIJKE_OMSTANDIGHEDEN_VASTGELEGD = (
    "nl.inburgering.intake.persoonlijke-omstandigheden-vastgelegd.v1"
)
PERSOONSGEGEVENS_VERGETEN = "nl.inburgering.intake.persoonsgegevens-vergeten.v1"
TIJDELIJKE_VRIJSTELLING_BEEINDIGD = "nl.inburgering.intake.tijdelijke-vrijstelling-beeindigd.v1"
TIJDELIJKE_VRIJSTELLING_VERLEEND = "nl.inburgering.intake.tijdelijke-vrijstelling-verleend.v1"
UITERSTE_DATUM_PIP_GEWIJZIGD = "nl.inburgering.intake.uiterste-datum-pip-gewijzigd.v1"
VESTIGINGSDATUM_VASTGELEGD = "nl.inburgering.intake.vestigingsdatum-vastgelegd.v1"
VORIGE_GEMEENTE_VASTGELEGD = "nl.inburgering.intake.vorige-gemeente-vastgelegd.v1"
VVE_INFORMATIE_GEGEVEN = "nl.inburgering.intake.vve-informatie-gegeven.v1"
# v2: nieuweUitnodiging is a date (format: date), no longer a bare string.
WAARSCHUWING_GEGEVEN = "nl.inburgering.intake.waarschuwing-gegeven.v2"
WAARSCHUWING_GEGEVEN_V1 = "nl.inburgering.intake.waarschuwing-gegeven.v1"
ZIENSWIJZE_AFGEZIEN = "nl.inburgering.intake.zienswijze-afgezien.v1"
ZIENSWIJZE_GEVRAAGD = "nl.inburgering.intake.zienswijze-gevraagd.v1"
ZIENSWIJZE_ONTVANGEN = "nl.inburgering.intake.zienswijze-ontvangen.v1"
