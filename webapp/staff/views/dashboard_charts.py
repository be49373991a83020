"""The numbers the dashboard's charts are drawn from (webapp/static/staff-dashboard.js draws
them with Chart.js, served from our own static files), labelled in the staff member's
language. The page shows the same numbers as tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask_babel import format_date
from flask_babel import gettext as _

from ..dashboard import CampaignDashboard

# The bar charts show this many values, the largest first; their tables show all.
BARS_SHOWN = 15

STATE_COLOURS = {"queued": "#8da0cb", "sent": "#66c2a5", "delivered": "#1b9e77",
                 "bounced": "#fc8d62", "failed": "#d95f02", "held": "#e6ab02",
                 "cancelled": "#999999"}
BAR_COLOUR = "#4c72b0"


def states_by_day(chart_id: str, page: CampaignDashboard,
                  state_label: Callable[[str], str]) -> dict:
    """Letters reaching each state per day, stacked."""
    return {"id": chart_id, "kind": "days",
            "labels": [format_date(day, format="short") for day in page.days],
            "datasets": [{"label": state_label(state), "data": counts,
                          "colour": STATE_COLOURS.get(state, "#666666")}
                         for state, counts in page.states_by_day.items()]}


def bars(chart_id: str, rows: Sequence[tuple[str, int]]) -> dict:
    """One bar per value, the largest first."""
    shown = rows[:BARS_SHOWN]
    return {"id": chart_id, "kind": "bars", "labels": [label for label, _count in shown],
            "datasets": [{"label": _("Letters"), "data": [count for _label, count in shown],
                          "colour": BAR_COLOUR}]}
