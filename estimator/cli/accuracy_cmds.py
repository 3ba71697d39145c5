"""Subcommands: validate (out-of-sample accuracy; ``--inference``: the serving model) and
fit-utilization (re-run the fit)."""

from __future__ import annotations

import math
import sys

from estimator.core.base.number_text import gfmt
from estimator.core.base.units import MS_PER_S
from estimator.core.hardware.profile import DISPLAY_FLOPS
from estimator.core.hardware.utilization_model import COVARIATES, RULE_LABEL
from estimator.core.training.utilization_choice import centre_name, reference_run
from estimator.fit.serving_fit import FACTOR_BANDS as SERVING_BANDS
from estimator.fit.utilization_cv import FACTOR_BANDS
from estimator.io.datafiles import (
    UTILIZATION_FIT_PATH,
    UTILIZATION_VALIDATION_PATH,
    load_utilization_model,
    load_validation_document,
)
from estimator.report import export
from estimator.report import humanize as hz
from estimator.report.provenance import tool_info
from estimator.services.accuracy import utilization as accuracy
from estimator.services.accuracy.fit_check import check_fit
from estimator.services.accuracy.utilization import MISS_FACTOR, power_verdicts
from estimator.services.accuracy.words import DESIGN_OPTIMISM, energy_runs
from estimator.services.serving import accuracy as serving_accuracy
from estimator.services.serving import trtllm_check, wall_power
from estimator.services.training import fitted_step
from estimator.services.training.later_layouts import inside_words, later_layouts_document
from estimator.services.training.measured_steps import measured_steps_document, memory_words, precision_gain_words
from estimator.services.training.whole_runs import whole_runs_document


def _table(header, rows) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    return "\n".join("  ".join(str(x).ljust(w) for x, w in zip(row, widths)) for row in [header] + rows)


SERVING_FIGURES = (("joules_per_output_token", "J per output token"), ("seconds_per_output_token", "TPOT"))
SERVING_BASELINES = (("previous", "previous model"), ("per_parameter_per_gpu", "per parameter, per GPU"),
                     ("flat_per_gpu", "flat per GPU"))


def working(what: str) -> None:
    """Say on a terminal's stderr that a long silent computation has started (a pipe or a file gets
    nothing, so output that is read stays as it was). ``fit-utilization`` refits the model once per held-out run:
    about 20 s on an idle 2-core machine, over a minute under load."""
    if sys.stderr.isatty():
        print(f"{what} (about 20 s to a minute) …", file=sys.stderr, flush=True)


def _json_or_level(args, doc) -> str | None:
    """``--format json``: print the document (None); otherwise its interval level, e.g. "80%"."""
    if args.format == "json":  # the tool's name and version first, as every JSON the CLI prints (issue 55)
        print(export.dump_json({"tool": tool_info(), **doc}))
        return None
    return f"{doc['interval_level']:.0%}"


def _inside(inside: bool, level: str) -> str:
    return f"inside the {level} range" if inside else f"outside the {level} range"


