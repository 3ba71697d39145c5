"""Wide tables keep their rows' names in view (browser reviews 2026-11-27: at 1,024 px the Accuracy page's tables and
the Plan table ran wider than the page; scrolling sideways to their right columns took the rows' names out of view,
and where the first column repeats, "latency" on three rows, the column that told them apart). Every table on these
pages pins its leading columns that name its rows: the first, then the next while rows repeat, never a figure."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("streamlit")
from apptest_pages import shared_page  # noqa: E402

from app_pages.ui.tables import MOST_KEY_COLUMNS, PINNED_MAX_PX, text_px  # noqa: E402

PAGES = [("accuracy", None), ("plan", {}), ("inference", None)]


def _page(module, params):
    return shared_page(module, params) if params is not None else shared_page(module)


def _shown(table) -> list[str]:
    return list(table.proto.column_order) or [str(c) for c in table.value.columns]


@pytest.mark.parametrize("module, params", PAGES)
def test_every_table_pins_the_leading_columns_that_name_its_rows(module, params):
    at = _page(module, params)
    assert len(at.dataframe) >= 1
    for table in at.dataframe:
        config = json.loads(table.proto.columns or "{}")
        frame, shown = table.value, _shown(table)
        pinned = [k for k in shown if config.get(k, {}).get("pinned")]
        assert pinned and pinned == shown[:len(pinned)], (module, pinned, shown[:4])  # leading, in a row
        assert config.get("_index", {}).get("hidden") is True  # no row numbers beside the names
        # they tell the rows apart, or stop at the most or before a figure (floats name no row)
        unique = not frame.duplicated(subset=[k for k in pinned if k in frame.columns]).any()
        after = shown[len(pinned)] if len(pinned) < len(shown) else None
        assert unique or len(pinned) == MOST_KEY_COLUMNS or (
            after is not None and frame[after].dtype.kind == "f"), (module, pinned)
        assert not any(frame[k].dtype.kind == "f" for k in pinned[1:] if k in frame.columns), (module, pinned)
        # each text one wide enough for its names whole ("gpt3-medium-s512-mb1-co…" hid which run a row was)
        for k in pinned:
            if k in frame.columns and frame[k].dtype.kind not in "iuf":
                need = text_px([*map(str, frame[k]), config[k].get("label") or k])
                assert config[k]["width"] >= min(need, PINNED_MAX_PX), (module, k, config[k])


def test_rows_that_share_a_first_column_are_named_by_the_next():
    """The engines' table: "latency" on three rows, told apart by their decoder; the measured steps by GPU and run;
    the plan's layouts by their rank (two share a split and differ in settings, the last column)."""
    acc = shared_page("accuracy")
    pinned = {tuple(k for k, v in json.loads(t.proto.columns or "{}").items() if v.get("pinned")) for t in acc.dataframe}
    assert ("Engine", "Decoder") in pinned or ("Decoder", "Engine") in pinned
    assert any(set(p) == {"Model", "GPU", "Run"} for p in pinned)
    plan = shared_page("plan", {}).dataframe[0]
    config = json.loads(plan.proto.columns)
    assert [k for k in _shown(plan) if config.get(k, {}).get("pinned")] == ["#", "layout"]
    assert list(plan.value["#"]) == list(range(1, len(plan.value) + 1))


def test_the_accuracy_pages_tables_lead_with_the_names_of_their_rows():
    """The first pinned column is a name, never a figure (a pinned "Median factor" would say nothing while scrolling)."""
    at = shared_page("accuracy")
    for table in at.dataframe:
        first = _shown(table)[0]
        values = table.value[first]
        assert values.map(lambda v: isinstance(v, str)).all(), (first, list(values[:3]))
