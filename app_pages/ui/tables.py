"""Tables of numbers for ``st.dataframe``: cells written by a function each, a missing figure as
``NO_VALUE``, and the CSV a table offers for download. (Re-exported by ``app_pages.ui.common``.)"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from pandas.api.types import is_float_dtype

# Number fields for counts that run to 10²⁵ (parameters, tokens, FLOPs): scientific notation.
# Streamlit formats a field with sprintf-js, whose %g prints every digit below 1e21
# ("70000000000"); %e gives "7.000e+10", readable on a projector.
LARGE_NUMBER_FORMAT = "%.3e"
# A count whose every digit matters and that stays below ~10⁹ in use (a global batch in tokens, 4,194,304):
# the whole number, no e-notation ("3.277e+4" hid 32,768's last digits); the value as people read it beside it.
WHOLE_NUMBER_FORMAT = "%.0f"

NO_VALUE = "n/a"  # a missing figure (no price, no release year), as the Estimate page says it


def _or_no_value(show: Callable[[float], str]) -> Callable[[float], str]:
    return lambda x: show(x) if math.isfinite(x) else NO_VALUE


def number_table(df: Any, formats: Mapping[str, Callable[[float], str]]) -> Any:
    """``df`` for ``st.dataframe`` with the numbers of ``formats``' columns written by its functions
    ("$2.4M", "43.3 years") and a missing one as ``NO_VALUE``. The cells keep the numbers, so a
    click on a header sorts by value. Streamlit draws a missing number as "None" whatever the
    styling says, so a missing one is stored as +inf, shown as ``NO_VALUE``, and sorts last."""
    filled = df.copy()
    for key in formats:
        filled[key] = filled[key].astype(float).fillna(math.inf)
    return filled.style.format({key: _or_no_value(show) for key, show in formats.items()})


def table_csv(df: Any) -> str:
    """A table's download: its numbers unformatted and a missing one left empty. The tables' own
    toolbar export is off app-wide (``client.disableDataExport`` in .streamlit/config.toml): it would
    write the cells ``number_table`` keeps, +inf where a number is missing, and Streamlit has no
    switch per table, so the tables worth taking away offer this CSV instead."""
    return df.to_csv(index=False, lineterminator="\n")


# A text cell of the grid whole (issue 55: "0.216, H100 fit (same chip" was cut): 14 px Source Sans averages under
# GRID_CHAR_PX a character in these cells (tests/browser measures them), plus the cell's padding on both sides.
GRID_CHAR_PX, GRID_PADDING_PX = 7.5, 24
# the widest a pinned name column grows to show its names whole, leaving the figures most of the ~560 px a table has
# at 1,024 px with the sidebar open: the measured steps' longest name, "gpt3-medium-s512-mb1-compiled", whole; a
# longer name is cut
PINNED_MAX_PX = 260


def text_px(texts: Any) -> int:
    """A grid column's width in pixels that shows each of ``texts`` whole."""
    return round(max((len(str(t)) for t in texts), default=0) * GRID_CHAR_PX + GRID_PADDING_PX)


# the most leading columns pinned to name a row, where one does not (an engine and its decoder; a GPU, a batch and a
# draft length)
MOST_KEY_COLUMNS = 3


def key_columns(frame: Any, shown: Any) -> list[str]:
    """The leading columns of ``shown`` that tell ``frame``'s rows apart: the first, then the next while rows still
    repeat, at most ``MOST_KEY_COLUMNS`` (browser review 2026-11-27: a pinned "Engine" read "latency" on three rows
    whose decoders, the column that told them apart, had scrolled away). After the first, text or whole-number columns
    only: a figure names no row."""
    keys: list[str] = []
    for name in [c for c in shown if c in frame.columns][:MOST_KEY_COLUMNS]:
        if keys and is_float_dtype(frame[name]):
            break  # a figure names no row (a whole number, a batch or a degree, does): the names so far
        keys.append(name)
        if not frame.duplicated(subset=keys).any():
            break
    return keys


def pin_first(columns: Any, config: Mapping[str, Any] | None = None, cells: Mapping[str, Any] | None = None,
              count: int = 1) -> dict[str, Any]:
    """``config`` (an ``st.dataframe`` column_config) with the first ``count`` of ``columns`` pinned: the row's name
    stays in view while a table wider than the page scrolls sideways (browser review 2026-11-27: at 1,024 px the
    Accuracy and Plan tables' right columns sat behind a scroll that took the rows' names out of view). A label given
    as text keeps its text; a column's help keeps its help; a column given ``pinned=False`` stays unpinned.
    ``cells``: each text column's cells, to size it so they show whole (and its header), up to ``PINNED_MAX_PX``,
    where no width is given."""
    out = dict(config or {})
    for name in list(columns)[:count]:
        given = out.get(name)
        entry = {} if given is None else {"label": given} if isinstance(given, str) else dict(given)
        if entry.get("pinned") is False:
            continue
        entry["pinned"] = True
        texts = (cells or {}).get(name)
        if texts is not None and entry.get("width") is None:
            # the names whole ("gpt3-medium-s512-mb1-co…" hid which of two runs a row was)
            entry["width"] = min(PINNED_MAX_PX, text_px([*map(str, texts), entry.get("label") or name]))
        out[name] = entry
    return out
