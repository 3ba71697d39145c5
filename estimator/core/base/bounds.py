"""Plausible bounds for every number a user can give, each with its source: one home.

Outside these a number is a typo (wrong unit or exponent), a tampered URL, or a thought
experiment too far from anything built to mean something; the core refuses it with an
``InputError`` naming the input and the bound (``estimator.core.base.validation.require_in``). The CLI,
the app and the Python API share them, so they accept and refuse the same inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

from estimator.core.base.number_text import gfmt
from estimator.core.base.units import MS_PER_S, S_PER_HOUR


@dataclass(frozen=True)
class Bound:
    low: float
    high: float
    unit: str
    source: str
    low_open: bool = False   # True: the low end itself is refused (a strict lower bound)
    whole: bool = False      # True: only whole numbers

    def describe(self) -> str:
        lo = f"more than {gfmt(self.low)}" if self.low_open else f"at least {gfmt(self.low)}"
        return f"{lo} and at most {gfmt(self.high)}{' ' + self.unit if self.unit else ''}"


# A bound from 0 (prices, grid intensity, water factors, a pruned share; an open one too, such as a draft's
# acceptance, which refuses 0 itself) takes positive values from here up: below it a value is an underflow or a typo
# (1e-320 USD an hour), and the arithmetic on it overflows or loses every digit. A design choice, not a published
# figure.
SMALLEST_NONZERO = 1e-9

# -- workloads --------------------------------------------------------------------------
# The largest training run with a published FLOP count: Llama 3.1 405B, 3.8e25 FLOPs (Llama
# Team 2024, arXiv:2407.21783, §1). The bounds leave room for thought experiments far beyond it.
FLOPS = Bound(1.0, 1e32, "FLOPs", "1 FLOP up to ~2.6 million × Llama 3.1 405B's 3.8 × 10²⁵ FLOPs (arXiv:2407.21783)")
PARAMS = Bound(1.0, 1e16, "parameters",
               "up to ~20,000 × the largest published dense models (5.4 × 10¹¹ parameters, PaLM 540B, arXiv:2204.02311)")
TOKENS = Bound(1.0, 1e17, "tokens",
               "up to ~6,000 × the largest published training sets (15.6T tokens, Llama 3.1 405B, arXiv:2407.21783)")
# Tokens served (inference): Google's products together generated or read 480 trillion tokens a
# month in May 2025 (S. Pichai, "Google I/O 2025: From research to reality", blog.google, 20 May 2025).
SERVED_TOKENS = Bound(1.0, 1e17, "tokens",
                      "up to ~17 years of Google's whole AI traffic as of May 2025 (480 trillion tokens a month, "
                      "Google I/O 2025 keynote)", whole=True)  # whole tokens (CLI audit: 1000.5 was shown as 1,000)
LAYERS = Bound(1, 1e4, "layers", "up to ~80 × the deepest published LLM (126 layers, Llama 3.1 405B)", whole=True)
D_MODEL = Bound(1, 1e6, "", "up to ~60 × the widest published LLM (d_model 16,384, Llama 3.1 405B)", whole=True)
CONTEXT = Bound(1, 1e8, "tokens", "up to 100 × the longest published context windows (~1 million tokens, Gemini 1.5)",
                whole=True)
HEADS = Bound(1, 1e6, "heads", "whole, at least one; a head has at least one dimension, so at most d_model "
               "(checked against it) unless their size is given", whole=True)
# A head's size where it is not d_model ÷ heads (PaLM's 48 heads of 256 on 18,432: Chowdhery et al. 2022,
# arXiv:2204.02311, Table 1; Gemma 7B's 16 of 256 on 3,072: Gemma Team 2024, arXiv:2403.08295, Table 1).
HEAD_DIM = Bound(1, 1e4, "", "up to ~40 × the largest published head size (256: PaLM, Gemma)", whole=True)
# An MLP's hidden size (one expert's in a mixture of experts): up to ~130 × the widest published (73,728, Nemotron-4
# 340B, arXiv:2406.11704 with NeMo's Nemotron4Config340B).
FFN = Bound(1, 1e7, "", "up to ~130 × the widest published MLP (73,728, Nemotron-4 340B)", whole=True)
EXPERTS = Bound(1, 1e5, "experts", "per layer, up to ~400 × the most published (256 routed experts, DeepSeek-V3, "
                 "arXiv:2412.19437)", whole=True)
# the largest published vocabulary: Gemma's 256,000 tokens (Gemma Team 2024, arXiv:2403.08295, Table 1)
LARGEST_PUBLISHED_VOCAB = 256_000
VOCAB = Bound(1, 1e8, "tokens", f"up to ~400 × the largest published vocabularies ({LARGEST_PUBLISHED_VOCAB:,}, Gemma)",
              whole=True)
FORWARD_FLOPS_PER_EXAMPLE = Bound(1.0, 1e18, "FLOPs",
                                  "up to ~a million × a 175B model's forward pass over a 2,048-token example (≈7 × 10¹⁴)")
EXAMPLES = Bound(1.0, 1e15, "examples", "up to ~100,000 × the largest image datasets (LAION-5B, 5.85 billion pairs)",
                 whole=True)  # a count (CLI audit: 1.5 examples was answered)
EPOCHS = Bound(0.0, 1e6, "epochs", "any positive count up to a million passes", low_open=True)

# A device's dense peak, as the profiles bound it (estimator/core/hardware/reader.py): 1 MFLOP/s to 1 EFLOP/s.
PEAK_FLOPS_PER_S = Bound(1e6, 1e18, "FLOP/s", "1 MFLOP/s (a 1980s PC) up to 1 EFLOP/s per device")

# -- hardware use ---------------------------------------------------------------------------
DEVICES = Bound(1, 1e7, "devices",
                "whole devices, up to ~600 × the largest published training cluster (16,384 H100s, arXiv:2407.21783)",
                whole=True)
# Below one part in a million of peak no training run has been reported: the worst in the
# project's data reach ≈1e-2 (estimator/data, `python -m estimator validate`).
UTILIZATION = Bound(1e-6, 1.0, "of peak", "one millionth of peak up to the peak itself")
YEAR = Bound(1940, 2100, "", "from the first electronic computers to well past any plan", whole=True)
# A trend table (estimator/laws/trends.py) starts in a year a run may have (YEAR; CLI audit: a start in
# 2200 printed costs for 2200–2227 where `estimate --year` refuses 2101). How many years it reaches is
# trends.YEARS (as far as its frontier-compute what-if stays physical).
TREND_START_YEAR = Bound(YEAR.low, YEAR.high, "", "the years a run may have: " + YEAR.source, whole=True)
HOURS = Bound(1 / S_PER_HOUR, 1e8, "h", "one second up to ~11,000 years of wall clock")
# From one device-millisecond: one query served at a large batch takes a fraction of a device-second
# (a 338-token answer at batch 64 on an H100: 0.2 device-seconds), and its figures are the Inference
# page's headline (audit: one query was refused as "too little to price").
DEVICE_HOURS = Bound(1 / (S_PER_HOUR * MS_PER_S), 1e14, "device-h",
                     "one device-millisecond up to 10 million devices × 10 million hours, 11 billion device-years: about the "
                     "age of the universe (13.8 billion years, Planck 2018) on one device")

# -- site and prices ----------------------------------------------------------------------------
POWER_W = Bound(1.0, 1e8, "W", "1 W (a phone SoC) up to 100 MW per device (AlphaGo's whole system is ≈1 MW); a power "
                                "given for a scenario also within its hardware kind's limits (a GPU's, a CPU's, a system's)")
POWER_LIMIT_W = Bound(1.0, 1e8, "W", "as a power per device, 1 W up to 100 MW; then, on a GPU, from a quarter of its "
                                      "TDP up to its TDP, the rated power a limit is set against")
PUE = Bound(1.0, 3.0, "", "1.0 (no overhead) up to 3.0; the industry average is 1.58 and few sites exceed 2.5 "
                          "(Uptime Institute Global Data Center Survey 2023)")
CARBON_INTENSITY_G_PER_KWH = Bound(0.0, 2000.0, "gCO2e/kWh",
                                   "0 up to ~2 × coal's life-cycle 820 g/kWh (IPCC AR5 WG3 Annex III, Table A.III.2)")
PRICE_USD_PER_DEVICE_HOUR = Bound(0.0, 1e5, "USD/device-h",
                                  "0 up to ~10,000 × an H100's on-demand price ($6.88, AWS p5, 2026-11)")
ELECTRICITY_USD_PER_KWH = Bound(0.0, 10.0, "USD/kWh",
                                "0 up to ~25 × the dearest retail tariffs in Europe (≈0.4 USD/kWh, Eurostat 2023)")

# -- calibration -------------------------------------------------------------------------------
# The built-in workload's length. Below a tenth of a second the budget no longer sets the length (each
# matrix size runs its 3 minimum products whatever it is: estimator/device/matmul_bench.MIN_REPS), so
# a shorter one is a typo; a design choice, not a published figure.
CALIBRATION_SECONDS = Bound(0.1, S_PER_HOUR, "s", "a tenth of a second up to an hour")
# The built-in calibration's length when none is given: long enough for every matrix size to reach
# its minimum repetitions at a CPU's ~0.1–0.2 TFLOP/s (measured here), short enough to wait for.
# A design choice, not a figure from a paper.
DEFAULT_CALIBRATION_SECONDS = 10.0
# A calibrated profile's achieved throughput: a device slower than 1 MFLOP/s (a 1980s PC) is a
# wrong --flops, not a measurement (the profiles' peak bounds, estimator/core/hardware/reader.py).
ACHIEVED_FLOPS_PER_S = Bound(1e6, 1e18, "FLOP/s", "the profiles' peak bounds (1 MFLOP/s to 1 EFLOP/s per device)")
GPU_COUNT = Bound(0, 1e6, "GPUs", "a CodeCarbon run's GPUs: up to a million", whole=True)
# A GPU's index as NVML and nvidia-smi number them: from 0, below the GPU count above.
DEVICE_INDEX = Bound(0, GPU_COUNT.high - 1, "", "NVML's numbering of a machine's GPUs, from 0", whole=True)

# -- limits of scale ----------------------------------------------------------------------------
# Hoffmann et al. fit 400 models of 70M–16B parameters on 5–500B tokens (arXiv:2203.15556,
# abstract); far outside that range a scaling law means nothing.
# A split past the parameter or token bounds is refused by the law itself (estimator/laws/scaling.py,
# split_flops_range; its figures are held to this text by tests/laws/test_lecture_laws.py). The top is what
# no split can pass (CLI audit: 10³⁵ was advertised and never accepted).
SCALING_FLOPS = Bound(1e12, 6 * PARAMS.high * TOKENS.high, "FLOPs",
                      "N ≈ 90,000 parameters at 20 tokens each, up to 6·N·D at the parameter and token bounds, which no "
                      "split can pass; a split past those bounds is refused (up to ≈3 × 10³³ FLOPs at 20 tokens a "
                      "parameter, ≈10³² by the fit)")
TOKENS_PER_PARAM = Bound(1e-3, 1e5, "tokens per parameter",
                         "a thousandth of a token up to 5,000 × Chinchilla's 20 (Hoffmann et al. 2022)")
# An error rate the Limits page takes in percent (the CLI's errors are in any unit, only positive): more than 0,
# at most 100% (a rate cannot pass all of the examples; code audit: the page typed 0.001–100 itself).
ERROR_PCT = Bound(0.0, 100.0, "%", "an error rate: more than 0%, at most 100%", low_open=True)
# k in error ∝ compute^(−k) (Thompson et al. 2020): fitted scaling exponents of loss against compute
# are about 0.05 (Kaplan et al. 2020, arXiv:2001.08361, α_C ≈ 0.050) and the lecture's claim implies
# 0.072; k = 5 would mean 1% more compute cuts the error by 5%.
# Halving an error needs k ≥ 0.0104 (estimator/laws/diminishing.py, MIN_HALVING_EXPONENT; held to this text
# by tests/laws/test_lecture_laws.py).
DIMINISHING_EXPONENT = Bound(0.001, 5.0, "", "a thousandth up to 100 × the exponents fitted to loss against compute "
                                             "(Kaplan et al. 2020, α_C ≈ 0.05); halving an error, which every report "
                                             "shows, needs at least 0.0104 (below it 2^(1/k) passes what a computer "
                                             "running on the Sun's whole output could do in a year)")
# A doubling time of FLOP/s per dollar: Hobbhahn & Besiroglu 2022 (Epoch AI) fit 2.07–2.46 years;
# a month (faster than any trend measured) up to 50 years (close to no progress).
DOUBLING_YEARS = Bound(0.1, 50.0, "years", "a month up to 50 years (the fitted GPU price-performance trend is "
                                           "2.07–2.46 years, Hobbhahn & Besiroglu 2022)")
# The layouts a plan lists (the Python API's ``plan(top=…)``; the CLI and the app list the planner's ``TOP``): at
# least one, and no more than a search could time at one device count (its tensor, pipeline, context, expert and data
# degrees, ZeRO stages, micro-batches and recomputations: well under a million).
PLAN_ROWS = Bound(1, 1e6, "layouts", "one at least; more than a search times at one device count lists them all",
                  whole=True)
BUDGET = {
    "usd": Bound(0.0, 1e15, "USD", "up to ~10 × world GDP (≈10¹⁴ USD, World Bank 2023)", low_open=True),
    "kwh": Bound(0.0, 1e15, "kWh", "up to ~30 × world electricity (≈3 × 10¹³ kWh a year, Ember 2024)", low_open=True),
    "tco2e": Bound(0.0, 1e12, "t CO2e", "up to ~20 × world emissions (≈5 × 10¹⁰ t CO2e a year, UNEP 2023)", low_open=True),
}

# -- inference ----------------------------------------------------------------------------------
TOKENS_PER_QUERY = Bound(1, 1e7, "tokens", "one token up to ~10 × the longest context windows (~1 million tokens)")
BATCH = Bound(1, 1e6, "sequences", "one sequence up to a million decoded together", whole=True)
# A bound on a token's latency (p99 TTFT or TPOT): 0.1 ms (under one step of the fastest decode measured) up to
# 10 minutes; MLPerf Inference bounds Llama 2 70B's Server run at 2,000 ms TTFT and 200 ms TPOT, its Interactive
# run at 450 and 40 ms (MLPerf Inference rules, v4.1/v5.0 llama2-70b latency constraints).
LATENCY_MS = Bound(0.1, 6e5, "ms", "0.1 ms up to 10 minutes (MLPerf bounds Llama 2 70B at 2,000 ms TTFT, 200 ms TPOT)")
# Beam search's width: 1 (greedy, one sequence a request) up to 64 beams decoded a request. Translation quality falls
# past a few beams (Koehn & Knowles 2017, arXiv:1706.03872, §3.6, tried up to 1,000); MLPerf's GPT-J decodes 4
# (estimator/io/serving_data.py, MLPERF_BENCHMARKS). The top leaves room: a design choice.
BEAMS = Bound(1, 64, "beams", "1 (greedy) up to 64 beams a request (MLPerf's GPT-J decodes 4)", whole=True)
# Speculative decoding's draft tokens a step: 0 (none) up to 16. MLPerf's DeepSeek-R1 Interactive drafts 3 a step
# (MLPerf Inference v6.0: EAGLE-style decoding with the model's MTP head, speculative-num-steps 3, topk 1); past a
# dozen, a draft's later tokens are almost never accepted (each position's chance is the acceptance to that power).
# The top leaves room: a design choice.
DRAFT_TOKENS = Bound(0, 16, "draft tokens", "0 (none) up to 16 draft tokens a step (MLPerf's DeepSeek-R1 Interactive "
                     "drafts 3)", whole=True)
# The chance a draft token is accepted, given the ones before it were: more than none, less than always (a draft the
# model always accepts is the model). DeepSeek-V3's MTP module: 85-90% for its next token (arXiv:2412.19437, §5.4.3).
ACCEPTANCE = Bound(0.0, 0.99, "", "a draft always accepted would be the model itself; DeepSeek-V3's MTP head: "
                   "0.85-0.90", low_open=True)
# A prompt, like an answer: one token up to ~10 × the longest context windows (~1e6 tokens, Gemini 1.5).
PROMPT_TOKENS = Bound(1, 1e7, "tokens", "one token up to ~10 × the longest context windows (~1 million tokens)")
# The fraction of weights pruned: none up to 99% (one weight in a hundred left). SparseGPT prunes
# 50–60% in one shot (Frantar & Alistarh 2023, arXiv:2301.00774); past 99% the model is another one.
SPARSITY = Bound(0.0, 0.99, "of the weights", "none up to 99% pruned (one weight in a hundred left)")

# -- training memory, embodied carbon and water (issue 14) --------------------------------------
# Sequences a device takes a step: one up to a million, about 15 × the largest whole batch reported, BERT's 65,536
# sequences over 1,024 TPU chips with LAMB (You et al. 2020, arXiv:1904.00962, §5): a design choice that leaves room.
MICRO_BATCH = Bound(1, 1e6, "sequences", "one sequence up to a million per device per step (~15 × BERT's whole "
                    "65,536-sequence LAMB batch, You et al. 2020)", whole=True)
# Tensor parallelism past a few hundred ranks has not been reported; Megatron-LM runs use ≤ 8 per
# server (Narayanan et al. 2021, arXiv:2104.04473, §3.3) and the bound leaves room far above.
TENSOR_PARALLEL = Bound(1, 1024, "devices", "1 up to 128 × the 8 GPUs of one server (Narayanan et al. 2021)",
                        whole=True)
PIPELINE_PARALLEL = Bound(1, 1e4, "stages", "1 up to the layer bound: one stage per layer at most", whole=True)
# Interleaved pipeline chunks per stage (Narayanan et al. 2021, arXiv:2104.04473, §2.2.2): each stage holds vp
# non-adjacent chunks of layers, so pp × vp is at most the layers (the step model checks it against the model's).
VIRTUAL_PIPELINE = Bound(1, 1e4, "chunks", "1 up to the layer bound: one layer per chunk at most (the interleaved "
                         "schedule, Narayanan et al. 2021, §2.2.2)", whole=True)
# Context parallelism splits each sequence over ranks: Llama 3 405B trained with CP 16 at 131,072 tokens (Dubey et al.
# 2024, arXiv:2407.21783, §3.3.2 and Table 4); the bound leaves room far above.
CONTEXT_PARALLEL = Bound(1, 1024, "devices", "1 up to 64 × Llama 3's 16 (Dubey et al. 2024, §3.3.2)", whole=True)
# Expert parallelism spreads a mixture of experts' experts over ranks: DeepSeek-V3 trained with EP 64 (DeepSeek-AI
# 2024, arXiv:2412.19437, §3.2); the bound leaves room far above, as the experts per layer (256 there) cap it.
EXPERT_PARALLEL = Bound(1, 1024, "devices", "1 up to 16 × DeepSeek-V3's 64 (DeepSeek-AI 2024, §3.2)", whole=True)
# The share of a mixture of experts' all-to-all a schedule hides under compute: none (the step model's default) up to
# all of it, as DeepSeek-V3's DualPipe hid it (DeepSeek-AI 2024, arXiv:2412.19437 §3.2.1: "both all-to-all and PP
# communication can be fully hidden during execution").
EXPERT_OVERLAP = Bound(0.0, 1.0, "of the expert all-to-all", "none hidden up to all of it (DeepSeek-V3's DualPipe, "
                                                            "arXiv:2412.19437 §3.2.1)")
MEMORY_GB = Bound(1e-3, 1e7, "GB", "1 MB up to 10 PB per device, a whole system's included (the hardware profiles take the same bounds)")
# Servers' useful life as hyperscalers book it is 4–6 years (Microsoft and Alphabet raised it from
# 4 to 6 years in 2022–2023; Amazon books 5–6), as reported in their annual reports.
LIFETIME_YEARS = Bound(0.1, 30.0, "years", "about a month up to 5 × the 6-year useful life hyperscalers book for "
                                           "servers (annual reports of Microsoft and Alphabet, 2022–2023)")
# On-site water: 1–9 L/kWh on site, 9 L/kWh an Arizona data centre in summer (Li et al. 2023,
# "Making AI Less Thirsty", arXiv:2304.03271, §2.2).
WUE_L_PER_KWH = Bound(0.0, 20.0, "L/kWh", "0 up to ~2 × the 9 L/kWh of an Arizona data centre in summer "
                                          "(Li et al. 2023, arXiv:2304.03271, §2.2)")
# Off-site water per kWh of electricity: WRI's withdrawal factor including hydro is 386 L/kWh
# (Li et al. 2023, appendix), the largest figure they quote.
EWIF_L_PER_KWH = Bound(0.0, 400.0, "L/kWh", "0 up to WRI's 386 L/kWh withdrawal factor including hydro "
                                            "(Li et al. 2023, arXiv:2304.03271, appendix)")
