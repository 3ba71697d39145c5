"""From the run's plan to its time: the step model over the run's tokens, a goodput, and the planner's search.

Pure (issue 53, stage 3). The step model (``estimator.core.training.step``) gives one step's seconds for a
layout; a run of D tokens takes D ÷ (tokens per step) steps, and the wall clock is their time divided by the
**goodput**, the share of the elapsed time spent on useful training (the rest: restarts after failures, lost
work since the last checkpoint, checkpoint writes, evaluation pauses).

The planner (``search``) lists the layouts of a model on a number of devices that fit the devices' memory
(``estimator.core.training.memory``), each with the step model's time, ranked by it. It prunes: for a given
tensor, pipeline, context and expert split and micro-batch, only the lightest recomputation that fits is timed
at each ZeRO stage (more recomputation only adds time), and ZeRO-2 only where ZeRO-1 does not fit with the lightest
recomputation tried, every interleaving and room to spare (their steps take the same time here; ZeRO-2 holds less).

FLOPs conventions: the step's MFU counts model FLOPs (6·N + 12·L·s·a per token, no recomputation); its HFU
hardware FLOPs (with what recomputation repeats): ``estimator.core.training.step.CONVENTIONS``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache

from estimator.core.base.bounds import Bound
from estimator.core.base.errors import InputError
from estimator.core.base.interval import LEVEL, PREDICTION, combine
from estimator.core.base.number_text import count_text, gfmt
from estimator.core.training import memory as mem
from estimator.core.training.step import (
    CONVENTIONS,
    Layout,
    ModelShape,
    StepHardware,
    StepParams,
    StepTime,
    step_time,
)

# Goodput: the share of a run's elapsed time spent on useful training steps. Centre: Llama 3 405B's
# pre-training, "higher than 90%" effective training time over a 54-day snapshot with 466 interruptions on
# 16,384 H100s (Llama Team 2024, arXiv:2407.21783, §3.3.4), as MegaScale's production runs on more than
# 10,000 GPUs, "over 90%" (Jiang et al. 2024, arXiv:2402.15627, §6). Spread (the 80% range taken): Gemini's
# largest training job, whose goodput its team raised from 85% to 97% (Gemini Team 2023, arXiv:2312.11805, §3).
GOODPUT = 0.90
GOODPUT_RANGE = (0.85, 0.97)
GOODPUT_SOURCE = ("effective training time: >90% for Llama 3 405B (arXiv:2407.21783 §3.3.4) and MegaScale "
                  "(arXiv:2402.15627 §6); range 85%–97%, Gemini's largest job before and after its fixes "
                  "(arXiv:2312.11805 §3)")
# The global batch when none is given: 4M tokens, Llama 2's (Touvron et al. 2023, arXiv:2307.09288, §2.2),
# the batch of GPT-3 175B's later phase (3.2M, Brown et al. 2020, Table 2.1) rounded to a power of two.
DEFAULT_GLOBAL_BATCH_TOKENS = 4 * 2 ** 20
# A larger batch, tried beside the default where none is given: 16M tokens, Llama 3 405B's on 16,384 H100s after its
# ramp (Dubey et al. 2024, arXiv:2407.21783, §3.4.1: 4M, then 8M, then 16M tokens). The default's replicas on a
# large cluster get too few micro-batches to fill their pipelines (review 2026-11-27: Llama 3.1 405B on 16,384
# H100s planned at MFU 20% and 63M device-hours at 4M tokens a step, 37M at 16M; published 30.8M)
LARGE_GLOBAL_BATCH_TOKENS = 16 * 2 ** 20
# how much faster the larger batch must make the run for the estimate and the plan to say so: a design choice (the
# step model's 80% range is ×/÷1.2 at the median, step_fit.json, so a smaller gain is within its own error)
LARGE_BATCH_GAIN = 1.2

# What the planner tries. Tensor parallelism in powers of two within the scale-up domain (Narayanan et al.
# 2021, §3.3: TP inside the NVLink server); pipeline stages in powers of two, and a device count's other divisors
# (pipeline_choices); context parallelism for
# sequences of 8,192 tokens or more (Llama 3 used CP 16 only at 131,072: arXiv:2407.21783 Table 4), each
# rank keeping at least MIN_CP_TOKENS; interleaved chunks where each holds a layer; micro-batches 1-8.
# MIN_CP_TOKENS, the micro-batches and the ZeRO stages tried are design choices, not sourced figures: 2,048 tokens a
# rank is the default sequence (a rank's attention block no shorter than a default run's whole sequence); micro-batches
# of 1-8 hold 79 of the 86 published layouts' (estimator/data/training_layouts.csv: 60 at 1, 19 from 2 to 8, 7 above);
# ZeRO-0 is never tried: it holds everything ZeRO-1 holds and more, and each rank's optimizer step updates every
# parameter (core.training.step), so in the model it is never the faster. CP_FROM_SEQ_LEN is a design choice too: the
# sequence Llama 3 pretrained at (8,192), where CP 2 and 4 still keep MIN_CP_TOKENS a rank. Expert parallelism in
# powers of two up to 64: DeepSeek-V3 trained at EP64 across 8 nodes (arXiv:2412.19437 §3.2).
TP_CHOICES = (1, 2, 4, 8, 16, 32, 64)
PP_CHOICES = (1, 2, 4, 8, 16, 32, 64)
CP_CHOICES = (1, 2, 4, 8, 16)
CP_FROM_SEQ_LEN = 8192
MIN_CP_TOKENS = mem.DEFAULT_SEQ_LEN  # a rank's tokens no fewer than a default run's whole sequence
VP_CHOICES = (1, 2, 4)
MICRO_BATCH_CHOICES = (1, 2, 4, 8)
EP_CHOICES = (1, 2, 4, 8, 16, 32, 64)
ZERO_CHOICES = (1, 2, 3)
RECOMPUTE_ORDER = mem.RECOMPUTE  # the least recomputation first (memory.RECOMPUTE, the choices' one home)
# A deadline's plausible bound: from about a minute and a half to about 270 years (the bound of a run's hours,
# 10⁸ h ÷ 24 ≈ 4 × 10⁶ days, is far beyond any plan; this keeps a typo's 10⁹ days out).
DEADLINE_DAYS = Bound(1e-3, 1e5, "days", "a thousandth of a day (~1.4 min) to 10⁵ days (~270 years)")
# The layouts a plan lists, the fastest first: a design choice (a screen's table; the API's `plan(top=N)` lists more).
TOP = 10


@dataclass(frozen=True)
class StepRange:
    """The step model's cross-validated range: ± ``half_log`` on log tokens/s per device at ``level``
    (``estimator/data/step_fit.json``: held out by source), and the figures it was measured with."""

    half_log: float
    level: float = LEVEL
    median_factor: float | None = None
    coverage: float | None = None
    rows: int | None = None
    source: str = ""
    # the naive baseline cross-validated the same way (a flat MFU fitted on the other sources), beside the model
    baseline_median_factor: float | None = None
    baseline_coverage: float | None = None
    baseline: str = ""

    def cross_validated_dict(self) -> dict | None:
        """The cross-validated figures, the step model's and the baseline's (None where step_fit.json has none)."""
        if self.median_factor is None:
            return None
        return {"by": "source (a paper's or vendor table's rows held out together)", "rows": self.rows,
                "step_model": {"median_factor": self.median_factor, "coverage": self.coverage},
                "baseline": {"what": self.baseline, "median_factor": self.baseline_median_factor,
                             "coverage": self.baseline_coverage}}


@dataclass(frozen=True)
class PlannedLayout:
    """One layout the planner found: its step, memory per device, and the run's time."""

    layout: Layout
    step: StepTime
    memory: mem.Breakdown
    run_seconds: float

    @property
    def devices(self) -> int:
        return self.layout.devices


