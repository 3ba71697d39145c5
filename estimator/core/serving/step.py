"""Serving a transformer: one decode step, the KV cache, prefill, tensor parallelism and power.

Pure: frozen dataclasses in, frozen dataclasses out; the fitted constants come in as a
``ServingFit`` (written by ``python -m estimator fit-serving`` from the measured configurations
in ``estimator/data/mlenergy_inference.csv``; loaded at the edge by ``estimator.io.serving_data``).

One decode step produces one token for each of the B sequences in a batch, on ``tp`` devices
that split every layer (tensor parallelism). Its time, per device:

- memory   = (weight bytes read + B × context × KV bytes per token) ÷ (tp × η_bw × bandwidth);
  a dense model reads all its weights but the embedding table (only its B rows), a mixture of
  experts its shared weights and the experts its B tokens are routed to
  (``weights_read_fraction``); quantised weights are the blocks' linear layers, the embeddings
  and LM head staying at 16 bits (``stored_weight_bytes``, ``read_weight_bytes``)
- compute  = B × (2·N_active + 4·L·context·H·d_head) ÷ (tp × η_c × peak)
- GPU time = the slower of the two (roofline; at small batch decoding is memory-bound, and
  larger batches raise it through the KV cache they read)
- windowed attention (a sliding or banded window: gpt-oss, Mistral 7B, Gemma 2; not Llama 4's chunks): a windowed layer holds
  and reads at most its window's tokens, so "context" above is ``Architecture.held_tokens``, the layers' average,
  and a prompt's prefill scores ``Architecture.prompt_attention_pairs`` (serving-engineer review 2026-11-27:
  gpt-oss-120b's KV cache was counted whole in its 18 banded layers, twice what engines hold)
- prefill  = the prompts of the B/T requests that start per step (T = output tokens per
  request): (B/T) × (2·N_active·P + 2·L·P²·H·d_head) ÷ (tp × η_c × peak), compute-bound
- tensor parallelism = 2 all-reduces per layer (Megatron-LM), each a fitted fixed cost (plus NCCL's network
  latency where a replica spans nodes: ``cross_node_allreduce_s``) plus its bytes over the device's link: the hidden state of every token the step multiplies, the B decoded
  sequences' and, in an engine whose prompts ride in the decode step (``mixed_prefill``), the prompt tokens
  too (issue 54: they had been left out, and Llama 3.1 405B in TensorRT-LLM's published runs, at their TP4 and TP8,
  came out 1.28× too fast; 1.14× with them). An engine that prefills as its own phase (vllm-2024, eager-2023) keeps the decoded sequences' only, as
  it was fitted: refitted with the prompts' all-reduces, vllm-2024's TPOT range held 23 of its 32 held-out
  configurations (72%), not 26, below issue 13's 75%. A request's own prompt's all-reduces (2 a layer over its P
  tokens) go with its prefill, in every engine: in its time to the first token and, a step's share (1/T of them), in
  a token served, drawn as the steps' collectives, but not in what its user waits between tokens nor in the mixed
  step's message (serving review 2026-11-30: they had ridden in every decode step, all of them at batch 1, and been
  left out of the time to the first token: Llama 3.1 405B's 9,400-token prompt over TP 16 on two nodes read 0.88 s to
  its first token, 3.8 s with them)
- engine = a fitted cost per layer and per sequence (kernel launches, scheduling, sampling:
  the CPU side of a serving engine)
- a mixture of experts' expert GEMMs run below a dense layer's rate: each expert multiplies only the
  M·k/E tokens routed to it by its narrow width w, and a GEMM's efficiency grows with its dimensions as
  the training step model's does (``core.training.step.gemm_seconds``: x/(x + h) per dimension, h the
  fitted half-efficiency dimension ``gemm_half_dim`` × the device's 16-bit peak in PFLOP/s, step_fit.json, fitted to
  published training layouts, not to serving; the peak alone, where the training step takes the peak × its measured
  matmul ceiling since 2026-11-30: they differ only on devices whose best matmul falls below the fitted share, the
  MI300X family, Gaudi 3 and the GB200; the serving fit was made with the peak and not refit); relative to the model's dense d × d products at the same
  M tokens, the experts' FLOPs run at sat(max(1, M_r·k/E))·sat(w)/(sat(M)·sat(d)) of the compute rate, at most 1,
  M_r the tokens that reach the device's experts (the replica's under expert parallelism), a prompt's prefill at
  least its own tokens (``expert_gemm_rate``; ``ServingFit.moe_gemm_half_dim``; 0: off)
- expert parallelism (a mixture of experts, ``ep`` > 1): the replica's ``ep`` devices each hold the weights outside
  the experts whole and 1/ep of the experts (``expert_slots``: ceil(E/ep), redundant copies in the spare slots, where
  ``ep`` does not divide them), and each runs attention for its own sequences, the busiest ceil(B/ep)
  of them (attention data parallelism: DeepSeek-AI 2024, DeepSeek-V3, arXiv:2412.19437, §3.4.2, decoding with EP across the nodes and
  the attention part data-parallel; TensorRT-LLM's ``enable_attention_dp``); per device the step reads the shared
  weights, its own experts the replica's B tokens touch (at least one where any is) and its sequences' KV cache,
  and computes its sequences' FLOPs (routing taken as even); every MoE layer exchanges the tokens by two all-to-alls (dispatch and
  combine, DeepSeek-V3 §3.2.2), each the fitted fixed cost of a collective (``tp_s_per_allreduce``, fitted to
  all-reduces: a stand-in) plus the bytes that leave the device, k copies of each token's hidden state, over its link

A request's own prompt is prefilled before it decodes, so it rides in the other sequences' steps only
(``own_prompt_share``: 1 ÷ B of the step's prompts, all of them at batch 1 or in a static batch): where prompts ride in
the step, that prompt runs as a phase of its own (a prompt alone, at the prefill's draw), max(memory, compute + the
rest) + its phase. The step's sum,
over the tokens a sequence emits in it, is a token served (``tpot_s``: throughput is B ÷ it); TPOT, what one user
waits between tokens, is that but the own share, which the time to the first token holds (``user_tpot_s``). Power per
device rises with load from idle towards the decode and prefill draws (Splitwise's power model), with one fitted factor
for how long the GPU is really busy per unit of roofline time. Energy per output token = power × devices × a token
served ÷ B, prefill included.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import BITS_PER_BYTE, BYTES_PER_GB, MS_PER_S, US_PER_MS
from estimator.core.hardware.matmul import scaled_share
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.serving.engines import ENGINE_ALIASES, ENGINES, VLLM_ENGINE
from estimator.core.serving.weights import (
    DEFAULT_BITS,
    DEFAULT_KV_BITS,
    EMBEDDING_BITS,
    embedding_params,
    expert_active_params,
    expert_params,
    input_table_params,
    kv_replication,
    read_weight_bytes,
    stored_weight_bytes,
)
from estimator.core.training.step import half_efficiency_dim
from estimator.core.workload.architecture import (
    AVERAGE_OUTPUT_SHARE,
    Architecture,
    attention_params,
    check_architecture,
    check_params_fit,
    param_floor,
    student_architecture,
)

# -- sourced constants (each source named beside it) ----
# Forward pass ≈ 2·N FLOPs per token for a dense model (Kaplan et al. 2020, arXiv:2001.08361, §2.1).
FLOPS_PER_PARAM_PER_TOKEN = 2.0
# Attention per decoded token: QKᵀ and AV, 2 FLOPs per multiply-add each, over the context:
# 4·L·context·(H·d_head) (Kaplan et al. 2020, Table 1 counts 2·L·n_ctx·d_attn per token forward
# for one of the two products). Prefill over P prompt tokens: causal, half of 4·L·P²·H·d_head.
ATTENTION_FLOPS_PER_CONTEXT_TOKEN = 4.0
# Achievable fraction of peak HBM bandwidth for streaming kernels: 0.90 (kipply, "Transformer
# Inference Arithmetic", 2022, profiling FasterTransformer 13B on A100; llm-analysis
# HBM_MEMORY_EFFICIENCY = 0.9). Whole-step overheads are the fitted engine costs, not this.
BANDWIDTH_FRACTION = 0.9
BANDWIDTH_FRACTION_SOURCE = ("0.9 of peak HBM bandwidth: kipply, 'Transformer Inference Arithmetic' (2022), "
                             "FasterTransformer 13B on A100; llm-analysis HBM_MEMORY_EFFICIENCY")
# Achievable fraction of the tensor peak in compute-bound phases (prefill, large batches): 0.6.
# Prefill MFU measured on A100 at 16 bits: 0.61–0.67 (TensorRT-LLM v0.5 performance.md, first-token
# latency of LLaMA 7B/70B at 2048 input tokens; Splitwise perf_model.csv, Llama-2-70B TP2); kipply
# fits 0.7 on A100; H100 reaches 0.46–0.78 of its BF16 peak in the same sources. Attention alone, timed by this
# project on an H100 (estimator/data/measured_attention_kernels.csv, causal prefill of 4k-32k tokens): cuDNN's fused
# kernel 0.62–0.68 of the dense BF16 peak, FlashAttention-2 0.34–0.36; 0.6 is the faster kernels' rate.
COMPUTE_FRACTION = 0.6
COMPUTE_FRACTION_SOURCE = ("0.6 of the tensor peak: prefill MFU 0.61–0.67 on A100 (TensorRT-LLM v0.5 "
                           "docs/source/performance.md; Splitwise data/perf_model.csv), 0.46–0.78 of BF16 on H100")
# Tensor parallelism: two all-reduces per layer in the forward pass (Shoeybi et al. 2019,
# Megatron-LM, arXiv:1909.08053, §3); a ring all-reduce moves 2(tp−1)/tp of the message over
# each link (NCCL tests, doc/PERFORMANCE.md: busbw = algbw · 2(n−1)/n).
ALLREDUCES_PER_LAYER = 2
ACTIVATION_BYTES = 2  # 16-bit activations in the all-reduced messages
# An all-reduce whose ranks span nodes pays the network's latency on top of the fixed cost fitted within one NVLink
# domain (``tp_s_per_allreduce``): NCCL's own cost model (NVIDIA/nccl src/graph/tuning.cc, ncclTopoTuneModel, at
# b6475625fbcaa2c3c0e50eed2fa1255d7514d4a2) times a small all-reduce on its tree algorithm, the one it picks for small
# messages across nodes, as baseLat + 2·((ranks per node − 1)·intraLat + ⌊log2 nodes⌋·interLat): the part the nodes
# add is 2·⌊log2 nodes⌋ × hwLat[NET][Tree][LL], 5.0 µs. (A measured 1 KB all-reduce on 2 nodes of 8 A100s,
# 35.85 µs against 16.96 µs on one, adds more, 19 µs: microsoft/mscclpp docs/performance-ndmv4.md, NCCL 2.17.1.)
NET_TREE_LL_LATENCY_US = 5.0
CROSS_NODE_ALLREDUCE_SOURCE = ("NCCL's cost model of a small all-reduce on its tree algorithm across nodes: "
                               "+2·⌊log2 nodes⌋ × 5.0 µs (NVIDIA/nccl src/graph/tuning.cc, hwLat[NET][Tree][LL])")


def cross_node_allreduce_s(nodes: int) -> float:
    """What ``nodes`` scale-up domains add to one small all-reduce (0 within one): 2·⌊log2 nodes⌋ × 5.0 µs, NCCL's
    tree model (``NET_TREE_LL_LATENCY_US``)."""
    if nodes <= 1:
        return 0.0
    return 2 * (int(nodes).bit_length() - 1) * NET_TREE_LL_LATENCY_US / (US_PER_MS * MS_PER_S)
# Expert parallelism: a mixture of experts' layer sends each token's hidden state to its k experts' devices and
# gathers their outputs back, two all-to-alls a layer (DeepSeek-AI 2024, DeepSeek-V3, arXiv:2412.19437, §3.2.2:
# "dispatching and combining"); of an even spread over ep devices, (ep − 1)/ep of the copies leave the device.
ALLTOALLS_PER_MOE_LAYER = 2
# A SwiGLU expert is three d × w matrices (gate, up, down: Shazeer 2020, arXiv:2002.05202; Mixtral, Jiang et al.
# 2024, §2.1), so its width is its parameters ÷ (3·d).
SWIGLU_MATRICES = 3
# Speculative decoding (Leviathan, Kalman & Matias 2023, "Fast Inference from Transformers via Speculative Decoding",
# ICML, arXiv:2211.17192, §3.1, eq. 1): a draft proposes γ tokens a step and the model verifies them with the γ + 1
# positions in one pass; with each draft token accepted with probability α given the ones before it were, a step
# emits (1 − α^(γ+1)) ÷ (1 − α) tokens on average (``tokens_per_step``). The draft here is a head of one transformer
# layer on the model's own hidden states with the model's LM head, run once per draft token: EAGLE (Li et al. 2024,
# arXiv:2401.15077, §4: one decoder layer, the target's frozen LM head) and DeepSeek-V3's multi-token-prediction module
# (arXiv:2412.19437, §2.2: one Transformer block, the shared output head), as MLPerf's DeepSeek-R1 Interactive runs it.
DRAFT_LAYERS = 1
# Acceptance where none is given: DeepSeek-V3's MTP module, "the acceptance rate of the second token prediction ranges
# between 85% and 90%" (arXiv:2412.19437, §5.4.3): its lower end, taken for every position (optimistic where a head
# drafts past the one position it was trained for, as MLPerf's DeepSeek-R1 Interactive reuses it for 3).
DEFAULT_ACCEPTANCE = 0.85
ACCEPTANCE_SOURCE = ("DeepSeek-V3's MTP head, its next token accepted 0.85-0.90 of the time (arXiv:2412.19437, "
                     "§5.4.3): 0.85, taken for every draft position")


def tokens_per_step(draft_tokens: int, acceptance: float) -> float:
    """The tokens a sequence emits a decode step: 1 without a draft; with ``draft_tokens`` γ each accepted with
    probability ``acceptance`` α given the ones before it, (1 − α^(γ+1)) ÷ (1 − α) (Leviathan et al. 2023, eq. 1)."""
    if not draft_tokens:
        return 1.0
    a = float(acceptance)
    return (1.0 - a ** (int(draft_tokens) + 1)) / (1.0 - a)


# Link bandwidth per direction for the all-reduce bytes: each profile's [interconnect] table
# (profiles/*.toml, with its datasheet), or this fallback where a profile states none: PCIe 4.0
# ×16, ≈31.5 GB/s per direction (PCI-SIG, PCIe 4.0: 16 GT/s × 16 lanes, 128b/130b).
FALLBACK_LINK_GB_PER_S = 31.5
FALLBACK_LINK_SOURCE = (f"PCIe 4.0 x16, about {gfmt(FALLBACK_LINK_GB_PER_S)} GB/s per direction (PCI-SIG): the profile "
                        "states no link ([interconnect])")
# Memory a serving engine may use for weights and KV cache: 0.9 of capacity (vLLM's default
# --gpu-memory-utilization; the rest holds activations, CUDA graphs and the allocator's slack).
USABLE_MEMORY_FRACTION = 0.9
# The most sequences an engine's scheduler runs per step where its profile states none: vLLM's default
# --max-num-seqs, 256 (vLLM 0.5 EngineArgs); each engine's own is in engines.toml.
DEFAULT_MAX_BATCH = 256
USABLE_MEMORY_SOURCE = f"{gfmt(USABLE_MEMORY_FRACTION)} of device memory: vLLM's default --gpu-memory-utilization"

# Power per device as a fraction of TDP (Splitwise, Patel et al. 2024, arXiv:2311.18677, simulator
# power model configs/power_model/constant.yaml: A100-80GB idle 63 / decode 250 / prefill 400 W of
# 400 W; H100 75 / 380 / 700 W of 700 W). Idle 0.2: POLCA (Patel et al., arXiv:2308.12908), A100
# idle ≈ 20% of TDP (a loaded process keeps clocks up; Splitwise's bare idle is 0.11–0.16).
# Decode 0.58: the mean of Splitwise's 0.625 (A100) and 0.54 (H100). Prefill: TDP.
IDLE_POWER_FRACTION = 0.2
DECODE_POWER_FRACTION = 0.58
PREFILL_POWER_FRACTION = 1.0
# The lowest power limit taken, a share of the TDP: NVIDIA's DGX B200 lets its GPUs be limited down to 200 W, of an
# allowable maximum of 1,000 W and a default of 700 W (DGX B200 user guide, "Managing Power Capping", the Redfish
# PowerLimitWatts example: AllowableMin 200, AllowableMax 1000, DefaultSetPoint 700; an earlier copy of the chapter
# shows 200 and 700): 0.2 to 0.29 of the rated power. A quarter, between them, keeps a limit clear of the idle draw
# the slowdown counts from (``limit_stretch``: at idle it has no bound). A design choice bracketed by those figures.
MIN_POWER_LIMIT_FRACTION = 0.25
MIN_POWER_LIMIT_SOURCE = ("NVIDIA's DGX B200 lets its GPUs be limited down to 0.2-0.29 of their rated power: its "
                          "user guide's 'Managing Power Capping', "
                          "https://docs.nvidia.com/dgx/dgxb200-user-guide/power-capping.html")
# A decode step's draw rises from the decode fraction towards the prefill's as its matrix products take more of its
# roofline (``compute_share``): Splitwise's two draws are a memory-bound decode's and a compute-bound prefill's, and a
# decode step at a large batch is compute-bound. Linear in the share between them: an assumption, no fitted number.
# Tried on ML.ENERGY's configurations held out by model (`python -m research.power_load_tries`, fit-serving's folds):
# J per output token 1.16x -> 1.14x, its 80% range x2.07 -> x1.77 wide, holding 88% -> 84%.
POWER_SOURCE = ("power between idle 0.2 × TDP (POLCA, arXiv:2308.12908) and decode 0.58 × TDP / prefill 1.0 × TDP "
                "(Splitwise power model, arXiv:2311.18677: A100 250/400 W, H100 380/700 W), by load; a decode step's "
                "draw lifted from the decode's towards the prefill's by the share of its roofline its matrix products take")

# What each fitted number means, and the sourced figure it can be held against.
FITTED = {
    "engine_s_per_layer": (
        "engine cost per layer and decode step (kernel launches, framework)",
        "vLLM v0.6.0 release blog (2024-09-05): vLLM v0.5.3 serving Llama 3 8B on one H100 spent 33% of the time in "
        "the HTTP API server and 29% in scheduling, i.e. the GPU waited about 62% of the time"),
    "engine_s_per_sequence": (
        "engine cost per sequence and decode step (scheduling, sampling, detokenisation)",
        "fitted only: the same blog gives scheduling 29% of the time but no per-sequence figure"),
    "tp_s_per_allreduce": (
        "fixed cost of one tensor-parallel all-reduce (2 per layer), synchronisation included",
        "no citable small-message NVLink all-reduce latency was found (research notes, models.md B.4): fitted only"),
    "busy_per_roofline_s": (
        "GPU-busy seconds per second of roofline time (kernels run below the roofline): sets the power's load",
        "Splitwise's power model draws the decode power through the whole step (factor 1)"),
}

@dataclass(frozen=True)
class Device:
    """What the step needs to know about one device (from a hardware profile)."""

    id: str
    memory_gb: float
    bandwidth_gb_per_s: float
    peak_flops_per_s: float       # the tensor peak the weights' matrix products use
    tdp_w: float                  # what the fractions of TDP multiply: the TDP, or a stand-in (``tdp_label``)
    link_gb_per_s: float
    link_source: str = ""
    # what crossing nodes adds to each collective (``cross_node_allreduce_s``, NCCL's all-reduce model, the
    # all-to-alls' stand-in; 0 within one domain)
    cross_node_latency_s: float = 0.0
    # attention's products (QKᵀ, AV) multiply activations by the 16-bit KV cache, not weights: they run at
    # the 16-bit peak whatever the weights' bits (None: ``peak_flops_per_s``; audit: 8-bit ran them at INT8)
    attention_flops_per_s: float | None = None
    # its best measured matmul's share of its peak ÷ the reference H100's (core/hardware/matmul.py): the engine's
    # fraction of the peak in compute-bound phases is taken × this on it (1: not measured, or the reference's)
    matmul_ratio: float = 1.0
    # "TDP", or what stands in for it where a profile states none ("chip draw": the TPUs since v4)
    tdp_label: str = "TDP"


def link_for(profile: HardwareProfile) -> tuple[float, str]:
    """The device's link per direction (GB/s) and its source: the profile's link, or its scale-up domain's where it states
    no link (newcomer review 2026-11-29: a profile with only ``scale_up_gb_per_s`` had been served over the PCIe 4.0
    fallback, said to state no link), or the PCIe 4.0 fallback."""
    if profile.scale_up_gb_per_s and profile.link_gb_per_s and profile.scale_up_gb_per_s != profile.link_gb_per_s:
        # the domain's own figure where it differs from the device's links in all (the MI250X: a package's 250 GB/s
        # of links against a dual link's 100 between packages), as the training step takes it (diff review 2026-12-02)
        return profile.scale_up_gb_per_s, profile.scale_up_source
    if profile.link_gb_per_s:
        return profile.link_gb_per_s, profile.link_source
    if profile.scale_up_gb_per_s:
        return profile.scale_up_gb_per_s, profile.scale_up_source
    return FALLBACK_LINK_GB_PER_S, FALLBACK_LINK_SOURCE


@dataclass(frozen=True)
class ServingFit:
    """The fitted constants of the serving model and the interval around its predictions."""

    engine_s_per_layer: float        # per decode step and layer
    engine_s_per_sequence: float     # per decode step and sequence in the batch
    tp_s_per_allreduce: float        # fixed cost of one all-reduce (with tensor parallelism)
    busy_per_roofline_s: float       # GPU-busy seconds per second of roofline time (power)
    tpot_log_half_width: float       # 80% interval of TPOT: ×/÷ exp(this)
    energy_log_half_width: float     # 80% interval of J per output token
    level: float
    n_configs: int
    n_models: int                    # the groups the interval counts once each (models, or benchmarks)
    source: str = ""
    engine: str = VLLM_ENGINE        # whose costs these are (ENGINES)
    held_out_coverage: float | None = None  # the share of held-out measurements its interval held (where measured)
    # the least share its interval held, each held-out group (a model, a device) averaged alike, over the scenarios and
    # the ways it was held out (the optimised engine's; evidence audit 2026-11-29: the best-looking figure alone was
    # quoted); None: not measured so
    held_out_group_coverage: float | None = None
    # the share of later runs of newer models and GPUs, never fitted, its interval held, and how many (where checked)
    newer_coverage: float | None = None
    newer_runs: int = 0
    # the engine's achieved fraction of the tensor peak in compute-bound phases (the sourced COMPUTE_FRACTION for
    # every shipped engine since issue 54; a fit file may still state one) and the share of device memory it
    # gives weights and KV cache (engines.toml, with its source)
    compute_fraction: float = COMPUTE_FRACTION
    memory_fraction: float = USABLE_MEMORY_FRACTION
    memory_source: str = USABLE_MEMORY_SOURCE   # what the memory fraction is and where it comes from, as messages say it
    # the share of the bandwidth the decode attention reads the KV cache at (None: the weights' ``bandwidth_fraction``;
    # research/kv_read_tries.py tries others, no shipped engine sets one)
    kv_bandwidth_fraction: float | None = None
    # in-flight batching with chunked prefill (Sarathi-Serve, Agrawal et al. 2024, arXiv:2403.02310; TensorRT-LLM,
    # vLLM >= 0.6): the prompts' tokens ride in the decode step's matrix products, so the step's GPU time is
    # the slower of its bytes and all its FLOPs, prefill's included; False: prefill runs as its own phase, added
    mixed_prefill: bool = False
    # with mixed prefill, attention apart from the matrix products: the GEMMs carry every token of the step at once
    # (the slower of the weights' bytes and all the tokens' FLOPs), while attention runs its own kernels, the decode's
    # (the slower of its KV bytes and FLOPs) and the prompts' (compute-bound), one after the other (TensorRT-LLM,
    # docs/source/advanced/gpt-attention.md: "different implementations for both context and generation phases",
    # the context phase's sequences packed before the generation phase's in an in-flight batch). False: the step is
    # the slower of all its bytes and all its FLOPs
    attention_apart: bool = False
    # a mixture of experts' expert GEMMs at the rate their size allows (the module docstring): the training step
    # model's fitted half-efficiency dimension, elements per 16-bit PFLOP/s of peak (step_fit.json's gemm_half_dim,
    # written here by fit-serving); 0: experts at the dense rate
    moe_gemm_half_dim: float = 0.0
    # the most sequences its scheduler runs in one step (engines.toml, with its source): caps the batch that
    # maximises throughput (`batch_size` "max"), never a batch given
    max_batch: int = DEFAULT_MAX_BATCH
    # the mean time per output token an engine holds under a stream of requests, as a share of the p99 bound it
    # meets: MLPerf Inference's Server runs, their mean TPOT ÷ the p99 bound, the median (serving_fit.json's
    # optimized_engine.server_share, written by fit-serving; the only such measurement, taken for every engine). A
    # TPOT bound given (`tpot_ms`, a p99) holds the steady TPOT at this share of it; 1: the TPOT taken as the p99
    server_share: float = 1.0
    # the p99 time to the first token under a stream of requests over its mean: MLPerf Inference's Server runs, their
    # measured p99 ÷ mean TTFT, the median (serving_fit.json's optimized_engine.ttft_p99_over_mean, written by
    # fit-serving; taken for every engine that batches requests in flight). A TTFT bound given (`ttft_ms`, a p99) holds
    # the mean under the load (``throughput.loaded_ttft_s``) at 1 ÷ this of it; 1: the modelled TTFT taken as the p99
    ttft_p99_over_mean: float = 1.0
    # the p99 TTFT under load as predicted ÷ as measured, geometric mean over MLPerf's Server runs held out by model
    # (serving_fit.json's optimized_engine.validation.ttft_under_load; below 1: too short); None: not checked
    ttft_p99_held_out_ratio: float | None = None
    # how a device held under a power limit below its modelled draw slows: the step × ((draw − idle) ÷ (limit − idle))
    # to this power (``limit_stretch``; MLPerf Inference v4.1's power-capped MaxQ results against the same systems
    # uncapped: serving_fit.json's power_limit.exponent, written by fit-serving, taken for every engine; ``step``'s
    # ``power_limit_w``). 0: a limit caps the draw and costs no time
    power_limit_exponent: float = 0.0
    # the limits, as shares of the TDP, that exponent was fitted at (its measurements' lowest and highest): a limit
    # below the lowest is extrapolated, and the notes say so (between the highest and the TDP, where the slowdown is
    # none, it interpolates)
    power_limit_tdp_shares: tuple[float, float] = (0.0, 1.0)
    # the engine runs the prompts of new requests as a step of their own, between decode steps, no chunked prefill
    # (engines.toml's prefill_steps_apart: vLLM 0.5 as ML.ENERGY ran it, --enable-chunked-prefill False): each such
    # step pays the engine's per-layer cost again (``step``); False: prompts ride in the decode step or a static batch
    # prefills once
    prefill_steps_apart: bool = False
    # the engine decodes a static batch: its sequences start together and run to the batch's end, no stream of requests
    # (engines.toml's static_batch): every prompt of the batch is prefilled before the first token, and every step is
    # its steady one (``throughput.ttft_s``, ``throughput.p99_share``); False: in-flight batching of a request stream
    static_batch: bool = False
    # the engine was fitted at batch 1 alone (engines.toml's batch_one_only: the eager loop's FastChat rows): any other
    # batch, the largest batch (`batch_size` "max") and a latency bound (a search over batches) are refused
    batch_one_only: bool = False

    PARAMS = ("engine_s_per_layer", "engine_s_per_sequence", "tp_s_per_allreduce", "busy_per_roofline_s")

    def params(self) -> tuple[float, ...]:
        return tuple(getattr(self, k) for k in self.PARAMS)

    def to_dict(self) -> dict:
        """The fitted numbers, and the engine's compute fraction and mixed prefill where not the defaults."""
        out = {k: getattr(self, k) for k in (*self.PARAMS, "tpot_log_half_width", "energy_log_half_width",
                                              "level", "n_configs", "n_models")}
        if self.compute_fraction != COMPUTE_FRACTION:
            out["compute_fraction"] = self.compute_fraction
        if self.mixed_prefill:
            out["mixed_prefill"] = True
        if self.moe_gemm_half_dim:
            out["moe_gemm_half_dim"] = self.moe_gemm_half_dim
        return out

    @classmethod
    def from_dict(cls, d: dict, source: str = "", engine: str = VLLM_ENGINE) -> ServingFit:
        keys = (*cls.PARAMS, "tpot_log_half_width", "energy_log_half_width", "level", "n_configs", "n_models")
        missing = [k for k in keys if k not in d]
        if missing:
            raise InputError(f"serving fit: missing {', '.join(missing)}")
        vals = {}
        for k in keys:
            x = d[k]
            if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x) or x < 0:
                raise InputError(f"serving fit: {k} must be a finite number of at least 0, got {x!r}")
            vals[k] = x
        if engine not in ENGINES or engine in ENGINE_ALIASES:
            raise InputError(f"serving fit: engine must be one of {', '.join(e for e in ENGINES if e not in ENGINE_ALIASES)}, "
                             f"got {engine!r}")
        extra = {}
        for k in ("compute_fraction",):
            if k in d:
                x = d[k]
                if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x) or not 0 < x <= 1:
                    raise InputError(f"serving fit: {k} must be a number in (0, 1], got {x!r}")
                extra[k] = float(x)
        if "moe_gemm_half_ridge" in d:  # the form before 2026-11-27: a multiple of the roofline ridge, ~257× smaller
            raise InputError("serving fit: moe_gemm_half_ridge is no longer read: the experts' half dimension is "
                             "moe_gemm_half_dim, elements per 16-bit PFLOP/s of peak; re-run `python -m estimator fit-serving`")
        if "moe_gemm_half_dim" in d:
            x = d["moe_gemm_half_dim"]
            if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x) or x < 0:
                raise InputError(f"serving fit: moe_gemm_half_dim must be a finite number of at least 0, got {x!r}")
            extra["moe_gemm_half_dim"] = float(x)
        if "power_limit_exponent" in d:
            x = d["power_limit_exponent"]
            if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x) or not 0 <= x <= 1:
                raise InputError(f"serving fit: power_limit_exponent must be a number in [0, 1], got {x!r}")
            extra["power_limit_exponent"] = float(x)
        for k in ("mixed_prefill", "attention_apart"):
            if k in d:
                if not isinstance(d[k], bool):
                    raise InputError(f"serving fit: {k} must be true or false, got {d[k]!r}")
                extra[k] = d[k]
        return cls(**vals, source=source, engine=engine, **extra)