def validate_inference(args) -> None:
    doc = accuracy.inference_validation_document()
    if (level := _json_or_level(args, doc)) is None:
        return
    _optimized_engine(doc["optimized_engine"], level)
    _trtllm_check(doc["trtllm_check"], level)
    _wall_power(doc["wall_power"], level)
    _power_limit(doc["power_limit"])
    print(f"\nThe vllm-2024 engine on ML.ENERGY's configurations, out of sample: {doc['method']}.")
    print(f"Data: {doc['data']}. Model: estimator/core/serving/step.py with estimator/data/serving_fit.json.")
    print("Baselines, in the same run: " + "; ".join(f"{label}: {doc['baselines'][k]}" for k, label in SERVING_BASELINES)
          + ".\n")
    header = ["figure", "configs", "median factor", *(label for _, label in SERVING_BASELINES),
              *(f"within {gfmt(b)}×" for b in SERVING_BANDS), "predicted ÷ measured", f"{level} coverage", "by model", "mean width"]
    rows = []
    for key, label in SERVING_FIGURES:
        m = doc[key]["model"]
        rows.append([label, m["n"], f"{m['median_factor']:.2f}×",
                     *(f"{doc[key][b]['median_factor']:.2f}×" for b, _ in SERVING_BASELINES),
                     *(f"{m[f'share_within_{x:g}x']:.0%}" for x in SERVING_BANDS),
                     f"{m['geometric_mean_ratio']:.2f} (geo. mean)", f"{m['interval_coverage']:.0%}",
                     f"{m['interval_coverage_by_model']:.0%}", f"×{m['interval_mean_width_factor']:.2f}"])
    print(_table(header, rows))
    print(f"\nmedian factor: median of max(predicted/measured, measured/predicted); {level} coverage: {doc['interval_method']}; "
          "mean width: geometric mean of the interval's high ÷ low.")
    _by_architecture(doc["by_architecture_and_engine"], level)
    _eager_engine(doc["eager_engine"], level)
    rows = []
    for c in doc["configs"]:
        rows.append([c["model"].split("/")[-1], c["hardware"], c["tensor_parallel"], f"{gfmt(c['batch'])}",
                     f"{gfmt(c['measured_j_per_output_token'], 3)}", f"{gfmt(c['predicted_j_per_output_token'], 3)}",
                     f"{gfmt(c['interval_j_per_output_token'][0], 3)}–{gfmt(c['interval_j_per_output_token'][1], 3)}",
                     "yes" if c["inside_j"] else "no",
                     f"{gfmt(c['measured_tpot_s'] * MS_PER_S, 3)}", f"{gfmt(c['predicted_tpot_s'] * MS_PER_S, 3)}",
                     f"{gfmt(c['interval_tpot_s'][0] * MS_PER_S, 3)}–{gfmt(c['interval_tpot_s'][1] * MS_PER_S, 3)}",
                     "yes" if c["inside_tpot"] else "no",
                     f"{gfmt(c['previous_j_per_output_token'], 3)}", f"{gfmt(c['per_parameter_j_per_output_token'], 3)}"])
    print(_table(["model", "hardware", "TP", "batch", "J/token", "predicted", f"{level} interval", "in",
                  "TPOT ms", "predicted", f"{level} interval", "in", "J previous", "J per-param"], rows))
    if misses := accuracy.serving_misses(doc):
        print(f"\nMissed by more than {gfmt(MISS_FACTOR)}× (TPOT or J per output token):")
        for c in misses:
            print(f"  {c['model'].split('/')[-1]} on {c['hardware']}, TP {c['tensor_parallel']}, batch {gfmt(c['batch'])}: "
                  f"TPOT {c['factor_tpot']:.2f}× off ({_inside(c['inside_tpot'], level)}), "
                  f"J per token {c['factor_j']:.2f}× ({_inside(c['inside_j'], level)})")
    share = [c["batch_avg"] / c["batch"] for c in doc["configs"]]
    print(f"\nbatch: the configured maximum, the input a user gives (the realised average was "
          f"{min(share):.0%}–{max(share):.0%} of it); prompt tokens: a documented mean per task "
          "(estimator/io/serving_data.py), not in the measurements.")
    _independent_tpot(doc["independent_tpot"], level)
    _later_tpot(doc["later_tpot"], level)
    _vllm_later(doc["vllm_later"], level)
    _measured_decode(doc["measured_decode"], level)
    _measured_speculative(doc["measured_speculative"], level)
    f = doc["fit"]
    print(f"\nShipped fit (all configurations): engine {gfmt(f['engine_s_per_layer'] * MS_PER_S, 3)} ms per layer and "
          f"{gfmt(f['engine_s_per_sequence'] * MS_PER_S, 3)} ms per sequence per step, {gfmt(f['tp_s_per_allreduce'] * MS_PER_S, 3)} ms per "
          f"all-reduce, GPU busy {gfmt(f['busy_per_roofline_s'], 3)} × the roofline time; {level} interval ×/÷ "
          f"{gfmt(math.exp(f['energy_log_half_width']), 3)} (J per output token), ×/÷ {gfmt(math.exp(f['tpot_log_half_width']), 3)} (TPOT).")
    print("Each fitted number beside what it can be held against:")
    for k, m in doc["fit_meaning"].items():
        print(f"  {k} = {gfmt(f[k], 3)}: {m['what']}; {m['beside']}")
    print("Sourced, not fitted: " + "; ".join(doc["sourced"].values()) + ".")


def _optimized_engine(o: dict, level: str) -> None:
    """The default engine's cross-validation on MLPerf Inference, as fit-serving computed it (shipped)."""
    print(f"The default engine ({o['engine']}: {o['label']}) on MLPerf Inference, tokens/s out of sample: {o['method']}. "
          f"Data: {o['data']}. Computed by {o['computed_by']}.")
    print(f"Beside it, in the same run: flat roofline: {o['baseline']}; "
          + "; ".join(o["older_engines"].values()) + ".\n")
    print(_table(*serving_accuracy.optimized_engine_rows(o, level)))
    sb, sbb = o["small_batch_by_model"], o["small_batch_baseline"]
    print(f"by group: each held-out group's share inside, averaged over the groups. Small-batch TPOT (published "
          f"decode times, held out by model): {sb['median_factor']:.2f}× off in the median over {sb['n']} rows, beside "
          f"{sbb['median_factor']:.2f}× for the previous model (weight bytes ÷ the full bandwidth, no engine) on the "
          "same rows.")
    print(serving_accuracy.ttft_under_load_line(o["ttft_under_load"]))
    print(serving_accuracy.held_out_by_model_line())


def _trtllm_check(t: dict, level: str) -> None:
    """The default engine on TensorRT-LLM's published throughput table (newer models and GPUs), never fitted."""
    print(f"\nThe default engine ({t['engine']}) on TensorRT-LLM's published throughput, never fitted ({t['data']}): "
          f"{t['method']}. Baseline, in the same run: {t['baseline']}.")
    print(trtllm_check.summary_line(t, level))
    print(_table(list(trtllm_check.GROUP_HEADER), trtllm_check.group_rows(t)))
    print(trtllm_check.layout_line(t))


def _wall_power(w: dict, level: str) -> None:
    """The default engine's node power and energy per token at the wall against MLPerf's power results."""
    print(f"\nThe default engine ({w['engine']}) at the wall on MLPerf Inference's power results: {w['method']}. "
          f"Data: {w['data']}. Power limits: {w['limits']}. The node: {w['node']}. Ranges: {w['range']}. Baselines, in the same run: "
          + "; ".join(f"{wall_power.BASELINE_LABELS[k]}: {v}" for k, v in w["baselines"].items()) + ".")
    for line in wall_power.summary_lines(w, level):
        print(line)
    print("\n" + _table(*wall_power.j_per_token_rows(w, level)))
    print("\n" + _table(*wall_power.wall_rows_table(w, level)))
    print("J/token at the wall: measured power ÷ measured tokens/s; by model, by hardware: the predicted node power ÷ "
          "the tokens/s predicted with that group held out.")


def _power_limit(p: dict) -> None:
    """How much slower a device runs under a power limit (``inference --power-limit-w``), held out by model."""
    print(f"\nA device under a power limit (inference --power-limit-w): {p['about']}")
    print(wall_power.power_limit_line(p))
    print(_table(*wall_power.power_limit_table(p)))


