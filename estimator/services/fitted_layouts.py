"""Whether a run's layout is one the step model was fitted on, and what it is worth then (a note on its estimate).

A published layout in ``estimator/data/training_layouts.csv`` that the fit used (``fit_use`` yes) is in sample: the
step model's agreement with its measured throughput is no test. Where a run sets the same model (``SHAPE_KEYS``),
hardware, sequence, global batch, parallel degrees and precision, its estimate says so, with the
row's prediction by a fit without its source (``step_fit.json``'s ``predictions``, written by ``python -m
estimator.io.layouts_data``) beside the measured figure and the flat MFU's (researcher review: the DeepSeek-V3 layout's
2.40M H800-hours, against the 2.664M published, read as a check where the row is fitted)."""

from __future__ import annotations

from functools import lru_cache

from estimator.core.training.plan import FITTED_LAYOUT, StepRun
from estimator.core.training.step import Layout, ModelShape
from estimator.fit.step_fit import LayoutRow, measured_tokens_per_s
from estimator.io.layouts_data import layout_citations, load_layout_rows, load_step_fit
from estimator.report import humanize as hz

# What makes a run the published one: the model (its layers, width and heads: a catalog shape may count its MLP or
# shared experts otherwise than the row), the hardware, the sequence and global batch, the parallel degrees (the
# devices with them) and the precision; not the micro-batch or the recomputation, which a user may leave at the
# tool's defaults where the source set others (DeepSeek-V3's row: selective recomputation, ZeRO-1)
SHAPE_KEYS = ("layers", "d_model", "heads")
LAYOUT_KEYS = ("seq_len", "global_batch", "tp", "pp", "cp", "ep", "dp", "precision")


def _key(shape: ModelShape, layout: Layout, hardware_id: str) -> tuple:
    return (hardware_id, *(getattr(shape, k) for k in SHAPE_KEYS), *(getattr(layout, k) for k in LAYOUT_KEYS))


@lru_cache(maxsize=1)
def _fitted() -> dict[tuple, LayoutRow]:
    return {_key(r.shape, r.layout, r.hardware_id): r for r in load_layout_rows() if r.use}


def fitted_row(shape: ModelShape, layout: Layout, hardware_id: str) -> LayoutRow | None:
    """The fitted published layout this run is (the module docstring); None where it is none."""
    return _fitted().get(_key(shape, layout, hardware_id))


def fitted_layout_note(run: StepRun, shape: ModelShape, hardware_id: str) -> str | None:
    """The note on a run whose layout the step model was fitted on: its source, the measured tokens/s a device, the
    prediction with the source held out and the flat MFU's from the same folds; None where the layout is none."""
    row = fitted_row(shape, run.layout, hardware_id)
    if row is None:
        return None
    pred = next((p for p in load_step_fit()["predictions"] if p["row_id"] == row.row_id), None)
    citation, where = layout_citations().get(row.row_id, (row.source_key, ""))
    measured = measured_tokens_per_s(row)
    held = ""
    if pred is not None and pred.get("held_out_tokens_per_s_per_device"):
        h, b = float(pred["held_out_tokens_per_s_per_device"]), float(pred["held_out_baseline_tokens_per_s_per_device"])
        held = (f"; predicted by a fit without its source, {hz.count(h)} ({max(h / measured, measured / h):.2f}× off; the "
                f"flat MFU of the same folds {hz.count(b)}, {max(b / measured, measured / b):.2f}× off)")
    return (f"{FITTED_LAYOUT} ({row.row_id}: {citation}{', ' + where if where else ''}), so its agreement with the "
            f"measured {hz.count(measured)} tokens/s a device is not a test{held}: `python -m estimator validate`")


__all__ = ["fitted_layout_note", "fitted_row"]