@dataclass(frozen=True)
class Step:
    """One decode step of a batch, per device, and what follows from it."""

    weights_gb: float             # all devices together
    kv_cache_gb: float            # the batch's KV cache at the average sequence in flight (prompt + half the output)
    memory_s: float               # weights + KV read at the achievable bandwidth
    compute_s: float              # decode FLOPs at the achievable peak
    gpu_s: float                  # the roofline: the slower of the two
    prefill_s: float              # prompts that start per step, compute-bound
    tp_s: float                   # tensor-parallel all-reduces
    engine_s: float               # fitted per-layer and per-sequence costs
    tpot_s: float                 # the sum over the tokens a step emits: a sequence's time per output token served,
    #                               its own prompt's prefill included (throughput, energy and totals)
    user_tpot_s: float            # what one user waits between tokens: ``tpot_s`` but its own prompt's prefill (TPOT)
    decode_s: float               # the step without the prompts' prefill (a window of decode steps alone)
    power_w: float                # average per device
    power_fraction: float         # power ÷ TDP
    joules_per_output_token: float
    bound: str                    # "memory" or "compute" (the GPU part; in a mixed-prefill step, its prompts too)
    flops_per_token: float        # decode, at the average context, a token emitted (a draft's passes and verified
    #                               positions, the rejected ones too, over the tokens a step emits)
    ep_s: float = 0.0             # expert-parallel all-to-alls (0 without expert parallelism)
    draft_s: float = 0.0          # speculative decoding's draft passes (0 without a draft), the step's
    tokens_per_step: float = 1.0  # tokens a sequence emits a step (more than 1 with a draft): TPOT = the step ÷ it
    # a power limit below the modelled draw: the draw the device would have had, and how much longer the step ran
    # under the limit, every part of it alike (1: no limit, or one above the draw)
    unlimited_power_w: float | None = None
    power_limit_stretch: float = 1.0
    # a prompt's prefill alone under the limit (compute-bound, at the prefill's draw): how much longer it runs than
    # unlimited (the time to the first token's prefill; in an engine that prefills as its own phase, the step's
    # prefill too; 1: no limit, or one at or above the prefill's draw)
    prefill_limit_stretch: float = 1.0
    # the stretch ``prefill_s`` carries (its own prompt's part aside where ``own_at_prefill_draw``): the step's where
    # prompts ride in the steps, the prefill's own in an engine that prefills apart (1: none)
    prefill_held_stretch: float = 1.0
    # one prompt's prefill alone as its replica runs it, unlimited (its experts over the replica's devices under expert
    # parallelism, at the rate its own tokens give their GEMMs: the time to the first token's); None: as ``prefill_s``
    # gives it per prompt
    prompt_alone_s: float | None = None
    own_prompt_share: float = 1.0  # the share of the step's prompts that is a request's own (``own_prompt_share``)
    own_prefill_s: float = 0.0    # of ``prefill_s``, a request's own prompt's, apart from the steps it waits on
    # that prompt's tensor-parallel all-reduces, a step's share, not in ``prefill_s``: in ``tpot_s`` (a token served),
    # not in ``user_tpot_s``, drawn as the decode steps are and held by their stretch (a static batch's: its prompts'
    # one prefill pass, a step's share)
    own_tp_s: float = 0.0
    # one prompt's tensor-parallel all-reduces as its replica runs it alone, unlimited (``prompt_alone_s`` is its
    # compute): its time to the first token holds both, each held by its own stretch
    prompt_tp_s: float = 0.0
    # where prompts are prefilled as steps of their own (``ServingFit.prefill_steps_apart``): the weights one prompt's
    # prefill step reads, over the bandwidth, the least that step takes however few its tokens (serving review
    # 2026-12-03: vllm-2024's 1-token prompt read 69 ms to the first token against 92 ms a decode step, Llama 3.1 70B);
    # the time to the first token's floor only, not a fitted step's part (0: prompts ride in the steps, whose own read
    # covers them)
    prompt_read_s: float = 0.0
    # an engine that prefills new prompts as steps of their own (``ServingFit.prefill_steps_apart``), their engine cost,
    # each a step's share: the other requests' prefill steps', in ``engine_s`` (a user waits on them: in
    # ``user_tpot_s``, not in ``decode_s``); a request's own prompt's, in ``tpot_s`` but not in ``user_tpot_s``; both
    # left in the time a step's draw is judged on, as ``engine_s`` is (the GPU waits on the engine); and one prefill
    # step's, which emits a request's first token (``throughput.ttft_s``). 0: no such steps
    others_engine_s: float = 0.0
    own_engine_s: float = 0.0
    prompt_engine_s: float = 0.0
    # ``own_prefill_s`` runs at the prefill's draw, held by ``prefill_limit_stretch`` (prompts riding in the steps); else
    # it is held as the rest of ``prefill_s`` is, by ``prefill_held_stretch``
    own_at_prefill_draw: bool = False
    # a mixture of experts' expert GEMMs' rate relative to the dense one at the step's tokens (``expert_gemm_rate``; 1
    # for a dense model): said with the compute's rate, which it slows (serving engineer's review 2026-11-30)
    expert_gemm_rate: float = 1.0
    # a mixture of experts' least step (its range's floor, ``ranges.physical_floor_s``): its bytes read with the batch's
    # tokens routed to the fewest experts, k a layer, and its decode FLOPs at the dense rate, each at the achievable
    # bandwidth and peak as ``memory_s`` and ``compute_s``; None for a dense model, whose ``memory_s`` is exact
    # (serving review 2026-11-29: Mixtral's range reached 3.38 ms a token, below reading its two active experts)
    least_memory_s: float | None = None
    least_compute_s: float | None = None


