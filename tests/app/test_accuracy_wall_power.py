"""AppTest of the Accuracy page's serving section at the wall (issue 54): the default engine's node power and energy
per token at the wall against MLPerf Inference's power results, as `python -m estimator validate --inference` says
them (none typed in): the narrowness first, the held-out table beside the TDP baselines, every one of the 6 rows."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")
from apptest_pages import shared_page  # noqa: E402

from estimator.services.serving import wall_power  # noqa: E402


@pytest.fixture(scope="module")
def page():
    return shared_page("accuracy")


@pytest.fixture(scope="module")
def doc():
    return wall_power.wall_power_document()


def _text(at) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption]).replace("\\", "")


def test_it_says_the_check_is_narrow_and_the_verdict(page, doc):
    assert any(h.value == "At the wall: MLPerf Inference's power results" for h in page.subheader)
    text = _text(page)
    assert "Narrow: all 6 are MaxQ (power-capped) submissions of one system" in text
    for line in wall_power.summary_lines(doc, "80%"):
        assert line in text
    assert f"{doc['power']['model']['median_factor']:.2f}×" in text


def test_the_table_is_the_clis(page, doc):
    header, rows = wall_power.j_per_token_rows(doc, "80%")
    table = next(d.value for d in page.dataframe if "TDP only ÷ flat roofline" in d.value.columns)
    assert list(table.columns) == header
    assert [[str(x) for x in r] for _, r in table.iterrows()] == [[str(x) for x in r] for r in rows]
    assert table.iloc[0]["median factor"] == f"{doc['j_per_token']['by_model']['model']['median_factor']:.2f}×"


def test_every_power_result_is_shown(page, doc):
    table = next(d.value for d in page.dataframe if "node in range" in d.value.columns)
    assert list(table["row"]) == [r["row_id"] for r in doc["rows"]] and len(table) == 6
    assert list(table["measured W"]) == [f"{r['measured_power_w']:,.0f}" for r in doc["rows"]]
    assert list(table["by hardware in range"]) == ["yes" if r["by_hardware"]["inside"] else "no" for r in doc["rows"]]


def test_the_power_limits_slowdown_is_shown_as_the_cli_says_it(page):
    from estimator.io import serving_data
    p = serving_data.load_power_limit_document()
    assert any(h.value.startswith("Under a power limit: MLPerf's capped results") for h in page.subheader)
    text = _text(page)
    line = wall_power.power_limit_line(p)
    assert line in text and "off by a median 1.02×" in line and "no slowdown" in line
    table = next(d.value for d in page.dataframe if "exponent (held out)" in d.value.columns)
    header, rows = wall_power.power_limit_table(p)
    assert list(table.columns) == header and len(table) == 4
    assert list(table["limit W"]) == ["350", "350", "500", "500"]
    # the wall rows' limits are shown too
    wall = next(d.value for d in page.dataframe if "node in range" in d.value.columns)
    assert list(wall["limit W"]) == ["350", "350", "500", "500", "none", "none"]
