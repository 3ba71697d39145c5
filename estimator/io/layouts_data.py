"""The step model's fit data at the edge: published training layouts and the shipped fit.

Reads ``estimator/data/training_layouts.csv`` (86 published configurations, each row citing its
source) through the guarded reader into ``estimator.fit.step_fit.LayoutRow``s, with the hardware
from the bundled profiles; the fit's JSON (``fit_json``) that ``python -m estimator fit-step`` writes to
``estimator/data/step_fit.json`` (``--check``: compare instead).
"""

from __future__ import annotations

import csv
import io
import json
from functools import lru_cache

from estimator.core.base.errors import DataFileError, InputError
from estimator.core.base.units import PARAMS_PER_BILLION
from estimator.core.training.step import FLASH2_ON_HOPPER, Layout, ModelShape, step_hardware
from estimator.fit.step_fit import LayoutRow, fit_document
from estimator.io import safe_read
from estimator.io.datafiles import DATA_DIR, STEP_FIT_PATH, default_profiles

LAYOUTS_PATH = DATA_DIR / "training_layouts.csv"
FIT_COMMAND = "python -m estimator fit-step"


def _int(row, key, default=None):
    text = (row.get(key) or "").strip()
    return int(float(text)) if text else default


def _float(row, key, default=None):
    text = (row.get(key) or "").strip()
    return float(text) if text else default


def _row(row: dict, profiles) -> LayoutRow:
    where = f"{LAYOUTS_PATH.name} row {row.get('row_id')}"
    try:
        active = _float(row, "active_params_b")
        total = _float(row, "total_params_b")
        shape = ModelShape(
            layers=_int(row, "layers"), d_model=_int(row, "d_model"), heads=_int(row, "heads"),
            kv_heads=_int(row, "kv_heads"), vocab=_int(row, "vocab"), ffn=_int(row, "ffn"),
            ffn_matrices=_int(row, "ffn_matrices", 2), head_dim=_int(row, "head_dim"),
            experts=_int(row, "experts", 1), experts_per_token=_int(row, "experts_per_token", 1),
            active_params=active * PARAMS_PER_BILLION if active else None,
            total_params=total * PARAMS_PER_BILLION if total else None,
            nodes_per_token=_int(row, "nodes_per_token"),
            moe_layer_share=_int(row, "moe_layers", _int(row, "layers")) / _int(row, "layers"))
        usable = row["fit_use"].strip() == "yes"
        layout = Layout(
            seq_len=_int(row, "seq_len"), global_batch=_int(row, "global_batch", 1), micro_batch=_int(row, "micro_batch", 1),
            tp=_int(row, "tp", 1), pp=_int(row, "pp", 1), cp=_int(row, "cp", 1), ep=_int(row, "ep", 1),
            dp=_int(row, "dp", 1), vp=_int(row, "vp", 1), zero_stage=_int(row, "zero_stage", 1),
            recompute=row["recompute"].strip(), precision=row["precision"].strip(),
            sequence_parallel=bool(_int(row, "sequence_parallel", 0)), flash_attention=bool(_int(row, "flash_attention", 0)),
            tp_comm_overlap=bool(_int(row, "tp_comm_overlap", 0)), dp_overlap=bool(_int(row, "dp_overlap", 1)),
            expert_overlap_share=_float(row, "expert_overlap_share", 0.0),
            compute_sm_share=_float(row, "compute_sm_share", 1.0),
            grad_reduce_bytes=_int(row, "grad_reduce_bytes", 4),
            attention_kernel_share=FLASH2_ON_HOPPER if _int(row, "flash2_on_hopper", 0) else 1.0)
        hardware_id = row["hardware_profile"].strip()
        profile = profiles.get(hardware_id)
        try:
            hardware = step_hardware(profile, scale_up_devices=_int(row, "scale_up_devices"),
                                     scale_out_gb_per_s=_float(row, "scale_out_gb_per_s"))
        except InputError:
            if usable:
                raise
            hardware = None   # a row outside the fit whose hardware lacks link facts: not predicted
        return LayoutRow(row_id=row["row_id"], source_key=row["source_key"], model=row["model"], shape=shape,
                         layout=layout, hardware=hardware, hardware_id=hardware_id,
                         measured_kind=row["measured_kind"].strip(), measured_value=_float(row, "measured_value", 0.0),
                         use=usable, why_not="" if usable else row["fit_use"].strip(),
                         assumptions=(row.get("assumptions") or "").strip())
    except (KeyError, TypeError, ValueError, InputError) as exc:
        raise DataFileError(f"{where}: {exc}") from None


@lru_cache(maxsize=1)
def load_layout_rows() -> tuple[LayoutRow, ...]:
    text = safe_read.read_data_text(LAYOUTS_PATH)
    profiles = default_profiles()
    return tuple(_row(r, profiles) for r in csv.DictReader(io.StringIO(text)))


def fit_json() -> str:
    document = fit_document(load_layout_rows(), f"estimator/data/{LAYOUTS_PATH.name}", FIT_COMMAND)
    return json.dumps(document, indent=1, sort_keys=False) + "\n"


def load_step_fit() -> dict:
    return safe_read.read_data_json(STEP_FIT_PATH)


@lru_cache(maxsize=1)
def layout_citations() -> dict[str, tuple[str, str]]:
    """Each published layout's source and where in it (``training_layouts.csv``'s source_citation and
    source_location), by row id: what a note on a run that is one of them cites."""
    text = safe_read.read_data_text(LAYOUTS_PATH)
    return {r["row_id"]: (r["source_citation"].strip(), r["source_location"].strip())
            for r in csv.DictReader(io.StringIO(text))}


def summary_lines(doc: dict) -> list[str]:
    """The fit's cross-validation by source in a line each: the step model's and the baseline's."""
    cv = doc["cross_validation"]
    return [f"{name}: held-out median factor ×{cv[name]['median_factor']}, 80% range holds "
            f"{cv[name]['coverage_80']:.0%} of {cv[name]['rows']} rows (median range ×{cv[name]['median_range_factor']})"
            for name in ("step_model", "flat_mfu_baseline")]


