"""Published training layouts gathered after the step model was fitted (estimator/data/training_layouts_later.csv:
torchtitan's FSDP2 tables on 64 A100 80GB), never fitted: each answered as `estimate` answers its layout, the rows
whose recomputation is the step model's scored beside the flat MFU, the others checked against the bracket of the two
modes around them; `validate` and the Accuracy page show the same figures. The data file is read with refusals that
name the file, the line and the fix."""

from __future__ import annotations

import math

import pytest

from estimator import estimate
from estimator.core.base.errors import DataFileError
from estimator.io.later_layouts import LATER_LAYOUTS_PATH, load_later_layouts
from estimator.services.later_layouts import later_layouts_document
from tests.data_file_edit import edited_copy

DOC = later_layouts_document()


def test_every_layout_is_answered_as_estimate_answers_it():
    rows = DOC["rows"]
    assert len(rows) == len(load_later_layouts()) == 10
    assert {r["hardware"] for r in rows} == {"a100-sxm-80gb", "h200-sxm"} and {r["devices"] for r in rows} == {32, 64}
    seventy = next(r for r in rows if r["row_id"] == "tt-03")
    direct = estimate(model="llama-3-70b", tokens=1e12, hardware="a100-sxm-80gb", devices=64, tp=1, pp=1, zero=3,
                      micro_batch=1, seq_len=8192, global_batch_tokens=64 * 8192, activation_recompute="full",
                      precision="bf16")
    assert seventy["predicted_less_recompute"] == direct.step.step.tokens_per_s_per_device
    for r in rows:
        assert math.isfinite(r["predicted_less_recompute"]) and r["predicted_more_recompute"] <= r["predicted_less_recompute"]


def test_the_rows_are_torchtitans_own_figures():
    """torchtitan's MFU is its tokens/s per GPU × (6·N + 12·L·d·seq) ÷ the A100's 312 TFLOP/s bf16 peak: each row's
    reported MFU recomputed from its tokens/s, the catalog's N and the sequence the doc names (8,192 for Llama 3, 4,096
    for Llama 2) to 0.2 percentage points, which pins both the tokens/s as per GPU and the sequences; and the fitted
    layouts hold no torchtitan row (a source the fit never saw)."""
    from estimator.io.datafiles import DATA_DIR, default_profiles
    from estimator.io.serving_data import load_catalog
    catalog, peak = load_catalog(), default_profiles().by_id("a100-sxm-80gb").peak_flops_per_s["bf16"]
    assert peak == 312e12
    for r in load_later_layouts():
        if r.reported_mfu_pct is None:   # the H200 benchmark reports none
            continue
        a = catalog[r.model].arch
        flops_per_token = 6 * catalog[r.model].params + 12 * a.layers * a.d_model * r.seq_len
        assert 100 * r.tokens_per_s_per_device * flops_per_token / peak == pytest.approx(r.reported_mfu_pct, abs=0.2)
    assert "torchtitan" not in (DATA_DIR / "training_layouts.csv").read_text(encoding="utf-8").lower()


def test_the_figures_as_the_docs_quote_them():
    """Llama 3 70B and Llama 2 70B with full recomputation, Llama 2 13B with none: the step model 1.03x off in the
    median (1.005, 1.03, 1.09), each inside its range, where the flat MFU of the same fit is 1.36x off (too slow: those
    layouts ran at 50.5-61.1% MFU). If the step model is refitted these change: update docs/explanation/accuracy.md."""
    m, b = DOC["modelled"], DOC["bracketed"]
    assert (m["rows"], round(m["median_factor"], 2), m["coverage_80"]) == (3, 1.03, 1.0)
    assert round(m["flat_mfu_median_factor"], 2) == 1.36
    modelled = [r for r in DOC["rows"] if r["mode_is_modelled"]]
    assert sorted(round(r["factor"], 2) for r in modelled) == [1.01, 1.03, 1.09]
    assert sorted(r["reported_mfu_pct"] for r in modelled) == [50.5, 51.7, 61.1]
    assert all(r["flat_mfu_tokens_per_s_per_device"] < r["measured_tokens_per_s_per_device"] for r in modelled)
    # torchtitan's per-layer and per-operation checkpointing: each measured between its two modes' predictions (the
    # A100 tables' 5 and the H200 benchmark's 2, float8 linear layers and torch.compile), the brackets 1.20-1.32x wide
    # (1.27x in the median): a check of the direction, not a tight one
    assert (b["rows"], b["inside"], b["worst_beyond_factor"]) == (7, 7, 1.0)
    widths = [r["bracket_width_factor"] for r in DOC["rows"] if not r["mode_is_modelled"]]
    assert (round(min(widths), 2), round(b["median_width_factor"], 2), round(max(widths), 2)) == (1.2, 1.27, 1.32)
    # on the H200 at FP8 the flat MFU of the same fit overshoots (12,801 against 10,753-10,938 measured)
    h200 = [r for r in DOC["rows"] if r["hardware"] == "h200-sxm"]
    assert all(r["flat_mfu_tokens_per_s_per_device"] > r["measured_tokens_per_s_per_device"] for r in h200)