def step(*, params: float, arch: Architecture, device: Device, fit: ServingFit, batch: float, prompt_tokens: float,
         output_tokens: float, tp: int, weight_bits: int = DEFAULT_BITS, kv_bits: int = DEFAULT_KV_BITS,
         bandwidth_fraction: float = BANDWIDTH_FRACTION, compute_fraction: float | None = None,
         power_w: float | None = None, beams: int = 1, ep: int = 1, draft_tokens: int = 0,
         acceptance: float = DEFAULT_ACCEPTANCE, power_limit_w: float | None = None) -> Step:
    """The decode step (see the module docstring). ``params`` counts every weight stored (total
    for a mixture of experts); ``arch.active_params`` the ones used per token. ``compute_fraction``:
    the engine's (``fit.compute_fraction``, × the device's ``matmul_ratio``) unless given.

    ``beams``: beam search of that width (``beam_search_holds``): ``batch`` requests each decode ``beams``
    sequences a step, each reading its whole context, while a request's prompt is prefilled once and its KV cache
    held once, shared by its beams; each request counts one token a step (TPOT and J per output token per request's
    token). 1: greedy or sampled decoding, one sequence a request.

    ``ep``: the replica's expert-parallel degree (a mixture of experts, ``tp`` 1: attention data-parallel); ``batch``
    is the replica's, each device running its share of the sequences; the step's figures are the busiest device's
    (ceil(batch ÷ ep) sequences), its energy per output token the replica's.

    ``draft_tokens``: speculative decoding (``tokens_per_step``): each step runs ``draft_tokens`` passes of a one-layer
    draft head with the LM head (``draft_s``), then the model over draft_tokens + 1 positions of every sequence (the
    weights and KV cache read once, the FLOPs and the activations exchanged draft_tokens + 1 times), and emits
    ``tokens_per_step`` tokens a sequence; TPOT is the step ÷ that, and prompts start as often as sequences finish.

    ``power_limit_w``: each device held to that draw (``nvidia-smi --power-limit``; MLPerf's MaxQ runs): where the
    modelled draw is above it, the device draws the limit and the whole step runs ``limit_stretch`` times as long, its
    parts alike (the exponent is fitted to whole systems' tokens/s, capped against uncapped, and the engine's fitted
    costs are mostly the GPU's own time below the roofline, which its clocks set); a prompt's prefill alone, at the
    prefill's draw, by its own stretch (``prefill_limit_stretch``: the time to the first token). Not with ``power_w``
    (a draw given is the draw)."""
    if fit.prefill_steps_apart and (fit.mixed_prefill or fit.static_batch):
        raise InputError("an engine that prefills new prompts as steps of their own neither mixes them into the decode "
                         "steps nor decodes a static batch", field="engine")
    if ep > 1 and (tp != 1 or arch.experts is None or not arch.active_params):
        raise InputError("expert parallelism takes a mixture of experts served without tensor parallelism "
                         "(attention data-parallel)", field="ep")
    if power_w is not None and power_limit_w is not None:
        raise InputError("a power given is the draw: give a power or a power limit, not both", field=("power_w", "power_limit_w"))
    if compute_fraction is None:
        compute_fraction = scaled_share(fit.compute_fraction, device.matmul_ratio)
    n_total = float(params)
    n_active = float(arch.active_params) if arch.active_params else n_total
    n_active = min(n_active, n_total)
    # FLOPs: 2 per weight a token multiplies; the untied input embedding table is a lookup, not a product
    n_flops = max(0.0, n_active - input_table_params(arch, n_total))
    b, p, t = float(batch), float(prompt_tokens), float(output_tokens)
    k = float(beams)
    seqs = b * k                                # sequences decoded a step (each request's beams), the replica's
    emitted = tokens_per_step(draft_tokens, acceptance)  # tokens a sequence emits a step (1 without a draft)
    verified = float(int(draft_tokens) + 1)     # positions of each sequence the model runs a step
    starts = (b / t) * emitted                  # requests that finish, and prompts that start, a step
    # one device's share of the replica's prompts (1/ep under expert parallelism, on average) and of its sequences: the
    # busiest device's, whole requests, ceil(B/ep) of them (review 2026-11-26: batch 1 over 8 devices read as 1/8 each)
    share = 1.0 / ep
    own = math.ceil(b / ep) / b if ep > 1 else 1.0
    width = arch.decode_width
    bw = device.bandwidth_gb_per_s * BYTES_PER_GB * bandwidth_fraction
    flops_s = device.peak_flops_per_s * compute_fraction
    weight_bytes = stored_weight_bytes(arch, n_total, weight_bits)
    kv_tok = arch.kv_bytes_per_token(kv_bits)
    kv_bw = bw if fit.kv_bandwidth_fraction is None else device.bandwidth_gb_per_s * BYTES_PER_GB * fit.kv_bandwidth_fraction
    weights_read = read_weight_bytes(arch, n_total, weight_bits, seqs * verified, ep)
    # the average context while an answer is decoded, prompt + output ÷ 2, its tokens a layer holds (a windowed layer's
    # at most its window)
    held = arch.held_tokens(p, t)
    kv_read = own * seqs * held * kv_tok * kv_replication(arch, tp) / kv_bw
    memory_s = (weights_read / bw + kv_read) / tp
    attention_s = (device.attention_flops_per_s or device.peak_flops_per_s) * compute_fraction
    linear_per_token = FLOPS_PER_PARAM_PER_TOKEN * n_flops
    attention_per_token = ATTENTION_FLOPS_PER_CONTEXT_TOKEN * arch.layers * held * width
    flops_per_token = linear_per_token + attention_per_token
    # a mixture of experts' expert FLOPs at the rate their GEMMs' size allows (the module docstring); the rest dense
    # the step's tokens: the device's (its dense products), and those whose routes reach its experts (the replica's
    # under expert parallelism); a prompt's prefill multiplies at least its own p tokens at once
    expert_flops = FLOPS_PER_PARAM_PER_TOKEN * expert_active_params(arch, n_total, n_active)
    step_tokens, routed_tokens = own * seqs * verified + share * starts * p, seqs * verified + starts * p

    def expert_s(tokens: float, routed: float) -> float:
        """Seconds per token of the experts' linear layers, at the rate their GEMMs' size allows."""
        return expert_flops / (flops_s * expert_gemm_rate(arch, n_total, device, tokens, fit.moe_gemm_half_dim, routed))

    def linear_s(tokens: float, routed: float) -> float:
        """Seconds per token of the linear layers, the experts' at the rate their GEMMs' size allows."""
        return (linear_per_token - expert_flops) / flops_s + expert_s(tokens, routed)
    compute_s = own * seqs * verified * (linear_s(step_tokens, routed_tokens) + attention_per_token / attention_s) / tp
    least_memory_s = least_compute_s = None
    if expert_flops:
        least_memory_s = (read_weight_bytes(arch, n_total, weight_bits, seqs * verified, ep, least=True) / bw
                          + kv_read) / tp
        least_compute_s = own * seqs * verified * (linear_per_token / flops_s + attention_per_token / attention_s) / tp
    gpu_s = max(memory_s, compute_s)
    prompt_attention = ATTENTION_FLOPS_PER_CONTEXT_TOKEN * arch.layers * arch.prompt_attention_pairs(p) * arch.prefill_width
    prompt_expert_s = p * expert_s(max(step_tokens, p), max(routed_tokens, p)) if expert_flops else 0.0
    prompt_linear_s = p * linear_s(max(step_tokens, p), max(routed_tokens, p))
    prefill_s = share * starts * (prompt_linear_s + prompt_attention / attention_s) / tp
    # one prompt's prefill as its replica runs it: its dense products and attention on its own device, its experts'
    # over the replica's ep devices at once (the time to its first token; serving engineer's review 2026-11-27: under
    # expert parallelism every expert had been charged to the prompt's device, 8x the tensor-parallel time at EP8); the
    # experts' share is their time's, at their GEMMs' rate, not their FLOPs' (review 2026-12-03: DeepSeek-V3 on 8 H200s,
    # EP8, a 161-token prompt's experts at 3.4% of the dense rate, 97% of its linear time, had been charged as their 57%
    # of its FLOPs: 84 ms alone against 25 ms, and a time to the first token that fell from 97 ms at batch 1 to 64 ms at
    # 1,024)
    prompt_alone_s = (prompt_linear_s - prompt_expert_s * (1.0 - 1.0 / ep) + prompt_attention / attention_s) / tp
    # the time to the first token holds the prompt at its own GEMMs' rate, not the step's: the step's larger GEMMs
    # speed a mixture of experts' share of each prompt it carries (its throughput, above), but the first token still
    # waits on the whole step, so a prompt's own time, the same at any load, keeps that time from falling as the load
    # rises (serving engineer's review 2026-12-03: DeepSeek-V3 on 8 H200s in EP8, 55.8 ms at batch 96 and 45.8 at
    # 384, so that a TTFT bound met at 664 sequences was missed at 96); a dense model's rate is the same either way
    # (an engine that prefills as steps of their own runs the prompts that wait together, ``throughput.ttft_s``'s
    # ``together``: their GEMMs as one, at the rate all their tokens give; diff review 2026-12-03)
    together = max(1.0, b * emitted / t) if fit.prefill_steps_apart else 1.0
    prompt_first_s = prompt_alone_s if not expert_flops else (
        (p * linear_s(together * p, together * p) - p * expert_s(together * p, together * p) * (1.0 - 1.0 / ep)
         + prompt_attention / attention_s) / tp)
    own_prompt = own_prompt_share(b, fit.static_batch)
    ride = 1.0 - own_prompt
    tp_s = 0.0
    if tp > 1:
        def allreduces_s(tokens: float) -> float:
            """A pass's all-reduces (two a layer) carrying ``tokens`` hidden states over the tensor-parallel group."""
            per_allreduce = (fit.tp_s_per_allreduce + device.cross_node_latency_s
                             + 2.0 * (tp - 1) / tp * tokens * arch.d_model * ACTIVATION_BYTES
                             / (device.link_gb_per_s * BYTES_PER_GB))
            return ALLREDUCES_PER_LAYER * arch.layers * per_allreduce
        # every token the step's matrix products carry is all-reduced: the decoded sequences' and, where prompts ride
        # in the step (mixed prefill), the prompts' that ride in it (the module docstring); a request's own prompt is
        # prefilled apart, its all-reduces with it (serving review 2026-11-30: they had been charged to the decode
        # steps, at batch 1 all of them, and left out of the time to the first token: Llama 3.1 405B's 9,400-token
        # prompt over TP16 on two nodes)
        tp_s = allreduces_s(seqs * verified + (ride * starts * p if fit.mixed_prefill else 0.0))
        prompt_tp_s = allreduces_s(p)
    else:
        prompt_tp_s = 0.0
    ep_s = 0.0
    if ep > 1:
        # each device's tokens this step (its sequences' and its prompts' share), k copies each, (ep − 1)/ep leaving
        routed = (own * seqs * verified + share * starts * p) * arch.experts_per_token * arch.d_model * ACTIVATION_BYTES
        # past one server the all-to-all pays the nodes' latency too, the all-reduce's as its stand-in, as its fixed
        # cost is (code review 2026-11-27: a group across nodes had paid none, and the choice leaned to it)
        per_alltoall = (fit.tp_s_per_allreduce + device.cross_node_latency_s
                        + (ep - 1) / ep * routed / (device.link_gb_per_s * BYTES_PER_GB))
        ep_s = ALLTOALLS_PER_MOE_LAYER * arch.layers * arch.moe_layer_share * per_alltoall   # the MoE layers
    # the per-sequence cost is the engine's work on each token it emits (sampling, detokenising, bookkeeping), so a
    # draft's tokens pay it each: a step emitting more tokens costs as much more (1 without a draft)
    engine_s = fit.engine_s_per_layer * arch.layers + fit.engine_s_per_sequence * own * seqs * emitted
    draft_s = draft_gpu_s = draft_compute_s = 0.0
    draft_flops = (0.0, 0.0)
    if draft_tokens:
        # each draft pass: one layer's share of the blocks' weights and the device's KV cache, and the LM head, read;
        # one layer's and the head's FLOPs for every sequence; its layer's all-reduces and engine cost
        _, head = embedding_params(arch, n_total)
        head_bytes = head * EMBEDDING_BITS / BITS_PER_BYTE
        layer = DRAFT_LAYERS / arch.layers
        pass_memory_s = ((max(0.0, read_weight_bytes(arch, n_total, weight_bits, seqs, ep) - head_bytes) * layer
                          + head_bytes) / bw + kv_read * layer) / tp
        head_flops = FLOPS_PER_PARAM_PER_TOKEN * head
        draft_flops = ((linear_per_token - head_flops) * layer + head_flops, attention_per_token * layer)
        pass_compute_s = own * seqs * (draft_flops[0] / flops_s + draft_flops[1] / attention_s) / tp
        draft_gpu_s = int(draft_tokens) * max(pass_memory_s, pass_compute_s)
        draft_compute_s = int(draft_tokens) * pass_compute_s
        # its layer's collectives carry the sequences' own tokens only (no verified positions, no prompts)
        pass_tp_s = 0.0
        if tp > 1:
            message = seqs * arch.d_model * ACTIVATION_BYTES
            pass_tp_s = ALLREDUCES_PER_LAYER * DRAFT_LAYERS * (
                fit.tp_s_per_allreduce + device.cross_node_latency_s
                + 2.0 * (tp - 1) / tp * message / (device.link_gb_per_s * BYTES_PER_GB))
        pass_ep_s = 0.0
        if ep > 1:
            routed = own * seqs * arch.experts_per_token * arch.d_model * ACTIVATION_BYTES
            pass_ep_s = ALLTOALLS_PER_MOE_LAYER * DRAFT_LAYERS * (
                fit.tp_s_per_allreduce + device.cross_node_latency_s
                + (ep - 1) / ep * routed / (device.link_gb_per_s * BYTES_PER_GB))
        draft_s = draft_gpu_s + int(draft_tokens) * (fit.engine_s_per_layer * DRAFT_LAYERS + pass_tp_s + pass_ep_s)
    # a request's own prompt is prefilled before it decodes, so it rides in the steps of the other sequences only: of
    # the step's prompts, one request's (``own_prompt_share``) runs apart, the rest within the roofline (module
    # docstring). Where prompts ride in the step, that prompt runs as a phase of its own, as its replica runs a prompt
    # alone (``prompt_alone_s`` here: under expert parallelism its experts over the replica's devices, the replica in
    # lockstep, at the step's GEMMs' rate), emitted ÷ t of them a step; else the step's prefill is its phases
    ride_prefill_s = ride * prefill_s
    own_s = prefill_s if fit.static_batch else prompt_alone_s * emitted / t
    if fit.prefill_steps_apart:
        # a prefill step follows a decode step in which a request finished, its waiting prompts in one step (vLLM 0.5's
        # scheduler prefills every waiting prompt within its token budget before it decodes again): min(1, B/T) of them
        # a decode step, each paying the engine's per-layer cost again; the other requests' stall a sequence's decoding,
        # a request's own goes before its first token (research/vllm_tpot_tries.py has the forms tried beside it)
        prompt_engine_s = fit.engine_s_per_layer * arch.layers
        others_engine_s = ride * min(1.0, starts) * prompt_engine_s
        engine_s += others_engine_s
        own_engine_s = own_prompt * min(1.0, starts) * prompt_engine_s
    else:
        prompt_engine_s = others_engine_s = own_engine_s = 0.0
    # its all-reduces, emitted ÷ t of them a step: collectives, drawn as the decode steps are (not at the prefill's
    # draw), in a token served but not in what its user waits between tokens; a static batch prefills its B prompts
    # in one pass before they decode, its all-reduces carrying all their tokens, a step's share of that pass
    if fit.static_batch:
        own_tp_s = (allreduces_s(b * p) if tp > 1 else 0.0) * emitted / t
    else:
        own_tp_s = prompt_tp_s * emitted / t
    if fit.mixed_prefill and fit.attention_apart:
        decode_attention_s = own * seqs * verified * attention_per_token / attention_s / tp
        prompt_attention_s = share * starts * prompt_attention / attention_s / tp
        kv_s = kv_read / tp
        ride_roof_s = (max(memory_s - kv_s, compute_s - decode_attention_s + ride * (prefill_s - prompt_attention_s))
                       + max(kv_s, decode_attention_s) + ride * prompt_attention_s)
    elif fit.mixed_prefill:
        ride_roof_s = max(memory_s, compute_s + ride_prefill_s)
    else:  # the prompts as phases of their own: the others' stall the step, as the request's own does its first token
        ride_roof_s = gpu_s + ride_prefill_s
    prefill_s = ride_prefill_s + own_s
    roof_s = ride_roof_s + own_s
    own_of_prefill = own_s / prefill_s if prefill_s > 0.0 else 0.0
    step_s = roof_s + tp_s + own_tp_s + ep_s + engine_s + own_engine_s + draft_s
    unlimited_w, stretch, prefill_stretch = None, 1.0, 1.0
    prefill_held = 1.0
    matmul_share = compute_share(compute_s + draft_compute_s, gpu_s + draft_gpu_s)
    if power_w is None and fit.mixed_prefill:
        # two phases: the steps the sequences decode in, their riding prompts included, drawing by their load; and the
        # requests' own prompts, apart, at the prefill's draw (a prompt alone is compute-bound: the draw the time to
        # the first token runs at). Each held to a limit by its own stretch; the draw is their time-weighted mean
        # (serving review 2026-11-29: a 100,000-token prompt alone had drawn the TDP through its decode too, and under
        # a 500 W limit its decode, at 439 W, had slowed by the prefill's stretch)
        # the decode steps' draw judged on them alone, the own prompt's collectives (``own_tp_s``) apart: a phase that
        # draws as they do (diff review 2026-11-30: counted among them, its idle time had lowered their draw below a
        # limit they reach)
        ride_step_s = step_s - own_s - own_tp_s
        frac_ride = load_power_fraction(fit, gpu_s + draft_gpu_s, ride_prefill_s, ride_step_s, matmul_share)
        frac_own = PREFILL_POWER_FRACTION
        unheld_frac = (frac_ride * (ride_step_s + own_tp_s) + frac_own * own_s) / step_s
        if power_limit_w is not None:
            limit_w = float(power_limit_w)
            prefill_stretch = limit_stretch(PREFILL_POWER_FRACTION * device.tdp_w, limit_w, device.tdp_w,
                                            fit.power_limit_exponent)
            if frac_ride * device.tdp_w > limit_w:
                # held under the limit, every part of the decode steps runs slower alike (the docstring)
                stretch = limit_stretch(frac_ride * device.tdp_w, limit_w, device.tdp_w, fit.power_limit_exponent)
                (memory_s, compute_s, gpu_s, ride_prefill_s, tp_s, own_tp_s, ep_s, engine_s, others_engine_s,
                 own_engine_s, draft_s) = (x * stretch for x in (memory_s, compute_s, gpu_s, ride_prefill_s, tp_s,
                                                                 own_tp_s, ep_s, engine_s, others_engine_s,
                                                                 own_engine_s, draft_s))
                ride_step_s *= stretch
                frac_ride = limit_w / device.tdp_w
            prefill_held = stretch
            if prefill_stretch > 1.0:
                own_s *= prefill_stretch
                frac_own = min(frac_own, limit_w / device.tdp_w)
            if stretch > 1.0:  # the decode steps held (the own prompt's phase alone held is said apart)
                unlimited_w = unheld_frac * device.tdp_w
        step_s = ride_step_s + own_tp_s + own_s
        prefill_s = ride_prefill_s + own_s
        # the time-weighted mean of the two draws (one of them where they are alike: a limit both draw, exactly)
        frac = (frac_ride if frac_ride == frac_own
                else (frac_ride * (ride_step_s + own_tp_s) + frac_own * own_s) / step_s)
        watts = frac * device.tdp_w
    elif power_w is None:
        # the steps' draw judged without the own prompt's collectives, which draw as the steps do (as above)
        frac = load_power_fraction(fit, gpu_s + draft_gpu_s, prefill_s, step_s - own_tp_s, matmul_share)
        watts = frac * device.tdp_w
        if power_limit_w is not None:
            prefill_stretch = limit_stretch(PREFILL_POWER_FRACTION * device.tdp_w, float(power_limit_w),
                                            device.tdp_w, fit.power_limit_exponent)
        if power_limit_w is not None and watts > float(power_limit_w):
            # held under the limit, every part of the step runs slower alike (the docstring); it draws the limit
            unlimited_w = watts
            stretch = limit_stretch(watts, float(power_limit_w), device.tdp_w, fit.power_limit_exponent)
            (memory_s, compute_s, gpu_s, prefill_s, tp_s, own_tp_s, ep_s, engine_s, others_engine_s, own_engine_s,
             draft_s) = (x * stretch for x in (memory_s, compute_s, gpu_s, prefill_s, tp_s, own_tp_s, ep_s, engine_s,
                                               others_engine_s, own_engine_s, draft_s))
            step_s *= stretch
            watts = float(power_limit_w)
            frac = watts / device.tdp_w if device.tdp_w else 0.0
            prefill_held = stretch
        if prefill_stretch > stretch:
            # an engine that prefills as its own phase runs it at the prefill's draw: held to the limit, that phase
            # slows by its own stretch even where the step's average draw is under the limit (review 2026-11-27;
            # where prompts ride in the steps, the branch above holds a request's own prompt so)
            step_s += prefill_s * (prefill_stretch / stretch - 1.0)
            prefill_s *= prefill_stretch / stretch
            prefill_held = prefill_stretch
            if unlimited_w is None:
                # the step's draw by load again, its prefill phase longer and drawing the limit, not the prefill's
                # draw: held, that phase takes less energy, not more (review 2026-11-27: J/token had risen 3% at a
                # limit above the decode's draw); a step already held draws the limit throughout
                limit_share = float(power_limit_w) / device.tdp_w
                frac = min(limit_share, load_power_fraction(
                    fit, gpu_s + draft_gpu_s, prefill_s, step_s - own_tp_s, matmul_share, prefill_draw=limit_share))
                watts = frac * device.tdp_w
    else:
        watts = float(power_w)
        frac = watts / device.tdp_w if device.tdp_w else 0.0
    if not fit.mixed_prefill:
        own_s = own_of_prefill * prefill_s  # its share of the prefill phases, as held
    tpot = step_s / emitted
    # what one user waits between tokens: the step but its own prompt's prefill, which its time to the first token holds
    user_tpot = (step_s - own_s - own_tp_s - own_engine_s) / emitted
    return Step(weights_gb=weight_bytes / BYTES_PER_GB,
                kv_cache_gb=(b * beam_search_holds(p, t, beams) * arch.held_share(p, t) * kv_tok * kv_replication(arch, tp)
                             / BYTES_PER_GB),
                memory_s=memory_s, compute_s=compute_s, gpu_s=gpu_s, prefill_s=prefill_s, tp_s=tp_s, engine_s=engine_s,
                tpot_s=tpot, user_tpot_s=user_tpot, own_prompt_share=own_prompt, own_prefill_s=own_s, own_tp_s=own_tp_s,
                own_at_prefill_draw=fit.mixed_prefill and not fit.static_batch,
                decode_s=(gpu_s + tp_s + ep_s + engine_s - others_engine_s + draft_s) / emitted, power_w=watts,
                power_fraction=frac, joules_per_output_token=watts * tp * ep * tpot / b,
                bound="memory" if memory_s >= compute_s + (ride_prefill_s if fit.mixed_prefill else 0.0) else "compute",
                flops_per_token=(flops_per_token * verified + int(draft_tokens) * sum(draft_flops)) / emitted,
                ep_s=ep_s, draft_s=draft_s,
                tokens_per_step=emitted, unlimited_power_w=unlimited_w, power_limit_stretch=stretch,
                prefill_limit_stretch=prefill_stretch, prefill_held_stretch=prefill_held,
                prompt_alone_s=prompt_first_s, prompt_tp_s=prompt_tp_s, others_engine_s=others_engine_s,
                prompt_read_s=(read_weight_bytes(arch, n_total, weight_bits, p, ep) / bw / tp
                               if fit.prefill_steps_apart else 0.0),
                own_engine_s=own_engine_s,
                prompt_engine_s=prompt_engine_s, least_memory_s=least_memory_s,
                least_compute_s=least_compute_s,
                expert_gemm_rate=(expert_gemm_rate(arch, n_total, device, step_tokens, fit.moe_gemm_half_dim,
                                                   routed_tokens) if expert_flops else 1.0))