def _by_architecture(g: dict, level: str) -> None:
    """The same check with same-shape models on one engine held out together (review)."""
    j, t = g["joules_per_output_token"]["model"], g["seconds_per_output_token"]["model"]
    print(f"Held out by shape and engine ({g['method']}): J per output token {j['median_factor']:.2f}×, {level} "
          f"coverage {j['interval_coverage']:.0%} at width ×{gfmt(j['interval_mean_width_factor'], 3)}; TPOT "
          f"{t['median_factor']:.2f}×, coverage {t['interval_coverage']:.0%} at width ×{gfmt(t['interval_mean_width_factor'], 3)}; "
          f"beside them the previous model (weight bytes ÷ the full bandwidth, no engine): J per output token "
          f"{g['joules_per_output_token']['previous']['median_factor']:.2f}×, TPOT "
          f"{g['seconds_per_output_token']['previous']['median_factor']:.2f}×. "
          "The centre holds up; the interval's coverage above rests on counting models of one shape on one engine "
          "as separate models: only two measured models have batches and tensor parallelism, too few to calibrate "
          "an interval for that regime.\n")


def _eager_engine(e: dict, level: str) -> None:
    """The eager engine (``--engine eager-2023``) held out by model on the FastChat rows it was fitted to."""
    parts = []
    for key, label in (("tpot", "TPOT"), ("joules_per_output_token", "J per output token")):
        m, p, f = e[key]["model"], e[key]["previous"], e[key]["flat_per_gpu"]
        parts.append(f"{label} {m['median_factor']:.2f}× (its {level} range holding {round(m['interval_coverage'] * m['n'])} "
                     f"of {m['n']}, ×{gfmt(m['interval_mean_width_factor'], 3)} wide), beside the previous model's "
                     f"{p['median_factor']:.2f}× and a flat figure per GPU's {f['median_factor']:.2f}×")
    n = e["tpot"]["model"]["n"]
    print(f"The {e['engine']} engine on the FastChat rows it was fitted to ({e['method']}): " + "; ".join(parts)
          + f". {n} configurations, so a coverage moves in steps of 1 in {n}; three of the four models are one shape "
          "(32 × 4096) on one setup, so held out by model they vouch for each other, as the check held out by shape "
          "and engine above says of the same rows.\n")


def _independent_tpot(t: dict, level: str) -> None:
    """The TPOT check on published small-batch measurements none of the fit saw."""
    print(f"\nSmall-batch TPOT on published benchmarks the online engine never saw ({t['data']}): {t['method']}. "
          "Baseline in the same run: "
          "the previous model (weight bytes ÷ full bandwidth, no engine).")
    rows = []
    for name, s in [*t["by_source"].items(), ("all", t["overall"])]:
        m, p = s["model"], s["previous"]
        rows.append([name, s.get("engine", ""), m["n"], f"{m['median_factor']:.2f}×",
                     f"{s['median_predicted_over_measured']:.2f}", f"{m['share_within_2x']:.0%}",
                     f"{m['interval_coverage']:.0%}", f"{p['median_factor']:.2f}×", f"{p['geometric_mean_ratio']:.2f}"])
    print(_table(["benchmark", "engine", "rows", "median factor", "predicted ÷ measured (median)", "within 2×",
                  f"{level} coverage", "previous model", "previous ÷ measured (geo. mean)"], rows))
    print("These benchmarks run a fixed batch with no prompts arriving, on engines with compiled or graph-captured "
          "decoding; the online engine's costs come from vLLM (2024) serving a stream of requests and from FastChat. "
          "On them its TPOT is too slow and its intervals do not hold them: a small-batch estimate of the online "
          "engine is an upper bound for a latency-optimised one.")
    lat = t["latency_engine"]
    print(f"\nThe latency engine (inference --engine latency), fitted to those rows, {lat['method']}:")
    rows = []
    for name, s in [*lat["by_source"].items(), ("all", lat["overall"])]:
        m, p = s["model"], s["previous"]
        rows.append([name, m["n"], f"{m['median_factor']:.2f}×", f"{s['median_predicted_over_measured']:.2f}",
                     f"{m['share_within_2x']:.0%}", f"{m['interval_coverage']:.0%}", f"×{m['interval_mean_width_factor']:.2f}",
                     f"{p['median_factor']:.2f}×"])
    print(_table(["held out", "rows", "median factor", "predicted ÷ measured (median)", "within 2×", f"{level} coverage",
                  "mean width", "previous model"], rows))
    print("Its energy is the modelled power × its time; the measured decode steps below check it.")


def _later_tpot(t: dict, level: str) -> None:
    """The engines on the later published times, which no fit saw."""
    print(f"\nLater published times, never fitted ({t['data']}): {t['method']}. Baseline: the previous model.")
    rows = []
    for engine in serving_accuracy.LATER_ENGINES:
        for name, s in [*t[engine]["by_source"].items(), ("all", t[engine]["overall"])]:
            m, p = s["model"], s["previous"]
            rows.append([engine, name, m["n"], f"{m['median_factor']:.2f}×", f"{s['median_predicted_over_measured']:.2f}",
                         f"{m['interval_coverage']:.0%}", f"×{m['interval_mean_width_factor']:.2f}", f"{p['median_factor']:.2f}×"])
    print(_table(["engine", "benchmark", "rows", "median factor", "predicted ÷ measured (median)", f"{level} coverage",
                  "mean width", "previous model"], rows))