def exposed_expert_share(st: StepTime) -> float:
    """The share of step ``st`` its expert all-to-alls take, exposed (the step model hides none unless the layout says
    its schedule does)."""
    parts = st.parts
    return parts.expert_comm_s / parts.total_s if parts.total_s > 0 else 0.0


def expert_hiding_gain(st: StepTime) -> float:
    """How much faster step ``st`` would run with a schedule hiding all of its expert all-to-alls it can: under the
    compute beside them, no more (``StepParts.expert_comm_floor_s``; researcher review 2026-11-29: 1 ÷ (1 − share)
    had promised to hide 14.1 s of all-to-all under 3.05 s of compute)."""
    parts = st.parts
    hidden = parts.total_s - parts.expert_comm_s + min(parts.expert_comm_floor_s, parts.expert_comm_s)
    return parts.total_s / hidden if hidden > 0 else 1.0


# The exposed share of a step's expert all-to-alls past which the estimate, the plan and the statement say what hiding
# them would give (a design choice: a tenth of the step, the bubble note's order).
EXPERT_NOTE_SHARE = 0.10


@dataclass(frozen=True)
class InSample:
    """Where a run's layout is one of the published layouts the step model was fitted on: their row ids
    (``training_layouts.csv``) and, for each, the step model's throughput predicted with its source held out of the
    fit ÷ the measured (above 1: too fast; None where not recorded)."""

    rows: tuple[str, ...]
    held_out_ratios: tuple[float | None, ...] = ()

    def ratio_words(self) -> str:
        """The held-out ratios in words: "1.12× faster than measured", "1.05× and 1.09× slower than measured"."""
        known = [r for r in self.held_out_ratios if r is not None]
        if not known:
            return ""
        ways = {"faster" if r > 1 else "slower" for r in known}
        size = " and ".join(f"{max(r, 1 / r):.2f}×" for r in known)
        if len(ways) == 1:
            return f"{size} {ways.pop()} than measured"
        return " and ".join(f"{max(r, 1 / r):.2f}× {'faster' if r > 1 else 'slower'}" for r in known) + " than measured"


# How far the step's model FLOPs may exceed the FLOPs alone (6·N·D) before the whole-run time beside the step model says
# it leaves out attention: a design choice, a quarter more (an 8B model at 8,192 tokens a sequence, 1.27×; the
# utilisation's own 80% range is ×/÷ 1.8 or wider, so less is within it)
ATTENTION_LEFT_OUT_RATIO = 1.25


@dataclass(frozen=True)
class WholeRunFit:
    """The same FLOPs timed as an estimate from the FLOPs alone times them: the utilisation fitted to published whole runs
    (their restarts, evaluation and other work included), beside the step model's tuned stack (researcher review
    2026-11-28: a statement gave the step model's 4.35 days (3.56–5.28) where the same FLOPs alone gave 12.2 days
    (6.60–22.6), both called 80% ranges, the one never beside the other)."""

    wall_clock_s: float
    low_s: float
    high_s: float
    utilization: float      # of the precision's peak, the fit's centre
    n_runs: int             # the published whole runs the fit holds for this device (its family's)
    fit: str                # which fit: "H100 fit", "30% rule (no runs)"
    fitted: bool = True     # the device's own family's fit; False: a device without runs (a rule, another's fit)
    # the step's model FLOPs (attention's among them) over the FLOPs the whole-run time is of (6·N·D): at long
    # sequences far above 1, so the FLOPs alone's time leaves out the attention (planner review 2026-11-28, third:
    # 128K-token sequences, 5.2×, read 48.9 days beside the step model's 87.5 as the longer whole-run time)
    step_flops_ratio: float = 1.0
    # the precision whose peak ``utilization`` is a share of: the fitted runs' (bf16) where the run's is another
    # (researcher review 2026-11-28: an fp8 run's whole-run time had applied the bf16-fitted share to the fp8 peak, 2×
    # faster, beside the step model's); "" where it is the run's own precision
    precision: str = ""
    # at a precision below 16 bits, the share taken (``utilization_choice.Lowered``): (the run's precision, the fitted
    # runs' one, the factor); None: none (since 2026-12-01 an fp8 run is timed so, not at the bf16 peak)
    lowered: tuple[str, str, float] | None = None
    # the energy and CO₂e at that time (the same devices, power and PUE as the estimate's), with their 80% ranges: the
    # FLOPs-only estimate's own (researcher review 2026-11-29: a statement gave CO₂e for the step model's time only,
    # beside a whole-run time 2.6 × as long); None where the estimate has none
    energy_kwh: float | None = None
    energy_range_kwh: tuple[float, float] | None = None
    co2e_kg: float | None = None
    co2e_range_kg: tuple[float, float] | None = None
    # what those two ranges are (``Estimate.basis``): a prediction interval, or stated where the power's range is a
    # stated one (consistency review 2026-12-01: a TPU's assumed power gave "80% range 397 MWh–1.33 GWh" beside the
    # estimate's own "stated range")
    energy_basis: str = PREDICTION

    @property
    def attention_left_out(self) -> bool:
        """Whether the FLOPs alone leave out enough of the step's (``ATTENTION_LEFT_OUT_RATIO``) to say so."""
        return self.step_flops_ratio >= ATTENTION_LEFT_OUT_RATIO

    @property
    def peak_words(self) -> str:
        """Whose peak ``utilization`` is a share of, in words (the CLI's and the statement's)."""
        if self.precision:
            return f"the {self.precision} peak, the fitted runs' precision"
        if self.lowered:
            run, fitted, factor = self.lowered
            return f"the {run} peak, the fitted runs' {fitted} share × {gfmt(factor, 3)}"
        return "the peak"

    def to_dict(self) -> dict:
        ranges = {"wall_clock_s": [self.low_s, self.high_s],
                  **({"energy_kwh": list(self.energy_range_kwh)} if self.energy_range_kwh else {}),
                  **({"co2e_kg": list(self.co2e_range_kg)} if self.co2e_range_kg else {})}
        basis = {"wall_clock_s": PREDICTION, **{k: self.energy_basis for k in ("energy_kwh", "co2e_kg") if k in ranges}}
        return {"wall_clock_s": self.wall_clock_s, "energy_kwh": self.energy_kwh, "co2e_kg": self.co2e_kg,
                "range": ranges, "range_basis": basis,
                "utilization": self.utilization, "fit_runs": self.n_runs, "fit": self.fit, "fitted_to_this_device": self.fitted,
                "step_flops_ratio": self.step_flops_ratio, "peak_precision": self.precision or None,
                # below 16 bits: the fitted runs' 16-bit share and the factor it took (utilization_choice.Lowered)
                "lowered_from": (None if self.lowered is None else
                                 {"precision": self.lowered[1], "factor": self.lowered[2]}),
                "model": "utilisation fitted to published whole runs (estimator/data/utilization_fit.json), as an "
                         "estimate from the FLOPs alone times the same FLOPs"}