def own_prompt_share(batch: float, static: bool = False) -> float:
    """The share of a step's prompts that is a request's own, which cannot ride in that request's own decode steps: it
    is prefilled before the request decodes. One request's of the batch's, 1 ÷ batch (all of them at batch 1: no other
    sequence to ride with, its prompt a phase of its own). Under expert parallelism too: the replica's devices step in
    lockstep (each MoE layer's all-to-alls), so another device's prompt stalls this request's steps as its own device's
    would (serving review 2026-11-29: ep ÷ batch had left other requests' prompts out of the TPOT at batch 4 over EP4).
    A static batch prefills every prompt before its first token: all of it is the requests' own. A heuristic between
    two exact ends: at batch 1 the prefill and the decode add up (a request alone: its prefill, then its tokens), and
    as the batch grows nearly every prompt rides in the other sequences' steps, the in-flight roofline of chunked
    prefill (serving review 2026-11-29: Llama 3.1 8B, a 100,000-token prompt alone on an H100, had hidden its 7 s
    prefill under its own 500 decode steps, 8.4 s in all where prefill then decode take about 13 s, and counted that
    prefill into each of its tokens' TPOT). Between them the other prompts are taken as spread evenly over the steps;
    an engine fills a chunk budget (2,048–8,192 tokens) instead, so at a small batch with long prompts a user's steps
    stall in chunks and the mean TPOT and throughput here are optimistic (not modelled)."""
    if static:
        return 1.0
    b = float(batch)
    return 1.0 if b <= 1.0 else 1.0 / b


