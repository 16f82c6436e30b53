"""The events of the duo service: the gemeente's side of the chain with DUO.

One constant per published CloudEvent type; producers, consumers and read models all
name a type through these constants. The data of each is described by
`contracts/schemas/<type>.json`. A type that moved to a new version keeps its older one
as `<NAME>_V1`: replay from offset 0 still meets it."""

AFRONDING_GEMELD_BIJ_DUO = "nl.inburgering.duo.afronding-gemeld-bij-duo.v1"
AFRONDING_MELDING_AANGEMAAKT = "nl.inburgering.duo.afronding-melding-aangemaakt.v1"
AFRONDING_MELDING_MISLUKT = "nl.inburgering.duo.afronding-melding-mislukt.v1"
AFRONDING_MELDING_OPNIEUW_GEVRAAGD = "nl.inburgering.duo.afronding-melding-opnieuw-gevraagd.v1"
DOELGROEPWIJZIGING_ONTVANGEN = "nl.inburgering.duo.doelgroepwijziging-ontvangen.v1"
# v2: registratieDatumTijd is a moment (format: date-time), no longer a bare string.
DUO_NOTIFICATIE_ONTVANGEN = "nl.inburgering.duo.duo-notificatie-ontvangen.v2"
DUO_NOTIFICATIE_ONTVANGEN_V1 = "nl.inburgering.duo.duo-notificatie-ontvangen.v1"
DUO_NOTIFICATIE_VERWERKT = "nl.inburgering.duo.duo-notificatie-verwerkt.v1"
DUO_SIGNAAL_ONTVANGEN = "nl.inburgering.duo.duo-signaal-ontvangen.v1"
EXAMENRESULTAAT_ONTVANGEN = "nl.inburgering.duo.examenresultaat-ontvangen.v1"
# v2 carries DUO's kennisgeving (datumKennisgeving), from which the ten weeks run.
INBURGERINGSPLICHT_BEEINDIGD_ONTVANGEN = (
    "nl.inburgering.duo.inburgeringsplicht-beeindigd-ontvangen.v1"
)
# v3 carries the BRP's datumInschrijvingInGemeente, the other start of the ten weeks.
INBURGERINGSPLICHT_ONTVANGEN = "nl.inburgering.duo.inburgeringsplicht-ontvangen.v3"
INBURGERINGSPLICHT_ONTVANGEN_V2 = "nl.inburgering.duo.inburgeringsplicht-ontvangen.v2"
INBURGERINGSPLICHT_ONTVANGEN_V1 = "nl.inburgering.duo.inburgeringsplicht-ontvangen.v1"
INBURGERINGSPLICHT_VOLDAAN_ONTVANGEN = "nl.inburgering.duo.inburgeringsplicht-voldaan-ontvangen.v1"
INBURGERINGSTERMIJN_ONTVANGEN = "nl.inburgering.duo.inburgeringstermijn-ontvangen.v1"
LEERBAARHEIDSTOETSRESULTAAT_ONTVANGEN = (
    "nl.inburgering.duo.leerbaarheidstoetsresultaat-ontvangen.v1"
)
OPHALEN_BIJ_DUO_MISLUKT = "nl.inburgering.duo.ophalen-bij-duo-mislukt.v1"
PIP_GEMELD_BIJ_DUO = "nl.inburgering.duo.pip-gemeld-bij-duo.v1"
PIP_MELDING_AANGEMAAKT = "nl.inburgering.duo.pip-melding-aangemaakt.v1"
PIP_MELDING_MISLUKT = "nl.inburgering.duo.pip-melding-mislukt.v1"
PIP_MELDING_OPNIEUW_GEVRAAGD = "nl.inburgering.duo.pip-melding-opnieuw-gevraagd.v1"
TIJDELIJKE_VRIJSTELLING_BEEINDIGD_ONTVANGEN = (
    "nl.inburgering.duo.tijdelijke-vrijstelling-beeindigd-ontvangen.v1"
)
TIJDELIJKE_VRIJSTELLING_ONTVANGEN = "nl.inburgering.duo.tijdelijke-vrijstelling-ontvangen.v1"
VORIGE_GEMEENTE_ONTVANGEN = "nl.inburgering.duo.vorige-gemeente-ontvangen.v1"