@dataclass(frozen=True)
class StepRun:
    """The run's time from the step model: the step, the layout it used (given, or the planner's best), the
    steps over the run's tokens and the goodput; the range of the step model and of the goodput."""

    step: StepTime
    tokens: float
    step_range: StepRange
    chosen_by: str = "given"             # "given": the user's layout; "planner": the planner's best
    kept: str = ""                       # the parts of the layout given ("ZeRO 1"): with "planner", those it kept; with
    #                                      "given", those given where the rest are the tool's defaults ("" all given)
    goodput: float = GOODPUT
    goodput_range: tuple[float, float] = GOODPUT_RANGE
    memory_gb: float | None = None
    hardware_sources: tuple[str, ...] = ()
    model_name: str = ""
    in_sample: InSample | None = None     # the fitted published layouts this run is (services.training.fitted_layouts)
    whole_run_fit: WholeRunFit | None = None  # the same FLOPs at the utilisation fitted to whole runs

    @property
    def layout(self) -> Layout:
        return self.step.layout

    @property
    def exposed_expert_share(self) -> float:
        """The share of the step its expert all-to-alls take, exposed (``exposed_expert_share``)."""
        return exposed_expert_share(self.step)

    @property
    def expert_hiding_gain(self) -> float:
        """How much faster the step would run with its all-to-alls hidden where they can be (``expert_hiding_gain``)."""
        return expert_hiding_gain(self.step)

    @property
    def tokens_per_step(self) -> float:
        return self.layout.global_batch * self.layout.seq_len

    @property
    def steps(self) -> float:
        return self.tokens / self.tokens_per_step

    @property
    def training_seconds(self) -> float:
        """The steps' own time, without the goodput."""
        return self.steps * self.step.seconds

    @property
    def wall_clock_s(self) -> float:
        return self.training_seconds / self.goodput

    @property
    def time_log_sides(self) -> tuple[float, float]:
        """(down, up) log distances of the run's time: the step model's range and the goodput's, in quadrature
        (a higher goodput shortens the time)."""
        low, high = self.goodput_range
        down = combine(self.step_range.half_log, math.log(high / self.goodput))
        # no shorter than every hardware FLOP at the peak (HFU 1) at the best goodput: a range end past the
        # peak is impossible, not a wider range
        fastest = math.log(high / (self.goodput * self.step.hfu))
        return (min(down, fastest), combine(self.step_range.half_log, math.log(self.goodput / low)))

    @property
    def tokens_per_s_range(self) -> tuple[float, float]:
        t, h = self.step.tokens_per_s_per_device, self.step_range.half_log
        return t / math.exp(h), min(t * math.exp(h), t / self.step.hfu)  # at most the peak (HFU 1)

    def layout_words(self) -> str:
        return layout_words(self.layout)

    def parts_dict(self) -> dict:
        return parts_dict(self.step)

    def to_dict(self) -> dict:
        """The JSON's ``step``: the step model's figures, the layout, the parts, the ranges, the conventions."""
        lo, hi = self.tokens_per_s_range
        t = self.step.tokens_per_s_per_device
        g_lo, g_hi = self.goodput_range
        return {
            "model": "step model (estimator/core/training/step.py), parameters fitted on published layouts "
                     "(estimator/data/step_fit.json)",
            "layout_chosen_by": self.chosen_by,
            "layout_parts_given": self.kept,
            "layout": layout_dict(self.layout),
            "seconds": self.step.seconds,
            "tokens_per_s_per_device": self.step.tokens_per_s_per_device,
            "mfu": self.step.mfu,
            "hfu": self.step.hfu,
            "model_flops_per_token": self.step.model_flops_per_token,
            "hardware_flops_per_token": self.step.hardware_flops_per_token,
            # each convention's words as they are (their own "model FLOPs …", "hardware FLOPs: …"), as plan's JSON
            # gives them (researcher review 2026-11-30: "hardware FLOPs: hardware FLOPs: as mfu …")
            "flops_convention": dict(CONVENTIONS),
            "parts": self.parts_dict(),
            # the MFU's and HFU's ends in proportion, as the CSV has them (researcher review 2026-11-29: JSON lacked them)
            "range": {"tokens_per_s_per_device": [lo, hi],
                      "mfu": [self.step.mfu * lo / t, self.step.mfu * hi / t],
                      "hfu": [self.step.hfu * lo / t, self.step.hfu * hi / t], "level": self.step_range.level,
                      "basis": self.step_range.source,
                      **({"cross_validated": cv} if (cv := self.step_range.cross_validated_dict()) else {})},
            "tokens": self.tokens,
            "steps": self.steps,
            "training_seconds": self.training_seconds,
            "goodput": {"value": self.goodput, "range": [g_lo, g_hi], "source": GOODPUT_SOURCE},
            "wall_clock_s": self.wall_clock_s,
            "memory_per_device_gb": self.memory_gb,
            # the fitted published layouts this run is (in sample: no test of the step model), where it is one
            **({"in_sample": {"rows": list(self.in_sample.rows),
                              "held_out_predicted_over_measured": list(self.in_sample.held_out_ratios)}}
               if self.in_sample else {}),
            **({"whole_run_fit": self.whole_run_fit.to_dict()} if self.whole_run_fit else {}),
        }


def plural_devices(n: int) -> str:
    """"device" for one, else "devices" (review 2026-11-27: "on 1 devices")."""
    return "device" if n == 1 else "devices"


def layout_dict(layout: Layout) -> dict:
    return {"devices": layout.devices, "tp": layout.tp, "pp": layout.pp, "cp": layout.cp, "ep": layout.ep,
            # the experts' tensor-parallel degree (1: whole on each device, MoE parallel folding)
            **({"etp": mem.expert_tensor_parallel(layout.tp, layout.ep, layout.dp * layout.cp, layout.etp)}
               if layout.ep > 1 else {}),
            "dp": layout.dp, "vp": layout.vp, "zero": layout.zero_stage, "micro_batch": layout.micro_batch,
            "global_batch": layout.global_batch, "seq_len": layout.seq_len,
            "global_batch_tokens": layout.global_batch * layout.seq_len, "recompute": layout.recompute,
            "precision": layout.precision, "sequence_parallel": layout.sequence_parallel,
            "flash_attention": layout.flash_attention, "expert_overlap_share": layout.expert_overlap_share,
            # the share hidden as timed: none where no schedule can hide it (Layout.expert_overlap_blocked, said why)
            "expert_overlap_applied": layout.expert_overlap_applied,
            **({"expert_overlap_blocked": layout.expert_overlap_blocked} if layout.expert_overlap_blocked
               and layout.expert_overlap_share else {})}