def beam_search_holds(prompt_tokens: float, output_tokens: float, beams: int = 1) -> float:
    """The tokens one request holds in the KV cache on average: its prompt and, for each of its ``beams``, half its
    output (a sequence in flight holds half its output on average). Beam search shares the prompt's KV cache among
    the beams and reads each beam's path through it (TensorRT-LLM, docs/source/advanced/gpt-attention.md,
    "Beam-Search": "In the context phase, a single beam is computed per input sequence"; the generation phase's
    kernel reads each beam's K and V through a ``cache_indirection`` tensor; "the context kv cache are shared across
    beams")."""
    return float(prompt_tokens) + float(beams) * AVERAGE_OUTPUT_SHARE * float(output_tokens)


def limit_stretch(draw_w: float, limit_w: float, tdp_w: float, exponent: float) -> float:
    """How much longer work that would draw ``draw_w`` runs held to ``limit_w``: ((draw − idle) ÷ (limit − idle))^exponent,
    idle = ``IDLE_POWER_FRACTION`` × ``tdp_w`` (only the power above idle does work: a limit near idle leaves almost
    none, the stretch without bound); 1 where the limit is at or above the draw. The exponent: ``ServingFit``'s
    ``power_limit_exponent``, fitted to MLPerf's capped results (``estimator.fit.power_limit``)."""
    idle = IDLE_POWER_FRACTION * float(tdp_w)
    if not math.isfinite(limit_w) or limit_w < MIN_POWER_LIMIT_FRACTION * float(tdp_w):
        raise InputError(f"a power limit of {gfmt(limit_w, 7)} W is below a quarter of the device's "
                         f"{gfmt(float(tdp_w))} W ({MIN_POWER_LIMIT_SOURCE})", field="power_limit_w")
    if limit_w >= draw_w:
        return 1.0
    return ((draw_w - idle) / (limit_w - idle)) ** float(exponent)