def test_where_the_selective_op_rows_sit_in_their_brackets():
    """torchtitan's "selective op" recomputes every second matrix multiply: Llama 2's two such rows sit nearer the
    full-recomputation prediction than the selective one (Megatron's: the attention forward again, 2-6% slower than
    none in these predictions), Llama 2 70B most (355 against 351 and 451); Llama 3 8B's nearer the selective one."""
    op = {r["row_id"]: r for r in DOC["rows"] if r["recompute_published"] == "selective op"}
    assert set(op) == {"tt-02", "tt-06", "tt-07", "tt-09", "tt-10"}

    def nearer_full(r):
        more, less, measured = r["predicted_more_recompute"], r["predicted_less_recompute"], r["measured_tokens_per_s_per_device"]
        return math.log(measured / more) < math.log(less / measured)
    assert [nearer_full(op[k]) for k in ("tt-02", "tt-06", "tt-07")] == [False, True, True]
    assert (round(op["tt-07"]["predicted_more_recompute"]), round(op["tt-07"]["predicted_less_recompute"])) == (351, 451)


def test_megatrons_selective_saves_no_memory_under_flashattention_so_torchtitans_70b_reads_as_not_fitting():
    """The step model's "selective" is Megatron's (Korthikanti et al.): under FlashAttention it stores what no
    recomputation does. Llama 2 70B at torchtitan's local batch of 1 ran in 80 GB with its per-operation checkpointing;
    taken as Megatron's selective, the memory model says it does not fit (docs/explanation/accuracy.md)."""
    est = estimate(model="llama-2-70b", tokens=1e12, hardware="a100-sxm-80gb", devices=64, tp=1, pp=1, zero=3,
                   micro_batch=1, seq_len=4096, global_batch_tokens=64 * 4096, activation_recompute="selective",
                   precision="bf16")
    assert not est.memory.fits and est.memory.per_device.activations_gb > est.memory.capacity_gb
    full = estimate(model="llama-2-70b", tokens=1e12, hardware="a100-sxm-80gb", devices=64, tp=1, pp=1, zero=3,
                    micro_batch=1, seq_len=4096, global_batch_tokens=64 * 4096, activation_recompute="full",
                    precision="bf16")
    assert full.memory.fits


def test_validate_prints_the_layouts_beside_the_flat_mfu():
    from estimator.cli.accuracy_cmds import later_layouts_text
    out = later_layouts_text(DOC)
    assert "Published layouts gathered after the fit, never fitted (estimator/data/training_layouts_later.csv)" in out
    assert "(3 layouts): median factor 1.03×" in out and "flat MFU 1.36×" in out
    assert "7 of 7 measured inside the bracket, whose two ends are ×1.27 apart in the median" in out
    assert "inside (80% range or bracket)" in out
    line = next(x for x in out.splitlines() if x.startswith("tt-07 "))
    assert "selective op" in line and "351 … 451" in line and "yes (bracket)" in line


def _broken(tmp_path, edit):
    return edited_copy(LATER_LAYOUTS_PATH, tmp_path, edit)


@pytest.mark.parametrize("edit, words", [
    (lambda r: r.update(citation=" "), "line 2 has no citation"),
    (lambda r: r.update(model="llama-9"), "line 2: model 'llama-9' is not in the catalog"),
    (lambda r: r.update(hardware_id="a100"), "line 2: hardware 'a100' has no profile"),
    (lambda r: r.update(recompute_less="some"), "line 2: recompute_less 'some' is not one of none, selective, full"),
    (lambda r: r.update(recompute_less="full", recompute_more="none"), "line 2: recompute_less 'full' recomputes more"),
    (lambda r: r.update(tp="3"), "line 2: tp × pp does not divide the devices"),
    (lambda r: r.update(seq_len="8192.5"), "line 2: seq_len '8192.5' is not a positive whole number"),
    (lambda r: r.update(measured_tokens_per_s_per_device="inf"), "is not a positive number"),
    (lambda r: r.update(zero="4"), "line 2: zero '4' is not one of 0, 1, 2, 3"),
    (lambda r: r.update(row_id="tt-02"), "line 3: row_id 'tt-02' is used twice"),
    (lambda r: r.update(precision="fp8"), "line 2: precision 'fp8' has no peak in a100-sxm-80gb's profile"),
    (lambda r: r.update(reported_mfu_pct="abc"), "line 2: reported_mfu_pct 'abc' is not a number"),
    (lambda r: r.update(reported_mfu_pct="100"), "line 2: reported_mfu_pct '100' is 100 or more"),
    (lambda r: r.update(precision="bf17"), "line 2: precision 'bf17' has no peak"),
    (lambda r: r.update(recompute_published="selective op", recompute_less="full", recompute_more="full"),
     "line 2: recompute_published 'selective op' is not the step model's 'full'"),
])
def test_a_mistyped_row_is_refused_by_file_line_and_field(tmp_path, edit, words):
    path = _broken(tmp_path, edit)
    with pytest.raises(DataFileError) as err:
        load_later_layouts(path)
    assert str(path) in str(err.value) and words in str(err.value)
