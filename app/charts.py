"""History data for charts and counts. Lineages are drawn by ``forloeb`` (Altair,
bundled with Streamlit: nothing is fetched at run time)."""

from __future__ import annotations

import pandas as pd
import sprog

from raadsgraf import History


def history_frame(history: History, current: str | None = None) -> pd.DataFrame:
    rows = []
    for h in history.steps:
        s = h.step
        rows.append(
            {
                "dato": pd.Timestamp(s.date) if s.date else pd.NaT,
                "udvalg": s.committee or "ukendt udvalg",
                "punkt": s.item_number,
                "titel": s.title or "(titel ukendt)",
                "beslutning": (h.decision or s.outcome or "")[:160],
                "status": (
                    "dette punkt"
                    if current and s.treatment == current
                    else "planlagt"
                    if s.planned
                    else "referat indlæst"
                    if s.in_corpus
                    else sprog.ONLY_MENTIONED
                ),
                "forbindelse": sprog.link(s.link),
                # a planned step or a policy's adoption is no agenda item to open
                "treatment": None if s.planned or s.link == "vedtagelse" else s.treatment,
            }
        )
    return pd.DataFrame(rows)
