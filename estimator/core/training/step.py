"""One training step's time from the run's plan: model shape, parallel layout, precision and links.

Pure: frozen dataclasses in, a :class:`StepTime` out (issue 53, stage 1). The step is built from
its parts, each an analytic count of work over a rate, after the layout models of Narayanan et al.
2021 (Megatron-LM, arXiv:2104.04473, §3: pipeline bubble, interleaving, tensor-parallel
all-reduces), Korthikanti et al. 2022 (arXiv:2205.05198: sequence parallelism, selective
recomputation) and Calculon (Isaev et al., SC'23: a step as the sum of compute, exposed
communication and bubble per micro-batch). A few free parameters (:class:`StepParams`) are fitted
on published layouts by ``estimator.fit.step_fit``.

Per micro-batch, on the pipeline's slowest stage (the last: it also holds the output logits):

- matrix multiplies (the linear layers and the logits): 2·M·N·K FLOPs per GEMM over the peak of
  the precision times an efficiency that grows with the matrices' size,
  ``gemm_efficiency · Π x/(x + h)`` over the three dimensions, never faster than reading the
  operands from memory (roofline); backward = twice the forward. The half-efficiency dimension
  ``h = gemm_half_dim · P16 · cap`` grows with the rate the device's matrix multiplies reach: its dense 16-bit
  peak P16 in PFLOP/s (the whole device's, also where a run keeps SMs for communication: scaled by
  ``Layout.compute_sm_share`` the fit on the layouts held 77% rather than 80%, research/step_model_tries.py)
  times ``matmul_cap``, 1 but on a device whose best measured matmul falls below the fitted share (so a GEMM
  too thin to fill the device is bound by its tiles' pace, not by that lower sustained rate: until
  2026-11-30 h followed the peak alone, and Qwen3 30B-A3B's narrow experts multiplied up to 8% slower on a
  GB200 than on a B200, the same chip with the faster measured matmul; now within 4%; the fit's devices have
  cap 1, the fit held out by source is unchanged, ×1.084, 80%): a device that does more per
  cycle needs more and larger tiles in flight to stay busy (a GEMM fills the device in waves of output
  tiles; NVIDIA's "Matrix Multiplication Background User's Guide", tile and wave quantization). It is
  taken from the 16-bit peak whatever the precision run (an assumption: the FP8 and FP4 GEMMs' lower
  share of their peaks is ``fp8_gemm_factor``'s). It does not follow the memory bandwidth, which
  bounds the GEMM only through the roofline above. (Until 2026-11-27 h was a multiple of the
  roofline's ridge, peak ÷ bandwidth, Williams, Waterman & Patterson 2009: that made an H200, the
  H100's chip with 1.43× its bandwidth, run the same eager training steps 12-24% faster than an H100;
  this project measured 5-11% (compiled 1-5%), and eager steps came out 1.18× too fast on the H200
  against 1.06× on the H100. Held out by source on the fit data the two forms score alike:
  ``research/step_model_tries.py``.) H100 (0.989 PFLOP/s): h ≈ 530 elements, A100 (0.312): ≈ 170.
  FP4 (NVFP4, where the device has the peak: Blackwell) runs the linear layers' GEMMs at its peak with 4.5 bits an element
  (``BYTES_FP4``) and reaches ``fp8_gemm_factor`` of FP8's share of its peak, as FP8 reaches of 16-bit's
  (``LOW_PRECISION_STEPS``: an assumption, no published FP4 layout in the fit data);
- attention (scores and their product with V): FlashAttention skips the masked half and its
  backward does 5 matrix multiplies to the forward's 2 (Dao 2023, FlashAttention-2,
  arXiv:2307.08691, §3.1); the old kernels compute the whole square and move the scores through
  memory (``ATTENTION_SCORE_PASSES_FWD``); a kernel written for an older architecture runs at
  ``Layout.attention_kernel_share`` of the hardware's own (FlashAttention-2 on Hopper:
  ``FLASH2_ON_HOPPER``);
- memory-bound operations (norms, residual adds, dropout, the MLP's activation, the loss's softmax):
  bytes over the memory bandwidth times a fitted efficiency;
- recomputation: full recomputes the forward, selective the attention core (Korthikanti et al. §5);
- tensor-parallel collectives: 2 all-reduces forward and 2 backward per layer (Narayanan et al.
  §3.2; with sequence parallelism the same volume as all-gathers and reduce-scatters), on the
  scale-up links (NVLink) when the TP group fits in the scale-up domain, else on the scale-out
  network; where the run overlaps them with the GEMMs (MegaScale arXiv:2402.15627 §3.3,
  Transformer Engine's userbuffers) what outlasts the GEMMs stays exposed and the overlapped part
  still costs ``overlap_cost`` of its time (below);
- context-parallel ring exchange of K and V, hidden under the attention it feeds;
- pipeline point-to-point sends, and the expert all-to-all (dispatch and combine, forward and
  backward) less the share the run overlaps.

Per step: ``m`` micro-batches, plus the pipeline bubble ``(p − 1)/(v·m)`` of them (Narayanan et
al. §2.2, eq. for the interleaved schedule), plus the data-parallel gradient reduction (and ZeRO-3's
parameter all-gathers, one forward and one backward per micro-batch; under expert parallelism the
experts' over the ranks holding the same experts, apart from the rest), plus the optimizer step
(memory-bound Adam).

Overlap (:func:`overlapped_seconds`): a collective that runs beside compute is exposed where it
outlasts the compute window, and the overlapped part still costs ``overlap_cost`` (fitted) of its
time: the collective's kernels run on the streaming multiprocessors and take memory bandwidth from
the GEMMs they overlap (NCCL's collectives are kernels, NCCL_MIN_CTAS/NCCL_MAX_CTAS in its environment
documentation; FiCCO, arXiv:2512.10236, finds contention the main limit of overlap; FlashOverlap,
arXiv:2504.19519, names "interference-free computation" as what the usual overlap lacks).
``overlap_cost`` 0 is perfect hiding (the step is the longer of the two), 1 no hiding at all. One
parameter for tensor-parallel and data-parallel overlap: the same mechanism. (Before, a fitted share
of the window hid the collective, and the fit pinned both shares at 1: everything hidden.)

FLOPs conventions, everywhere in this module:
- ``model_flops_per_token`` (MFU): 6·N + 12·L·s·(heads·head_dim), with N the parameters that
  multiply (the layers' matrices, the active experts only, and the output projection: not the
  input embedding lookup) and the attention counted over the whole s×s square, as PaLM
  (Chowdhery et al. 2022, App. B) and Megatron-LM (Narayanan et al. eq. 3 without recomputation)
  count it. No recomputation.
- ``hardware_flops_per_token`` (HFU): the model FLOPs plus what recomputation repeats (full: the
  layers' forward, 2·N_layers + 4·L·s·a; selective: the attention core, 4·L·s·a), same conventions.
- MFU and HFU are against the peak of the precision the linear layers run in (``precision``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import BITS_PER_BYTE, BYTES_PER_GB, FLOPS_PER_PFLOP
from estimator.core.hardware.matmul import matmul_share
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.training.memory import (  # noqa: F401 (inside_domain re-exported: the step's word for it)
    RECOMPUTE,
    ZERO_STAGES,
    expert_tensor_parallel,
    inside_domain,
)
from estimator.core.workload.flops import FLOPS_PER_PARAM_TOKEN_TRAIN, TRAIN_TO_FORWARD_RATIO

PRECISIONS = ("bf16", "fp16", "fp8", "fp4")

# Bytes per element. 16-bit activations and weights; FP8 GEMM operands are 1 byte (Transformer
# Engine keeps activations between layers in 16-bit: NVIDIA Transformer Engine docs, "FP8 primer").
BYTES_16BIT = 2
BYTES_FP8 = 1
# NVFP4: 4-bit (E2M1) elements with one 8-bit (E4M3) scale per 16, 4.5 bits an element (the per-tensor FP32
# scale aside). NVIDIA 2025, "Pretraining Large Language Models with NVFP4", arXiv:2509.25149, §2: the linear
# layers' GEMMs (forward, and the backward's data and weight gradients) in NVFP4, a few layers kept in BF16,
# random Hadamard transforms on the weight-gradient inputs; the model counts every linear layer in FP4. A device
# whose FP4 is MXFP4 (AMD's MI355X: 32-element blocks, an 8-bit scale, 4.25 bits) is counted at NVFP4's 4.5 bits.
BYTES_FP4 = 4.5 / BITS_PER_BYTE
# How many halvings of the bits below 16 a precision's GEMMs are: each reaches fp8_gemm_factor of the share the
# precision above it reaches of its own peak. FP8's factor is fitted (estimator/data/step_fit.json); FP4's is
# assumed to be the same again (no FP4 layout in the fit data: the step model's FP4 figures are an extrapolation).
LOW_PRECISION_STEPS = {"bf16": 0, "fp16": 0, "fp8": 1, "fp4": 2}
GEMM_BYTES = {"bf16": BYTES_16BIT, "fp16": BYTES_16BIT, "fp8": BYTES_FP8, "fp4": BYTES_FP4}
BYTES_FP32 = 4  # IEEE 754 single precision
# Adam with mixed precision, per parameter held on the device: reads fp32 master weight, m, v and
# the gradient (4 × 4 bytes), writes the weight, m, v (3 × 4) and the 16-bit copy (2): 30 bytes.
ADAM_BYTES_PER_PARAM = 4 * BYTES_FP32 + 3 * BYTES_FP32 + BYTES_16BIT
# Memory-bound elements moved per token per layer in the forward pass, in units of d_model, by count:
# 2 layer norms (read + write: 4), 2 residual adds (read 2, write 1: 6), 2 dropouts (read + write and
# a 1-byte mask: ~5) = 15. The MLP's activation adds (ffn_matrices)·ffn/tp (GELU reads and writes
# ffn; a gated unit reads 2·ffn and writes ffn). Backward moves about twice the forward.
MEMORY_OPS_ELEMENTS_PER_D = 15
BACKWARD_OVER_FORWARD = 2.0        # backward = weight and input gradients: two GEMMs per forward GEMM
# FlashAttention-2's backward does 5 matrix multiplies to the forward's 2 (Dao 2023, arXiv:2307.08691, §3.1)
FLASH_BACKWARD_OVER_FORWARD = 2.5
# Old (pre-FlashAttention) kernels: 16-bit element passes over the s×s scores per layer in the forward,
# by count of Megatron-LM's fused scale-mask-softmax (read + write), dropout (read, write, 1-byte mask),
# the score GEMM's write and the AV GEMM's read: ~5 (the backward, as its FLOPs, twice that).
ATTENTION_SCORE_PASSES_FWD = 5
# Loss: the logits are written and read in fp32 by the softmax cross-entropy, forward and backward (~4 passes).
LOGIT_PASSES = 4
ATTENTION_FWD_FLOPS_PER_TOKEN_PER_DIM = 4   # QKᵀ and A·V: 2·s·a each, per token per layer, whole square
ALL_REDUCE_STEPS = 2                        # a ring all-reduce sends 2·(n−1)/n of the message (reduce-scatter + all-gather)
TP_COLLECTIVES_PER_LAYER_FWD = 2            # Megatron: one after attention, one after the MLP (Narayanan et al. §3.2)
TP_BACKWARD_OVER_FORWARD = 1                # and as many in the backward (the conjugate operators, §3.2)
EXPERT_ALL_TO_ALLS_PER_LAYER = 4            # dispatch and combine, forward and backward

# FlashAttention-2 reaches 35% of the H100's peak, FlashAttention-3 (written for Hopper) 75% in BF16
# (Shah et al. 2024, FlashAttention-3, arXiv:2407.08608, abstract and §4.1): a Hopper run on the
# pre-Hopper kernel gets 0.35/0.75 of the attention speed the model's fitted efficiency stands for.
FLASH2_ON_HOPPER = 0.35 / 0.75


@dataclass(frozen=True)
class ModelShape:
    """The transformer's shape. ``ffn`` is one expert's hidden size for a mixture of experts.

    ``ffn_matrices``: 2 for a plain MLP (up, down), 3 for a gated one (SwiGLU, GeGLU: gate, up, down).
    ``experts`` and ``experts_per_token`` (routed and shared together) describe a mixture of experts;
    ``active_params`` (optional), the published count of parameters used per token, rescales the
    layers' matrices to it where the shape's own count differs (multi-head latent attention and
    dense first layers are not modelled one by one); ``total_params`` (optional) sizes the gradients
    and optimizer state of a mixture of experts."""

    layers: int
    d_model: int
    heads: int
    kv_heads: int
    vocab: int
    ffn: int
    ffn_matrices: int = 2
    head_dim: int | None = None
    experts: int = 1
    experts_per_token: int = 1
    active_params: float | None = None
    total_params: float | None = None
    # device-limited routing (Architecture.nodes_per_token): a token's routed experts on at most this many nodes,
    # dispatched once to each and forwarded inside it (None: every routed copy travels on its own)
    nodes_per_token: int | None = None
    moe_layer_share: float = 1.0   # the share of the layers with routed experts (Architecture.moe_layers)
    # windowed attention (Architecture.window, windowed_layers): these layers attend to at most the last ``window`` tokens
    window: int | None = None
    windowed_layers: int = 0

    def causal_attention_share(self, seq_len: int) -> float:
        """The share of causal attention's work over ``seq_len`` the layers do, windowed layers attending at most
        ``window`` back: Σ min(i, w) over the positions ≈ s·w − w²/2 against s²/2, so 2w/s − (w/s)² of a windowed
        layer's (researcher review 2026-11-29: gpt-oss's 128-token windows had been timed over the whole sequence)."""
        if not self.window or not self.windowed_layers or seq_len <= self.window:
            return 1.0
        ratio = self.window / seq_len
        windowed = self.windowed_layers / self.layers
        return (1.0 - windowed) + windowed * (2.0 * ratio - ratio * ratio)

    def __post_init__(self) -> None:
        if self.active_params is not None and self.layer_scale <= 0:
            raise InputError(f"the active parameters ({self.active_params:.3g}) are no more than the embedding and output "
                             f"layers ({2 * self.vocab * self.d_model:.3g}), which every token uses", field="active_params")

    @property
    def attention_dim(self) -> int:
        return self.heads * (self.head_dim or self.d_model // self.heads)

    @property
    def kv_dim(self) -> int:
        return self.kv_heads * (self.head_dim or self.d_model // self.heads)

    def attention_params_per_layer(self) -> float:
        return self.d_model * (self.attention_dim + 2 * self.kv_dim) + self.attention_dim * self.d_model

    def mlp_params_per_expert(self) -> float:
        return self.ffn_matrices * self.d_model * self.ffn

    def shape_layer_params_active(self) -> float:
        return self.layers * (self.attention_params_per_layer() + self.experts_per_token * self.mlp_params_per_expert())

    @property
    def layer_scale(self) -> float:
        """The factor that brings the shape's active layer parameters to ``active_params`` (1 without it)."""
        if self.active_params is None:
            return 1.0
        return (self.active_params - 2 * self.vocab * self.d_model) / self.shape_layer_params_active()

    def matmul_params_active(self) -> float:
        """N of the MFU convention: the layers' active matrices and the output projection."""
        return self.shape_layer_params_active() * self.layer_scale + self.vocab * self.d_model

    def params_total(self) -> float:
        if self.total_params is not None:
            return self.total_params
        return (self.layers * (self.attention_params_per_layer() + self.experts * self.mlp_params_per_expert())
                + 2 * self.vocab * self.d_model)

    def expert_params(self) -> float:
        """Parameters that live in the routed experts (sharded over expert parallelism)."""
        if self.experts == 1:
            return 0.0
        dense = self.layers * self.attention_params_per_layer() * self.layer_scale + 2 * self.vocab * self.d_model
        return max(self.params_total() - dense, 0.0)