def compute_share(compute_s: float, gpu_s: float) -> float:
    """The share of a decode roofline's ``gpu_s`` seconds its matrix units are busy: ``compute_s`` ÷ ``gpu_s`` (0 to 1;
    0 for an empty step). A memory-bound step at batch 1 is near 0; a large batch's step, compute-bound, 1."""
    return min(1.0, max(0.0, compute_s / gpu_s)) if gpu_s > 0 else 0.0


def load_power_fraction(fit: ServingFit, gpu_s: float, prefill_s: float, step_s: float,
                        matmul_share: float = 0.0, prefill_draw: float = PREFILL_POWER_FRACTION) -> float:
    """Power ÷ TDP over a step of ``step_s`` seconds whose roofline holds ``gpu_s`` of decoding and
    ``prefill_s`` of prefill: from idle towards the decode and prefill draws by how busy each keeps the
    GPU (``busy_per_roofline_s`` seconds a roofline second), at most the TDP. A window of decode steps
    alone (``prefill_s`` 0, ``step_s`` without it) draws the decode's share only.

    ``matmul_share`` (``compute_share``: the decode roofline's compute ÷ its time) lifts the decode's draw from the
    memory-bound decode fraction towards the compute-bound prefill fraction in proportion, as Splitwise's two draws
    bound it (a memory-bound decode 0.54-0.625 of TDP, a compute-bound prefill the TDP): a decode step at a large
    batch multiplies as a prefill does and draws as one (POWER_SOURCE). 0: the decode fraction whatever the
    batch (the form before 2026-11-27). ``prefill_draw``: the prefill's draw ÷ TDP (a prefill phase held to a power
    limit draws the limit's share)."""
    k = fit.busy_per_roofline_s
    u_dec, u_pre = min(1.0, k * gpu_s / step_s), min(1.0, k * prefill_s / step_s)
    c = min(1.0, max(0.0, float(matmul_share)))
    decode_draw = DECODE_POWER_FRACTION + (PREFILL_POWER_FRACTION - DECODE_POWER_FRACTION) * c
    return min(1.0, IDLE_POWER_FRACTION + (decode_draw - IDLE_POWER_FRACTION) * u_dec
               + (prefill_draw - IDLE_POWER_FRACTION) * u_pre)