def _vllm_later(t: dict, level: str) -> None:
    """vllm-2024 on later vLLM 0.5 measurements of models its fit never saw."""
    o = t["overall"]
    print(f"\nvllm-2024 on later vLLM 0.5 measurements, never fitted ({t['data']}): {t['method']}. Baselines, in the "
          f"same run: {t['baselines']}.")
    print(f"TPOT median factor {o['model']['median_factor']:.2f}× (predicted ÷ measured, median "
          f"{o['median_predicted_over_measured']:.2f}), {level} coverage {o['model']['interval_coverage']:.0%}; per "
          f"parameter, per GPU {t['per_parameter']['median_factor']:.2f}×; flat per GPU {t['flat']['median_factor']:.2f}×; "
          f"previous model {o['previous']['median_factor']:.2f}×.")
    rows = [[r["model"], r["hardware"], r["tensor_parallel"], r["batch"], r["bits"], gfmt(r["measured_tpot_ms"], 3),
             gfmt(r["predicted_tpot_ms"], 3), "–".join(gfmt(x, 3) for x in r["interval_tpot_ms"]),
             "yes" if r["inside"] else "no", gfmt(r["per_parameter_tpot_ms"], 3), gfmt(r["previous_tpot_ms"], 3)]
            for r in t["rows"]]
    print(_table(["model", "hardware", "TP", "batch", "bits", "TPOT ms", "predicted", f"{level} interval", "in",
                  "per-param", "previous"], rows))
    print("TPOT here: the batch ÷ the output throughput (prefill inside). Three rows: a check of the direction, "
          "not a figure to quote on its own.")


def _measured_decode(t: dict, level: str) -> None:
    """The engines (the default, latency, vllm-2024) on decode steps this project measured on a real GPU."""
    print(f"\nDecode steps measured on a real GPU, never fitted ({t['data']}): {t['method']}.")
    rows = []
    for engine, by_source in t["by_engine"].items():
        for source, s in by_source.items():
            j, tp, pw = s["energy"], s["tpot"], s["power"]
            rows.append([engine, source, j["n"], f"{j['median_factor']:.2f}×", f"{j['geometric_mean_ratio']:.2f}",
                         f"{j['interval_coverage']:.0%}", f"{tp['median_factor']:.2f}×", f"{tp['geometric_mean_ratio']:.2f}",
                         f"{tp['interval_coverage']:.0%}", f"{pw['geometric_mean_ratio']:.2f}",
                         f"{s['previous_energy']['median_factor']:.2f}×", f"{s['previous_tpot']['median_factor']:.2f}×"])
    print(_table(["engine", "decoder", "rows", "J/token factor", "pred ÷ meas", f"{level} coverage", "TPOT factor",
                  "pred ÷ meas", f"{level} coverage", "power pred ÷ meas", "J previous", "TPOT previous"], rows))
    b = t["blind"]  # the rows measured after the default engine's last refit: for it a blind check
    print(f"Blind for {b['engine']} (runs from {b['from_run']}, measured after its last refit): " + "; ".join(
        f"{source} {s['energy']['n']} rows, J/token {s['energy']['median_factor']:.2f}× "
        f"({s['energy']['interval_coverage']:.0%} in range), TPOT {s['tpot']['median_factor']:.2f}× "
        f"(pred ÷ meas {s['tpot']['geometric_mean_ratio']:.2f}, {s['tpot']['interval_coverage']:.0%} in range)"
        for source, s in b["by_source"].items()) + ".")
    print("Factors say how far (median); pred ÷ meas, which way (geometric mean: below 1, predicted too low or too "
          "short). A latency-optimised engine captures each step as CUDA graphs, as gpt-fast does; an online engine's "
          "costs come from vLLM and FastChat (a Python loop at batch 1). Power is the GPU's own, host not included.")


def _measured_speculative(t: dict, level: str) -> None:
    """The latency engine on speculative decoding's steps measured on a real GPU, the naive baseline beside."""
    print(f"\nSpeculative decoding's steps measured on a real GPU, never fitted ({t['data']}): {t['method']}.")
    rows = [[r["hardware"], r["batch"], r["draft_tokens"], f"{r['measured_ratio']:.2f}", f"{r['predicted_ratio']:.2f}",
             f"{r['measured_step_ms']:.2f}", f"{r['predicted_step_ms']:.2f}", "yes" if r["inside_step"] else "no",
             f"{r['measured_verify_step_ms']:.2f}", f"{r['predicted_verify_step_ms']:.2f}",
             f"{r['measured_draft_pass_ms']:.3f}", f"{r['predicted_draft_pass_ms']:.3f}"] for r in t["rows"]]
    print(_table(["hardware", "batch", "drafts", "step ÷ plain", "predicted", "step ms", "predicted", "in",
                  "verify ms", "predicted", "draft pass ms", "predicted"], rows))
    r, n, s, ns = t["ratio"], t["naive_ratio"], t["step"], t["naive_step"]
    print(f"Step ÷ plain step: {r['median_factor']:.2f}× off (pred ÷ meas {r['geometric_mean_ratio']:.2f}), naive "
          f"(ratio 1) {n['median_factor']:.2f}×; the step's time {s['median_factor']:.2f}× off (pred ÷ meas "
          f"{s['geometric_mean_ratio']:.2f}, the {t['engine']} engine's {level} TPOT range, ×/÷ {t['range_factor']:.2f}, "
          f"holding {s['interval_coverage']:.0%}), "
          f"naive (the plain step) {ns['median_factor']:.2f}×. A speed-up is the tokens a step ÷ the ratio: where the "
          "ratio is predicted low, the speed-up is predicted high by as much, for this decoder.")


