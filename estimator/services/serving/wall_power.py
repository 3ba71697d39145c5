"""The default engine's node at the wall on MLPerf Inference's power results (issue 54's "energy per token at the
wall"): `validate --inference` and the Accuracy page show it.

Each MLPerf result with a measured power (estimator/data/mlperf_inference.csv's ``power_w``: the whole system at the
wall) is predicted by the shipped optimized-2024 fit (``estimator.fit.mlperf_power``: its configuration as
``serving_mlperf.predict`` serves it, its node as the inference's ``node_power_w``); its energy per token at the
wall with the tokens/s the engine predicted for it held out by model and by hardware (serving_fit.json's
``optimized_engine.validation.rows``, as ``fit-serving`` wrote them). The engine's power was never fitted to
these results: its power factor is vllm-2024's (ML.ENERGY's GPU energy).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

from estimator.core.base.errors import DataFileError
from estimator.core.base.interval import LEVEL
from estimator.core.serving.engines import OPTIMIZED_ENGINE
from estimator.fit.mlperf_power import WallRow, j_per_token_metrics, power_metrics, wall_rows
from estimator.fit.serving_mlperf import server_share
from estimator.io.datafiles import default_profiles
from estimator.io.serving_data import (
    MLPERF_PATH,
    MLPERF_POWER_LIMITS_PATH,
    SERVING_FIT_PATH,
    engine_profile,
    load_engine_validation,
    load_mlperf,
    load_serving_fit,
)

ENGINE = OPTIMIZED_ENGINE
# Issue 54's target for energy per token at the wall on MLPerf's power results: a median factor within 1.25.
TARGET_FACTOR = 1.25
# MLPerf's name for a power-optimised submission (a system run at capped power): its results' system names carry it.
MAXQ = "MaxQ"
# How each held-out tokens/s is stored in serving_fit.json's rows, and how this document names it.
HELD_OUT = (("by_model", "model_held_out"), ("by_hardware", "hardware_id_held_out"))
BASELINE_LABELS = {"tdp_and_host": "TDP + host", "limit_and_host": "limit + host", "tdp_only": "TDP only",
                   "tdp_only_flat_roofline": "TDP only ÷ flat roofline"}
BASELINES = {
    "tdp_and_host": "the devices at their TDP and the same host part per device (the nameplate node)",
    "limit_and_host": ("the devices at their power limit where the submitter states it (else their TDP) and the same "
                       "host part (the nameplate node at the limit: what knowing the limit gives, without a serving model)"),
    "tdp_only": "the devices' TDP only, no host",
    "tdp_only_flat_roofline": ("the devices' TDP only ÷ the flat roofline's tokens/s from the same folds (no "
                                "serving model at all)"),
}


def _narrow(ws: tuple[WallRow, ...]) -> str:
    """What the rows are: how many MaxQ (power-capped) submissions, of how many systems."""
    systems = sorted({w.row.system for w in ws})
    maxq = sum(MAXQ in w.row.system for w in ws)
    versions = "/".join(sorted({w.row.version for w in ws}))
    if maxq == len(ws) and len(systems) == 1:
        return (f"all {len(ws)} are MaxQ (power-capped) submissions of one system, {systems[0]}, MLPerf Inference "
                f"{versions}: the check is narrow (one device, one host, one power setting)")
    return (f"{maxq} of {len(ws)} are MaxQ (power-capped) submissions, of {len(systems)} system(s) "
            f"({'; '.join(systems)}), MLPerf Inference {versions}")


def _held_rows() -> dict[str, dict]:
    rows = load_engine_validation(ENGINE).get("rows")
    if not rows:
        raise DataFileError(f"{SERVING_FIT_PATH}: {ENGINE}'s validation has no rows; re-create it with "
                            "`python -m estimator fit-serving`")
    return {x["row_id"]: x for x in rows}


@lru_cache(maxsize=1)
def wall_power_document() -> dict[str, Any]:
    """Node power and energy per token at the wall against MLPerf's power results, every row and the summaries
    (cached: treat it as read-only)."""
    fit = load_serving_fit(ENGINE)
    rows = load_mlperf()
    profiles = default_profiles()
    ws = wall_rows(rows, {r.hardware_id: profiles.by_id(r.hardware_id) for r in rows if r.power_w is not None},
                   fit, server_share(rows), engine_profile(ENGINE).max_batch)
    held = _held_rows()
    missing = [w.row.row_id for w in ws if w.row.row_id not in held]
    if missing:
        raise DataFileError(f"{SERVING_FIT_PATH}: {ENGINE}'s validation rows lack {', '.join(missing)}; re-create it "
                            "with `python -m estimator fit-serving`")
    half = fit.energy_log_half_width
    j = {}
    for name, key in HELD_OUT:
        tps = [held[w.row.row_id][key]["tokens_per_s"] for w in ws]
        flat = [held[w.row.row_id][key]["baseline"] for w in ws]
        j[name] = {k: m.to_dict() for k, m in j_per_token_metrics(ws, tps, half, flat).items()}
    return {
        "engine": ENGINE,
        "data": (f"estimator/data/{MLPERF_PATH.name}: the {len(ws)} results with a measured power (whole system at "
                 "the wall)"),
        "narrow": _narrow(ws),
        "method": ("each row's node power as the shipped engine predicts its configuration (Offline: the largest "
                   "batch; Server: the TPOT bound × the fitted Server share), the inference's node_power_w: the "
                   "devices at their modelled load and their hosts, before PUE; energy per token at the wall = that "
                   "power ÷ the tokens/s the engine predicted with the row's model (or hardware) held out, against "
                   "the measured power ÷ the measured tokens/s. The engine's power was never fitted to these "
                   "results (its power factor is vllm-2024's)"),
        "node": "; ".join(sorted({w.node.source for w in ws})),
        "range": (f"node power: the profile's power interval ({LEVEL:.0%}), as node_power_w's range; energy per token: "
                  f"×/÷ {math.exp(half):.2f}, the engine's stated range of energy per output token"),
        "baselines": BASELINES,
        "target_factor": TARGET_FACTOR,
        "devices_at_tdp": sum(w.served.step.power_fraction >= 1.0 for w in ws),
        # served under their GPUs' power limit (known from the submitter's configs), and at it
        "limits": (f"estimator/data/{MLPERF_POWER_LIMITS_PATH.name}: the GPUs' power limit of {sum(w.limit_w is not None for w in ws)} "
                   f"of the {len(ws)} rows, from the submitter's configs; the others served at their modelled draw"),
        "devices_at_limit": sum(w.served.step.unlimited_power_w is not None for w in ws),
        "limited": sum(w.limit_w is not None for w in ws),
        "power": power_metrics(ws),
        "j_per_token": j,
        "rows": [_row(w, held[w.row.row_id], half) for w in ws],
    }


def _row(w: WallRow, held: dict, half: float) -> dict[str, Any]:
    r, t = w.row, w.served
    out = {"row_id": r.row_id, "model": r.model, "hardware": r.hardware_id, "system": r.system, "scenario": r.scenario,
           "devices": r.devices, "bits": r.bits, "kv_bits": r.kv_bits, "tp": t.tp, "replicas": t.replicas,
           "batch": t.batch, "device_power_w": t.step.power_w, "host_w_per_device": w.node.host_w_per_device,
           "power_limit_w": w.limit_w, "limit_slowdown": w.limit_slowdown,
           "measured_power_w": w.measured_w, "predicted_power_w": w.node.power_w, "range_power_w": list(w.node.range_w),
           "ratio": w.ratio, "inside": w.inside, "tdp_and_host_w": w.tdp_and_host_w,
           "limit_and_host_w": w.limit_and_host_w, "tdp_only_w": w.tdp_only_w,
           "measured_tokens_per_s": r.tokens_per_s, "measured_j_per_token": w.measured_j_per_token}
    for name, key in HELD_OUT:
        tokens_per_s = held[key]["tokens_per_s"]   # under the row's power limit, where known, as every fold served it
        j = w.node.power_w / tokens_per_s
        out[name] = {"tokens_per_s": tokens_per_s, "j_per_token": j,
                     "range_j_per_token": [j / math.exp(half), j * math.exp(half)],
                     "factor": math.exp(abs(math.log(j / w.measured_j_per_token))),
                     "inside": abs(math.log(j / w.measured_j_per_token)) <= half}
    return out


def _factor(x: float) -> str:
    return f"{x:.2f}×"


def summary_lines(w: dict, level: str) -> list[str]:
    """The check in sentences, as `validate --inference` prints them and the Accuracy page shows them."""
    p = w["power"]
    m = p["model"]
    n = m["n"]
    tdp = (f"the modelled device draw is the TDP on {w['devices_at_tdp']} of {n} rows (MLPerf's batches keep the "
           "devices busy), so there the model is the nameplate node" if w["devices_at_tdp"] else "")
    if w.get("limited"):
        tdp = "; ".join(x for x in (tdp, f"{w['devices_at_limit']} of the {w['limited']} rows with a known GPU power "
                                          "limit are held to it (their devices draw the limit and run slower)") if x)
    j = w["j_per_token"]
    verdict = "; ".join(f"{by.removeprefix('by_')} held out {_factor(x['model']['median_factor'])} "
                        f"({'met' if x['model']['median_factor'] <= w['target_factor'] else 'missed'})"
                        for by, x in j.items())
    return [
        f"Narrow: {w['narrow']}.",
        f"Node power at the wall: the model is off by a median {_factor(m['median_factor'])} (predicted ÷ measured "
        f"{m['geometric_mean_ratio']:.2f}), {round(m['interval_coverage'] * n)} of {n} inside its {level} range; beside it, "
        + "; ".join(f"{BASELINE_LABELS[k]} {_factor(p[k]['median_factor'])}"
                    for k in ("tdp_and_host", "limit_and_host", "tdp_only"))
        + (f"; {tdp}." if tdp else "."),
        f"Energy per token at the wall, target a median factor within {w['target_factor']:g}×: {verdict}.",
    ]


def j_per_token_rows(w: dict, level: str) -> tuple[list[str], list[list]]:
    """Energy per token at the wall held out by model and by hardware, beside the baselines, as text cells (``level``:
    the ranges' level in words, "80%")."""
    header = ["held out", "rows", "median factor", f"{level} coverage", "predicted ÷ measured", *BASELINE_LABELS.values()]
    rows = []
    for by, x in w["j_per_token"].items():
        m = x["model"]
        rows.append([by.removeprefix("by_"), m["n"], _factor(m["median_factor"]), f"{m['interval_coverage']:.0%}",
                     f"{m['geometric_mean_ratio']:.2f}", *(_factor(x[k]["median_factor"]) for k in BASELINE_LABELS)])
    return header, rows


def wall_rows_table(w: dict, level: str) -> tuple[list[str], list[list]]:
    """Every MLPerf power result: the configuration predicted, the node's power against the measured, and energy
    per token at the wall measured and predicted with each held-out tokens/s, as text cells."""
    header = ["row", "model", "scenario", "TP × replicas", "batch", "limit W", "node W", f"{level} range W", "measured W",
              "ratio", "in", "J/token", "by model", "in", "by hardware", "in"]
    rows = []
    for r in w["rows"]:
        lo, hi = r["range_power_w"]
        rows.append([r["row_id"], r["model"], r["scenario"], f"{r['tp']} × {r['replicas']}", f"{r['batch']:,}",
                     "none" if r["power_limit_w"] is None else f"{r['power_limit_w']:,.0f}", f"{r['predicted_power_w']:,.0f}", f"{lo:,.0f}–{hi:,.0f}", f"{r['measured_power_w']:,.0f}",
                     f"{r['ratio']:.2f}", "yes" if r["inside"] else "no", f"{r['measured_j_per_token']:.3f}",
                     *(x for by in ("by_model", "by_hardware")
                       for x in (f"{r[by]['j_per_token']:.3f}", "yes" if r[by]["inside"] else "no"))])
    return header, rows


def power_limit_line(p: dict) -> str:
    """A power limit's slowdown held out by model beside its baselines (serving_fit.json's power_limit), in words,
    as `validate --inference` prints it and the Accuracy page shows it."""
    v = p["validation"]
    return (f"Held out by model ({v['method']}): the capped results' tokens/s off by a median "
            f"{v['model']['median_factor']:.2f}× (predicted ÷ measured {v['model']['geometric_mean_ratio']:.2f}); "
            "baselines in the same run: " + "; ".join(f"{k} ({v['baselines'][k]}) {v[k]['median_factor']:.2f}×"
                                                      for k in v["baselines"])
            + f". Shipped exponent {p['exponent']:.3f} (fitted to all {p['n_pairs']} pairs).")


def power_limit_table(p: dict) -> tuple[list[str], list[list]]:
    """Each capped result beside its uncapped twin, the limit, the measured and held-out predicted tokens/s."""
    header = ["capped", "uncapped", "model", "scenario", "limit W", "limit ÷ TDP", "capped ÷ uncapped",
              "exponent (held out)", "tokens/s", "predicted"]
    rows = [[x["capped"], x["uncapped"], x["model"], x["scenario"], f"{x['limit_w']:,.0f}", f"{x['limit_ratio']:.2f}",
             f"{x['measured_ratio']:.3f}", f"{x['exponent_held_out']:.3f}", f"{x['measured_tokens_per_s']:,.0f}",
             f"{x['predicted_tokens_per_s']:,.0f}"] for x in p["validation"]["pairs"]]
    return header, rows


__all__ = ["BASELINES", "BASELINE_LABELS", "ENGINE", "MAXQ", "TARGET_FACTOR", "j_per_token_rows", "power_limit_line",
           "power_limit_table", "summary_lines", "wall_power_document", "wall_rows_table"]
