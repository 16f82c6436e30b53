"""The events of the intake service: the inburgeringsplicht and the brede intake.

One constant per published CloudEvent type; producers, consumers and read models all
name a type through these constants. The data of each is described by
`contracts/schemas/<type>.json`. A type that changed incompatibly keeps its older version
as `<NAME>_V1`: replay from offset 0 still meets it, so readers accept both."""

BOETE_OPGELEGD = "nl.inburgering.intake.boete-opgelegd.v1"
COA_PROFIEL_ONTVANGEN = "nl.inburgering.intake.coa-profiel-ontvangen.v1"
HOOFDDOEL_VASTGELEGD = "nl.inburgering.intake.hoofddoel-vastgelegd.v1"
# v2 carries the uiterste datum of the PIP (uitersteDatumPip).
INBURGERAAR_GEREGISTREERD = "nl.inburgering.intake.inburgeraar-geregistreerd.v2"
INBURGERAAR_GEREGISTREERD_V1 = "nl.inburgering.intake.inburgeraar-geregistreerd.v1"
INTAKE_AFGEROND = "nl.inburgering.intake.intake-afgerond.v1"
INTAKEGESPREK_GEVOERD = "nl.inburgering.intake.intakegesprek-gevoerd.v1"
LEEFGEBIED_VASTGELEGD = "nl.inburgering.intake.leefgebied-vastgelegd.v1"
LEERBAARHEIDSTOETS_VASTGELEGD = "nl.inburgering.intake.leerbaarheidstoets-vastgelegd.v1"
LEERROUTE_GEADVISEERD = "nl.inburgering.intake.leerroute-geadviseerd.v1"
# v2: nieuweUitnodiging is a date (format: date), no longer a bare string.
NIET_VERSCHENEN = "nl.inburgering.intake.niet-verschenen.v2"
NIET_VERSCHENEN_V1 = "nl.inburgering.intake.niet-verschenen.v1"
OPLEIDING_EN_WERKERVARING_VASTGELEGD = (
    "nl.inburgering.intake.opleiding-en-werkervaring-vastgelegd.v1"
)
PERSOONLIJKE_OMSTANDIGHEDEN_VASTGELEGD = (
    "nl.inburgering.intake.persoonlijke-omstandigheden-vastgelegd.v1"
)
PERSOONSGEGEVENS_VERGETEN = "nl.inburgering.intake.persoonsgegevens-vergeten.v1"
VESTIGINGSDATUM_VASTGELEGD = "nl.inburgering.intake.vestigingsdatum-vastgelegd.v1"
VVE_INFORMATIE_GEGEVEN = "nl.inburgering.intake.vve-informatie-gegeven.v1"
# v2: nieuweUitnodiging is a date (format: date), no longer a bare string.
WAARSCHUWING_GEGEVEN = "nl.inburgering.intake.waarschuwing-gegeven.v2"
WAARSCHUWING_GEGEVEN_V1 = "nl.inburgering.intake.waarschuwing-gegeven.v1"
