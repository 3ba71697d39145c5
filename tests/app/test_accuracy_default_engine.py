"""AppTest of the Accuracy page's default-engine section (issue 54): the optimised engine's tokens/s on MLPerf
Inference held out by hardware and by model, beside the flat roofline and the older engines, every figure the
validation document's (`python -m estimator validate --inference`), none typed in."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")
from apptest_pages import shared_page  # noqa: E402

from estimator.services.serving import accuracy as serving_accuracy  # noqa: E402


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
    header, rows = serving_accuracy.optimized_engine_rows(serving_accuracy.optimized_validation_document(), "80%")
    # the tokens/s table (the wall-power one below it is held out by group too, without scenarios)
    tables = [d.value for d in page.dataframe if {"held out", "scenario"} <= set(d.value.columns)]
    assert len(tables) == 1
    table = tables[0]
    assert sorted(table.columns) == sorted(header)  # the CLI's columns, the baselines moved beside the factor
    assert list(table.columns[:4]) == ["held out", "scenario", "median factor", "flat roofline"]
    assert [[str(r[h]) for h in header] for _, r in table.iterrows()] == [[str(c) for c in r] for r in rows]


def test_the_method_reads_as_a_sentence(page):
    """The engine's label and method begin in lower case: joined with full stops the page read "current optimised
    engine (…). each group's rows …" (browser walk); it names the engine as `validate --inference` does."""
    o = serving_accuracy.optimized_validation_document()
    texts = [m.value.replace("\\", "") for m in page.markdown]  # md_escape's backslashes out
    text = next(t for t in texts if "tokens/s out of sample:" in t)
    assert text.startswith(f"{o['engine']}, the {o['label']}, tokens/s out of sample: ")
    assert ". each" not in text


def test_each_scenarios_range_width_stands_beside_its_own_coverage(page):
    """Accuracy review 2026-11-29: the Offline width stood beside the Server coverage (×2.36 where Server's is ×2.53)."""
    o = serving_accuracy.optimized_validation_document()
    m = {x.label: x.delta for x in page.metric}
    for key, by in (("by_hardware", "hardware"), ("by_model", "model")):
        off, srv = o[key]["Offline"]["model"], o[key]["Server"]["model"]
        assert m[f"Offline, {by} held out: inside the 80% range"] == (
            f"width ×{off['interval_mean_width_factor']:.2f} · Server: {srv['interval_coverage']:.0%}, width "
            f"×{srv['interval_mean_width_factor']:.2f}")


def test_the_measured_decode_table_keeps_the_tpots_coverage_and_baseline(page):
    """Accuracy review 2026-11-29: the page's measured-decode table had dropped the TPOT's 80% coverage and the previous
    model's TPOT, which `validate --inference` prints beside it."""
    from estimator.services.serving.measured_decode import measured_decode_document
    doc = measured_decode_document()
    tables = [d.value for d in page.dataframe if "TPOT 80% coverage" in d.value.columns]
    assert len(tables) == 1
    table = tables[0]
    blind = doc["blind"]["by_source"]
    want = [(s["tpot"]["interval_coverage"], s["previous_tpot"]["median_factor"])
            for by_source in [*doc["by_engine"].values(), blind] for s in by_source.values()]
    assert list(zip(table["TPOT 80% coverage"], table["Previous model, TPOT"])) == want
    # the default engine's blind check apart (review 2026-11-30): run 14's rows, measured after its last refit
    last = table[table["Engine"] == "optimized-2024, blind (runs from 14)"]
    assert list(last["Decoder"]) == list(blind) and list(last["Rows"]) == [12, 6]