@dataclass(frozen=True)
class Layout:
    """How the step is spread: tp·pp·cp·dp devices (expert parallelism ``ep`` divides the
    data- and context-parallel group for the experts, or folded, that group with the tensor-parallel ranks:
    ``memory.expert_tensor_parallel``), ``vp`` interleaved chunks per pipeline stage, sequences of
    ``seq_len`` tokens, ``global_batch`` sequences per step, ``micro_batch`` sequences per micro-batch."""

    seq_len: int
    global_batch: int
    micro_batch: int = 1
    tp: int = 1
    pp: int = 1
    cp: int = 1
    ep: int = 1
    dp: int = 1
    vp: int = 1
    zero_stage: int = 1
    recompute: str = "none"
    precision: str = "bf16"
    sequence_parallel: bool = True     # Korthikanti et al.: norms and dropout split over the TP group
    flash_attention: bool = True
    tp_comm_overlap: bool = False      # the run overlaps TP collectives with GEMMs (MegaScale, TE userbuffers)
    dp_overlap: bool = True            # gradient reduction overlapped with backward (off: Korthikanti et al. §6.3's runs)
    expert_overlap_share: float = 0.0  # share of the expert all-to-all the schedule hides (DeepSeek-V3 DualPipe: all)
    # share of the GPU's streaming multiprocessors left to compute: a run that dedicates some to its own communication
    # kernels computes at that share of the peak (DeepSeek-V3, arXiv:2412.19437 §3.2.2: 20 of the H800's 132 SMs for
    # its all-to-all, 112/132); NCCL's own kernels are the overlap_cost's
    compute_sm_share: float = 1.0
    grad_reduce_bytes: int = BYTES_FP32  # Megatron-LM reduces bf16 runs' gradients in fp32; FSDP "PURE" in 16-bit
    attention_kernel_share: float = 1.0  # the attention kernel's speed over the hardware's own (FLASH2_ON_HOPPER)
    etp: int | None = None  # the experts' tensor-parallel degree chosen (memory.expert_tp_choices; None: the rule)

    @property
    def devices(self) -> int:
        return self.tp * self.pp * self.cp * self.dp

    @property
    def micro_batches(self) -> float:
        """Micro-batches per pipeline per step."""
        return self.global_batch / (self.dp * self.micro_batch)

    @property
    def expert_overlap_blocked(self) -> str:
        """Why no schedule hides this layout's expert all-to-alls under compute ("" where one can): hiding one
        micro-batch's all-to-all takes another micro-batch's compute beside it (Megatron-Core's combined 1F1B schedule,
        ``overlap_moe_expert_parallel_comm``, runs one micro-batch's forward beside another's backward, and not with
        full recomputation; DeepSeek-V3's DualPipe, arXiv:2412.19437 §3.2.1, pairs a forward and a backward chunk of
        two micro-batches, with selective recomputation, §3.2.3). Planner review 2026-11-28 (third): a share given had
        been taken on one micro-batch a step, and the plan ranked such layouts first."""
        if self.micro_batches < 2:
            return "one micro-batch a step: no other micro-batch's compute to hide them under"
        if self.recompute == "full":
            return ("full recomputation (Megatron-Core's overlap refuses it; DualPipe ran with selective "
                    "recomputation)")
        return ""

    @property
    def expert_overlap_applied(self) -> float:
        """The share of the expert all-to-all hidden: the share given, or none where no schedule can hide it."""
        return 0.0 if self.expert_overlap_blocked else self.expert_overlap_share


