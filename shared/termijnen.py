"""The one clock of the Wet inburgering 2021 that more than one service starts: the ten weeks
within which the college sets the PIP. Intake starts it when it registers the obligation,
the PIP service when it opens the traject; both publish the result in their events, so no
reader computes it."""

from __future__ import annotations

import datetime as dt

TIEN_WEKEN = dt.timedelta(weeks=10)
BRON_TIEN_WEKEN = "art. 15 Wi2021; art. 5.3 Besluit inburgering 2021"


def uiterste_datum_pip(start: dt.date) -> dt.date:
    """The last day to set the PIP: ten weeks after the start of the clock."""
    return start + TIEN_WEKEN
