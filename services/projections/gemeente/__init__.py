"""Read models per gemeente, built from the gemeente events of intake, PIP and ontzorging.

- `caseload`: one row per inburgeraar for the klantregisseur: name (personal: the query API
  shows it to klantregisseurs and teamleiders only), doelgroep, status, leerroute and level,
  the next deadline, the uiterste datum of the PIP, the end of the termijn, the last
  voortgangsgesprek, the ontzorging's status.
- `signalen`: per inburgeraar the signals that may be open: the PIP overdue, the termijn
  ending within two months, no voortgangsgesprek for a configured period, the six months of
  ontzorging over. A signal is open when its event came (PIPTermijnVerstreken, ...) or when
  the date says so at query time; it disappears when the situation is resolved (PIP set,
  obligation met, budgetbeheer started, ...).
- `monitoring` (CBS Statistiek Wet inburgering): per person only codes, dates and counts
  under a one-way key, aggregated per gemeente and cohort when asked. No names, no ids.

Modules by purpose: `feiten` (per CloudEvent type, what an event states about a person),
`afgeleid` (what follows from those facts), `tabellen` (the read models' tables, written
after every event) and `queries` (what the query API asks, with today's date).

Within one aggregate the order is the source's own (one log; one partition on Kafka),
across aggregates it is not, so a model rebuilt from Kafka, where the three services' topics
interleave differently on every read, equals the model built incrementally row for row.
"""

from services.projections.gemeente.tabellen import (
    CASELOAD,
    GEMEENTE_MODELS,
    MONITORING,
    SIGNALEN,
    PersoonModel,
)

__all__ = ["CASELOAD", "GEMEENTE_MODELS", "MONITORING", "SIGNALEN", "PersoonModel"]