def _summary_table(summary, baseline: str, level: str) -> str:
    """Per family and overall: the model's figures, the baseline's beside them."""
    header = ["family", "runs", "median factor", baseline, *(f"within {gfmt(b)}×" for b in FACTOR_BANDS),
              f"{level} coverage", "mean width"]
    rows = []
    for fam, s in summary.items():
        m, b = s["model"], s["baseline"]
        rows.append([fam, m["n_runs"], f"{m['median_factor']:.2f}×", f"{b['median_factor']:.2f}×",
                     *(f"{m[f'share_within_{x:g}x']:.0%} ({b[f'share_within_{x:g}x']:.0%})" for x in FACTOR_BANDS),
                     f"{m['interval_coverage']:.0%}", f"×{m['interval_mean_width_factor']:.2f}"])
    return _table(header, rows)


NOTES = "; " + accuracy.NOTES_PREFIX  # where a likely reason quotes the run's own notes


def _miss_lines(rows, level: str, baseline: bool, noted: set[str]) -> list[str]:
    """A missed run per line, the worst first: its factor to two decimals (2.01× is a miss, where
    "2.0×" read as none), whether the interval still held it, the rule's miss, the likely reason
    (the data's notes on a run once: a run in ``noted`` points to them above; it is added to it)."""
    out = []
    for r in rows:
        held = f"; inside the {level} interval" if r["inside_interval"] else ""
        rule = f"; the baseline {r['baseline_factor']:.2f}×" if baseline else ""
        reason = r["likely_reason"]
        if r["run"] in noted and NOTES in reason:
            reason = reason.split(NOTES)[0] + NOTES + "above"
        noted.add(r["run"])
        out.append(f"  {r['run']} ({r['hardware']}, {r['source']}): predicted {hz.sig(r['predicted_device_hours'])} "
                   f"device-h, published {hz.sig(r['published_device_hours'])} ({r['factor']:.2f}×{rule}{held}) — {reason}")
    return out


def _verdict(held: dict, new_device_centre: str | None = None) -> str:
    """The plain reading, as the Accuracy page gives it, where a hold-out finds the centre no better than the rule."""
    reading = accuracy.no_better_reading(held, new_device_centre)
    return f": {reading}" if reading else ""


def step_model_text(cv: dict) -> str:
    """The step model's cross-validated figures beside the flat-MFU baseline's (estimator/data/step_fit.json)."""
    m, b = cv["step_model"], cv["flat_mfu_baseline"]
    return (f"\nFrom the run's plan (a layout or a shape: `estimate --tp …`, `plan`), the step model's tokens/s per device, "
            f"held out by source ({cv['rows']} published layouts, {len(cv['sources'])} sources; {cv['command']}): median "
            f"factor {m['median_factor']:.2f}× against {b['median_factor']:.2f}× for a flat MFU (model FLOPs, "
            f"{cv['flat_mfu_all_sources']:.1%} over all sources), {cv['level']:.0%} range holding {m['coverage_80']:.0%} "
            f"({b['coverage_80']:.0%}), median range ×/÷{m['median_range_factor']:.2f} (×/÷{b['median_range_factor']:.2f}); "
            "MFU counts model FLOPs (6·N + 12·L·s·a per token, no recomputation).")


def measured_steps_text(t: dict) -> str:
    """The step model on training steps this project measured on a real GPU, beside the flat MFU."""
    rows = [[r["name"], r["hardware"], hz.count(r["params"]), f"{r['seq_len']} × {r['micro_batch']}",
             f"{r['measured_tokens_per_s_per_device']:,.0f}", f"{r['predicted_tokens_per_s_per_device']:,.0f}",
             "yes" if r["inside"] else "no", f"{r['flat_mfu_tokens_per_s_per_device']:,.0f}",
             f"{r['measured_mfu']:.1%}", f"{r['predicted_mfu']:.1%}", f"{r['mean_sm_clock_mhz']:,.0f}",
             f"{r['measured_power_w']:.0f}",
             f"{r['peak_memory_gb']:.1f}" if r.get("peak_memory_gb") else "",
             f"{r['memory_model_gb']:.1f}" if r.get("memory_model_gb") else ""] for r in t["rows"]]
    by_mode = "; ".join(
        f"{mode} ({m['rows']} step{'s' if m['rows'] != 1 else ''}): step model median factor {m['median_factor']:.2f}× (signed "
        f"{m['median_signed_factor']:.2f}×: above 1 it predicts faster than measured), {m['coverage_80']:.0%} inside its "
        f"{t['level']:.0%} range; flat MFU {b['median_factor']:.2f}×, {b['coverage_80']:.0%}"
        for mode in t["modes"] for m, b in [(t["step_model"][mode], t["flat_mfu_baseline"][mode])])
    return (f"\nTraining steps measured on a real GPU, never fitted ({t['data']}): {t['method']}. {by_mode}.\n"
            + memory_words(t) + "\n"
            + _table(["model", "GPU", "params", "seq × batch", "measured tok/s", "step model", f"in {t['level']:.0%} range",
                      "flat MFU", "measured MFU", "step model MFU", "SM clock MHz", "power W", "peak GB",
                      "memory model GB"], rows)
            + "".join(f"\n{precision_gain_words(p)}." for p in t["precision_ratios"]))