@dataclass(frozen=True)
class StepHardware:
    peak_flops_per_s: Mapping[str, float]
    memory_bandwidth_gb_per_s: float
    scale_up_devices: int
    scale_up_gb_per_s: float           # per device, per direction
    scale_out_gb_per_s: float          # per device, per direction
    sources: tuple[str, ...] = ()
    # the device's best measured dense 16-bit matmul as a share of its 16-bit peak (its profile's [matmul]; None: not
    # measured): the step's matrix multiplies never run faster than that (``matmul_cap``)
    matmul_share: float | None = None


# A run on one device crosses no link: where its profile states none, the step model is given the device's own memory
# as its "link" (a copy to itself), which no collective of a one-device layout uses (researcher review 2026-11-29: one
# RTX 4090 was refused the step model for want of links, and timed by the 30% rule beside an H100's step time).
ONE_DEVICE_LINK_SOURCE = "one device: no link is used"


# the name a missing memory bandwidth goes by in ``step_hardware``'s refusal (its other names are the links' fields)
MEMORY_BANDWIDTH_FIELD = "memory bandwidth"


def _links(profile: HardwareProfile, scale_up_devices: int | None = None, scale_up_gb_per_s: float | None = None,
           scale_out_gb_per_s: float | None = None) -> tuple[tuple[str, float | None], ...]:
    """The link fields the step model needs, (name, value), as the arguments or the profile give them (None: neither
    does). The profile is their one home (code review 2026-11-30: a table of defaults here repeated the bundled
    profiles' figures, and disagreed with the TPU v4's pod)."""
    # a PCIe card (no domain stated) in servers of ``server_devices``, its own PCIe link within and between them, as
    # serving lays its replicas out (``core.serving.layout.device_at``; researcher review 2026-12-01: `plan` refused 8
    # L40S for want of links that serving had taken as stated)
    card = profile.server_devices if profile.pcie_card else None
    return (("scale_up_devices", scale_up_devices or profile.scale_up_devices or card),
            ("scale_out_gb_per_s", scale_out_gb_per_s or profile.scale_out_gb_per_s
             or (profile.link_gb_per_s if card else None)),
            ("scale_up_gb_per_s", scale_up_gb_per_s or profile.scale_up_gb_per_s or profile.link_gb_per_s))