def expert_gemm_rate(arch: Architecture, params: float, device: Device, tokens: float,
                     half_dim: float, routed_tokens: float | None = None) -> float:
    """The rate of a mixture of experts' expert GEMMs relative to the dense rate (the module docstring), at most 1:
    sat(max(1, M_r·k/E))·sat(w)/(sat(M)·sat(d)), sat(x) = x/(x + h), h = ``half_dim`` × the device's 16-bit peak in PFLOP/s
    (``core.training.step.half_efficiency_dim``, whatever the bits the weights are multiplied at); M the ``tokens`` the device's dense products
    take, M_r the ``routed_tokens`` whose routes reach its experts (under expert parallelism the replica's: every
    device's tokens reach each device's experts; default ``tokens``), an expert used taking at least one; w an expert's
    width from the totals (SwiGLU's three d × w matrices a layer and expert); 1 for a dense model or ``half_dim`` 0."""
    experts = expert_params(arch, params)
    if not experts or half_dim <= 0:
        return 1.0
    width = experts / (arch.layers * arch.experts * SWIGLU_MATRICES * arch.d_model)
    half = half_efficiency_dim(device.attention_flops_per_s or device.peak_flops_per_s, half_dim)
    m = max(1.0, float(tokens))
    routed = m if routed_tokens is None else max(1.0, float(routed_tokens))

    def sat(x: float) -> float:
        return x / (x + half)
    per_expert = max(1.0, routed * arch.experts_per_token / arch.experts)
    return min(1.0, sat(per_expert) * sat(width) / (sat(m) * sat(arch.d_model)))


@dataclass(frozen=True)
class Previous:
    """The model before issue 13, kept as a baseline: the slower of weight bytes ÷ bandwidth and
    2·N FLOPs at the training utilisation, at a constant (training) power."""

    tpot_s: float
    joules_per_output_token: float


def previous_model(*, params: float, device: Device, batch: float, tp: int, utilization: float, power_w: float,
                   weight_bits: int = DEFAULT_BITS) -> Previous:
    compute = batch * FLOPS_PER_PARAM_PER_TOKEN * params / (device.peak_flops_per_s * utilization * tp)
    memory = params * weight_bits / BITS_PER_BYTE / (device.bandwidth_gb_per_s * BYTES_PER_GB * tp)
    s = max(compute, memory)
    return Previous(s, power_w * tp * s / batch)


__all__ = ["AVERAGE_OUTPUT_SHARE", "Architecture", "Device", "Previous", "ServingFit", "Step", "attention_params", "beam_search_holds", "check_architecture", "check_params_fit", "expert_gemm_rate", "link_for", "limit_stretch", "load_power_fraction", "compute_share", "param_floor", "previous_model", "step", "student_architecture"]