def later_layouts_text(t: dict) -> str:
    """The step model on published layouts gathered after its fit, never fitted, beside the flat MFU."""
    m, b = t["modelled"], t["bracketed"]

    rows = [[r["row_id"], r["model"], r["hardware"], f"{r['devices']}", r["layout"], f"{r['seq_len']:,}",
             r["recompute_published"],
             r["recompute_less"] if r["mode_is_modelled"] else f"{r['recompute_less']} … {r['recompute_more']}",
             f"{r['measured_tokens_per_s_per_device']:,.0f}",
             f"{r['predicted_less_recompute']:,.0f}" if r["mode_is_modelled"]
             else f"{r['predicted_more_recompute']:,.0f} … {r['predicted_less_recompute']:,.0f}",
             inside_words(r), f"{r['flat_mfu_tokens_per_s_per_device']:,.0f}"] for r in t["rows"]]
    return (f"\nPublished layouts gathered after the fit, never fitted ({t['data']}): {t['method']}. Where the "
            f"recomputation is the step model's ({m['rows']} layouts): median factor {m['median_factor']:.2f}× (signed "
            f"{m['median_signed_factor']:.2f}×: above 1 it predicts faster than measured), {m['coverage_80']:.0%} inside "
            f"its {t['level']:.0%} range; flat MFU {m['flat_mfu_median_factor']:.2f}×. Between two modes "
            f"({b['rows']} layouts): {b['inside']} of {b['rows']} measured inside the bracket, whose two ends are "
            f"×{b['median_width_factor']:.2f} apart in the median (a wide bracket holds a row easily). Sources: "
            f"{' | '.join(t['citations'])}.\n"
            + _table(["row", "model", "GPU", "devices", "layout", "sequence", "recomputation (published)",
                      "step model's", "measured tok/s", "step model", f"inside ({t['level']:.0%} range or bracket)",
                      "flat MFU"], rows)
            + later_ratios_text(t))


def later_ratios_text(t: dict) -> str:
    """The later layouts' ratios within a table: the one setting a group's rows differ in, measured and predicted."""
    q = t["ratios"]
    rows = [[p["group"], f"{p['row_id']} ÷ {p['reference']}", f"{p['measured_ratio']:.3f}",
             f"{p['step_model_ratio']:.3f}", f"{p['factor']:.2f}×", f"{p['flat_mfu_ratio']:.3f}",
             f"{p['flat_mfu_factor']:.2f}×"] for p in q["rows"]]
    return (f"\nRatios within a benchmark ({q['pairs']} ratios in {q['groups']} groups: rows of one benchmark on the "
            f"same machines that differ in one setting, each over the group's first row; of the {t['variant_rows']} rows "
            f"on a variant of the profile's device, the {t['variant_rows_in_groups']} in a group are scored only here, "
            f"the others shown only): the step model's ratio is off the measured one by a median "
            f"factor of {q['median_factor']:.2f}× ({q['within_1_10']} of {q['pairs']} within 1.10×); the flat MFU's "
            f"{q['flat_mfu_median_factor']:.2f}× ({q['flat_mfu_within_1_10']} of {q['pairs']}).\n"
            + _table(["group", "ratio", "measured", "step model", "off by", "flat MFU", "off by"], rows))


def whole_runs_text(t: dict) -> str:
    """The step path's run time and its 80% range against published whole runs, beside the 30% rule."""
    s, pub, ass, fit = t["scored"], t["devices_published"], t["devices_assumed"], t["in_step_fit"]

    def part(x, what):
        if not x["runs"]:
            return f"{what}: none"
        return (f"{what} ({x['runs']}): {x['inside']} inside, the step path's device-hours {x['median_ratio']:.2f}× the "
                f"published in the median (off by {x['median_factor']:.2f}×; the {RULE_LABEL} {x['rule_median_factor']:.2f}×)")
    rows = [[r["run_id"], r["model"], f"{r['devices']:,}{'' if r['devices_published'] else ' (assumed)'}", r["hardware"],
             f"{r['published_device_hours']:,.0f}", f"{r['step_device_hours']:,.0f}",
             f"{r['range_device_hours'][0]:,.0f}–{r['range_device_hours'][1]:,.0f}",
             "in step fit" if r["in_step_fit"] else ("yes" if r["inside"] else "no"), f"{r['ratio']:.2f}",
             f"{r['rule_ratio']:.2f}", f"{r['mfu']:.0%}"] for r in t["rows"]]
    return (f"\nThe step path's run time against published whole runs, never fitted ({t['data']}): {t['method']}. "
            f"Scored, {part(s, 'runs not among the fitted layouts')}: the range, calibrated on layouts' step throughput "
            f"and the goodput's stated spread, holds few whole runs, which took longer than a tuned stack's steps; "
            f"{part(pub, 'devices published')}; {part(ass, 'devices assumed')}; listed, not scored, "
            f"{part(fit, 'among the fitted layouts')}.\n"
            + _table(["run", "model", "devices", "GPU", "published h", "step path h", f"{t['level']:.0%} range",
                      "inside", "step ÷ published", f"{RULE_LABEL} ÷ published", "MFU"], rows))


def by_source_coverage_text(runs: list[dict], level: str) -> str:
    """The interval's coverage on the Epoch AI rows and on the curated runs (``accuracy.coverage_by_source``), said."""
    def share(inside_n):
        inside, n = inside_n
        return f"{inside / n:.0%} ({inside} of {n})" if n else "none"
    split = accuracy.coverage_by_source(runs)
    return (f"By source, the {level} interval holds {share(split['epoch'])} of the Epoch AI rows (the runs its multiplier "
            f"is calibrated on: the runs users bring) and {share(split['curated'])} of the curated runs (papers and "
            "model cards).")