def parts_dict(step: StepTime) -> dict:
    """Seconds per step by kind: compute (model FLOPs' work), the exposed communication by kind, the bubble,
    recomputation and the optimizer."""
    p = step.parts
    return {"compute_s": p.matmul_s + p.attention_s + p.memory_ops_s,
            "compute": {"matmul_s": p.matmul_s, "attention_s": p.attention_s, "memory_bound_s": p.memory_ops_s},
            "communication_exposed_s": {"tensor_parallel": p.tp_comm_s, "context_parallel": p.cp_comm_s,
                                        "pipeline": p.pp_comm_s, "expert": p.expert_comm_s,
                                        "data_parallel": p.dp_comm_s},
            "data_parallel_total_s": p.dp_comm_total_s,
            "bubble_s": p.bubble_s, "recomputation_s": p.recompute_s, "optimizer_s": p.optimizer_s,
            "total_s": p.total_s}


def layout_split_short(layout: Layout) -> str:
    """The split in a plan table's column, "TP8 PP4×2 CP2 DP32 EP8" (PP p×v: p stages of v interleaved chunks)."""
    return (f"TP{layout.tp} PP{layout.pp}" + (f"×{layout.vp}" if layout.vp > 1 else "")
            + (f" CP{layout.cp}" if layout.cp > 1 else "") + f" DP{layout.dp}" + (f" EP{layout.ep}" if layout.ep > 1 else ""))


# A layout's recomputation in words: the layout's words and the in-sample note's (services.training.fitted_layouts)
RECOMPUTE_WORDS = {"none": "no recomputation", "selective": "selective recomputation", "full": "full recomputation"}


def recompute_short(layout: Layout) -> str:
    """The recomputation in a plan table's column: "no recompute", "selective recompute", "full recompute"."""
    return "no recompute" if layout.recompute == "none" else f"{layout.recompute} recompute"


def layout_words(layout: Layout) -> str:
    """"TP 8 × PP 4 × DP 32, ZeRO-1, micro-batch 1, no recomputation" for people."""
    split = [f"TP {layout.tp}", f"PP {layout.pp}" + (f" (interleaved ×{layout.vp})" if layout.vp > 1 else "")]
    if layout.cp > 1:
        split.append(f"CP {layout.cp}")
    split.append(f"DP {layout.dp}")
    # the expert-parallel ranks are some of the others, not more devices: said apart from the product (researcher
    # review 2026-11-29: "TP 2 × PP 1 × DP 256 × EP 8" multiplied to 4,096 of 512 devices)
    experts = ""
    if layout.ep > 1:
        folded = mem.expert_tensor_parallel(layout.tp, layout.ep, layout.dp * layout.cp, layout.etp) != layout.tp
        hidden = layout.expert_overlap_applied
        said = (["over TP × DP, experts whole" if folded else "within CP × DP" if layout.cp > 1 else "within DP"]) + (
            [f"{'all' if hidden == 1 else f'{hidden:.0%}'} of its all-to-all hidden, up to the compute beside it"] if hidden else [])
        experts = f", EP {layout.ep} ({'; '.join(said)})"
    recompute = RECOMPUTE_WORDS[layout.recompute]
    return (f"{' × '.join(split)}{experts}, ZeRO-{layout.zero_stage}, micro-batch {layout.micro_batch}, "
            f"{count_text(layout.global_batch * layout.seq_len, 3)} tokens a step ({layout.global_batch:,} × "
            f"{layout.seq_len:,}), {recompute}, {layout.precision}")


# The most a global batch may grow to fill one micro-batch on every data-parallel replica: half again the batch
# asked. Rounding to the nearest whole number of rounds never moves it further from two rounds up (4/3 at most);
# one round of up to twice the batch asked had been taken, and the planner ranked such layouts first because a
# larger batch runs faster (review 2026-11-26: Llama 3.1 405B's 16.8M tokens planned at 33.6M). A design choice:
# the published layouts (estimator/data/training_layouts.csv) all run at most the batch they state.
BATCH_GROWTH_MAX = 1.5
# How far the planner may move a global batch the user gave, to whole micro-batches on every replica: layouts that
# cannot hold it this close are passed over, so that the plan compares layouts at the batch asked (researcher review
# 2026-12-02: Llama 3.1 405B's 16.8M tokens given on 24,576 H100s were planned at 25.2M, +50%, and layouts at -25% to
# +50% ranked side by side, the larger batch running faster). The tool's default batch may still grow by
# BATCH_GROWTH_MAX to feed the replicas, and says so. A design choice, not a sourced figure: Llama 3 405B's batch
# itself grew in steps of 2× during its run (arXiv:2407.21783 §3.4.1), so a tenth moves the step far less than the
# batches people choose between.
BATCH_HELD_WITHIN = 0.10


def unfed_batch_words(micro_batch: int | None, fewer: str, given: bool = False) -> tuple[str, str]:
    """(the growth a global batch may take to feed every replica, what to change where it cannot): one home for the
    planner's refusal and `estimate`'s with a layout given (diff review 2026-11-29: two texts, and a smaller micro-batch
    offered where it was already 1). ``micro_batch``: the one held (None: the planner's own, which tries 1); ``fewer``: what to have
    fewer of ("devices", "replicas"); ``given``: the batch is the user's, held within ``BATCH_HELD_WITHIN`` (researcher
    review 2026-12-03: a batch given had been told it "may grow 1.5×", the default's allowance)."""
    # none where it is 1, or the planner's own, whose choices start at 1 (planner review 2026-12-03: offered where the
    # planner had tried 1)
    smaller = "" if micro_batch in (None, 1) else ", a smaller micro-batch"
    # a shorter sequence too: more of them in the same tokens (diff review 2026-11-30: Llama 3.1 8B's own 8,192 taken
    # by default left 512 sequences for 1,024 replicas, and the sequence was not among the ways out)
    grow = (f"a batch given is held within {BATCH_HELD_WITHIN:.0%} of itself" if given else
            f"it may grow {gfmt(BATCH_GROWTH_MAX)}× to fill them")
    return (grow,
            f"give a larger global batch{smaller}, a shorter sequence or fewer {fewer}")


def global_batch_for(global_batch_tokens: float, seq_len: int, dp: int, micro_batch: int) -> int | None:
    """Sequences per step: the tokens given over the sequence length, rounded to a whole number of micro-batches
    on every data-parallel replica (the nearest, at least one); None where one micro-batch on every replica
    already holds more than ``BATCH_GROWTH_MAX`` × the tokens asked (more replicas than the batch can feed)."""
    per_round = dp * micro_batch
    wanted = global_batch_tokens / seq_len
    if per_round > BATCH_GROWTH_MAX * wanted:
        return None
    return per_round * max(1, round(wanted / per_round))


def batch_held(batch: int, seq_len: int, global_batch_tokens: float) -> bool:
    """Whether ``batch`` sequences of ``seq_len`` are within ``BATCH_HELD_WITHIN`` of the tokens a batch given asks."""
    # within a rounding error of the bound too: 16,896 sequences for 15,360 asked, +10% exactly, had read 0.1 + 9e-17
    # (diff review 2026-12-03)
    return abs(batch * seq_len / global_batch_tokens - 1.0) <= BATCH_HELD_WITHIN * (1.0 + 1e-12)