def pcie_card_links_source(profile: HardwareProfile) -> str:
    """Where a PCIe card's links come from where its profile states no domain (``_links``)."""
    return (f"no scale-up domain stated: {profile.name} cards taken in servers of {profile.server_devices}, each on "
            f"its own PCIe link ({gfmt(profile.link_gb_per_s, 3)} GB/s per direction, its link_gb_per_s) to the cards "
            "beside it and, as a stand-in for the network between servers, to the rest (a cluster's network per card "
            "is often slower, so the exposed communication across servers is a floor, and the time with it)")


def missing_links(profile: HardwareProfile) -> list[str]:
    """The link fields the step model needs for more than one of ``profile`` that it does not state (none: it can lay
    a run out on many)."""
    return [name for name, value in _links(profile) if not value]


def step_hardware(profile: HardwareProfile, *, scale_up_devices: int | None = None,
                  scale_up_gb_per_s: float | None = None, scale_out_gb_per_s: float | None = None,
                  devices: int | None = None) -> StepHardware:
    """The step model's view of a profile: its peaks and memory bandwidth, and its links as the
    profile's ``[interconnect]`` states them (the scale-up domain's devices and bandwidth, else its
    device-to-device link, and the scale-out bandwidth); where the profile lacks one, refused, but for a run on one
    device (``devices`` 1), which needs none (``ONE_DEVICE_LINK_SOURCE``). An argument overrides any."""
    (_, up_devices), (_, out), (_, up) = _links(profile, scale_up_devices, scale_up_gb_per_s, scale_out_gb_per_s)
    one = devices == 1 and profile.memory_bandwidth_gb_per_s and not (up_devices and out and up)
    if one:
        up_devices, up, out = up_devices or 1, up or profile.memory_bandwidth_gb_per_s, out or profile.memory_bandwidth_gb_per_s
    missing = [name for name, value in (("scale_up_devices", up_devices), ("scale_out_gb_per_s", out),
                                        ("scale_up_gb_per_s", up),
                                        (MEMORY_BANDWIDTH_FIELD, profile.memory_bandwidth_gb_per_s)) if not value]
    if missing:
        # the way on without editing a bundled file (planner review 2026-11-28: the fix named was the shipped profile)
        raise InputError(f"the step model needs {', '.join(missing)} for {profile.id}, which its profile does not "
                         "state: a copy of its profile file under an id of its own, stating them in its [interconnect] table, each with "
                         "its source, can be given as the hardware; without them a run is timed from its FLOPs "
                         "alone (no layout)",
                         # the inputs a user can change (app review 2026-12-02: a profile's field named none of the
                         # plan page's)
                         field=("hardware", "devices"))
    sources = ((profile.scale_up_source or profile.link_source,
                profile.scale_out_source or (pcie_card_links_source(profile) if profile.pcie_card else None))
               + ((ONE_DEVICE_LINK_SOURCE,) if one else ()))
    return StepHardware(dict(profile.peak_flops_per_s), float(profile.memory_bandwidth_gb_per_s), int(up_devices),
                        float(up), float(out), tuple(s for s in sources if s), matmul_share(profile))


def matmul_cap(share: float | None, gemm_efficiency: float) -> float:
    """What the step's matrix-multiply rates are multiplied by on this device: its best measured matmul's share of the
    peak over the fitted asymptotic share, where that is less; 1 where it is not, or not measured. A fitted share
    above what the device's best matmul reaches is physically impossible there (planner review 2026-11-28: Qwen2.5 72B
    on 256 MI300X planned at 58% MFU, its matrix multiplies at 64% of the peak, where the MI300X's best measured
    reaches 51%). The fit's devices (A100 87%, H100 80%, the fitted 76%) are untouched."""
    if share is None or gemm_efficiency <= 0:
        return 1.0
    return min(1.0, share / gemm_efficiency)



@dataclass(frozen=True)
class StepParams:
    """The step model's free parameters (fitted by ``estimator.fit.step_fit``)."""

    gemm_efficiency: float = 0.75      # share of peak a large GEMM reaches
    gemm_half_dim: float = 500.0       # a GEMM loses half of that at this many elements per 16-bit PFLOP/s of peak
    fp8_gemm_factor: float = 0.75      # FP8 GEMMs reach this share of the 16-bit share of their (2×) peak
    attention_efficiency: float = 0.5  # attention's share of peak, relative to gemm_efficiency
    memory_efficiency: float = 0.7     # share of the memory bandwidth the memory-bound kernels reach
    overlap_cost: float = 0.3          # share of an overlapped collective's time the compute still loses

    def as_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in PARAM_NAMES}


PARAM_NAMES = ("gemm_efficiency", "gemm_half_dim", "fp8_gemm_factor", "attention_efficiency",
               "memory_efficiency", "overlap_cost")


