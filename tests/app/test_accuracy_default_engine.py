"""AppTest of the Accuracy page's default-engine section (issue 54): the optimised engine's tokens/s on MLPerf
Inference held out by hardware and by model, beside the flat roofline and the older engines, every figure the
validation document's (`python -m estimator validate --inference`), none typed in."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")
from apptest_pages import shared_page  # noqa: E402

from estimator.services import serving_accuracy  # noqa: E402


@pytest.fixture(scope="module")
def page():
    return shared_page("accuracy")


def test_the_headline_puts_the_baselines_beside_the_engine(page):
    o = serving_accuracy.optimized_validation_document()
    m = {x.label: (x.value, x.delta) for x in page.metric}
    x = o["by_hardware"]["Offline"]
    value, delta = m["Offline tokens/s, hardware held out: typical miss"]
    assert value == f"{x['model']['median_factor']:.2f}×"
    assert f"flat roofline: {x['baseline']['median_factor']:.2f}×" in delta
    assert f"vllm-2024: {x['older_engines']['vllm-2024']['median_factor']:.2f}×" in delta
    cover = m["Offline, model held out: inside the 80% range"]
    assert cover[0] == f"{o['by_model']['Offline']['model']['interval_coverage']:.0%}"
    assert any(h.value.startswith("Serving: the default engine (optimized-2024)") for h in page.header)


def test_the_table_is_the_clis(page):
    header, rows = serving_accuracy.optimized_engine_rows(serving_accuracy.optimized_validation_document())
    tables = [d.value for d in page.dataframe if "held out" in d.value.columns]
    assert len(tables) == 1
    assert list(tables[0].columns) == header
    assert [[str(c) for c in r] for r in tables[0].values.tolist()] == [[str(c) for c in r] for r in rows]
