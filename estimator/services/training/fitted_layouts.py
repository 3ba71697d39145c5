"""Whether a run's layout is one the step model was fitted on, and what it is worth then (a note on its estimate).

A published layout in ``estimator/data/training_layouts.csv`` that the fit used (``fit_use`` yes) is in sample: the
step model's agreement with its measured throughput is no test. Where a run sets the same model (``SHAPE_KEYS``),
hardware, sequence, global batch, parallel degrees and precision, its estimate says so, with the row's prediction by
a fit without its source (``step_fit.json``'s ``predictions``, written by ``python -m estimator fit-step``)
beside the measured figure and the flat MFU's (researcher review: the DeepSeek-V3 layout's 2.40M H800-hours, against
the 2.664M published, read as a check where the row is fitted). Two runs of one configuration (MegaScale's paper ran
its layouts on Megatron-LM and on MegaScale, whose overlaps the key leaves out) are both named."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from estimator.core.training.plan import FITTED_LAYOUT, RECOMPUTE_WORDS, InSample, StepRun
from estimator.core.training.step import Layout, ModelShape
from estimator.core.training.words import OUTSIDE_FIT_START
from estimator.fit.step_fit import LayoutRow, measured_tokens_per_s
from estimator.io.layouts_data import layout_citations, load_layout_rows, load_step_fit
from estimator.report import humanize as hz

# What makes a run the published one: the model (its depth, width, heads, KV heads, vocabulary and experts: a catalog
# shape may count its MLP or its shared experts otherwise than the row, so not those), the hardware, the sequence and
# global batch, the parallel degrees (the devices with them) and the precision; not the micro-batch or the
# recomputation, which a user may leave at the tool's defaults where the source set others (DeepSeek-V3's row:
# selective recomputation, ZeRO-1). Review 2026-11-28: depth, width and heads alone took Llama 3 8B, Mistral 7B and
# Mixtral 8x7B for MPT-7B's row.
SHAPE_KEYS = ("layers", "d_model", "heads", "kv_heads", "vocab", "experts")
# Megatron-LM pads the vocabulary to a multiple of 128 × the tensor parallelism (its --make-vocab-size-divisible-by,
# default 128): the published rows give GPT-3's 50,257 as 50,304 or 51,200 (final review 2026-11-28: matched exactly,
# GPT-3's rows were no longer found). Vocabularies are compared padded to a multiple of 128 × 8 (TP up to 8).
VOCAB_PAD = 128 * 8
LAYOUT_KEYS = ("seq_len", "global_batch", "tp", "pp", "cp", "ep", "dp", "precision")


def _padded(key: str, value):
    return -(-value // VOCAB_PAD) * VOCAB_PAD if key == "vocab" else value


def _key(shape: ModelShape, layout: Layout, hardware_id: str) -> tuple:
    return (hardware_id, *(_padded(k, getattr(shape, k)) for k in SHAPE_KEYS),
            *(getattr(layout, k) for k in LAYOUT_KEYS))


@lru_cache(maxsize=1)
def _fitted() -> dict[tuple, tuple[LayoutRow, ...]]:
    out: dict[tuple, tuple[LayoutRow, ...]] = {}
    for r in load_layout_rows():
        if r.use:
            k = _key(r.shape, r.layout, r.hardware_id)
            out[k] = out.get(k, ()) + (r,)
    return out


def outside_fit_words(shape: ModelShape, hardware_id: str, device_name: str, device_said: bool) -> str | None:
    """Where the run is of a kind the step model's fit data hold few or none of, so its range's coverage there is not
    measured: a device no fitted layout ran on (unless ``device_said``: the device's matmul note says it), a mixture of
    experts (the fit data hold one, so every mixture is said, with how many they hold); None where neither (MoE review
    2026-11-30: DeepSeek-V3 on GB200s read an "80% range" whose coverage rests on dense layouts on A100s and H100s)."""
    used = [r for r in load_layout_rows() if r.use]
    parts = []
    if not device_said and hardware_id not in {r.hardware_id for r in used}:
        parts.append(f"no published layout in its fit data ran on the {device_name}")
    if shape.experts > 1:
        from estimator.io.datafiles import default_profiles  # the devices' names
        moe = sorted({f"{r.model} on {default_profiles().get(r.hardware_id).name}" for r in used if r.shape.experts > 1})
        count = {0: "no", 1: "one"}.get(len(moe), hz.whole(len(moe)))
        parts.append(f"its fit data hold {count} mixture{'' if len(moe) == 1 else 's'} of experts"
                     + (f" ({', '.join(moe)})" if moe else ""))
    if not parts:
        return None
    return (OUTSIDE_FIT_START + " and ".join(parts)
            + ": its coverage on this run is not measured")


def fitted_rows(shape: ModelShape, layout: Layout, hardware_id: str) -> tuple[LayoutRow, ...]:
    """The fitted published layouts this run is (the module docstring), in the file's order; () where none."""
    return _fitted().get(_key(shape, layout, hardware_id), ())


def _one(row: LayoutRow) -> tuple[str, float | None]:
    """A row's words (its source and measured throughput, its prediction without its source) and that prediction ÷
    the measured."""
    pred = next((p for p in load_step_fit()["predictions"] if p["row_id"] == row.row_id), None)
    citation, where = layout_citations().get(row.row_id, (row.source_key, ""))
    measured = measured_tokens_per_s(row)
    words = f"{row.row_id}: {citation}{', ' + where if where else ''}; measured {hz.count(measured)} tokens/s a device"
    if pred is None or not pred.get("held_out_tokens_per_s_per_device"):
        return words, None
    h, b = float(pred["held_out_tokens_per_s_per_device"]), float(pred["held_out_baseline_tokens_per_s_per_device"])
    return (f"{words}, predicted by a fit without its source {hz.count(h)} ({max(h / measured, measured / h):.2f}× off; "
            f"the flat MFU of the same folds {hz.count(b)}, {max(b / measured, measured / b):.2f}× off)"), h / measured


# The layout's parts the key leaves out (``SHAPE_KEYS``' comment) that move the step's time most and a run can set, each
# with its words and the words by which a row says it assumed it: where a run sets one otherwise than the published row
# stated it, its note says what the row ran (researcher review 2026-11-29: BLOOM's layout without its full
# recomputation, timed 1.4× faster than the row's measured throughput, read as that row with no word of it). The
# micro-batch is left out (most rows assume it), and so are the interleaving (DeepSeek-V3's row takes 2 chunks for
# DualPipe, which no run can set) and ZeRO (it moves the memory more than the time).
APART = (("recompute", "recomputation not stated", RECOMPUTE_WORDS.__getitem__),
         # every row states whether its attention was FlashAttention (its assumptions speak of the version only)
         ("flash_attention", None, lambda v: "FlashAttention" if v else "eager attention"))


def _chunks(v: int, assumed: bool = False) -> str:
    return f"{v} interleaved chunk{'' if v == 1 else 's'} a stage" + (" (assumed)" if assumed else "")


# A row's interleaving said where the run's differs, assumed or stated: it sets the bubble, so the row's measured
# throughput is not this run's (researcher review 2026-11-30: Llama 3 405B's layout on 16,384 H100s without its 2
# chunks read 97.7 tokens/s beside the row's predicted 121 and measured 152, the difference unsaid)
VP_ASSUMED = "interleaved schedule (paper Fig. 6), its degree not stated"
# a row whose chunks stand in for another schedule (DeepSeek-V3's DualPipe) is not said: a run cannot set that schedule
VP_STAND_IN = "taken as 2 interleaved chunks for the bubble"


def differs_words(run_layout: Layout, row: LayoutRow) -> str:
    """"; it ran full recomputation, eager attention, where this run has no recomputation, FlashAttention" for the
    parts of ``APART`` the row states and the run sets otherwise, and its interleaving (``VP_ASSUMED``: said
    "(assumed)" where the source does not state it); "" where none."""
    parts = [(words(getattr(row.layout, k)), words(getattr(run_layout, k))) for k, assumed, words in APART
             if getattr(row.layout, k) != getattr(run_layout, k) and (assumed is None or assumed not in row.assumptions)]
    if row.layout.vp != run_layout.vp and VP_STAND_IN not in row.assumptions:
        parts.append((_chunks(row.layout.vp, VP_ASSUMED in row.assumptions), _chunks(run_layout.vp)))
    if not parts:
        return ""
    return (f"; it ran {', '.join(r for r, _ in parts)}, where this run has {', '.join(x for _, x in parts)}: "
            f"its time differs by {'it' if len(parts) == 1 else 'them'}")


def fitted_layout(run: StepRun, shape: ModelShape, hardware_id: str) -> tuple[StepRun, str | None]:
    """The run with the fitted published layouts it is (``StepRun.in_sample``), and its note; the run as it was and
    None where it is none."""
    rows = fitted_rows(shape, run.layout, hardware_id)
    if not rows:
        return run, None
    said = [(w + differs_words(run.layout, r), x) for r, (w, x) in zip(rows, (_one(r) for r in rows), strict=True)]
    note = (f"{FITTED_LAYOUT} ({'; '.join(w for w, _ in said)}), so its agreement with "
            f"{'that source' if len(rows) == 1 else 'those sources'} is not a test: `python -m estimator validate`")
    return replace(run, in_sample=InSample(tuple(r.row_id for r in rows), tuple(x for _, x in said))), note


def memory_settings_words(run_layout: Layout, rows: tuple[LayoutRow, ...]) -> str:
    """"ZeRO-2 and 2 interleaved chunks a stage" where the published rows ran a ZeRO stage or an interleaving other than
    the run's (the parts ``APART`` leaves out of the time, which set the memory); "" where they ran the run's
    (researcher review 2026-11-29: Llama 3 405B's layout without its ZeRO-2 and 2 chunks read "its savings unknown to
    this count", where with them the count fits)."""
    parts = []
    zeros = {r.layout.zero_stage for r in rows}
    if zeros != {run_layout.zero_stage}:
        parts.append(" or ".join(f"ZeRO-{z}" if z else "no ZeRO" for z in sorted(zeros)))
    vps = {r.layout.vp for r in rows}
    if vps != {run_layout.vp}:
        parts.append(" or ".join(f"{v} interleaved chunk{'' if v == 1 else 's'} a stage" for v in sorted(vps)))
    return " and ".join(parts)


__all__ = ["differs_words", "fitted_layout", "fitted_rows", "memory_settings_words", "outside_fit_words"]