@dataclass(frozen=True)
class StepParts:
    """Seconds per step, per device, by kind. Compute parts are without recomputation (that is
    ``recompute_s``); communication parts are what stays exposed."""

    matmul_s: float
    attention_s: float
    memory_ops_s: float
    recompute_s: float
    tp_comm_s: float
    cp_comm_s: float
    pp_comm_s: float
    expert_comm_s: float
    bubble_s: float
    dp_comm_s: float
    dp_comm_total_s: float   # before hiding
    optimizer_s: float
    # the expert all-to-alls' least exposed part: what outlasts the compute beside them with all of them hidden
    expert_comm_floor_s: float = 0.0

    @property
    def total_s(self) -> float:
        return (self.matmul_s + self.attention_s + self.memory_ops_s + self.recompute_s + self.tp_comm_s
                + self.cp_comm_s + self.pp_comm_s + self.expert_comm_s + self.bubble_s + self.dp_comm_s
                + self.optimizer_s)


@dataclass(frozen=True)
class StepTime:
    seconds: float
    tokens_per_s_per_device: float
    mfu: float                     # model FLOPs (6·N + 12·L·s·a per token, no recomputation) / precision's peak
    hfu: float                     # hardware FLOPs (with recomputation), same peak
    model_flops_per_token: float
    hardware_flops_per_token: float
    parts: StepParts
    layout: Layout
    conventions: Mapping[str, str] = field(default_factory=lambda: dict(CONVENTIONS))


CONVENTIONS = {
    "mfu": "model FLOPs per token 6·N + 12·L·s·a (N: the active matrices and the output projection; attention "
           "over the whole s×s square, a windowed layer's band within its window; no recomputation) × tokens/s ÷ the "
           "peak of the run's precision",
    "hfu": "hardware FLOPs: as mfu, plus the FLOPs recomputation repeats",
    "tokens_per_s_per_device": "tokens of the global batch per step ÷ step seconds ÷ devices",
}


def check_inputs(shape: ModelShape, layout: Layout, hardware: StepHardware) -> None:
    for name in ("layers", "d_model", "heads", "kv_heads", "vocab", "ffn", "ffn_matrices", "experts", "experts_per_token"):
        if getattr(shape, name) < 1:
            raise InputError(f"{name} must be at least 1, got {getattr(shape, name)}", field=name)
    if not 0.0 < shape.moe_layer_share <= 1.0:
        raise InputError(f"the share of layers with experts must be above 0 and at most 1, got {shape.moe_layer_share}",
                         field="moe_layers")
    for name in ("seq_len", "global_batch", "micro_batch", "tp", "pp", "cp", "ep", "dp", "vp"):
        if getattr(layout, name) < 1:
            raise InputError(f"{name} must be at least 1, got {getattr(layout, name)}", field=name)
    if layout.recompute not in RECOMPUTE:
        raise InputError(f"recompute must be one of {', '.join(RECOMPUTE)}, got {layout.recompute!r}", field="recompute")
    if layout.precision not in PRECISIONS or layout.precision not in hardware.peak_flops_per_s:
        raise InputError(f"precision {layout.precision!r} is not one the step model or this hardware has "
                         f"({', '.join(p for p in PRECISIONS if p in hardware.peak_flops_per_s)})", field="precision")
    if layout.zero_stage not in ZERO_STAGES:
        raise InputError(f"zero_stage must be 0-3, got {layout.zero_stage}", field="zero_stage")
    if layout.pp * layout.vp > shape.layers:
        raise InputError(f"pp × vp = {layout.pp * layout.vp} exceeds the {shape.layers} layers", field=("pp", "vp"))
    if layout.micro_batches < 1:
        raise InputError(f"the global batch ({layout.global_batch} sequences) is smaller than dp × micro-batch "
                         f"({layout.dp} × {layout.micro_batch})", field="global_batch")
    if shape.experts % layout.ep:
        raise InputError(f"ep = {layout.ep} must divide the experts ({shape.experts})", field="ep")
    expert_tensor_parallel(layout.tp, layout.ep, layout.dp * layout.cp, layout.etp)   # the DP group, or with TP
    if not 0.0 <= layout.expert_overlap_share <= 1.0:
        raise InputError("expert_overlap_share must be between 0 and 1", field="expert_overlap_share")
    if not 0.0 < layout.compute_sm_share <= 1.0:
        raise InputError("compute_sm_share must be above 0 and at most 1", field="compute_sm_share")
    if not 0.0 < layout.attention_kernel_share <= 1.0:
        raise InputError("attention_kernel_share must be above 0 and at most 1", field="attention_kernel_share")


def _saturation(x: float, half: float) -> float:
    return x / (x + half)


def half_efficiency_dim(peak_16bit_flops_per_s: float, half_dim_per_pflops: float) -> float:
    """The matrix dimension at which a GEMM reaches half its large-matrix efficiency on a device whose dense
    16-bit peak is ``peak_16bit_flops_per_s``: ``half_dim_per_pflops`` × that peak in PFLOP/s, whatever the
    precision run (the module docstring)."""
    return half_dim_per_pflops * peak_16bit_flops_per_s / FLOPS_PER_PFLOP


def gemm_seconds(m: float, n: float, k: float, peak_flops_per_s: float, bandwidth_bytes_per_s: float,
                 elem_bytes: float, efficiency: float, half_dim: float) -> float:
    """One GEMM (m×k by k×n): 2mnk FLOPs at ``efficiency × Π x/(x+half_dim)`` of ``peak_flops_per_s``, never
    faster than reading and writing its operands at ``bandwidth_bytes_per_s``."""
    eff = efficiency * _saturation(m, half_dim) * _saturation(n, half_dim) * _saturation(k, half_dim)
    compute = 2.0 * m * n * k / (peak_flops_per_s * eff)
    memory = elem_bytes * (m * k + k * n + m * n) / bandwidth_bytes_per_s
    return max(compute, memory)


def ring_seconds(message_bytes: float, group: int, gb_per_s: float, steps: int = ALL_REDUCE_STEPS) -> float:
    """A ring collective over ``group`` devices: ``steps``·(n−1)/n of the message over each device's link."""
    if group <= 1:
        return 0.0
    return steps * (group - 1) / group * message_bytes / (gb_per_s * BYTES_PER_GB)


def overlapped_seconds(comm_s: float, window_s: float, overlap_cost: float) -> float:
    """What a collective of ``comm_s`` adds to a step when it runs beside ``window_s`` of compute:
    the part that outlasts the window, plus ``overlap_cost`` of the part under it (the module
    docstring, "Overlap")."""
    under = min(comm_s, window_s)
    return (comm_s - under) + overlap_cost * under


