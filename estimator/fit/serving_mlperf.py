"""The current optimised engine ("optimized-2024") fitted to MLPerf Inference, and judged out of sample.

Pure: rows in, a fit and its cross-validation out. The rows: MLPerf Inference v4.0/v4.1 datacenter closed
results for Llama 2 70B, GPT-J and Mixtral 8x7B (``estimator/data/mlperf_inference.csv``, each citing its
result file; read by ``estimator.io.serving_data.load_mlperf``), and the published small-batch decode times
of latency-optimised engines (``small_batch_tpot.csv``: gpt-fast, LMDeploy, TGI, vLLM's CI), which pin the
per-layer and per-sequence costs at batch 1 that MLPerf's large batches cannot.

An Offline row is predicted as the most tokens per second its devices serve
(``core.serving.throughput.max_throughput``: tensor parallelism, replicas and the batch that fits, at most the
engine's cap); a Server row as the same under the TPOT bound, the engine holding the mean TPOT at the
bound's share that the training rows' Server runs measured (``server_share``: their mean ÷ the p99 bound).

The fit: least squares of log ratios (``serving_fit.solve``) over the Offline rows' tokens/s and the
small-batch rows' TPOT, each set weighted as one, for the engine's per-layer, per-sequence and per-all-reduce
costs; the power factor is the vllm-2024 fit's (no device energy was measured). Server rows are never fitted: their
prediction is out of sample by construction. Its fraction of the tensor peak in compute-bound phases is the sourced
``step.COMPUTE_FRACTION`` (0.6: prefill MFU measured on A100 and H100), not fitted (issue 54): of the three
MLPerf models only Llama 2 70B and Mixtral 8x7B are compute-bound at their batches (GPT-J's KV cache bounds its
step by memory), so a fitted fraction was pinned by whichever of the two a fold kept; holding Llama 2 70B out left
it to Mixtral, whose mixture-of-experts step the model runs faster per FLOP than it runs, and the fraction fell to
0.28 (Llama 2 70B then predicted at 0.65x its measured tokens/s). A constant measured apart from these rows carries
from one model to another; three fitted numbers, not four.

Judged by model held out (every row of a model, MLPerf and small-batch, out of the fit that predicts it)
and by hardware held out, beside a naive baseline fitted on the same folds: a flat fraction of the compute
roofline (devices × the peak at the bits run ÷ the FLOPs per output token, prompts included), its fraction the
training rows' median measured ÷ roofline; and beside the older engines (``others``: vllm-2024, eager-2023),
never fitted to MLPerf, predicting the same rows in the same folds (the Server share the fold's), each judged
against its own stated range.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from estimator.core.base.errors import InputError
from estimator.core.serving.layout import ep_options, latent_attention_moe
from estimator.core.serving.step import FLOPS_PER_PARAM_PER_TOKEN, Architecture, Device, ServingFit
from estimator.core.serving.throughput import Throughput, max_throughput
from estimator.fit import serving_fit as sf
from estimator.fit.grouped_conformal import pooled_cdf_quantile
from estimator.fit.serving_fit import Metrics, metrics
from estimator.fit.tpot_check import TpotRow, measured_time, row_previous, row_step

# The engine's fitted numbers (their start and bounds: serving_fit.START, LOW, HIGH); its compute fraction is
# the sourced step.COMPUTE_FRACTION (the module docstring).
FITTED = ("engine_s_per_layer", "engine_s_per_sequence", "tp_s_per_allreduce")
OFFLINE, SERVER = "Offline", "Server"


@dataclass(frozen=True)
class MLPerfRow:
    """One MLPerf Inference result, with what the serving model needs to predict it."""
    row_id: str
    version: str
    benchmark: str
    model: str                  # a catalog id (gpt-j-6b: the shape in the file)
    hardware_id: str
    device: Device              # at the peak of the bits run
    params: float
    arch: Architecture
    devices: int
    scenario: str               # Offline or Server
    prompt_tokens: float        # the benchmark's documented mean
    output_tokens: float
    bits: int
    kv_bits: int
    tokens_per_s: float         # measured, the whole system
    tpot_bound_s: float | None  # Server: the p99 TPOT bound (None: none, GPT-J)
    tpot_mean_s: float | None   # Server: the measured mean
    power_w: float | None       # at the wall, where measured
    software: str
    source: str
    beams: int = 1              # beam search width (GPT-J: 4, the only width MLPerf's closed division allows)
    system: str = ""            # the submitter's system name (e.g. "... MaxQ, TensorRT": a power-optimised run)
    tensor_parallel: int | None = None  # the tensor parallelism it ran, where published (not MLPerf's: its own choice)
    power_limit_w: float | None = None  # a power-capped (MaxQ) result's GPU power limit, where the submitter states it
    ttft_mean_s: float | None = None    # Server: the measured mean time to the first token (never fitted)
    ttft_p99_s: float | None = None     # Server: its measured p99


def predict(r: MLPerfRow, fit: ServingFit, server_share: float, max_batch: int, tp: int | None = None,
            ep: int | None = None, device_at: Callable[[int], Device] | None = None) -> Throughput:
    """The row's throughput as the engine ``fit`` would serve it (the module docstring). Beam search (GPT-J's
    4 beams) decodes ``beams`` sequences a step for each sample and counts one token, the sample's prompt
    prefilled once and its KV cache held once, shared by the beams (``step.step``'s ``beams``, after
    TensorRT-LLM's attention; issue 54: it had been taken as one sequence of ``beams`` × the output decoded in
    turn after the prompt, which held the same KV cache a sample but decoded one sequence a step, its context
    growing through all the beams' outputs, and counted a token every ``beams`` steps). ``tp``: that tensor
    parallelism (default: the one that serves the most, as ``inference --devices N`` chooses); ``ep``: replicas of
    that many expert-parallel devices instead (a mixture of experts, attention data-parallel). A power-capped result
    whose GPUs' limit is known (``r.power_limit_w``) is served under it (``step.step``). ``device_at(tp)``: the device
    as a group of that many runs it, across scale-up domains where it spans them (``core.serving.layout.device_at``, as
    the CLI times it); None: ``r.device`` for every group (rows within one domain)."""
    # a Server run's p99 bound, its steady TPOT held at the batch's share of it as `inference --tpot-ms` holds it
    # (throughput.p99_share: ``server_share`` at MLPerf's batches of hundreds)
    bound = r.tpot_bound_s if (r.scenario == SERVER and r.tpot_bound_s) else None

    def at(tp_: int | None, ep_: int | None) -> Throughput:
        return max_throughput(params=r.params, arch=r.arch, device=r.device, fit=fit, devices=r.devices,
                              prompt_tokens=r.prompt_tokens, output_tokens=r.output_tokens, weight_bits=r.bits,
                              kv_bits=r.kv_bits, max_batch=max_batch, tpot_bound_s=bound, beams=r.beams, tp=tp_,
                              ep=ep_, power_limit_w=r.power_limit_w, tpot_p99_share=server_share,
                              device_at=device_at)
    if tp is not None or ep is not None or not latent_attention_moe(r.arch):
        return at(tp, ep)
    # a latent-attention mixture of experts is weighed in expert parallelism too, as `inference --devices N` weighs it
    # (core.serving.layout.latent_moe: the better of the tensor parallelism chosen and each expert-parallel degree)
    found = []
    for tp_, ep_ in [(None, None)] + [(None, e) for e in ep_options(r.devices, r.arch.experts)]:
        try:
            found.append(at(tp_, ep_))
        except InputError:
            continue
    if not found:
        return at(None, None)  # tensor parallelism's own refusal says why
    return max(found, key=lambda x: x.tokens_per_s)


def server_share(rows: Sequence[MLPerfRow]) -> float:
    """The Server runs' median mean TPOT ÷ their p99 bound: how close to the bound engines hold the mean."""
    xs = [r.tpot_mean_s / r.tpot_bound_s for r in rows if r.scenario == SERVER and r.tpot_mean_s and r.tpot_bound_s]
    if not xs:
        raise InputError("no Server run with a measured mean TPOT and a TPOT bound to set the engine's share")
    return float(np.median(xs))


def ttft_p99_over_mean(rows: Sequence[MLPerfRow]) -> float:
    """The Server runs' median measured p99 ÷ mean time to the first token (at least 1): a TTFT bound's p99 over the mean
    under a stream of requests (``throughput.ttft_p99_s``)."""
    xs = [r.ttft_p99_s / r.ttft_mean_s for r in rows if r.scenario == SERVER and r.ttft_mean_s and r.ttft_p99_s]
    if not xs:
        raise InputError("no Server run with a measured mean and p99 TTFT to set the engine's ratio")
    return max(1.0, float(np.median(xs)))


def roofline_tokens_per_s(r: MLPerfRow) -> float:
    """The compute roofline: devices × the peak ÷ the FLOPs per output token counted, the prompt's and the other
    beams' included."""
    n = float(r.arch.active_params or r.params)
    per_output = FLOPS_PER_PARAM_PER_TOKEN * n * (r.beams + r.prompt_tokens / r.output_tokens)
    return r.devices * r.device.peak_flops_per_s / per_output


def fit_engine(rows: Sequence[MLPerfRow], latency: Sequence[TpotRow], base: ServingFit, max_batch: int) -> dict:
    """The engine's three numbers (``FITTED``) from the Offline rows' tokens/s and the small-batch TPOTs, its
    compute fraction ``base``'s (the sourced default)."""
    offline = [r for r in rows if r.scenario == OFFLINE]
    if len(offline) < 2 or len(latency) < 2:
        raise InputError("the optimised engine's fit needs at least 2 Offline rows and 2 small-batch rows")
    y_off = np.log([r.tokens_per_s for r in offline])
    y_lat = np.log([r.tpot_s for r in latency])
    w_off, w_lat = 1.0 / math.sqrt(len(offline)), 1.0 / math.sqrt(len(latency))

    def residuals(q: dict) -> np.ndarray:
        f = replace(base, **q)
        off = np.log([predict(r, f, 1.0, max_batch).tokens_per_s for r in offline]) - y_off
        lat = np.log([measured_time(r, row_step(r, f), True) for r in latency]) - y_lat
        return np.concatenate([w_off * off, w_lat * lat])
    return sf.solve(FITTED, residuals, {})


@dataclass(frozen=True)
class HeldRow:
    """One row predicted by a fit made without its group (model or hardware), and the baseline."""
    row: MLPerfRow
    tokens_per_s: float
    baseline_tokens_per_s: float
    tp: int
    batch: int
    half: float = 0.0          # the interval's log half-width (from the other groups' residuals)
    others: tuple[float | None, ...] = ()   # the older engines' tokens/s (EngineCV.others' order; None: refused)

    @property
    def log_error(self) -> float:
        return math.log(self.tokens_per_s / self.row.tokens_per_s)

    @property
    def baseline_log_error(self) -> float:
        return math.log(self.baseline_tokens_per_s / self.row.tokens_per_s)


@dataclass(frozen=True)
class EngineCV:
    """Held out by one key (model or hardware): each row's prediction and the summaries by scenario."""
    by: str
    held: tuple[HeldRow, ...]
    latency_log_errors: tuple[float, ...]      # the small-batch rows of the held-out group, predicted out of sample
    # the same rows by the naive baseline, the previous model (weight bytes ÷ the full bandwidth; no fit to hold out)
    latency_baseline_log_errors: tuple[float, ...] = ()
    others: tuple[str, ...] = ()               # the older engines' names, in HeldRow.others' order
    other_halves: tuple[float, ...] = ()       # each one's stated log half-width of tokens/s (its TPOT's)

    def summary(self, scenario: str) -> dict:
        hs = [h for h in self.held if h.row.scenario == scenario]
        groups = [getattr(h.row, self.by) for h in hs]
        out = {"model": metrics([h.log_error for h in hs], [h.half for h in hs], groups).to_dict(),
               "baseline": metrics([h.baseline_log_error for h in hs]).to_dict()}
        for i, (name, half) in enumerate(zip(self.others, self.other_halves, strict=True)):
            # judged on the rows it answers; "refused" counts the rest (a Server bound none of its splits meets)
            answered = [h for h in hs if h.others[i] is not None]
            m = metrics([math.log(h.others[i] / h.row.tokens_per_s) for h in answered], [half] * len(answered),
                        [getattr(h.row, self.by) for h in answered]).to_dict()
            out.setdefault("older_engines", {})[name] = {**m, "refused": len(hs) - len(answered)}
        return out


def cross_validate(rows: Sequence[MLPerfRow], latency: Sequence[TpotRow], base: ServingFit, max_batch: int,
                   by: str, level: float,
                   key_of_latency: Callable[[TpotRow], str] | None = None,
                   others: Mapping[str, tuple[ServingFit, int]] | None = None,
                   exponent_of: Callable[[Sequence[MLPerfRow]], float] | None = None) -> EngineCV:
    """Each group's rows (``by``: "model" or "hardware_id") predicted by a fit of the other groups' rows and
    small-batch rows, the baseline's fraction from the same; each group's interval the level quantile of the other
    groups' out-of-sample |log errors|, each group once. ``others``: engines judged beside, by name, each its fit
    as shipped and its batch cap (never fitted to these rows), predicting each row with the fold's Server share.
    ``exponent_of``: a power limit's slowdown as the fold's own rows fit it (``estimator.fit.power_limit.fold_exponent``),
    taken by the fold's fit and the engines beside it; None: ``base``'s and theirs as given."""
    others = dict(others or {})
    key_lat = key_of_latency or (lambda t: getattr(t, "model" if by == "model" else "hardware_id"))
    groups = sorted({getattr(r, by) for r in rows})
    if len(groups) < 2:
        raise InputError(f"holding out by {by} needs at least 2 groups, got {len(groups)}")
    held: list[HeldRow] = []
    lat_errors: list[float] = []
    lat_baseline: list[float] = []
    for g in groups:
        train = [r for r in rows if getattr(r, by) != g]
        train_lat = [t for t in latency if key_lat(t) != g]
        fold_base, fold_others = base, others
        if exponent_of is not None:  # the capped results' slowdown from the fold's own rows, never the held-out group's
            exponent = exponent_of(train)
            fold_base = replace(base, power_limit_exponent=exponent)
            fold_others = {k: (replace(of, power_limit_exponent=exponent), cap) for k, (of, cap) in others.items()}
        f = replace(fold_base, **fit_engine(train, train_lat, fold_base, max_batch))
        share = server_share(train) if any(r.scenario == SERVER and r.tpot_mean_s for r in train) else 1.0
        flat = float(np.median([r.tokens_per_s / roofline_tokens_per_s(r) for r in train if r.scenario == OFFLINE]))
        for r in rows:
            if getattr(r, by) != g:
                continue
            t = predict(r, f, share, max_batch)
            older = tuple(_answer(r, of, share, cap) for of, cap in fold_others.values())
            held.append(HeldRow(r, t.tokens_per_s, flat * roofline_tokens_per_s(r), t.tp, t.batch, others=older))
        lat_errors += [math.log(measured_time(t, row_step(t, f), True) / t.tpot_s) for t in latency if key_lat(t) == g]
        lat_baseline += [math.log(row_previous(t).tpot_s / t.tpot_s) for t in latency if key_lat(t) == g]
    out = []
    for h in held:
        g = getattr(h.row, by)
        rest = [x for x in held if getattr(x.row, by) != g and x.row.scenario == h.row.scenario]
        half = pooled_cdf_quantile([abs(x.log_error) for x in rest], [getattr(x.row, by) for x in rest], level)
        out.append(replace(h, half=half))
    return EngineCV(by, tuple(out), tuple(lat_errors), tuple(lat_baseline), tuple(others),
                    tuple(of.tpot_log_half_width for of, _ in others.values()))


def _answer(r: MLPerfRow, fit: ServingFit, share: float, max_batch: int) -> float | None:
    """An engine's tokens/s for the row, or None where it refuses it (a Server bound no split of it meets)."""
    try:
        return predict(r, fit, share, max_batch).tokens_per_s
    except InputError:
        return None


def _scores(cvs: Sequence[EngineCV], keep: Callable[[MLPerfRow], bool]) -> tuple[list[float], list[str]]:
    """The |log errors| of the rows ``keep`` takes, from every hold-out in ``cvs``, each with its group named by
    its hold-out (``model:gpt-j-6b``, ``hardware_id:h100-sxm``): a model and a device are separate groups."""
    scores, groups = [], []
    for cv in cvs:
        for h in cv.held:
            if keep(h.row):
                scores.append(abs(h.log_error))
                groups.append(f"{cv.by}:{getattr(h.row, cv.by)}")
    return scores, groups


@dataclass(frozen=True)
class NewerRun:
    """A later run of a newer model or device that no fit saw, and its |log error| under the engine as fitted: more
    out-of-sample evidence for the stated interval (``interval_half``), counted once in its model's group and once in
    its device's, as each MLPerf result is counted once in each hold-out; a device both data sets hold is one group
    (review 2026-11-27: kept apart, the H100, H200 and B200 had weighed twice)."""
    score: float
    model: str
    hardware_id: str


def _newer_scores(newer: Sequence[NewerRun], keep: Callable[[NewerRun], bool]) -> tuple[list[float], list[str]]:
    """The scores of the runs ``keep`` takes, each twice: in its model's group and in its device's, named as
    ``_scores`` names MLPerf's ("model:…", "hardware_id:…"), so that a model or device of both is one group."""
    scores, groups = [], []
    for n in newer:
        if keep(n):
            scores += [n.score, n.score]
            groups += [f"model:{n.model}", f"hardware_id:{n.hardware_id}"]
    return scores, groups


def both_ways(cvs: Sequence[EngineCV], level: float, newer: Sequence[NewerRun] = ()) -> tuple[EngineCV, ...]:
    """Each held-out row's interval from both hold-outs (issue 54): the level quantile of the out-of-sample
    |log errors| of the rows outside its group, held out by model and held out by hardware, each model and each
    device one group (CDF pooling, ``grouped_conformal``), in its own scenario. A result from a newer round is new
    in its model, its device or both; an interval from the models alone held 73% of the rows held out by model
    (three models to calibrate it; a held-out device misses more, by a wider spread). The rows of the held-out
    group are left out of both sets of scores, as the other groups' scores came from fits with its rows, the same
    as the one-way interval took them. ``newer``: later runs never fitted (``NewerRun``), pooled in as the stated
    interval pools them, those of the held-out model or device left out, in either scenario's interval (they are
    maximum-throughput runs; the stated interval is one for both). Their errors are the fit's on every MLPerf row,
    the held-out group's included: a small leak into these held-out coverages, which pooling them widens by design."""
    out = []
    for cv in cvs:
        held = []
        for h in cv.held:
            g = getattr(h.row, cv.by)
            s, gs = _scores(cvs, lambda r, by=cv.by, g=g, sc=h.row.scenario: getattr(r, by) != g and r.scenario == sc)
            ns, ngs = _newer_scores(newer, lambda n, by=cv.by, g=g: getattr(n, by) != g)
            held.append(replace(h, half=pooled_cdf_quantile(s + ns, gs + ngs, level)))
        out.append(replace(cv, held=tuple(held)))
    return tuple(out)


def interval_half(cvs: Sequence[EngineCV], level: float, newer: Sequence[NewerRun] = ()) -> float:
    """The stated interval of tokens/s: the level quantile of the out-of-sample |log errors| held out by model and
    held out by hardware, each model and each device once (``both_ways``), both scenarios, and of the later runs
    ``newer`` (each of their models and devices once more)."""
    s, gs = _scores(cvs, lambda r: True)
    ns, ngs = _newer_scores(newer, lambda n: True)
    return pooled_cdf_quantile(s + ns, gs + ngs, level)


def newer_held_out(cvs: Sequence[EngineCV], newer: Sequence[NewerRun], level: float) -> dict[str, dict]:
    """How the interval holds the later runs when their own group is left out of its calibration: for each of their
    models (and, apart, each device), the level quantile of ``interval_half``'s scores without that model's runs
    (without that device's runs and MLPerf results), and the share of the group's runs inside it. Keys "model" and
    "hardware_id", each {"share": of all the runs, "half": {group: log half-width}}."""
    out = {}
    for by in ("model", "hardware_id"):
        halves, inside = {}, []
        for g in sorted({getattr(n, by) for n in newer}):
            s, gs = _scores(cvs, lambda r, by=by, g=g: getattr(r, by) != g)
            ns, ngs = _newer_scores(newer, lambda n, by=by, g=g: getattr(n, by) != g)
            halves[g] = pooled_cdf_quantile(s + ns, gs + ngs, level)
            inside += [n.score <= halves[g] for n in newer if getattr(n, by) == g]
        out[by] = {"share": float(np.mean(inside)), "half": halves}
    return out


__all__ = ["FITTED", "OFFLINE", "SERVER", "EngineCV", "HeldRow", "MLPerfRow", "Metrics", "NewerRun", "both_ways",
           "cross_validate", "fit_engine", "interval_half", "newer_held_out", "predict", "roofline_tokens_per_s",
           "server_share", "ttft_p99_over_mean"]