def cmd_validate(args):
    if getattr(args, "inference", False):
        return validate_inference(args)
    # the utilisation fit's nested cross-validation as `fit-utilization` computed it and shipped it
    # (utilization_validation.json; `fit-utilization --check` reruns it and names a stale file, and the test suite holds
    # the file to a fresh run), as `validate --inference` reads the serving engines': 16 s → 2.3 s
    doc = load_validation_document()
    # the step model's figures (issue 53), cross-validated by source on published layouts, beside its flat-MFU baseline
    doc = {**doc, "step_model": fitted_step.cross_validated(), "measured_training_steps": measured_steps_document(),
           "later_layouts": later_layouts_document(), "whole_runs_step_path": whole_runs_document()}
    if (level := _json_or_level(args, doc)) is None:
        return
    print(f"Device-hours of each run predicted from {accuracy.PREDICTED_FROM}, out of sample: {doc['method']}.")
    print(f"Model: the fitted utilisation (profiles/README.md). Baseline: {doc['baseline']}.\n")
    print(_summary_table(doc["summary"], doc["baseline"], level))
    print(f"\nmedian factor of the model ÷ the baseline's: {doc['ratio_to_baseline']:.2f} (below 1: the model is better); "
          f"'within' columns: model (baseline); mean width: geometric mean of the interval's high ÷ low.")
    print(by_source_coverage_text(doc["runs"], level))
    print(DESIGN_OPTIMISM)
    print(step_model_text(doc["step_model"]))
    print(measured_steps_text(doc["measured_training_steps"]))
    print(later_layouts_text(doc["later_layouts"]))
    print(whole_runs_text(doc["whole_runs_step_path"]))
    ny = doc["without_year"]
    print(f"Without the run's year (how `estimate` predicts when no --year is given; it changes the "
          f"{ny['folds_using_year']} of {ny['n_runs']} folds whose chosen fit uses the years since release): median factor "
          f"{ny['median_factor']:.2f}× (ratio {ny['ratio_to_baseline']:.2f}), within 2× {ny['share_within_2x']:.0%}, "
          f"{level} coverage {ny['interval_coverage']:.0%}, mean width ×{ny['interval_mean_width_factor']:.2f}.")
    bd = doc["by_developer"]
    m, b = bd["summary"]["all"]["model"], bd["summary"]["all"]["baseline"]
    print(f"Held out by developer (a lab the fit has not seen; {bd['n_developers']} developers, each one's runs left out "
          f"together): median factor {m['median_factor']:.2f}× against {b['median_factor']:.2f}× for the baseline "
          f"(ratio {bd['ratio_to_baseline']:.2f}), within 2× {m['share_within_2x']:.0%} ({b['share_within_2x']:.0%}), "
          f"{level} coverage {m['interval_coverage']:.0%}, mean width ×{m['interval_mean_width_factor']:.2f}{_verdict(bd)}.")
    nf = doc["new_family"]
    m, b = nf["summary"]["all"]["model"], nf["summary"]["all"]["baseline"]
    per = ", ".join(f"{f} from {centre_name(nf['predicted_from'][f])} {s['model']['interval_coverage']:.0%}"
                    for f, s in nf["summary"].items() if f != "all")
    print(f"A device without runs (each of the {nf['n_families']} families held out whole and predicted as such a "
          f"device is, {accuracy.NEW_DEVICE_CHOICE}): median factor {m['median_factor']:.2f}× against {b['median_factor']:.2f}× for the "
          f"baseline (ratio {nf['ratio_to_baseline']:.2f}), within 2× {m['share_within_2x']:.0%} "
          f"({b['share_within_2x']:.0%}), {level} coverage {m['interval_coverage']:.0%} of runs "
          f"({nf['family_mean_coverage']:.0%} averaged over families: {per}), mean width "
          f"×{m['interval_mean_width_factor']:.2f}{_verdict(nf, load_utilization_model().new_device_centre)}.")
    for held, how in ((bd, "held out by developer"), (nf, "as a device without runs (its family held out whole)")):
        print(f"\nBy family, {how}:")
        print(_summary_table(held["summary"], doc["baseline"], level))
    noted: set[str] = set()
    if misses := accuracy.misses(doc):
        print(f"\nRuns missed by more than {gfmt(MISS_FACTOR)}×:")
        print("\n".join(_miss_lines(misses, level, baseline=False, noted=noted)))
    for held, how in ((bd, "held out by developer"), (nf, "as a device without runs (its family held out whole)")):
        if held["misses"]:
            print(f"\nMissed by more than {gfmt(MISS_FACTOR)}× {how}:")
            print("\n".join(_miss_lines(held["misses"], level, baseline=True, noted=noted)))
    if doc["excluded"]:
        print("\nLeft out:")
        for e in doc["excluded"]:
            print(f"  {e['run']} ({e['source']}): {e['reason']}")
    print("\nAverage power per device, leave-one-out over the measured training runs of each group "
          "(estimator/data/measured_power.csv), as the profiles use the fits (a device's own centre where its "
          "profile names the device; 'own-centre runs': the runs predicted so), beside one fit for the whole group "
          "and the TDP convention; then each device's runs held out together (a device the group has not measured, "
          "as most profiles are):")
    rows = []
    for g, s in doc["power_summary"].items():
        d = s.get("device_held_out")
        rows.append([g, s["n"], s["own_centre_runs"], f"{s['median_factor']:.2f}×", f"{s['interval_coverage']:.0%}",
                     f"{s['group_fit_median_factor']:.2f}×", f"{s['group_fit_interval_coverage']:.0%}",
                     f"{s['tdp_median_factor']:.2f}×", "" if d is None else d["n_devices"],
                     "" if d is None else f"{d['median_factor']:.2f}×", "" if d is None else f"{d['interval_coverage']:.0%}"])
    print(_table(["group", "runs", "own-centre runs", "median factor", f"{level} coverage", "one fit: factor",
                  "one fit: coverage", "TDP: factor", "devices", "device held out: factor", "coverage"], rows))
    print(power_verdicts(doc))
    print(f"\nEnergy (device-hours × power; PUE exact, so CO2e and an electricity cost with it): the {level} range's "
          f"coverage over {energy_runs(doc)}, each run's held-out device-hours paired with each held-out power measurement of the group its "
          "profile uses (the two errors assumed independent); the power fit holding the device's own measurements "
          "(V100, TPU v2/v3), holding none of them (A100, H100, most GPU profiles), and a device with neither "
          "runs nor power data (each family held out whole: a B200; no shipped TPU profile is in that case):")
    rows = [[g, e["runs"], f"{e['power_measurements']} on {e['power_devices']} devices",
             *(f"{e[k]['interval_coverage']:.0%} (×{e[k]['interval_mean_width_factor']:.2f})" if k in e else ""
               for k, _ in accuracy.ENERGY_CASES)] for g, e in doc["energy_coverage"].items()]
    print(_table(["group", "runs", "power measured", *(label for _, label in accuracy.ENERGY_CASES)], rows))
    print("\nEnergy and CO2e recomputed from the published device-hours, power, PUE and intensity (arithmetic check):")
    print(_table(["run", "source", "energy err", "CO2e err"], energy_check_rows(doc["energy_checks"])))