def bubble_fraction(pp: int, vp: int, micro_batches: float) -> float:
    """The pipeline bubble over the ideal time, (p − 1)/(v·m) (Narayanan et al. 2021, §2.2)."""
    return (pp - 1) / (vp * micro_batches)


def stage_layers(layers: int, pp: int, vp: int = 1) -> tuple[int, int]:
    """(the busiest stage's layers, the lightest's) where ``layers`` split as evenly as whole layers allow over
    ``pp``·``vp`` chunks, dealt to the stages in turn (Megatron-LM's interleaved schedule: chunk i on stage i mod p):
    q·v + ⌈r/p⌉ and q·v + ⌊r/p⌋, with layers = q·p·v + r. Llama 3 405B's 126 layers on 16 stages of 2 chunks: 8 and 7,
    its first and last stages one layer fewer (arXiv:2407.21783 §3.3.2)."""
    q, r = divmod(layers, pp * vp)
    return q * vp + -(-r // pp), q * vp + r // pp


def flops_per_token(shape: ModelShape, seq_len: int, recompute: str = "none") -> tuple[float, float]:
    """(model, hardware) FLOPs per token, the conventions of the module's docstring; a windowed layer's attention over
    the band its window leaves of the square, the share of the causal half that ``causal_attention_share`` gives (the
    same ratio: 2w/s − (w/s)²)."""
    n = shape.matmul_params_active()
    attention = (ATTENTION_FWD_FLOPS_PER_TOKEN_PER_DIM * shape.layers * seq_len * shape.attention_dim
                 * shape.causal_attention_share(seq_len))
    # forward 2 per parameter and token, backward twice the forward (Kaplan et al. 2020 §2.1); attention likewise
    model = FLOPS_PER_PARAM_TOKEN_TRAIN * n + TRAIN_TO_FORWARD_RATIO * attention
    layers_n = n - shape.vocab * shape.d_model
    forward_per_param = FLOPS_PER_PARAM_TOKEN_TRAIN / TRAIN_TO_FORWARD_RATIO  # 2
    extra = {"none": 0.0, "selective": attention, "full": forward_per_param * layers_n + attention}[recompute]
    return model, model + extra


def step_time(shape: ModelShape, layout: Layout, hardware: StepHardware, params: StepParams = StepParams()) -> StepTime:
    """The step's time and its parts, per device (see the module docstring)."""
    check_inputs(shape, layout, hardware)
    t, p, c, v = layout.tp, layout.pp, layout.cp, layout.vp
    share = layout.compute_sm_share
    peak_full = hardware.peak_flops_per_s[layout.precision]   # the device's: MFU is against it
    peak_gemm = peak_full * share
    peak_16_device = (hardware.peak_flops_per_s.get("bf16") or hardware.peak_flops_per_s.get("fp16")
                      or hardware.peak_flops_per_s[layout.precision])
    peak_16 = peak_16_device * share
    bandwidth = hardware.memory_bandwidth_gb_per_s * BYTES_PER_GB
    mem_rate = bandwidth * params.memory_efficiency
    cap = matmul_cap(hardware.matmul_share, params.gemm_efficiency)    # the device's best measured matmul bounds the fitted share
    gemm_eff = cap * params.gemm_efficiency * params.fp8_gemm_factor ** LOW_PRECISION_STEPS[layout.precision]
    # a lower precision's GEMMs never slower than the 16-bit ones on the same device: where its peak is not well above
    # the 16-bit peak (Gaudi 3's fp8 is its bf16), the fitted share of it would be (diff review 2026-12-01: fp8 had
    # read 1.26x slower); every fitted FP8 layout's device has twice the peak, so the fit is unchanged
    gemm_eff = max(gemm_eff, cap * params.gemm_efficiency * peak_16_device / peak_full)
    gemm_bytes = GEMM_BYTES[layout.precision]
    half = half_efficiency_dim(peak_16_device * cap, params.gemm_half_dim)

    tokens = layout.micro_batch * layout.seq_len / c          # tokens one device holds in a micro-batch
    d, a, kv, f = shape.d_model, shape.attention_dim, shape.kv_dim, shape.ffn
    scale = shape.layer_scale

    def gemm(m, n, k):
        return gemm_seconds(m, n, k, peak_gemm, bandwidth, gemm_bytes, gemm_eff, half)

    # --- one layer, forward, one micro-batch ---
    # the experts' tensor parallelism: the run's t, or 1 with the expert group folded over TP, each device then routing
    # its own 1/t of the micro-batch's tokens (sequence parallel) to whole experts
    etp = expert_tensor_parallel(t, layout.ep, layout.dp * c, layout.etp)
    routed_tokens = (tokens * etp / t * shape.experts_per_token * layout.ep / shape.experts if shape.experts > 1
                     else tokens)
    expert_groups = shape.experts_per_token * (tokens / routed_tokens) * etp / t if shape.experts > 1 else 1.0
    ef = f / etp if shape.experts > 1 else f / t   # an expert's (or the dense MLP's) hidden width on one device
    matmul_fwd = scale * (gemm(tokens, (a + 2 * kv) / t, d) + gemm(tokens, d, a / t)
                          + expert_groups * (gemm(routed_tokens, (shape.ffn_matrices - 1) * ef, d)
                                             + gemm(routed_tokens, d, ef)))
    attn_flops_fwd = ATTENTION_FWD_FLOPS_PER_TOKEN_PER_DIM * tokens * layout.seq_len * a / t
    attn_rate = peak_16 * cap * params.gemm_efficiency * params.attention_efficiency * layout.attention_kernel_share
    if layout.flash_attention:
        # causal: half the square, and of a windowed layer's only the pairs within its window (FlashAttention skips
        # the blocks a mask leaves out; the eager kernel below computes the square whatever the mask)
        attention_fwd = 0.5 * shape.causal_attention_share(layout.seq_len) * attn_flops_fwd / attn_rate
        attention_bwd = FLASH_BACKWARD_OVER_FORWARD * attention_fwd
    else:
        score_bytes = shape.heads / t * tokens * layout.seq_len * BYTES_16BIT * ATTENTION_SCORE_PASSES_FWD
        attention_fwd = attn_flops_fwd / attn_rate + score_bytes / mem_rate
        attention_bwd = BACKWARD_OVER_FORWARD * attention_fwd
    d_split = t if (layout.sequence_parallel or t == 1) else 1
    mem_elems = (MEMORY_OPS_ELEMENTS_PER_D * d / d_split
                 + shape.ffn_matrices * f / t * (shape.experts_per_token if shape.experts > 1 else 1))
    memory_fwd = mem_elems * tokens * BYTES_16BIT / mem_rate

    # --- tensor-parallel and context-parallel communication, per layer per micro-batch ---
    # a group that leaves or straddles the scale-up domain (``inside_domain``: TP 16 in 72-device NVL72 racks, 1 group
    # in 9 across two) waits on the scale-out network, and the synchronous step on its slowest group (researcher review
    # 2026-11-30: straddling groups had been timed as inside one domain, where expert groups were not)
    tp_bw = (hardware.scale_up_gb_per_s if inside_domain(t, layout.devices, hardware.scale_up_devices)
             else hardware.scale_out_gb_per_s)
    tp_fwd = TP_COLLECTIVES_PER_LAYER_FWD * ring_seconds(tokens * d * BYTES_16BIT, t, tp_bw)
    if layout.tp_comm_overlap:   # each direction's collectives beside that direction's GEMMs
        tp_fwd_exposed = overlapped_seconds(tp_fwd, matmul_fwd, params.overlap_cost)
        tp_bwd_exposed = overlapped_seconds(TP_BACKWARD_OVER_FORWARD * tp_fwd, BACKWARD_OVER_FORWARD * matmul_fwd,
                                            params.overlap_cost)
    else:
        tp_fwd_exposed, tp_bwd_exposed = tp_fwd, TP_BACKWARD_OVER_FORWARD * tp_fwd
    cp_bw = (hardware.scale_up_gb_per_s if inside_domain(t * c, layout.devices, hardware.scale_up_devices)
             else hardware.scale_out_gb_per_s)
    cp_fwd = ((c - 1) * tokens * 2 * kv / t * BYTES_16BIT / (cp_bw * BYTES_PER_GB)) if c > 1 else 0.0
    cp_fwd_exposed = max(0.0, cp_fwd - attention_fwd)
    cp_bwd_exposed = max(0.0, BACKWARD_OVER_FORWARD * cp_fwd - attention_bwd)

    # --- expert all-to-all, per layer per micro-batch ---
    expert_s = expert_floor_s = 0.0
    if shape.experts > 1 and layout.ep > 1:
        # the expert group's devices: ep groups of the experts' tensor-parallel ranks. Each device dispatches its own
        # share (1/t, sequence parallel) of the micro-batch's tokens over the expert-parallel group, folded or not;
        # experts split over TP then all-gather their tokens over it and reduce-scatter the outputs back (Megatron-Core's
        # all-to-all dispatcher: all-to-all over EP, then the TP all-gather; sweep review 2026-11-30: the whole
        # micro-batch had been dispatched from every TP rank, t times the bytes)
        group = layout.ep * etp
        copy_bytes = tokens / t * d * BYTES_16BIT   # one copy of each token the device dispatches
        k = shape.experts_per_token
        etp_bw = hardware.scale_up_gb_per_s if etp <= hardware.scale_up_devices else hardware.scale_out_gb_per_s
        gather_s = k * copy_bytes * (etp - 1) / (etp_bw * BYTES_PER_GB)   # the other etp − 1 ranks' routed tokens
        if inside_domain(group, layout.devices, hardware.scale_up_devices):
            one_way_s = k * copy_bytes * (layout.ep - 1) / layout.ep / (hardware.scale_up_gb_per_s * BYTES_PER_GB)
        elif shape.nodes_per_token:
            # device-limited routing: a token crosses the scale-out link once to each of its (at most
            # nodes_per_token) nodes and is forwarded to its experts inside the node, the two overlapped (DeepSeek-V3,
            # arXiv:2412.19437 §3.2.2: "at most 4 nodes … forwarded via NVLink … IB and NVLink fully overlapped")
            # the domains a group spans: a group within one domain's size that does not tile it straddles two (diff
            # review 2026-11-29: EP 64 on 72-GPU racks had been timed on NVLink alone)
            nodes = max(2, math.ceil(group / hardware.scale_up_devices))
            across_bytes = min(k, shape.nodes_per_token, nodes) * copy_bytes * (nodes - 1) / nodes
            one_way_s = max(across_bytes / (hardware.scale_out_gb_per_s * BYTES_PER_GB),
                          k * copy_bytes / (hardware.scale_up_gb_per_s * BYTES_PER_GB))
        else:
            # every copy to an expert on another domain crosses the scale-out link, those to the rest of its own
            # domain the scale-up one, the two at once (a uniform router: the destinations' share by where they
            # are; review 2026-11-30: every copy had been counted over the scale-out link)
            nodes = max(2, math.ceil(group / hardware.scale_up_devices))
            across_bytes = k * copy_bytes * (nodes - 1) / nodes
            within_bytes = k * copy_bytes * max(0.0, layout.ep / nodes - 1) / layout.ep
            one_way_s = max(across_bytes / (hardware.scale_out_gb_per_s * BYTES_PER_GB),
                            within_bytes / (hardware.scale_up_gb_per_s * BYTES_PER_GB))
        all_to_all_s = EXPERT_ALL_TO_ALLS_PER_LAYER * (one_way_s + gather_s)
        # the share a schedule hides runs beside another micro-batch's forward and backward of the layer, and no
        # longer than that compute (DualPipe, arXiv:2412.19437 §3.2.1: the all-to-all "fully hidden" where the
        # computation-to-communication ratio is about 1:1); what outlasts it is exposed (researcher review
        # 2026-11-29: a share of 1 had hidden 14.1 s of all-to-all under 3.05 s of compute)
        layer_compute_s = (matmul_fwd + memory_fwd) * (1 + BACKWARD_OVER_FORWARD) + attention_fwd + attention_bwd
        hidden_s = layout.expert_overlap_applied * all_to_all_s
        expert_s = (all_to_all_s - hidden_s) + max(0.0, hidden_s - layer_compute_s)
        expert_floor_s = max(0.0, all_to_all_s - layer_compute_s)

    # a pipeline runs at its slowest stage: the busiest stage's layers, or the stage with the logits and loss, taken at
    # the average stage's layers (an even split's L/p, as before). Putting the output layer on the lightest stage
    # instead (Llama 3 405B gave its last stage a layer fewer, arXiv:2407.21783 §3.3.2) cross-validated worse on the
    # published layouts, 1.105 against 1.084 held out by source (`python -m estimator fit-step`, 2026-12-02), so the
    # end stage stays the average's; researcher review 2026-12-02: 80 layers on 64 stages had been timed at the average
    # alone, where 16 stages hold 2
    busiest, _ = stage_layers(shape.layers, p, v)
    average = shape.layers / p
    fwd_layer = matmul_fwd + attention_fwd + memory_fwd
    # recomputation: one more forward of the layers (full) or of the attention core (selective)
    recompute_layer = {"none": 0.0, "selective": attention_fwd,
                       "full": fwd_layer + tp_fwd_exposed}[layout.recompute]

    # the logits and loss on the last stage
    logits = gemm(tokens, shape.vocab / t, d) * (1 + BACKWARD_OVER_FORWARD)
    logits_mem = LOGIT_PASSES * tokens * shape.vocab / t * BYTES_FP32 / mem_rate

    # pipeline sends: activations forward, gradients backward, at each of the v chunks' boundaries
    pp_bw = (hardware.scale_up_gb_per_s if inside_domain(t * c * p, layout.devices, hardware.scale_up_devices)
             else hardware.scale_out_gb_per_s)
    pp_mb = (2 * v * tokens * d / (t if layout.sequence_parallel else 1) * BYTES_16BIT / (pp_bw * BYTES_PER_GB)
             if p > 1 else 0.0)

    per_layer = {
        "matmul": matmul_fwd * (1 + BACKWARD_OVER_FORWARD),
        "attention": attention_fwd + attention_bwd,
        "memory": memory_fwd * (1 + BACKWARD_OVER_FORWARD),
        "recompute": recompute_layer,
        "tp": tp_fwd_exposed + tp_bwd_exposed,
        "cp": cp_fwd_exposed + cp_bwd_exposed,
        "pp": 0.0,
        "expert": shape.moe_layer_share * expert_s,   # the layers with experts only
    }
    layer_s = sum(per_layer.values())
    with_logits = average * layer_s + logits + logits_mem >= busiest * layer_s
    layers_stage = average if with_logits else busiest
    per_mb = {k: layers_stage * x for k, x in per_layer.items()}
    per_mb["pp"] = pp_mb
    if with_logits:
        per_mb["matmul"] += logits
        per_mb["memory"] += logits_mem
    m = layout.micro_batches
    mb_time = sum(per_mb.values())
    # the fill and drain pass every stage once: the average stage's time with the logits (the steady state above runs
    # at the slowest stage's)
    average_mb = average * layer_s + logits + logits_mem + pp_mb
    bubble = bubble_fraction(p, v, m) * m * average_mb

    # --- data-parallel gradient reduction (and ZeRO-3's parameter gathers) ---
    dense_device = (shape.params_total() - shape.expert_params()) / t / p
    dp_group = layout.dp * c           # gradients are reduced over data and context parallel ranks
    # hierarchical: the ranks inside one scale-up domain reduce there, the domains over scale-out
    inside = max(1, min(dp_group, hardware.scale_up_devices // (t * c)))
    # Under expert parallelism the experts' gradients are reduced apart, over the ranks that hold the same experts
    # (Megatron-Core's expert data-parallel group: tp·dp·cp ÷ (etp·ep) ranks, each etp·ep devices apart, as the
    # memory model shards their states, ``memory.per_device``); without it, with the rest (planner review 2026-11-28:
    # they had been reduced over the whole data-parallel group, its first ring inside the scale-up domain, where an
    # expert group filling the domain leaves every one of their ranks on another)
    expert_device = shape.expert_params() / (layout.ep * etp) / p
    if layout.ep > 1:
        groups = ((dense_device, dp_group, inside),
                  (expert_device, (edp := t * dp_group // (layout.ep * etp)),
                   max(1, min(edp, hardware.scale_up_devices // (layout.ep * etp)))))
    else:
        groups = ((dense_device + expert_device, dp_group, inside),)
    params_device = dense_device + expert_device

    def dp_collective(bytes_per_param: float, steps: int) -> float:
        return sum(ring_seconds(n_params * bytes_per_param, inner, hardware.scale_up_gb_per_s, steps)
                   + ring_seconds(n_params * bytes_per_param / inner, math.ceil(group / inner),
                                  hardware.scale_out_gb_per_s, steps)
                   for n_params, group, inner in groups)

    backward_mb = (per_mb["matmul"] + per_mb["attention"] + per_mb["memory"]) * (
        BACKWARD_OVER_FORWARD / (1 + BACKWARD_OVER_FORWARD))
    if layout.zero_stage == 3:
        per_gather = dp_collective(BYTES_16BIT, steps=1)
        reduce = dp_collective(layout.grad_reduce_bytes, steps=1)
        dp_total = m * (2 * per_gather + reduce)
        window = m * mb_time
    else:
        dp_total = dp_collective(layout.grad_reduce_bytes, ALL_REDUCE_STEPS)
        window = backward_mb
    dp_exposed = overlapped_seconds(dp_total, window, params.overlap_cost) if layout.dp_overlap else dp_total

    # ZeRO shards each part's optimizer state over the ranks that reduce its gradients
    optimizer_params = (sum(n_params / group for n_params, group, _ in groups) if layout.zero_stage >= 1
                        else params_device)
    optimizer = optimizer_params * ADAM_BYTES_PER_PARAM / mem_rate

    parts = StepParts(
        matmul_s=m * per_mb["matmul"], attention_s=m * per_mb["attention"], memory_ops_s=m * per_mb["memory"],
        recompute_s=m * per_mb["recompute"], tp_comm_s=m * per_mb["tp"], cp_comm_s=m * per_mb["cp"],
        pp_comm_s=m * per_mb["pp"], expert_comm_s=m * per_mb["expert"], bubble_s=bubble,
        dp_comm_s=dp_exposed, dp_comm_total_s=dp_total, optimizer_s=optimizer,
        expert_comm_floor_s=m * layers_stage * shape.moe_layer_share * expert_floor_s)
    seconds = parts.total_s
    tokens_per_s = layout.global_batch * layout.seq_len / seconds / layout.devices
    model_fpt, hardware_fpt = flops_per_token(shape, layout.seq_len, layout.recompute)
    return StepTime(seconds=seconds, tokens_per_s_per_device=tokens_per_s,
                    mfu=model_fpt * tokens_per_s / peak_full, hfu=hardware_fpt * tokens_per_s / peak_full,
                    model_flops_per_token=model_fpt, hardware_flops_per_token=hardware_fpt,
                    parts=parts, layout=layout)



def flat_mfu_tokens_per_s(shape: ModelShape, seq_len: int, mfu: float, peak_flops_per_s: float) -> float:
    """The naive baseline: tokens/s per device at a flat MFU (model FLOPs convention)."""
    return mfu * peak_flops_per_s / flops_per_token(shape, seq_len)[0]


__all__ = [
    "CONVENTIONS", "FLASH2_ON_HOPPER", "PARAM_NAMES", "Layout", "ModelShape", "StepHardware",
    "StepParams", "StepParts", "StepTime", "bubble_fraction", "flat_mfu_tokens_per_s", "flops_per_token",
    "gemm_seconds", "half_efficiency_dim", "overlapped_seconds", "ring_seconds", "step_hardware", "step_time",
]