def within_run(batch: int | None, tokens: float, seq_len: int, per_round: int) -> int | None:
    """A global batch (sequences) no larger than the run: rounded down to whole rounds of micro-batches where rounding
    to the nearest had passed the run's tokens (second code review 2026-11-27: 4,000 tokens refused, 3,000 taken);
    0 where not one round fits in the run; None passed through (no batch)."""
    if batch is None or batch * seq_len <= tokens:
        return batch
    return per_round * int(tokens // (seq_len * per_round))


# How much slower a layout with room may be and still lead a tight one (above ``memory.TIGHT_MEMORY_SHARE`` of the
# device): a design choice, not a sourced figure: below the step model's own resolution (its held-out median miss, 8%),
# where the tight one's fit is uncertain by what the memory count leaves out (the CUDA context, NCCL's buffers, the
# allocator's fragmentation: a few GB)
ROOMY_WITHIN = 1.05


def strategy_of(layout: Layout, attention: str = mem.DEFAULT_ATTENTION) -> mem.Strategy:
    return mem.Strategy(layout.zero_stage, layout.recompute, layout.tp, layout.pp, layout.cp, layout.ep, attention,
                        layout.sequence_parallel, vp=layout.vp, micro_batches=layout.micro_batches, etp=layout.etp)


def memory_of(mem_shape: mem.Shape, layout: Layout, attention: str = mem.DEFAULT_ATTENTION) -> mem.Breakdown:
    return mem.per_device(mem_shape, strategy_of(layout, attention), layout.dp, layout.seq_len, layout.micro_batch,
                          layout.precision)


def run_seconds(step: StepTime, tokens: float, goodput: float = GOODPUT) -> float:
    """The run's wall clock: steps over its tokens × the step's seconds ÷ the goodput."""
    layout = step.layout
    return tokens / (layout.global_batch * layout.seq_len) * step.seconds / goodput


def check_parts(shape: ModelShape, *, seq_len: int, tp: int | None = None, pp: int | None = None,
                cp: int | None = None, ep: int | None = None) -> None:
    """The parts of a layout given, each by the rule that needs no other part (``memory.check_degrees``): a degree
    that no layout can hold is refused for what it is, not after a search that finds nothing (review 2026-11-26:
    `plan --ep 3` on Mixtral had answered "give more devices")."""
    mem.check_degrees(heads=shape.heads, layers=shape.layers, experts=shape.experts, seq_len=seq_len, tp=tp, pp=pp,
                      cp=cp, ep=ep)


def check_layout(shape: ModelShape, devices: int, *, tp: int, pp: int, cp: int, ep: int, seq_len: int) -> int:
    """The data-parallel degree of a layout on ``devices``, or InputError in one line: a layout that does not
    divide the devices, a tensor-parallel degree that does not divide the heads, more stages than layers, a
    context split that does not divide the sequence, an expert split that does not divide the experts."""
    check_parts(shape, seq_len=seq_len, tp=tp, pp=pp, cp=cp, ep=ep)
    split = tp * pp * cp
    if devices % split:
        raise InputError(f"tensor × pipeline × context parallel = {tp} × {pp} × {cp} = {split:,} does not divide the "
                         f"{devices:,} devices: give a layout whose product divides them", field=("tp", "pp", "cp", "devices"))
    dp = devices // split
    if ep > 1:
        mem.expert_tensor_parallel(tp, ep, dp * cp)   # or with the tensor-parallel ranks (folded): else refused
    return dp


@dataclass(frozen=True)
class SearchSpace:
    """What the planner may choose; a value given fixes it (None: the planner tries its choices)."""

    tp: int | None = None
    pp: int | None = None
    cp: int | None = None
    ep: int | None = None
    zero: int | None = None
    micro_batch: int | None = None
    recompute: str | None = None
    expert_overlap: float = 0.0  # a setting, not a choice: the share of the experts' all-to-all the schedule hides
    vp: int | None = None    # interleaved chunks per stage (1: none; above 1, only layouts of two or more stages)
    etp: int | None = None   # the experts' tensor parallelism: 1 (whole) or the run's TP (only layouts at that TP), with EP
    batch_held: bool = False  # a setting: the global batch is the user's, held within BATCH_HELD_WITHIN


@dataclass(frozen=True)
class Plan:
    """The planner's answer: the layouts that fit, fastest first (at most ``TOP``), and how many were timed."""

    layouts: tuple[PlannedLayout, ...]
    devices: int
    timed: int
    considered: int
    why_none: str = ""
    why_fields: tuple[str, ...] = ("devices", "tp", "pp")  # the inputs ``why_none`` is about
    notes: tuple[str, ...] = field(default_factory=tuple)
    batch_fed: bool = True   # False: no split gave every data-parallel replica a micro-batch of the global batch
    batch_held_off: bool = False  # True: none fed, and a split that would have was passed over for a batch given

    @property
    def best(self) -> PlannedLayout | None:
        return self.layouts[0] if self.layouts else None


def pipeline_choices(devices: int) -> tuple[int, ...]:
    """The pipeline degrees tried on ``devices``: ``PP_CHOICES``, and the count's divisors up to the largest of them
    that are no power of two (6, 12, 3 …; researcher review 2026-11-29: 1,023 devices, 3 × 11 × 31, had only
    1,023 data-parallel replicas to try, which a 512-sequence batch cannot feed, and were refused, where PP 3 fits).
    Those others only where they split the layers nearly evenly (``balanced``)."""
    others = tuple(d for d in range(3, PP_CHOICES[-1] + 1) if not devices % d and d & (d - 1))
    return tuple(sorted(set(PP_CHOICES) | set(others)))


# The memory counts a pipeline's average chunk, the step its slowest stage (``step.stage_layers``; ``uneven_stages_note``
# says where the busiest holds a layer more); a degree the planner adds beyond the powers of two (``pipeline_choices``), and any interleaving, is tried only
# where its busiest chunk is at most this much above that average, so the time it is ranked by is off by no more (a
# power of two without interleaving is tried as published runs ran them: Llama 3 405B's 126 layers on 16 stages, the
# busiest 1.6% above): a design choice, under the
# step model's own 80% range (×1.2 at its median). Diff review 2026-11-29: 126 layers on 23 stages (5.48 a stage, the
# busiest 6: 9.5% slower) had met a 90-day deadline at 85 days on the average's time.
ADDED_STAGE_BALANCE = 1.05


def balanced(layers: int, chunks: int) -> bool:
    """Whether ``layers`` over ``chunks`` put at most ``ADDED_STAGE_BALANCE`` × the average on the busiest."""
    return math.ceil(layers / chunks) * chunks <= ADDED_STAGE_BALANCE * layers


def _choices(given, options):
    return (given,) if given is not None else options


def _etp_choices(given: int | None, tp: int, ep: int, dp_cp: int, scale_up_devices: int | None,
                 devices: int) -> tuple[int | None, ...]:
    """The experts' tensor-parallel degrees tried on a split (a layout's ``etp``): the faster of those a tuned run
    weighs (``memory.expert_tp_choices``), or the one given where this split can run it (1: the experts whole, their
    group folded over the tensor-, data- and context-parallel ranks; the run's TP: their group from the data- and
    context-parallel ranks, ``step_setup.layout_etp``'s rule); none where it cannot."""
    if given is None:
        return mem.expert_tp_choices(tp, ep, dp_cp, scale_up_devices, devices)
    if given == 1 and tp > 1:
        return (1,) if (tp * dp_cp) % ep == 0 else ()
    return (None,) if dp_cp % ep == 0 else ()


def _planned_tp_fits(tp: int, shape: ModelShape, hardware: StepHardware) -> bool:
    """Whether the planner tries tensor parallelism ``tp`` of its own accord: groups that tile the scale-up domain (a
    group of 32 in whole 72-device NVL72 racks would straddle two, its all-reduces over the slower network, as the step
    times them: ``inside_domain``), and, for grouped-query attention, that split the KV heads whole, as Megatron-Core requires
    (``divide(num_query_groups, world_size)`` in its attention; planner review 2026-11-28, second: Llama 3.1 405B, 8 KV
    heads, planned at TP 32 on GB200s). One KV head (multi-query or latent attention) is left to the heads' rule, a
    design choice: Megatron-Core would refuse multi-query attention past TP 1, other frameworks copy the head. A degree
    given is the user's, taken as given, and a step with a group that straddles two domains is timed across them."""
    grouped = 1 < shape.kv_heads < shape.heads  # grouped-query attention (one KV head, MQA or a latent, is copied)
    return (tp <= hardware.scale_up_devices and not hardware.scale_up_devices % tp
            and (not grouped or not shape.kv_heads % tp))


def search(shape: ModelShape, mem_shape: mem.Shape, hardware: StepHardware, params: StepParams, *, devices: int,
           tokens: float, seq_len: int, global_batch_tokens: float, precision: str, capacity_gb: float,
           space: SearchSpace = SearchSpace(), attention: str = mem.DEFAULT_ATTENTION, top: int = TOP,
           goodput: float = GOODPUT) -> Plan:
    """The layouts of ``shape`` on ``devices`` that fit ``capacity_gb`` per device, ranked by the run's time
    (see the module docstring for what is tried and pruned), at most ``top`` of them."""
    return _search(shape, mem_shape, _Keyed(hardware), params, devices, tokens, seq_len, global_batch_tokens,
                   precision, capacity_gb, space, attention, top, goodput)


class _Keyed:
    """A frozen dataclass whose fields may hold mappings (``StepHardware.peak_flops_per_s``), hashed and compared by
    its fields' values, the mappings' items sorted: what lets ``_search`` be memoised on it."""

    __slots__ = ("value", "_key")

    def __init__(self, value) -> None:
        self.value = value
        self._key = tuple((f.name, tuple(sorted(x.items())) if isinstance(x := getattr(value, f.name), Mapping) else x)
                          for f in fields(value))

    def __hash__(self) -> int:
        return hash(self._key)

    def __eq__(self, other) -> bool:
        return isinstance(other, _Keyed) and type(self.value) is type(other.value) and self._key == other._key


# How many searches ``_search`` keeps: a deadline's or a budget's plan searches up to about 200 device counts (each
# kept with its 2 best layouts), so that the same plan asked again (the app's page run anew on every click; a plan
# and the page of its link) is not searched again: about 8 s to 0.1 s for Llama 3.1 70B's 90-day deadline on H100s.
# A design choice: small (368 searches, two plans to deadlines, held about 4 MB, measured)
SEARCHES_KEPT = 1024


@lru_cache(maxsize=SEARCHES_KEPT)
def _search(shape: ModelShape, mem_shape: mem.Shape, keyed_hardware: _Keyed, params: StepParams, devices: int,
            tokens: float, seq_len: int, global_batch_tokens: float, precision: str, capacity_gb: float,
            space: SearchSpace, attention: str, top: int, goodput: float) -> Plan:
    """The search itself (``search``), a pure function of its inputs, memoised (its answer a frozen dataclass)."""
    hardware = keyed_hardware.value
    found: list[PlannedLayout] = []
    timed = considered = 0
    batch_fed = False  # whether any split gave every data-parallel replica a micro-batch of the global batch
    over_run = False   # whether a split was passed over as its step, rounded to whole micro-batches, outgrew the run
    held_off = False   # whether a split was passed over as its whole micro-batches move a batch given too far
    moe = shape.experts > 1
    tps = [t for t in _choices(space.tp, TP_CHOICES)
           if (space.tp is not None or _planned_tp_fits(t, shape, hardware)) and t <= shape.heads and not shape.heads % t]
    pps = [p for p in _choices(space.pp, pipeline_choices(devices)) if p <= shape.layers
           and (space.pp is not None or p in PP_CHOICES or balanced(shape.layers, p))]
    cps = [c for c in _choices(space.cp, CP_CHOICES)
           if not seq_len % c and (c == 1 or space.cp is not None or
                                   (seq_len >= CP_FROM_SEQ_LEN and seq_len // c >= MIN_CP_TOKENS))]
    eps = [e for e in _choices(space.ep, EP_CHOICES if moe else (1,)) if e == 1 or (moe and not shape.experts % e)]
    if space.etp is not None:   # the experts' tensor parallelism given: layouts in expert parallelism, at that TP
        eps = [e for e in eps if e > 1]
        if space.etp > 1:
            tps = [t for t in tps if t == space.etp]
    if space.vp is not None and space.vp > 1:   # an interleaving given: layouts of two or more stages that hold it
        # evenly, as the planner's own interleavings (diff review 2026-11-30: 2.5 layers a chunk had been ranked)
        pps = [p for p in pps if p > 1 and p * space.vp <= shape.layers and balanced(shape.layers, p * space.vp)]
    zeros = _choices(space.zero, ZERO_CHOICES)
    recomputes = _choices(space.recompute, RECOMPUTE_ORDER)
    for tp in tps:
        for pp in pps:
            for cp in cps:
                split = tp * pp * cp
                if devices % split:
                    continue
                dp = devices // split
                for ep in eps:
                    if ep > 1 and (dp * cp) % ep:
                        continue
                    # interleaved chunks where each holds a layer and the busiest is within ADDED_STAGE_BALANCE of the
                    # average, the layers dividing or not (Megatron-LM's uneven first and last stages; Llama 3 405B ran
                    # 126 layers on 16 stages of 2 chunks, arXiv:2407.21783 §3.3.2; planner review 2026-11-28, third;
                    # second diff review 2026-11-29: 80 layers in 16 × 4 chunks, 1.25 a chunk, the busiest 2, had
                    # ranked first on the average's time)
                    vps = [1] + [v for v in VP_CHOICES[1:] if pp > 1 and pp * v <= shape.layers
                                 and balanced(shape.layers, pp * v)] if space.vp is None else [space.vp]
                    zero1_of: dict[int, PlannedLayout] = {}  # this split's ZeRO-1 row by micro-batch
                    for mb in _choices(space.micro_batch, MICRO_BATCH_CHOICES):
                        batch = within_run(global_batch_for(global_batch_tokens, seq_len, dp, mb), tokens, seq_len,
                                           dp * mb)
                        # after the run's own rounding too (diff review 2026-12-02: a batch of the run's tokens had
                        # been held, then rounded down 18% to fit the run)
                        if space.batch_held and batch and not batch_held(batch, seq_len, global_batch_tokens):
                            held_off = True
                            continue
                        if batch == 0:  # not one round of micro-batches within the run (code review 2026-11-27:
                            over_run = True  # 4.5M tokens on 3,072 devices ranked a 6.29M-token step)
                            continue
                        if batch is None:
                            continue
                        batch_fed = True
                        zero1_whole = False  # ZeRO-1 of this split fitted at its lightest recomputation, every
                        for zero in zeros:   # interleaving, with room: ZeRO-2 (the same step here) adds nothing
                            if zero == 2 and space.zero is None and zero1_whole:
                                continue
                            if zero > zeros[0] and space.zero is None and dp * cp == 1 and ep == 1:
                                continue  # one rank a shard: every stage the same layout (planner review 2026-11-28)
                            for rc in recomputes:
                                considered += 1
                                # the experts whole on each device where that keeps their group inside the
                                # scale-up domain, and split as the run's tensor parallelism: each that fits timed,
                                # the faster kept (diff review 2026-11-30: the first that fitted had been taken)
                                by_etp = []   # (step, memory, whether every interleaving fitted) for each that fits
                                for etp in _etp_choices(space.etp, tp, ep, dp * cp, hardware.scale_up_devices,
                                                        tp * pp * cp * dp):
                                    base = Layout(seq_len=seq_len, global_batch=batch, micro_batch=mb, tp=tp, pp=pp,
                                                  cp=cp, ep=ep, dp=dp, zero_stage=zero, recompute=rc,
                                                  precision=precision, etp=etp,
                                                  expert_overlap_share=space.expert_overlap if ep > 1 else 0.0)
                                    memory = memory_of(mem_shape, base, attention)
                                    if memory.total_gb > capacity_gb:
                                        continue
                                    best, best_memory = None, memory
                                    every_vp = True  # whether every interleaving tried fitted
                                    for vp in vps:
                                        # interleaving needs whole rounds of micro-batches per stage (the micro-batches
                                        # are the split's, whatever its vp: asked before a layout is made for it)
                                        if vp > 1 and (base.micro_batches % pp or base.micro_batches < pp):
                                            continue
                                        layout = base if vp == 1 else replace(base, vp=vp)
                                        # the interleaved schedule's extra micro-batches in flight must fit too
                                        # (mem.interleaved_penalty; researcher review 2026-11-27)
                                        vp_memory = memory if vp == 1 else memory_of(mem_shape, layout, attention)
                                        if vp_memory.total_gb > capacity_gb:
                                            every_vp = False
                                            continue
                                        timed += 1
                                        st = step_time(shape, layout, hardware, params)
                                        if best is None or st.seconds < best.seconds:
                                            best, best_memory = st, vp_memory
                                    if best is not None:   # none where an interleaving given finds no whole rounds
                                        by_etp.append((best, best_memory, every_vp))
                                if not by_etp:
                                    continue
                                best, best_memory, every_vp = min(by_etp, key=lambda x: x[0].seconds)
                                planned = PlannedLayout(best.layout, best, best_memory, run_seconds(best, tokens, goodput))
                                twin = zero1_of.get(mb) if zero == 2 else None
                                if (twin is not None and twin.layout.recompute == rc and twin.layout.vp == best.layout.vp
                                        and mem.is_tight(twin.memory.total_gb, capacity_gb)
                                        == mem.is_tight(best_memory.total_gb, capacity_gb)):
                                    break  # ZeRO-1's row again, as fast and as tight or roomy (code review 2026-11-28)
                                found.append(planned)
                                if zero == 1:
                                    zero1_of[mb] = planned
                                # (planner review 2026-11-28: ZeRO-2 had been skipped wherever ZeRO-1 fitted at all,
                                # so one needing recomputation hid a faster ZeRO-2 without it)
                                zero1_whole = (zero == 1 and rc == recomputes[0] and every_vp
                                               and not mem.is_tight(best_memory.total_gb, capacity_gb))
                                break  # the lightest recomputation that fits: more only adds time
    # fastest first; of layouts as fast, one with room before one at the memory's edge (researcher review 2026-11-28:
    # 405B on GB200, ZeRO-2 at 94% of the memory and ZeRO-3 at 40% took the same 2.5478 s, and the tight one led),
    # then the lower ZeRO stage and the fewer model-parallel devices
    found.sort(key=lambda f: (f.run_seconds, mem.is_tight(f.memory.total_gb, capacity_gb), f.layout.zero_stage,
                              f.layout.tp * f.layout.pp * f.layout.cp))
    # a tight fastest layout gives way to the fastest with room within ROOMY_WITHIN of its time (planner review
    # 2026-11-28: Llama 3 70B on 64 H100s led at 85.1 GB of 85.5, 0.8% faster than one at 65.5 GB)
    if found and mem.is_tight(found[0].memory.total_gb, capacity_gb):
        roomy = next((f for f in found if not mem.is_tight(f.memory.total_gb, capacity_gb)
                      and f.run_seconds <= ROOMY_WITHIN * found[0].run_seconds), None)
        if roomy is not None:
            found.remove(roomy)
            found.insert(0, roomy)
    if found:
        # layouts as fast and as heavy as one listed before them (context parallelism trading for data parallelism
        # where its exchange hides, the micro-batch following: planner review 2026-11-30, three names of one row) are
        # left out: the first, with the fewest model-parallel devices, stands for them
        kept: list[PlannedLayout] = []
        for f in found:
            if len(kept) == top:
                break
            if not any(math.isclose(f.run_seconds, k.run_seconds, rel_tol=SAME_ROW_REL)
                       and math.isclose(f.memory.total_gb, k.memory.total_gb, rel_tol=SAME_ROW_REL)
                       and f.layout.zero_stage == k.layout.zero_stage and f.layout.recompute == k.layout.recompute
                       for k in kept):
                kept.append(f)
        return Plan(tuple(kept), devices, timed, considered, batch_fed=batch_fed)
    why, why_fields = _why_none(devices, capacity_gb, seq_len, global_batch_tokens, batch_fed, over_run, tokens,
                                held_off=held_off, batch_given=space.batch_held,
                                micro_batch=space.micro_batch, experts=shape.experts > 1,
                                # the states' share fixed: no free expert split either
                                share_fixed=(space.tp is not None and space.pp is not None and space.zero == 0
                                             and (shape.experts == 1 or space.ep is not None)))
    return Plan((), devices, timed, considered, why, why_fields, batch_fed=batch_fed,
                batch_held_off=held_off and not batch_fed)


# Two layouts whose time and memory a device agree within this share are one row of the plan (a design choice: far
# inside the step model's resolution, ×/÷1.2 at 80%)
SAME_ROW_REL = 1e-4


# the words that begin the planner's answer where no layout fits memory (the paper statement looks for them)
NO_LAYOUT_FITS = "no layout of the model on"
# How a note on a run whose layout is one of the published layouts the step model was fitted on begins (services.
# fitted_layouts): the paper statement says it too
FITTED_LAYOUT = "in sample: this layout is one of the published layouts the step model was fitted on"


def check_ep_devices(ep: int | None, devices: int | None) -> None:
    """An expert-parallel degree given is a part of the devices (its ranks formed from the tensor-, context- and
    data-parallel ones): it divides them. InputError otherwise (MoE review 2026-11-29: `--devices 64 --ep 128` was told
    to give a larger global batch)."""
    if ep is not None and devices is not None and ep > 1 and int(devices) % int(ep):
        raise InputError(f"the expert-parallel degree {int(ep):,} must divide the {int(devices):,} devices (its ranks "
                         "are a part of them)", field=("ep", "devices"))


def less_than_a_sequence(global_batch_tokens: float, seq_len: int) -> str:
    """Why a global batch feeds no step: it holds less than one sequence."""
    # the user's figure as given, not rounded (review 2026-11-27: 2,048 had read "2,050")
    return (f"the global batch of {gfmt(global_batch_tokens)} tokens holds less than one sequence of {seq_len:,}: "
            "give a larger global batch or a shorter sequence")


def held_batch_words(global_batch_tokens: float, seq_len: int) -> str:
    """What no layout did with a batch given (``BATCH_HELD_WITHIN``): the planner's refusal, on one device count or
    on all of a deadline's or a budget's."""
    asked = f"{global_batch_tokens:,.0f}" if float(global_batch_tokens).is_integer() else gfmt(global_batch_tokens)
    return (f"holds the global batch given, {asked} tokens (sequences of {seq_len:,}), within "
            f"{BATCH_HELD_WITHIN:.0%} in whole micro-batches on every data-parallel replica")


def _why_none(devices: int, capacity_gb: float, seq_len: int, global_batch_tokens: float,
              batch_fed: bool = True, over_run: bool = False, tokens: float = math.inf, micro_batch: int | None = None,
              experts: bool = False, share_fixed: bool = False, held_off: bool = False,
              batch_given: bool = False) -> tuple[str, tuple[str, ...]]:
    """Why no layout was found, and the inputs that say it (API audit 2026-11-27: a sequence too long for the batch
    had named --devices, --tp, --pp). ``share_fixed``: the tensor and pipeline parallelism and ZeRO-0 were given, so
    each device holds the same share of the model's states however many devices there are."""
    if global_batch_tokens / seq_len < 1:
        return less_than_a_sequence(global_batch_tokens, seq_len), ("global_batch_tokens", "seq_len")
    if not batch_fed and over_run:
        return (f"no layout on {devices:,} {plural_devices(devices)} makes a step of at most the run's {count_text(tokens, 3)} "
                "tokens: a micro-batch on every data-parallel replica is more than them; give more tokens, fewer "
                "devices or a smaller micro-batch"), ("tokens", "devices", "micro_batch")
    if not batch_fed and held_off:
        return (f"no layout on {devices:,} {plural_devices(devices)} {held_batch_words(global_batch_tokens, seq_len)}: "
                "give a batch of whole micro-batches on the replicas, other devices, or no batch (the planner's default "
                "may grow to feed them)"), ("global_batch_tokens", "seq_len", "devices") + (
                    ("micro_batch",) if micro_batch is not None else ())
    if not batch_fed:
        # more devices only make it worse (review 2026-11-26: it had said "give more devices")
        # a prime count splits no other way than all its devices as replicas or as one model-parallel group: said
        # (planner review 2026-12-03: 1,021 devices were offered a smaller micro-batch, already 1)
        # (2 and 3 left out: so few devices split no other way whatever their count)
        prime = devices > 3 and all(devices % k for k in range(2, math.isqrt(devices) + 1))
        why = (f" ({devices:,} is prime: its devices split only as {devices:,} data-parallel replicas or one "
               "model-parallel group of them all)" if prime else "")
        return (f"no layout on {devices:,} {plural_devices(devices)} gives every data-parallel replica a micro-batch of "
                f"the global batch of {gfmt(global_batch_tokens)} tokens (sequences of {seq_len:,}; "
                "{}){}: {}".format(unfed_batch_words(micro_batch, "devices", batch_given)[0], why,
                                  unfed_batch_words(micro_batch, "devices", batch_given)[1])), (
            "global_batch_tokens", *(() if micro_batch in (None, 1) else ("micro_batch",)), "seq_len", "devices")
    # a micro-batch given above one: each device holds its activations however many devices split the rest (MoE review
    # 2026-11-30: 1,000 sequences a micro-batch had been told to give more devices alone)
    smaller = micro_batch is not None and micro_batch > 1
    if share_fixed:
        # more devices only add data-parallel replicas, each holding the whole of its share (researcher review
        # 2026-11-30: `--tp 16 --pp 1 --zero 0` of Llama 3.1 405B on 144 GB200s had been told to give more devices)
        return (f"{NO_LAYOUT_FITS} {devices:,} {plural_devices(devices)} fits {mem.capacity_gb_text(capacity_gb)} per "
                "device with the tensor and pipeline parallelism and ZeRO-0 given: each device holds the same share of "
                "the model's weights, gradients and optimizer states however many devices there are, and more devices "
                "do not shrink it; give a ZeRO stage, more tensor or pipeline parallelism"
                + (f", a smaller micro-batch than the {micro_batch:,} given" if smaller else "")
                + ", or leave them to the planner"), ("zero", "tp", "pp") + (("micro_batch",) if smaller else ())
    return (f"{NO_LAYOUT_FITS} {devices:,} {plural_devices(devices)} fits {mem.capacity_gb_text(capacity_gb)} per device with the choices "
            "tried (tensor-parallel groups that tile the scale-up domain, pipeline, context parallelism, "
            f"{'expert parallelism, ' if experts else ''}ZeRO, recomputation): give "
            f"{f'a smaller micro-batch than the {micro_batch:,} given, or ' if smaller else ''}more devices"), (
                ("micro_batch", "devices", "tp", "pp") if smaller else ("devices", "tp", "pp"))


# Device counts the deadline and budget searches try: whole scale-up domains (8-GPU servers) in steps that grow
# by about a quarter, from one domain up to the bound of devices.
def device_ladder(start: int, domain: int, most: int) -> list[int]:
    counts, n = [], max(1, start)
    step = max(1, domain)
    n = step * math.ceil(n / step)
    while n <= most:
        counts.append(n)
        # powers of two times the domain and the counts a quarter apart between them
        nxt = n + max(step, step * 2 ** max(0, int(math.log2(n / step)) - 2))
        n = nxt
    return counts


def step_range_from(document: Mapping, half_log: float) -> StepRange:
    whole = document.get("cross_validation", {})
    cv, base = whole.get("step_model", {}), whole.get("flat_mfu_baseline", {})
    return StepRange(half_log=half_log, median_factor=cv.get("median_factor"), coverage=cv.get("coverage_80"),
                     rows=cv.get("rows"), baseline_median_factor=base.get("median_factor"),
                     baseline_coverage=base.get("coverage_80"), baseline=whole.get("baseline", ""),
                     source=("the step model's 80% range: the CDF-pooled 80% quantile, each source once, of the "
                             "held-out |log ratio| over published layouts held out by source (estimator/data/"
                             "step_fit.json)"))


__all__ = ["BATCH_GROWTH_MAX", "BATCH_HELD_WITHIN", "DEFAULT_GLOBAL_BATCH_TOKENS", "GOODPUT", "LARGE_BATCH_GAIN", "LARGE_GLOBAL_BATCH_TOKENS", "GOODPUT_RANGE", "GOODPUT_SOURCE", "Plan",
           "PlannedLayout", "SearchSpace", "StepRange", "StepRun", "check_layout", "check_parts", "device_ladder",
           "FITTED_LAYOUT", "InSample", "NO_LAYOUT_FITS", "RECOMPUTE_WORDS", "batch_held", "held_batch_words", "global_batch_for", "unfed_batch_words", "less_than_a_sequence", "within_run", "layout_dict", "layout_split_short", "layout_words", "memory_of", "parts_dict",
           "recompute_short",
           "run_seconds", "search", "step_range_from", "strategy_of"]
