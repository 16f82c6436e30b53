"""Read models per arbeidsmarktregio, built only from the regional stream
(`nl.inburgering.regio.*`, shared/regional.py): a pseudonym per person, the gemeente code and
the allow-listed codes, dates and counts. Nothing else reaches these tables, so they hold no
personal data: no names, BSNs, birth dates, addresses, health notes, IBANs or free text.

- `regio_monitoring`: the CBS figures per gemeente and summed over the region, per cohort
  (the year the obligation started): persons, days from the start of the obligation to the
  completed intake and to the first PIP (average, median), the share of first PIPs within ten
  weeks, the route distribution, and exam results per component.
- `regio_inkoop` (joint purchasing): persons per route and per language provider, hours
  followed, pass rates per component, per gemeente and summed.

Modules by purpose: `feiten` (reading a regional event strictly), `tabellen` (the models'
tables, per pseudonym) and `queries` (the figures, computed when asked). Their sources are
in `services.projections.bronnen`: with Kafka the regional topics, in the embedded default
the services' own logs through the same `RegionalTranslator` the Kafka publisher uses.
"""

from services.projections.regio.tabellen import REGIO_MODELS

__all__ = ["REGIO_MODELS"]