def energy_check_rows(checks) -> list[list[str]]:
    """validate's arithmetic check, one row per run: the recomputed energy and CO2e against the
    published ones, "+0.4%", "-1.2%", and "0.0%" (never "-0.0%") for a difference that rounds to zero."""
    rows = []
    for c in checks:
        rows.append([c["run"], c["source"],
                     "" if c["published_energy_kwh"] is None else
                     hz.signed_percent(c["energy_kwh_from_published_hours"] / c["published_energy_kwh"] - 1, 1),
                     "" if c["published_co2e_kg"] is None or c["co2e_kg_from_published_hours"] is None else
                     hz.signed_percent(c["co2e_kg_from_published_hours"] / c["published_co2e_kg"] - 1, 1)])
    return rows


def cmd_fit_step(args):
    import json

    from estimator.io import layouts_data
    from estimator.io.calibration_io import write_text_atomic
    working("fitting the step model to the published layouts and cross-validating it by source, nested")
    text = layouts_data.fit_json()
    doc = json.loads(text)
    if args.check:
        check_fit(layouts_data.STEP_FIT_PATH, doc, layouts_data.FIT_COMMAND)
        print(f"ok: {layouts_data.STEP_FIT_PATH.name} matches a fresh fit of {doc['rows_used']} layouts")
        return
    write_text_atomic(layouts_data.STEP_FIT_PATH, text)
    for line in layouts_data.summary_lines(doc):
        print(line)
    print(f"wrote {layouts_data.STEP_FIT_PATH}")


def cmd_fit(args):
    working("fitting the utilisation model and cross-validating it")
    runs, model = accuracy.refit()
    doc = accuracy.fit_document(runs, model)
    if args.check:
        check_fit(UTILIZATION_FIT_PATH, doc, accuracy.FIT_COMMAND)
        check_fit(UTILIZATION_VALIDATION_PATH, accuracy.validation_file_document(), accuracy.FIT_COMMAND)
        print(f"ok: {UTILIZATION_FIT_PATH.name} and {UTILIZATION_VALIDATION_PATH.name} match a fresh fit and "
              f"cross-validation of {len(runs.runs)} runs")
        return
    accuracy.write_fit(doc)
    print(f"wrote {UTILIZATION_FIT_PATH} from {len(runs.runs)} runs ({len(runs.excluded)} left out)")
    accuracy.write_validation(accuracy.validation_file_document())
    print(f"wrote {UTILIZATION_VALIDATION_PATH} (nested leave-one-paper-out, what `validate` prints)")
    slopes = ", ".join(f"{c.slope:+.3f} per unit of {COVARIATES[c.name]}" for c in model.covariates) or "no covariate"
    print(f"chosen by leave-one-paper-out: {model.spec.label()}; centre ln g = {model.center_log:.3f}; slopes {slopes}; "
          f"scale {model.scale_log:.3f}, τ {model.tau_log:.3f}; interval multiplier {model.interval_multiplier:.3f} "
          "(pooled); for devices without runs " + ", ".join(
              f"{'none' if q is None else f'{q:.3f}'} centred on {what}"
              for q, what in ((model.new_family_multiplier, "the pooled fit"),
                              (model.neighbour_multiplier, "a family's fit"),
                              (model.rule_multiplier, "the flat rule")))
          + "; such devices take " + centre_name(model.new_device_centre)
          + " unless of a fitted family's chip (chosen on families held out whole)")
    for fam, f in sorted(model.families.items()):
        p = model.predict(fam, DISPLAY_FLOPS)
        print(f"  {fam:<8} {f.n_runs:>3} runs  at {reference_run(model, DISPLAY_FLOPS)}: {p.center:.3f} ({p.level:.0%} interval "
              f"{p.low:.3f}–{p.high:.3f})")
    sys.stdout.flush()


def register(sub):
    p = sub.add_parser("validate", help=f"out-of-sample accuracy over every run the project holds, beside the {RULE_LABEL.replace('%', '%%')}")
    p.add_argument("--inference", action="store_true",
                   help="the serving model instead: J per output token and TPOT, leave-one-model-out over the "
                        "measured serving configurations")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("fit-step", help="re-fit the training step model to the published layouts "
                                        "(estimator/data/training_layouts.csv), cross-validate it by source beside a "
                                        "flat MFU, and write estimator/data/step_fit.json")
    p.add_argument("--check", action="store_true", help="only check that the shipped fit matches a fresh one (exit 2 if not)")
    p.set_defaults(func=cmd_fit_step)

    p = sub.add_parser("fit-utilization", help="re-fit utilisation to the training runs; write estimator/data/utilization_fit.json and its "
                                               "cross-validation, utilization_validation.json")
    p.add_argument("--check", action="store_true", help="only check that the shipped fit and its cross-validation match fresh ones (exit 2 if not)")
    p.set_defaults(func=cmd_fit)
