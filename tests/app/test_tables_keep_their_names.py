"""Wide tables keep their rows' names in view (browser review 2026-11-27: at 1,024 px the Accuracy page's tables and
the Plan table ran wider than the page; scrolling sideways to their right columns took the rows' names, the layouts
and the models, out of view). Every table on these pages pins the column that names its rows, its first."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("streamlit")
from apptest_pages import shared_page  # noqa: E402

from app_pages.ui.tables import PINNED_MAX_PX, text_px  # noqa: E402


def _first_shown(table) -> str:
    order = list(table.proto.column_order)
    return order[0] if order else str(table.value.columns[0])


@pytest.mark.parametrize("module, params", [("accuracy", None), ("plan", {}), ("inference", None)])
def test_every_table_pins_the_column_that_names_its_rows(module, params):
    at = shared_page(module, params) if params is not None else shared_page(module)
    assert len(at.dataframe) >= 1
    for table in at.dataframe:
        config = json.loads(table.proto.columns or "{}")
        first = _first_shown(table)
        assert config.get(first, {}).get("pinned") is True, (module, first)
        # only that one: a second pinned column would take the scroll's room again
        assert [k for k, v in config.items() if v.get("pinned")] == [first], (module, config)
        assert config.get("_index", {}).get("hidden") is True  # no row numbers beside the names
        # wide enough for its names whole ("gpt3-medium-s512-mb1-co…" hid which of two runs a row was), up to a cap
        names = [str(x) for x in table.value[first]] if first in table.value.columns else []
        if names and not all(isinstance(x, (int, float)) for x in table.value[first]):
            need = text_px([*names, config[first].get("label") or first])
            assert config[first]["width"] >= min(need, PINNED_MAX_PX), (module, first, config[first])


def test_the_accuracy_pages_tables_lead_with_the_names_of_their_rows():
    """The pinned column is a name, never a figure (a pinned "Median factor" would say nothing while scrolling)."""
    at = shared_page("accuracy")
    for table in at.dataframe:
        first = _first_shown(table)
        values = table.value[first]
        assert values.map(lambda v: isinstance(v, str)).all(), (first, list(values[:3]))
