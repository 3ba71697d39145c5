"""Training memory per device: will it fit, and on how many devices?

Pure: a model's shape, the run's micro-batch and sequence length, and a parallel strategy in;
memory per device, the fewest devices that hold it under that strategy, and the strategy that
fits on the fewest devices out. Every formula is cited beside it.

Model states (Rajbhandari et al. 2020, "ZeRO: Memory Optimizations Toward Training Trillion
Parameter Models", arXiv:1910.02054, §3.1 and §5): mixed-precision Adam keeps 16-bit weights
(2Ψ bytes) and gradients (2Ψ), and K = 12 bytes per parameter of optimizer state (fp32 master
weights, momentum and variance): 16Ψ in all. ZeRO stage 1 shards the optimizer states over the
N_d data-parallel replicas (2Ψ + 2Ψ + 12Ψ/N_d), stage 2 also the gradients (2Ψ + 14Ψ/N_d),
stage 3 (= PyTorch FSDP's full sharding) also the weights (16Ψ/N_d). Tensor (t) and pipeline
(p) parallelism split the model states t·p ways (Narayanan et al. 2021, arXiv:2104.04473).

Activations per transformer layer (Korthikanti et al. 2022, "Reducing Activation Recomputation
in Large Transformer Models", arXiv:2205.05198, §4.1 and Table 2), in bytes with 16-bit activations and
1-byte dropout masks, for sequence length s, micro-batch b, hidden size h, a attention heads, tensor-parallel
degree t (``LAYER_TERMS`` lists the 34·sbh term by term):
  eager attention (the a·s×s scores stored), no recomputation, tensor + sequence parallel   sbh(34 + 5as/h) / t
  the same without sequence parallelism                                                      sbh(10 + 24/t + 5as/(ht))
  FlashAttention (Dao et al. 2022, arXiv:2205.14135, §3.1): no scores stored; its backward recomputes them
  from Q, K, V, the output and one fp32 log-sum-exp per row and head (FlashAttention-2, Dao 2023,
  arXiv:2307.08691, §3.1)                                                                    (34·sbh + 4asb) / t
  selective recomputation (the attention core recomputed)                                   34·sbh / t
  full recomputation (only each layer's input, sequence-parallel between the layers)       2·sbh / t
  the same without sequence parallelism                                                      2·sbh
FlashAttention is the default: every current training stack (Megatron-Core, PyTorch's SDPA, DeepSpeed,
NeMo, torchtitan) uses it or a kernel of its kind, and none stores the scores since 2022; ``eager`` keeps the
old kernels' rule. With FlashAttention, selective recomputation saves only the log-sum-exp: the quadratic
part it drops is the part FlashAttention never stores. Context parallelism (c ranks share each sequence,
Megatron-Core; Liu et al. 2023, Ring Attention, arXiv:2310.01889) divides every term by c. FP8 training
(precision fp8: Transformer Engine's recipe, as in DeepSeek-AI 2024, arXiv:2412.19437, §3.3.3) keeps the
inputs of the FP8 matrix multiplies in FP8 (1 byte) for the backward pass and the rest at 16 bits
(``LAYER_TERMS``' last column). The constants are those of a GPT layer (4h MLP, multi-head attention,
dropout); ``layer_terms`` puts each tensor at its model's own width (the queries', the keys' and values' under
grouped-query attention, a gated MLP's three matrices), so Qwen3-32B's layer stores 47.2·sbh, not 34 (a review,
2026-11-29: its SwiGLU is 5h wide and its attention 1.6h). A mixture of experts' layer stores, for each token, k + 1
copies of its input, the activations of the experts it passes through (their width from the active parameters) and
their k outputs, which the combine keeps: Mixtral 8x7B's 65·sbh. The routing is taken as even; where the experts keep
the run's tensor parallelism the routed copies and outputs are held whole on each of its ranks (the dispatcher gathers
them), where they fold (experts whole on a device) split as the rest (``ROUTED_TERMS``).
With 1F1B pipeline scheduling the first stage holds p micro-batches of L/p layers: L layers'
worth whatever p is (§4.2.3), so pipelining shrinks the model states, not the activations; the interleaved schedule
holds (1 + (p − 1)/(p·v)) times that (``interleaved_penalty``). The last stage holds one
micro-batch of its L/p layers and the final LayerNorm's and output layer's inputs and the fp32 logits (§4.3:
4sbh + 4sbv, over t); a device holds the larger of the two (one stage, both, without pipelining).

Context and expert parallelism for the model states: context-parallel ranks hold the same weights, and
Megatron-Core reduces gradients and shards the distributed optimizer over the data- and context-parallel ranks
together (N_d·c), as ZeRO's sharding here. A mixture of experts' expert weights are split e ways by expert
parallelism (Lepikhin et al. 2020, GShard, arXiv:2006.16668; Megatron-Core's MoE), its expert states sharded
over the N_d·c/e ranks that hold the same experts; the rest of the model as a dense one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from estimator.core.base import bounds as B
from estimator.core.base import validation as v
from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt, rounded, sci
from estimator.core.base.units import BYTES_PER_GB, BYTES_PER_GIB
from estimator.core.hardware.profile import inside_domain  # noqa: F401 (the step's and the planner's word for it)
from estimator.core.workload.flops import MLP_KINDS

# The training-memory inputs (the API's and the CLI's names): the services take them
# (estimator/services/training/memory.MEMORY_KEYS); a statement states the memory verdict of a user's own run only on a
# split given (``PLAN_INPUTS``, estimator/report/provenance.memory_given) or the planner's that timed it.
MEMORY_INPUTS = ("micro_batch", "seq_len", "zero", "activation_recompute", "tp", "pp", "cp", "ep", "attention_kernel",
                 "model", "layers", "d_model", "heads", "vocab", "kv_heads", "ffn", "mlp", "experts", "experts_per_token",
                 "head_dim")
# The model's shape among them (a catalog model, or its architecture): the step model's and the memory's.
SHAPE_INPUTS = ("model", "layers", "d_model", "heads", "vocab", "kv_heads", "ffn", "mlp", "experts", "experts_per_token",
                "head_dim")
# The inputs that choose how the run is split and stored (the parallel plan), as against the workload's size.
PLAN_INPUTS = ("zero", "activation_recompute", "tp", "pp", "cp", "ep", "attention_kernel")

PAPER_ZERO = "Rajbhandari et al. 2020 (ZeRO, arXiv:1910.02054), §3.1 and §5"
PAPER_ACT = "Korthikanti et al. 2022 (arXiv:2205.05198), Table 2"
PAPER_FLASH = "FlashAttention, Dao et al. 2022 (arXiv:2205.14135): no attention scores stored"

# bytes per parameter: (weights, gradients, optimizer states)
# Mixed precision with Adam: 2 + 2 + 12 (fp32 copy 4, momentum 4, variance 4), Rajbhandari et al. 2020, §3.1.
MIXED_BYTES = (2.0, 2.0, 12.0)
# fp32 training with Adam: 4-byte weights and gradients, momentum and variance 4 + 4, no extra copy.
FP32_BYTES = (4.0, 4.0, 8.0)
FP32_PRECISIONS = ("fp32", "tf32")
# fp64 training with Adam: each of them at 8 bytes, twice fp32's (review 2026-11-27: fp64 had been counted at fp32's).
FP64_BYTES = (8.0, 8.0, 16.0)
FP64_PRECISIONS = ("fp64",)
# Korthikanti et al.'s constants assume 16-bit activations; an fp32 run stores them at twice the
# size, an fp64 run at four times (dropout masks stay 1 byte, so this slightly over-counts: stated, not hidden).
FP32_ACTIVATION_SCALE = 2.0
FP64_ACTIVATION_SCALE = 4.0

RECOMPUTE = ("none", "selective", "full")
# The attention kernel: FlashAttention (no a·s×s scores stored; Dao et al. 2022) or the kernels before it (eager:
# softmax output, its dropout mask and output stored, Korthikanti et al.'s 5as/h term).
ATTENTION_KERNELS = ("flash", "eager")
DEFAULT_ATTENTION = "flash"
# The first year of known runs with FlashAttention-class kernels: FlashAttention was published in May 2022 (Dao et al.,
# arXiv:2205.14135) and reached the common stacks after (PyTorch 2.0's scaled_dot_product_attention, March 2023); the
# known runs of 2022 and before stored the scores (BLOOM, trained March–July 2022, on Megatron-DeepSpeed's fused
# scale-mask-softmax: BigScience 2022, arXiv:2211.05100, §3.4; LLaMA's 2023 run used xformers' memory-efficient
# attention, which stores none: Touvron et al. 2023, arXiv:2302.13971, §2.4). So a preset's run of an earlier year
# takes ``eager`` unless the user gives the kernel.
FLASH_ATTENTION_RUNS_FROM = 2023
# FlashAttention runs on NVIDIA GPUs from Turing on (FlashAttention 1: Turing and Ampere; 2: Ampere on: Dao et al. 2022,
# arXiv:2205.14135, and its README), not on Volta or older (Dao-AILab/flash-attention issues #148, #524: no V100
# support); the first Turing part shipped in 2018. Older GPUs keep no scores with memory-efficient attention (Rabe &
# Staats 2021, arXiv:2112.05682; xFormers' and PyTorch's memory-efficient kernels), which the memory counts alike:
# only the words and the citation differ (researcher review 2026-11-30: a V100 run's statement cited FlashAttention).
FLASH_ATTENTION_GPUS_FROM = 2018


def flash_attention_runs_on(kind: str, release_year: int | None) -> bool:
    """Whether FlashAttention runs on a device of this kind and year (``FLASH_ATTENTION_GPUS_FROM``): not on a GPU
    before Turing, where memory-efficient attention keeps no scores instead."""
    return not (kind == "gpu" and release_year is not None and release_year < FLASH_ATTENTION_GPUS_FROM)
KERNEL_WORDS = {"flash": "FlashAttention", "eager": "eager attention (scores stored)"}

# What a transformer layer stores for its backward pass (Korthikanti et al. 2022, §4.1), ``layer_terms``: (what, bytes at
# 16 bits, split by tensor parallelism even without sequence parallelism, bytes in FP8 training). Sequence
# parallelism splits every term by t. FP8: Transformer Engine casts the input of each FP8 matrix multiply to FP8 and
# keeps that FP8 copy for the backward pass (NVIDIA, "Using FP8 with Transformer Engine"; DeepSeek-AI 2024,
# arXiv:2412.19437, §3.3.3, caches the Linear inputs in FP8 likewise); Q, K, V (FlashAttention in 16 bits), the GeLU's
# input and the LayerNorms' inputs stay at 16 bits. A GPT layer's sum, per s·b·h: 34 at 16 bits (10 not split without
# sequence parallelism, 24 split), 27 in FP8 (+2 with FlashAttention, which keeps its own 16-bit output beside the
# projection's FP8 copy, unless selective recomputation recomputes it).
# A GPT layer's MLP is 4 × d_model wide (Radford et al. 2019; Brown et al. 2020, §2.1), its attention d_model wide.
GPT_FFN_RATIO = 4
# A mixture's terms of its routed tokens (``layer_terms``), held whole on each tensor-parallel rank where the experts
# keep the run's tensor parallelism (``activation_bytes_per_layer``'s ``routed_whole``)
ROUTED_TERMS = ("MLP: each routed copy of its input", "MLP: each routed expert's output, kept by the combine")


def layer_terms(d_model: float, q_width: float = 0, kv_width: float = 0, ffn: float = 0,
                mlp_matrices: int = 2, mlp_inputs: float = 1) -> tuple[tuple[str, float, bool, float], ...]:
    """What a transformer layer stores for its backward pass, per token (s·b), for its widths: the queries'
    (heads × head dimension), the keys' and values' (KV heads × head dimension: grouped-query attention's narrower),
    the MLP's hidden width and its matrices (2: up and down; 3: a gated unit's gate, up and down). A width of 0 is a
    GPT layer's (d_model for the attention, 4·d_model for the MLP: with 3 matrices, a gated MLP of that width). A gated
    unit is taken fused, as Megatron-Core's and Transformer Engine's are (an unfused one, Hugging Face's ``LlamaMLP``,
    also keeps the activation's output: 2 × ffn bytes more). Dropout masks are counted whether or not the run uses
    dropout, and Qwen3's and Gemma 2's extra norms are not (a few h each). A mixture of experts: ``ffn`` the width a
    token passes through (its k routed experts' and any shared expert's together) and ``mlp_inputs`` the copies of its
    input kept, k + 1: the router's (and a shared expert's) and each of the k dispatched copies (Megatron-Core's
    permuted tokens, each the input of an expert's first linear), with the k experts' outputs the combine keeps
    (``ROUTED_TERMS``). The terms are Korthikanti et al.'s (``LAYER_TERMS``) with each tensor at its own width: a gated
    MLP stores the gate's and the up projection's outputs (the activation's inputs) and their product (the down
    projection's input), 2 × 3 × ffn bytes at 16 bits (2·mats·ffn = 2 × the MLP's parameters ÷ d_model)."""
    h = float(d_model)
    q, kv = float(q_width or h), float(kv_width or h)
    f, m = float(ffn or GPT_FFN_RATIO * h), int(mlp_matrices)
    act = 2.0 * (m - 1) * f
    routed = max(0.0, float(mlp_inputs) - 1.0)  # a mixture's k routed copies (0 for a dense layer)
    return (
        ("attention: the QKV projection's input (LayerNorm output)", 2 * h, False, h),
        ("attention: Q and K", 2 * q + 2 * kv, True, 2 * q + 2 * kv),
        ("attention: V", 2 * kv, True, 2 * kv),
        ("attention: the output projection's input", 2 * q, True, q),
        ("attention: dropout mask", h, False, h),
        ("MLP: the first linear's input (a mixture's router's)", 2 * h, False, h),
        (ROUTED_TERMS[0], 2 * h * routed, False, h * routed),
        ("MLP: the activation's input (GeLU's 4h; a gated unit's gate and up outputs)", act, True, act),
        ("MLP: the second linear's input", 2 * f, True, f),
        ("MLP: dropout mask", h, False, h),
        # a mixture's combine weighs the k experts' outputs by the routing probabilities, and keeps them for those
        # probabilities' gradient (Megatron-Core's and Transformer Engine's unpermute; MoE review 2026-11-29)
        (ROUTED_TERMS[1], 2 * h * routed, False, 2 * h * routed),
        ("the two LayerNorms' inputs", 4 * h, False, 4 * h),
    )


# A GPT layer's terms per s·b·h: 34 at 16 bits, 27 in FP8 (the sums the module's docstring states)
LAYER_TERMS = layer_terms(1)
# Eager attention's scores per a·s²·b (Korthikanti et al. §4.1): softmax output 2, its dropout mask 1, dropout output 2.
EAGER_SCORES_BYTES = 5.0
# FlashAttention's log-sum-exp per row and head, fp32 (FlashAttention-2, Dao 2023, §3.1), per a·s·b.
FLASH_LSE_BYTES = 4.0
# FlashAttention's own 16-bit output, kept beside the output projection's FP8 copy in FP8 training, per s·b·h.
FLASH_OUTPUT_BYTES = 2.0
# Full recomputation keeps each layer's 16-bit input, per s·b·h (Korthikanti et al. Table 2), a t-th of it per rank
# under sequence parallelism (``activation_bytes_per_layer``).
FULL_RECOMPUTE_BYTES = 2.0
# After the layers (Korthikanti et al. 2022, §4.3, total activations memory): the final LayerNorm's and the output
# projection's 16-bit inputs, 2 + 2 per s·b·h (split by t with sequence parallelism only), and the cross-entropy's
# logits in fp32, 4 per s·b·v (split by t: Megatron-LM's vocabulary-parallel output layer and loss), held by the last
# pipeline stage for the one micro-batch it holds under 1F1B. A fused or chunked loss (e.g. Liger's) holds less:
# not modelled.
OUTPUT_INPUT_BYTES = 4.0
LOGITS_BYTES = 4.0
# The precisions whose matrix multiplies keep their inputs at 8 bits for the backward: FP8, and FP4 taken alike
# (NVFP4 training, arXiv:2509.25149, quantises each GEMM's inputs again for the backward's layouts and keeps
# some layers in BF16: the FP8 rule, an upper bound of the FP4 copies, is kept rather than a guess).
FP8_PRECISIONS = ("fp8", "fp4")
# ZeRO's stages (Rajbhandari et al. 2020, arXiv:1910.02054, §5: 1 shards the optimizer states, 2 the gradients too,
# 3 the parameters too; FSDP's full sharding is stage 3), and 0 for none
ZERO_STAGES = (0, 1, 2, 3)
# The defaults when the user gives none: GPT-3's 2,048-token context (Brown et al. 2020,
# arXiv:2005.14165, Table 2.1), the sequence length of Korthikanti et al.'s GPT experiments;
# micro-batch 1, the smallest, as in Korthikanti et al.'s Table 3 configurations.
DEFAULT_SEQ_LEN = 2048
DEFAULT_MICRO_BATCH = 1
# A layout that fits but whose modelled memory is above this share of the device's is said to be tight. A design
# choice, not a sourced figure: the model counts the step's tensors only (not the CUDA context, NCCL's buffers or the
# caching allocator's fragmentation, which Megatron-Bridge's memory estimator leaves out too: "validate final configs
# with runtime memory metrics", NVIDIA NeMo Megatron-Bridge memory tuning guide), whose size no source here gives, and
# it misses measured steps' peaks both ways (`validate` compares it with this project's measured steps).
TIGHT_MEMORY_SHARE = 0.9
# Tensor parallelism stays inside one 8-GPU server (NVLink), as Narayanan et al. 2021 (§3.3) do;
# pipeline stages are powers of two up to the layer count.
TP_CHOICES = (1, 2, 4, 8)
PP_CHOICES = tuple(2 ** i for i in range(11))


@dataclass(frozen=True)
class Shape:
    """What the memory needs of a dense decoder-only transformer."""
    params: float
    layers: int
    d_model: int
    heads: int
    source: str = ""
    expert_params: float = 0.0   # a mixture of experts' parameters in its experts (0: dense)
    experts: int | None = None   # experts per layer (None: dense)
    vocab: int = 0               # the output layer's width, for its logits (0: not known, left out)
    # the layer's widths for its activations (``layer_terms``; 0: a GPT layer's): the queries' (heads × head dimension),
    # the keys' and values' each (KV heads × head dimension), the MLP's hidden width and its matrices (2 or 3)
    q_width: int = 0
    kv_width: int = 0
    ffn: int = 0
    mlp_matrices: int = 2
    mlp_inputs: float = 1.0   # copies of the MLP's input kept: a mixture's routed experts per token (``layer_terms``)
    # the share of the layers with routed experts (a mixture's; 1: all), the rest dense at the same width (DeepSeek-V3's
    # first 3 of 61 at 18,432 = 8 routed + 1 shared expert of 2,048; Llama 4 Maverick's every second at 16,384 = 1 routed
    # + 1 shared of 8,192: their configs), holding one copy of the MLP's input, no routed ones (catalog ``moe_layers``)
    moe_layer_share: float = 1.0
    # the LM head is the input embedding table (one vocab × d_model matrix in ``params``); False: two tables
    tied_embeddings: bool = False

    @property
    def embedding_params(self) -> float:
        """The parameters outside the blocks: the input table and, unless tied to it, the output layer (0 where the
        vocabulary is not known)."""
        return self.vocab * self.d_model * (1.0 if self.tied_embeddings else 2.0)

    @property
    def widths(self) -> dict:
        """The layer's widths as ``activation_bytes_per_layer`` takes them."""
        return {"q_width": self.q_width, "kv_width": self.kv_width, "ffn": self.ffn, "mlp_matrices": self.mlp_matrices,
                "mlp_inputs": self.mlp_inputs}


def expert_params(params: float, active_params: float, experts: int, per_token: int) -> float:
    """The parameters in a mixture of experts' experts from its total and active counts: a token uses the shared
    part and k of the E experts, so total − active = (1 − k/E) × the experts' parameters."""
    return (params - active_params) * experts / (experts - per_token)


@dataclass(frozen=True)
class Strategy:
    zero: int = 0            # ZeRO stage 0–3 (3 = FSDP full sharding)
    recompute: str = "none"  # none | selective | full
    tp: int = 1              # tensor-parallel degree
    pp: int = 1              # pipeline stages (1F1B schedule)
    cp: int = 1              # context-parallel degree (each sequence split over cp ranks)
    ep: int = 1              # expert-parallel degree (a mixture of experts' experts split over ep ranks)
    attention: str = DEFAULT_ATTENTION  # flash | eager
    sequence_parallel: bool = True  # with tensor parallelism (Korthikanti et al. §4.2.2), as Megatron-LM runs do
    vp: int = 1              # interleaved chunks per pipeline stage (``INTERLEAVED_SOURCE``: more micro-batches in flight)
    # the micro-batches a replica runs in a step, where the layout says (None: as many as the schedule keeps in flight):
    # fewer than that are all the first stage can hold (``in_flight``)
    micro_batches: float | None = None
    etp: int | None = None   # the experts' tensor-parallel degree the layout chose (``expert_tp_choices``; None: the rule)

    def describe(self) -> str:
        parts = [f"ZeRO-{self.zero}" if self.zero else "no ZeRO sharding",
                 {"none": "no activation recomputation", "selective": "selective recomputation",
                  "full": "full recomputation"}[self.recompute]]
        if self.tp > 1:
            parts.append(f"tensor parallel {self.tp}" + ("" if self.sequence_parallel else
                                                         " without sequence parallelism"))
        if self.pp > 1:
            parts.append(f"pipeline {self.pp}" + (f" (interleaved ×{self.vp})" if self.vp > 1 else ""))
        if self.cp > 1:
            parts.append(f"context parallel {self.cp}")
        if self.ep > 1:
            parts.append(f"expert parallel {self.ep}" + (" (experts whole on each device)"
                                                          if self.etp == 1 and self.tp > 1 else ""))
        return ", ".join(parts)

    def to_dict(self) -> dict:
        return {"zero": self.zero, "recompute": self.recompute, "tensor_parallel": self.tp, "pipeline_parallel": self.pp,
                "context_parallel": self.cp, "expert_parallel": self.ep, "sequence_parallel": self.sequence_parallel,
                "attention_kernel": self.attention, "interleaved_chunks": self.vp,
                # the experts' tensor-parallel degree where the step's layout resolved it (1: whole on each device)
                **({"expert_tensor_parallel": self.etp} if self.ep > 1 and self.etp is not None else {})}


@dataclass(frozen=True)
class Breakdown:
    """Memory per device, GB (decimal): the model states (weights, gradients, optimizer: their shards under ZeRO),
    the activations, and under ZeRO-3 the unit gathered whole for its forward and backward (``zero3_gathered_params``:
    its parameters and gradients)."""
    weights_gb: float
    gradients_gb: float
    optimizer_gb: float
    activations_gb: float
    gathered_gb: float = 0.0

    @property
    def total_gb(self) -> float:
        return self.weights_gb + self.gradients_gb + self.optimizer_gb + self.activations_gb + self.gathered_gb

    def to_dict(self) -> dict:
        return {"weights": self.weights_gb, "gradients": self.gradients_gb, "optimizer": self.optimizer_gb,
                "activations": self.activations_gb, "gathered_layer": self.gathered_gb, "total": self.total_gb}


GB_PLAIN = (1e-3, 1e4)  # GB figures written plainly; outside, in powers of ten (never 51,200,445,644,800,112)


def gb(x: float) -> str:
    """GB for people: whole GB from 100 while three significant figures stay below 10,000 (at most four
    digits), three significant figures below 100; from there (9,999.5 reads 10⁴) or below 0.001 GB,
    powers of ten."""
    if x != 0 and not GB_PLAIN[0] <= abs(rounded(x)) < GB_PLAIN[1]:
        return sci(x)
    return f"{x:,.0f}" if x >= 100 else f"{gfmt(x, 3)}"


def capacity_text(capacity_gb: float) -> str:
    """A device's memory as the notes and tables say it: to the hundredth of a GB, as datasheets and `nvidia-smi` give it
    (85.52, 150.75, 85.9), not a measured machine's RAM to six figures (measure review 2026-11-29: "25.2761 GB")."""
    return gfmt(round(capacity_gb, 2)) if capacity_gb >= 0.01 else gfmt(capacity_gb, 3)


# How near a whole number of GiB a capacity must be to be said in GiB beside its GB: 0.01 GiB, about the rounding of a
# capacity to the hundredth of a GB (a design choice; 32,768 MiB is 34.36 GB, exactly 32 GiB, while the H100's 81,559
# MiB, 79.6 GiB, and the B300's 288.40 GB, 268.6 GiB, are said in GB alone)
WHOLE_GIB_WITHIN = 0.01


def capacity_gb_text(capacity_gb: float) -> str:
    """``capacity_text`` with its unit, and where it is a whole number of GiB that number beside it: "34.36 GB (32 GiB)"
    (lecturer review 2026-11-29: a "V100 32GB" had read "34.36 GB" with nothing to say they are the same memory)."""
    text = f"{capacity_text(capacity_gb)} GB"
    gib = capacity_gb * BYTES_PER_GB / BYTES_PER_GIB
    if gib >= 1 and abs(gib - round(gib)) <= WHOLE_GIB_WITHIN:
        text += f" ({round(gib):,} GiB)"
    return text


def bytes_per_param(precision: str) -> tuple[float, float, float]:
    """(weights, gradients, optimizer) bytes per parameter for Adam at ``precision``."""
    return FP64_BYTES if precision in FP64_PRECISIONS else FP32_BYTES if precision in FP32_PRECISIONS else MIXED_BYTES


def activation_bytes_per_layer(seq_len: float, micro_batch: float, d_model: float, heads: float,
                               tp: int = 1, recompute: str = "none", *, attention: str = DEFAULT_ATTENTION,
                               sequence_parallel: bool = True, cp: int = 1, fp8: bool = False, q_width: float = 0,
                               kv_width: float = 0, ffn: float = 0, mlp_matrices: int = 2,
                               mlp_inputs: float = 1, routed_whole: bool = False) -> float:
    """Bytes one transformer layer stores for its backward pass (Korthikanti et al. 2022, §4.1 and Table 2;
    FlashAttention's rule, context parallelism and FP8 as the module's docstring says), at the layer's widths
    (``layer_terms``; 0: a GPT layer's). ``routed_whole``: a mixture's experts split over the tensor-parallel ranks
    (their tensor parallelism the run's), whose dispatcher gathers the routed tokens across those ranks, so each holds
    the k routed copies and the k expert outputs of every token of the sequence's shard group whole, not a t-th
    (Megatron-Core's all-to-all dispatcher with tensor parallelism; MoE review 2026-11-29)."""
    if recompute not in RECOMPUTE:
        raise InputError(f"activation recomputation must be one of {', '.join(RECOMPUTE)}, got {recompute!r}")
    if attention not in ATTENTION_KERNELS:
        raise InputError(f"attention kernel must be one of {', '.join(ATTENTION_KERNELS)}, got {attention!r}")
    sb = seq_len * micro_batch
    sbh = sb * d_model
    if recompute == "full":
        # the layer's input as it enters the layer: under sequence parallelism the sequence's t-th a rank holds
        # (Korthikanti et al. §4.2.2: the regions between the layers run sequence-parallel; Megatron-LM checkpoints the
        # [s/t, b, h] hidden states there), else whole (Table 2's 2·sbhL) (planner review 2026-11-30: the whole input had
        # been counted on every rank, t times too much, refusing larger micro-batches under full recomputation)
        return FULL_RECOMPUTE_BYTES * sbh / cp / (tp if sequence_parallel else 1)
    terms = layer_terms(d_model, q_width, kv_width, ffn, mlp_matrices, mlp_inputs)
    split = sb * sum(t[3 if fp8 else 1] for t in terms if t[2])
    kept = sb * sum(t[3 if fp8 else 1] for t in terms if not t[2])
    if fp8 and attention == "flash" and recompute != "selective":
        # the attention's own output, as wide as the queries (recomputed with the attention core under selective
        # recomputation: review 2026-11-29, it had been counted there too)
        split += FLASH_OUTPUT_BYTES * sb * (q_width or d_model)
    if recompute == "selective":
        attn = 0.0  # the attention core recomputed: neither scores nor log-sum-exp kept
    elif attention == "eager":  # the scores, a·s×s per sequence, split over the heads' ranks
        attn = sbh * EAGER_SCORES_BYTES * heads * seq_len / d_model
    else:
        attn = FLASH_LSE_BYTES * heads * seq_len * micro_batch
    if sequence_parallel:  # every term split t ways (Table 2's "tensor + sequence parallel" row)
        # the routed copies and outputs held whole where the experts keep the run's tensor parallelism: their other
        # (t − 1)/t back
        whole = (sb * sum(t[3 if fp8 else 1] for t in terms if t[0] in ROUTED_TERMS) * (1.0 - 1.0 / tp)
                 if routed_whole else 0.0)
        return ((kept + split + attn) / tp + whole) / cp
    return (kept + (split + attn) / tp) / cp


def folded_expert_tp(tp: int, ep: int, dp_cp: float, etp: int | None = None) -> int | None:
    """``expert_tensor_parallel``'s answer, None where neither divides (no refusal: ``per_device`` extrapolates from
    one data-parallel rank, ``min_devices``). ``etp``: the experts' degree a layout chose (``expert_tp_choices``), 1
    or ``tp``, where it divides; None: the rule below."""
    if ep <= 1:
        return tp
    if etp == 1 and tp > 1 and (tp * dp_cp) % ep == 0:
        return 1
    if dp_cp % ep == 0:
        return tp
    if (tp * dp_cp) % ep == 0:
        return 1
    return None


def expert_tp_choices(tp: int, ep: int, dp_cp: int, scale_up_devices: int | None,
                      devices: int | None = None) -> tuple[int | None, ...]:
    """The experts' tensor-parallel degrees a tuned run weighs (a layout's ``etp``; None: the run's own where
    ``expert_tensor_parallel`` allows it): where the experts' group at the run's tensor parallelism (ep · tp devices)
    would leave or straddle the scale-up domain and the experts whole on each device (1) keep it inside, both, as
    Megatron-Core's MoE guide advises trying ("Ensure the EPxTP communication within the NVLink domain"; with MoE
    parallel folding, "TP for Attention … TP=1 for MoE … often gets better MFU": megatron/core/transformer/moe/README.md;
    Liu et al. 2025, arXiv:2504.14960); the caller times each that fits the memory and keeps the faster
    (``step_setup.expert_tp_of``, the planner's search); else the run's own alone."""
    if not (ep > 1 and tp > 1 and scale_up_devices and dp_cp % ep == 0 and (tp * dp_cp) % ep == 0):
        return (None,)
    n = devices if devices is not None else tp * dp_cp
    # the groups laid out in order: inside one domain where they tile it (sweep review 2026-11-30: on 72-GPU racks a
    # group of 16 at TP 2 straddles two, where 8 whole-expert devices tile the rack; only ep · tp > 72 had been offered)
    if not inside_domain(ep * tp, n, scale_up_devices) and inside_domain(ep, n, scale_up_devices):
        return 1, None
    return (None,)


def expert_tensor_parallel(tp: int, ep: int, dp_cp: int, etp: int | None = None) -> int:
    """The tensor-parallel degree of the experts: the run's own (``tp``, Megatron-Core's default) where the
    expert-parallel degree divides the ``dp_cp`` data- and context-parallel ranks, else 1 where it divides them with
    the tensor-parallel ranks (MoE parallel folding: the expert-parallel group formed from TP × CP × DP ranks, each
    expert whole on its device; Liu et al. 2025, "MoE Parallel Folding", arXiv:2504.14960; Megatron-Core's
    ``--expert-tensor-parallel-size 1``); 1 where the layout chose it (``etp``, ``expert_tp_choices``). InputError
    where neither divides."""
    etp = folded_expert_tp(tp, ep, dp_cp, etp)
    if etp is not None:
        return etp
    raise InputError(f"the expert-parallel degree {ep} must divide the {dp_cp:,} data- and context-parallel ranks "
                     f"that share the experts, or with the tensor-parallel ranks the {tp * dp_cp:,} (experts whole on "
                     "each device)", field=("ep", "devices"))


def check_strategy(st: Strategy, shape: Shape) -> None:
    if not isinstance(st, Strategy):
        raise InputError(f"expected a Strategy, got {type(st).__name__}")
    if st.zero not in ZERO_STAGES or isinstance(st.zero, bool):
        raise InputError(f"ZeRO stage must be 0, 1, 2 or 3, got {st.zero!r}", field="zero")
    if st.recompute not in RECOMPUTE:
        raise InputError(f"activation recomputation must be one of {', '.join(RECOMPUTE)}, got {st.recompute!r}",
                         field="activation_recompute")
    for name in ("tp", "pp", "cp", "ep"):  # in MEMORY_NUMBERS' words and bounds (newcomer review 2026-11-28: typed twice)
        label, bound = MEMORY_NUMBERS[name]
        v.require_number_in(label, getattr(st, name), bound, field=name)
    if st.attention not in ATTENTION_KERNELS:
        raise InputError(f"attention kernel must be one of {', '.join(ATTENTION_KERNELS)}, got {st.attention!r}",
                         field="attention_kernel")
    if not isinstance(st.sequence_parallel, bool):
        raise InputError(f"sequence parallelism is on or off (True or False), got {st.sequence_parallel!r}")
    check_degrees(heads=shape.heads, layers=shape.layers, experts=shape.experts, tp=st.tp, pp=st.pp, ep=st.ep)


def check_degrees(*, heads: int, layers: int, experts: int | None, seq_len: int | None = None, tp: int | None = None,
                  pp: int | None = None, cp: int | None = None, ep: int | None = None) -> None:
    """Each parallel degree given by the rule that needs no other degree: tensor parallelism divides the heads,
    pipeline stages are no more than the layers, context parallelism divides the sequence, expert parallelism
    divides a mixture's experts. One home for the memory's, the step's and the planner's checks."""
    if ep is not None and ep > 1 and (experts or 1) <= 1:
        raise InputError(f"expert parallelism ({ep}) needs a mixture of experts whose experts are known (a catalog "
                         "model such as mixtral-8x7b); this model is dense or its experts are not given", field="ep")
    if ep is not None and ep > 1 and experts % ep:
        raise InputError(f"the expert-parallel degree {ep} must divide the {experts} experts per layer", field="ep")
    if tp is not None and (tp > heads or heads % tp):
        raise InputError(f"the tensor-parallel degree {tp} must divide the {heads} attention heads", field="tp")
    if pp is not None and pp > layers:
        raise InputError(f"{pp} pipeline stages is more than the {layers} layers", field="pp")
    if cp is not None and seq_len is not None and seq_len % cp:
        raise InputError(f"the context-parallel degree {cp} must divide the sequence of {seq_len:,} tokens "
                         "(each rank holds an equal part)", field=("cp", "seq_len"))


# ZeRO's stages as a user gives them: a number, or "fsdp" (PyTorch FSDP's full sharding = stage 3), as the CLI's --zero.
ZERO_TEXT = {**{str(stage): stage for stage in ZERO_STAGES}, "fsdp": 3}
# Each numeric memory input, how people call it, its bound (estimator/core/base/bounds.py): the words of the
# checks below and of ``resolve_architecture``'s (the CLI, the app and the Python API refuse the same inputs).
MEMORY_NUMBERS = {"micro_batch": ("micro-batch", B.MICRO_BATCH), "seq_len": ("sequence length", B.CONTEXT),
                  "tp": ("tensor-parallel degree", B.TENSOR_PARALLEL), "pp": ("pipeline stages", B.PIPELINE_PARALLEL),
                  "cp": ("context-parallel degree", B.CONTEXT_PARALLEL), "ep": ("expert-parallel degree", B.EXPERT_PARALLEL),
                  "layers": ("layers", B.LAYERS), "d_model": ("d_model", B.D_MODEL),
                  "heads": ("attention heads", B.HEADS), "vocab": ("vocabulary", B.VOCAB),
                  "kv_heads": ("KV heads", B.HEADS), "ffn": ("MLP hidden size", B.FFN), "experts": ("experts", B.EXPERTS),
                  "experts_per_token": ("experts per token", B.EXPERTS), "head_dim": ("head size", B.HEAD_DIM)}


def zero_stage(given) -> int:
    """A ZeRO stage as given (0–3 as a number or its digit, or "fsdp" = 3) as an int; InputError otherwise (a
    bool, 1.5, infinity, bytes)."""
    stage = ZERO_TEXT.get(given.strip().lower()) if isinstance(given, str) else given
    if v.is_real_number(stage) and v.plain_number(stage) in ZERO_STAGES:
        return int(v.plain_number(stage))
    raise InputError(f"ZeRO stage must be {', '.join(map(str, ZERO_STAGES))} or fsdp, got {repr(given)[:40]}",
                     field="zero")


def check_inputs(given: dict) -> dict:
    """The training-memory inputs a user gives (``MEMORY_INPUTS``, None left out), each checked on its own, before
    any profile or model is known: so a device that states no memory (the brain, AlphaGo) refuses what a GPU refuses
    (audit: ``--hardware brain --tp -5`` echoed -5). Returns them as the model takes them: the ZeRO stage an int,
    the counts ints, the model's id text; InputError naming the input otherwise."""
    out = dict(given)
    if "zero" in out:
        out["zero"] = zero_stage(out["zero"])
    if "activation_recompute" in out and out["activation_recompute"] not in RECOMPUTE:
        raise InputError(f"activation recomputation must be one of {', '.join(RECOMPUTE)}, got "
                         f"{repr(out['activation_recompute'])[:40]}", field="activation_recompute")
    if "attention_kernel" in out and out["attention_kernel"] not in ATTENTION_KERNELS:
        raise InputError(f"attention kernel must be one of {', '.join(ATTENTION_KERNELS)}, got "
                         f"{repr(out['attention_kernel'])[:40]}", field="attention_kernel")
    if "mlp" in out and (not isinstance(out["mlp"], str) or out["mlp"] not in MLP_KINDS):
        raise InputError(f"the MLP must be one of {', '.join(MLP_KINDS)}, got {repr(out['mlp'])[:40]}", field="mlp")
    if "model" in out and (not isinstance(out["model"], str) or not out["model"].strip()):
        raise InputError(f"model must be a catalog model's id (text), got {repr(out['model'])[:40]}", field="model")
    for key, (label, bound) in MEMORY_NUMBERS.items():
        if key in out:
            out[key] = v.require_whole(label, out[key], bound, field=key)
    return out


def check_run(shape: Shape, strategy: Strategy, devices, seq_len: float | None = None,
              micro_batch: float | None = None) -> tuple[int, int, int]:
    """A run's shape and strategy that can go together, whatever the device's memory: (sequence length,
    micro-batch, devices) as whole numbers, the defaults for those not given; InputError otherwise."""
    v.require_number_in("parameters", shape.params, B.PARAMS)
    v.require_number_in("layers", shape.layers, B.LAYERS)
    v.require_number_in("d_model", shape.d_model, B.D_MODEL)
    v.require_number_in("attention heads", shape.heads, B.D_MODEL)
    check_strategy(strategy, shape)
    s = v.require_whole("sequence length", DEFAULT_SEQ_LEN if seq_len is None else seq_len, B.CONTEXT, field="seq_len")
    b = v.require_whole("micro-batch", DEFAULT_MICRO_BATCH if micro_batch is None else micro_batch, B.MICRO_BATCH,
                        field="micro_batch")
    n = v.require_whole("devices", devices, B.DEVICES)
    model_parallel = strategy.tp * strategy.pp
    if n < model_parallel:
        raise InputError(f"tensor × pipeline parallel = {model_parallel} needs at least {model_parallel} devices, "
                         f"got {n}", field=("tp", "pp", "devices"))
    if strategy.cp > 1:
        if n < model_parallel * strategy.cp:
            raise InputError(f"tensor × pipeline × context parallel = {model_parallel * strategy.cp} needs at least "
                             f"that many devices, got {n}", field=("tp", "pp", "cp", "devices"))
        check_degrees(heads=shape.heads, layers=shape.layers, experts=shape.experts, seq_len=int(s), cp=strategy.cp)
    split = model_parallel * strategy.cp
    if n % split:
        # as a run the step model times is refused (``core.training.plan.check_layout``; app review 2026-12-02: a
        # preset's 10,000 V100s at TP 8 × PP 8 were sized at 156 data-parallel replicas, 16 devices unaccounted for)
        raise InputError(f"tensor × pipeline × context parallel = {strategy.tp} × {strategy.pp} × {strategy.cp} = "
                         f"{split:,} does not divide the {n:,} devices: give a layout whose product divides them",
                         field=("tp", "pp", "cp", "devices"))
    if strategy.ep > 1:
        expert_tensor_parallel(strategy.tp, strategy.ep, n // split * strategy.cp, strategy.etp)
    return s, b, n


# Megatron-LM's interleaved 1F1B schedule (Narayanan et al. 2021, §2.2) keeps more micro-batches in flight on the first
# stage than 1F1B's p: its activation memory × (1 + (p − 1) ÷ (p·v)) for v chunks a stage (Megatron-LM
# megatron/training/theoretical_memory_usage.py, interleaved_schedule_memory_penalty; Korthikanti et al. 2022,
# arXiv:2205.05198)
INTERLEAVED_SOURCE = ("interleaved 1F1B: activations × (1 + (p − 1)/(p·v)) (Megatron-LM "
                      "theoretical_memory_usage.py, interleaved_schedule_memory_penalty)")


def interleaved_penalty(pp: int, vp: int) -> float:
    """How many times 1F1B's activations the first stage holds under the interleaved schedule (1 without it)."""
    return 1.0 + (pp - 1) / (pp * vp) if pp > 1 and vp > 1 else 1.0


def in_flight(pp: int, vp: int, micro_batches: float | None) -> float:
    """The micro-batches whose activations the first pipeline stage holds at once, each counted as a whole stage's:
    1F1B's p (Narayanan et al. 2021, §2.2), p·(1 + (p − 1)/(p·v)) interleaved (``interleaved_penalty``), and never
    more than the step's micro-batches m: the warm-up runs at most all of them (Megatron-Core's
    ``get_pp_rank_microbatches`` caps the warm-up at m·v chunks, i.e. m whole micro-batches; its theoretical memory
    scales the activations by min(1, m/p)). Planner review 2026-11-28: Llama 3 405B at TP 8, PP 16, VP 7 (ZeRO-1) with 16
    micro-batches had been held at 94.6 GB, "does not fit" (at VP 2, 112 GB), where those 16 are all it holds."""
    whole = pp * interleaved_penalty(pp, vp)
    return whole if micro_batches is None else min(whole, max(1.0, float(micro_batches)))


# ZeRO-3 (FSDP's full sharding) gathers each unit's parameters whole before its forward and backward, and holds the
# unit's gradients whole until they are reduce-scattered (PyTorch's FSDP2 tutorial: "before forward and backward,
# sharded parameters are all-gathered into unsharded parameters"; "inside backward, local unsharded gradients are
# reduce-scattered"): beside the shards, one unit's parameters and gradients at their own bytes, as DeepSpeed's own
# estimate counts them (``estimate_zero3_model_states_mem_needs``, deepspeed/runtime/zero/stage3.py: 4 bytes, 16-bit
# parameters and gradients, × the largest layer's parameters, beside 18 bytes × N ÷ devices). The unit: one transformer
# layer, as FSDP's transformer wrapping policy makes it (its experts on this rank's expert-parallel share), or the
# embedding table where larger, each split by the tensor-parallel ranks. Prefetching the next unit (FSDP2 keeps two
# all-gather outputs alive in its forward: PyTorch PR #128884) is left out, as DeepSpeed's estimate leaves it out
# (plan review 2026-11-28: GPT-3 175B's ZeRO-3 best layout had read 85.5 of 85.9 GB with none, about 3.6 GB short).
def zero3_gathered_params(shape: Shape, st: Strategy, etp: int, dense: bool = True, experts: bool = True) -> float:
    """Parameters of the largest unit ZeRO-3 gathers whole on one device (the comment above); 0 below ZeRO-3. Only what
    is sharded is gathered: the dense part where ``dense`` (more than one data- or context-parallel rank), the experts'
    where ``experts`` (more than one rank holding the same experts: with experts folded over the tensor-parallel ranks
    that can be so on one data-parallel rank; code review 2026-11-28)."""
    if st.zero < 3:
        return 0.0
    embedding = shape.vocab * shape.d_model if dense else 0.0
    dense_layer = max(shape.params - shape.expert_params - shape.embedding_params, 0.0) / shape.layers
    expert_layer = shape.expert_params / (shape.layers * shape.moe_layer_share) / (etp * st.ep) if experts else 0.0
    return max((dense_layer if dense else 0.0) / st.tp + expert_layer, embedding / st.tp)


def per_device(shape: Shape, st: Strategy, dp: int, seq_len: float, micro_batch: float,
               precision: str, even_split: bool = False) -> Breakdown:
    """Memory on one device with ``dp`` data-parallel replicas: the model states of a stage, and the activations of
    the first pipeline stage (L layers' worth under 1F1B) or of the last (one micro-batch of its layers and the
    output layer's), the larger. ZeRO shards over the dp·cp data- and context-parallel ranks; a mixture of
    experts' expert states over the ranks that hold the same experts (tp·dp·cp ÷ (etp·ep), ``expert_tensor_parallel``:
    dp·cp ÷ ep where the experts split over the run's tensor-parallel ranks). Under ZeRO-3, the unit gathered whole for
    its step, where more than one rank shards it, is a part of its own (``gathered_gb``: ``zero3_gathered_params``).

    A pipeline's stages hold the average stage's share of every parameter, the vocabulary tables too, as a split that
    gives its end stages fewer layers holds about (Llama 3 405B's: ``END_STAGES_SOURCE``). ``even_split``: Megatron-LM's
    default, every stage L/p layers, the first also holding the input table and the last the output layer (a tied
    table copied there), each vocab × d_model over the tensor-parallel ranks (Narayanan et al. 2021, arXiv:2104.04473;
    Korthikanti et al. 2022, arXiv:2205.05198, §4.3 count the first stage's table): an end stage's model states."""
    w, g, o = bytes_per_param(precision)
    psi = (shape.params - shape.expert_params) / (st.tp * st.pp)  # parameters per model-parallel rank
    if even_split and st.pp > 1 and shape.vocab:
        blocks = max(shape.params - shape.expert_params - shape.embedding_params, 0.0)
        psi = (blocks / st.pp + shape.vocab * shape.d_model) / st.tp
    group = dp * st.cp
    shard_o = group if st.zero >= 1 else 1
    shard_g = group if st.zero >= 2 else 1
    shard_w = group if st.zero >= 3 else 1
    # the experts split over their own tensor- and expert-parallel ranks; their states sharded over the ranks that
    # hold the same experts (expert data parallel: tp·dp·cp ÷ (etp·ep))
    etp = folded_expert_tp(st.tp, st.ep, group, st.etp) or st.tp   # from one rank (min_devices): ∝ 1/N_d, unfolded
    expert_dp = st.tp * group / (etp * st.ep)

    def experts(bytes_per_param: float, sharded: bool) -> float:
        if not shape.expert_params:
            return 0.0
        return bytes_per_param * shape.expert_params / (etp * st.pp * st.ep) / (expert_dp if sharded else 1)

    def layer_bytes(widths: Mapping[str, float], routed_whole: bool) -> float:
        return activation_bytes_per_layer(seq_len, micro_batch, shape.d_model, shape.heads, st.tp, st.recompute,
                                          attention=st.attention, sequence_parallel=st.sequence_parallel, cp=st.cp,
                                          fp8=precision in FP8_PRECISIONS, **widths, routed_whole=routed_whole)

    # the layers with routed experts at the mixture's terms, the rest (``moe_layer_share``) as dense layers of the same
    # width (MoE review 2026-11-30: DeepSeek-V3's 3 dense layers had been counted with 8 routed copies each)
    act = shape.layers * shape.moe_layer_share * layer_bytes(shape.widths,
                                                             bool(shape.expert_params) and etp > 1)
    if shape.moe_layer_share < 1.0:
        act += shape.layers * (1.0 - shape.moe_layer_share) * layer_bytes({**shape.widths, "mlp_inputs": 1.0}, False)
    scale = (FP64_ACTIVATION_SCALE if precision in FP64_PRECISIONS else FP32_ACTIVATION_SCALE
             if precision in FP32_PRECISIONS else 1.0)  # the layers' and inputs' width
    act *= scale
    # the last stage: its L/p layers for one micro-batch and the output layer's inputs and fp32 logits (researcher
    # review 2026-11-26: left out, 8.4 GB of Llama 3.1 8B's 128k-token vocabulary at micro-batch 8 went uncounted)
    output = 0.0
    if shape.vocab:  # no vocabulary known: no output layer to count
        sb = micro_batch * seq_len
        inputs = scale * OUTPUT_INPUT_BYTES * sb * shape.d_model / (st.tp if st.sequence_parallel else 1)
        output = (inputs + LOGITS_BYTES * sb * shape.vocab / st.tp) / st.cp
    # the interleaved schedule holds more micro-batches in flight on the first stage: its activations × (1 + (p − 1) ÷
    # (p·v)) (INTERLEAVED_SOURCE; researcher review 2026-11-27: left out, TP4 PP2×4 of Llama 3.1 70B read 81.8 GB,
    # "fits", where Megatron counts 87.5 GB of an 85.5 GB H100)
    first = act / st.pp * in_flight(st.pp, st.vp, st.micro_batches)
    act = max(first, act / st.pp + output)
    # what one rank holds whole already is not gathered
    gathered = zero3_gathered_params(shape, st, etp, dense=group > 1, experts=expert_dp > 1)
    return Breakdown((w * psi / shard_w + experts(w, st.zero >= 3)) / BYTES_PER_GB,
                     (g * psi / shard_g + experts(g, st.zero >= 2)) / BYTES_PER_GB,
                     (o * psi / shard_o + experts(o, st.zero >= 1)) / BYTES_PER_GB, act / BYTES_PER_GB,
                     (w + g) * gathered / BYTES_PER_GB)


def min_devices(shape: Shape, st: Strategy, capacity_gb: float, seq_len: float, micro_batch: float,
                precision: str) -> int | None:
    """The fewest devices (t·p·c·N_d) on which every device holds its share, or None when no
    number of data-parallel replicas is enough (what ZeRO does not shard must fit on its own). With expert
    parallelism, N_d·c is a multiple of e (the experts split over the ranks that share them)."""
    step = st.ep // math.gcd(st.ep, st.cp)  # N_d is a multiple of this
    ranks = st.tp * st.pp * st.cp
    # the fewest replicas a count can have, where the experts split over their ranks as at every count returned (their
    # tensor parallelism the run's: code review 2026-11-28, read from one replica they had folded over it, and the
    # counts of mixtures of experts had been too large or none); the sharded parts ∝ 1/N_d from here
    base = per_device(shape, st, step, seq_len, micro_batch, precision)
    if base.total_gb <= capacity_gb:
        return ranks * step
    if st.zero == 0:
        return None
    # per device = fixed + sharded / N_d; ZeRO-3's gathered unit in the fixed part, as from two ranks on
    w, g, _ = bytes_per_param(precision)
    unit_gb = (w + g) * zero3_gathered_params(shape, st, st.tp) / BYTES_PER_GB
    sharded = step * (base.optimizer_gb + (base.gradients_gb if st.zero >= 2 else 0.0)
                      + (base.weights_gb if st.zero >= 3 else 0.0))
    fixed = base.total_gb - sharded / step - base.gathered_gb + unit_gb
    if fixed >= capacity_gb:
        return None
    dp = max(1, math.ceil(sharded / (capacity_gb - fixed) - 1e-12))
    dp = step * math.ceil(dp / step)
    n = ranks * dp
    return n if n <= B.DEVICES.high else None


def fewest(shape: Shape, capacity_gb: float, seq_len: float, micro_batch: float,
           precision: str, attention: str = DEFAULT_ATTENTION) -> tuple[Strategy, int] | None:
    """The strategy that fits on the fewest devices, with the run's attention kernel and neither context nor expert
    parallelism; ties go to less recomputation (it costs compute: a full recomputation adds a forward pass,
    Korthikanti et al. §5), then to less sharding and less model parallelism (less communication)."""
    best = None
    for rank, rc in enumerate(RECOMPUTE):
        for zero in ZERO_STAGES:
            for tp in TP_CHOICES:
                if tp > shape.heads or shape.heads % tp:
                    continue
                for pp in PP_CHOICES:
                    if pp > shape.layers:
                        continue
                    st = Strategy(zero, rc, tp, pp, attention=attention)
                    n = min_devices(shape, st, capacity_gb, seq_len, micro_batch, precision)
                    if n is not None:
                        key = (n, rank, zero, tp, pp)
                        if best is None or key < best[0]:
                            best = (key, st, n)
    return None if best is None else (best[1], best[2])


# What a tight layout is told (``TIGHT_MEMORY_SHARE``), in words for any device (app review 2026-11-30: a TPU's plan
# had read "the CUDA context, NCCL's buffers")
TIGHT_WORDS = (f"above {TIGHT_MEMORY_SHARE:.0%} of the device's memory, what the model leaves out (the runtime's "
               "context, the collectives' buffers, the allocator's fragmentation) and its own miss may stop it: check "
               "the peak in a short run, or take a layout with more room")


def is_tight(total_gb: float, capacity_gb: float) -> bool:
    """``total_gb`` a device fits ``capacity_gb`` but is above ``TIGHT_MEMORY_SHARE`` of it."""
    return math.isfinite(capacity_gb) and TIGHT_MEMORY_SHARE * capacity_gb < total_gb <= capacity_gb


# A pipeline whose end stages run fewer layers, so that their vocabulary tables do not make them the busiest: what
# the memory's average stage assumes (``per_device``)
END_STAGES_SOURCE = ("Llama 3 405B, 126 layers on 16 stages, ran one layer fewer on its first and last stages to "
                     "balance their embedding and output layer (Llama Team 2024, arXiv:2407.21783 §3.3.2)")


@dataclass(frozen=True)
class TrainingMemory:
    shape: Shape
    strategy: Strategy
    devices: int                 # the devices of the run
    data_parallel: int
    seq_len: int
    micro_batch: int
    precision: str
    per_device: Breakdown        # at the run's devices and strategy
    capacity_gb: float
    device_name: str
    min_devices: int | None      # under the chosen strategy (None: no count is enough)
    best_strategy: Strategy | None
    best_devices: int | None
    how: str                     # where the shape came from
    # the settings are defaults nobody chose (no layout given nor planned on several devices, or a published run whose
    # layout the preset does not record): a verdict, "does not fit" above all, is of those settings, not of the run
    # (services/api.py sets both)
    of_defaults: bool = False
    published_split_unrecorded: bool = False  # of those, a published run's: it split its model in a way not recorded
    devices_default: bool = False  # the one device is the default, no count given (device-hours alone: services/api.py)
    # FlashAttention does not run on the device (``flash_attention_runs_on``): its kept activations are said as
    # memory-efficient attention's, alike in size (diff review 2026-11-30: a V100's note said FlashAttention where its
    # statement said memory-efficient attention)
    flash_unsupported: bool = False

    @property
    def fits(self) -> bool:
        return self.per_device.total_gb <= self.capacity_gb

    @property
    def kernel_words(self) -> str:
        """The attention kernel counted, in words: FlashAttention, or on a device it does not run on memory-efficient
        attention, which keeps no scores alike."""
        if self.strategy.attention == "flash" and self.flash_unsupported:
            return "memory-efficient attention (no scores stored; FlashAttention does not run on this GPU)"
        return KERNEL_WORDS[self.strategy.attention]

    @property
    def tight(self) -> bool:
        """Fits, but above ``TIGHT_MEMORY_SHARE`` of the device's memory."""
        return is_tight(self.per_device.total_gb, self.capacity_gb)

    @property
    def even_split_gb(self) -> float | None:
        """A device's memory on an end stage of Megatron-LM's even split (``per_device``'s ``even_split``): its L/p layers
        and a vocabulary table; None without pipelining or a known vocabulary."""
        if self.strategy.pp < 2 or not self.shape.vocab:
            return None
        return per_device(self.shape, self.strategy, self.data_parallel, self.seq_len, self.micro_batch, self.precision,
                          even_split=True).total_gb

    def even_split_words(self) -> str | None:
        """Said beside the verdict where a pipeline's end stage, its table beside an even share of the layers, holds
        more (researcher review 2026-11-30: Llama 3.1 8B over PP 8 read 81.3 GB, "fits", where Megatron-LM's even
        split holds 87.7 GB on its first stage)."""
        even = self.even_split_gb
        if even is None or gb(even) == gb(self.per_device.total_gb):
            return None
        verdict = ("does not fit" if even > self.capacity_gb else "fits, tight" if is_tight(even, self.capacity_gb)
                   else "fits")
        # a whole number of layers a stage where they divide, else their average (diff review 2026-11-30: "7.88
        # layers" read as a split Megatron-LM could make)
        share = self.shape.layers / self.strategy.pp
        layers = (f"every stage holding {gfmt(share, 3)} layers (Megatron-LM's even split)" if share == int(share) else
                  f"the layers spread evenly, {gfmt(share, 3)} a stage on average, and no stage lighter for its table")
        return (f"memory: the pipeline's stages are counted at the average stage's share, the vocabulary tables "
                f"spread as a split with fewer layers on its end stages spreads them ({END_STAGES_SOURCE}); with "
                f"{layers}, the first holds the input table beside them and the last the output layer: {gb(even)} GB a "
                f"device, {verdict}")

    def note(self) -> str:
        """One sentence for the notes: does it fit, and on how many devices."""
        name = self.device_name
        total = f"{gb(self.per_device.total_gb)} GB per device against {capacity_gb_text(self.capacity_gb)}"
        how = (f"micro-batch {self.micro_batch}, sequence {self.seq_len}, {self.precision} with Adam, "
               f"{self.kernel_words}; shape: {self.how or self.shape.source}")
        if self.tight:
            return (f"memory: fits, tight: {total}, {self.per_device.total_gb / self.capacity_gb:.0%} of it "
                    f"({self.strategy.describe()}; {how}); {TIGHT_WORDS}")
        if self.fits:
            return f"memory: fits, {total} ({self.strategy.describe()}; {how})"
        chosen = (f"one device, the default (no count given), cannot hold it ({total}; {how})" if self.devices_default
                  else f"the chosen {self.devices:,} device{'s' if self.devices != 1 else ''} cannot hold it ({total}; "
                       f"{how})")
        if self.min_devices is not None:
            return f"memory: needs ≥ {self.min_devices:,} × {name} with {self.strategy.describe()}: {chosen}"
        if self.best_strategy is not None and self.best_devices > self.devices:
            tp = "" if self.strategy.tp > 1 else ", no tensor parallelism"
            # what holds it after what cannot (lecturer review 2026-11-29: "needs ≥ 104 × V100 …" then "no number of
            # devices can hold it" read as a contradiction)
            return (f"memory: {chosen}; with the chosen setup ({self.strategy.describe()}{tp}) no number of devices "
                    f"can, but {self.best_devices:,} or more × {name} would hold it with {self.best_strategy.describe()}")
        if self.best_strategy is not None:
            # where the data-parallel devices shard nothing, sharding them is the other way (researcher review
            # 2026-11-29: 1,024 devices told only of pipeline 2)
            shard = ("; ZeRO sharding over the data-parallel devices shrinks it" if self.strategy.zero == 0
                     and self.data_parallel > 1 else "")
            return (f"memory: {self.best_devices:,} × {name} would hold it with {self.best_strategy.describe()}; "
                    f"with {self.strategy.describe()}, more devices (data parallel) do not shrink what each one holds "
                    f"({total}; {how}){shard}")
        # at this micro-batch and sequence: the planner, free to choose them, may still find a layout that fits (planner
        # review 2026-11-28, second: "no strategy considered fits it" beside "the planner's best that fits: 171 days")
        return (f"memory: at micro-batch {self.micro_batch} and sequence {self.seq_len:,}, no strategy considered fits "
                f"it on {name}: {chosen}")

    def to_dict(self) -> dict:
        return {
            "per_device_gb": self.per_device.to_dict(), "device_memory_gb": self.capacity_gb, "fits": self.fits,
            "tight": self.tight,
            # the verdict is of default settings nobody chose (no layout given on several devices, or a published
            # run's split not recorded), not of the run
            "of_defaults": self.of_defaults,
            "devices": self.devices, "data_parallel": self.data_parallel, "strategy": self.strategy.to_dict(),
            "min_devices": self.min_devices,
            # an end stage of Megatron-LM's even split (its L/p layers and a vocabulary table); None: no pipeline
            "even_split_end_stage_gb": self.even_split_gb,
            "fewest_devices": None if self.best_strategy is None else {
                "devices": self.best_devices, "strategy": self.best_strategy.to_dict()},
            "seq_len": self.seq_len, "micro_batch": self.micro_batch, "precision": self.precision,
            "optimizer": "adam", "bytes_per_param": list(bytes_per_param(self.precision)),
            "model": {"params": self.shape.params, "layers": self.shape.layers, "d_model": self.shape.d_model,
                      "heads": self.shape.heads, "expert_params": self.shape.expert_params,
                      "experts": self.shape.experts, "vocab": self.shape.vocab or None,
                      # the layer's widths its activations are counted at (``layer_terms``: 0 read as a GPT layer's)
                      "activation_widths": {"queries": self.shape.q_width or self.shape.d_model,
                                            "keys_values": self.shape.kv_width or self.shape.d_model,
                                            "mlp": self.shape.ffn or GPT_FFN_RATIO * self.shape.d_model,
                                            "mlp_matrices": self.shape.mlp_matrices,
                                            "mlp_input_copies": self.shape.mlp_inputs,
                                            "layers_with_experts": round(self.shape.layers * self.shape.moe_layer_share)
                                            if self.shape.experts else None},
                      "source": self.how},
            "source": f"model states: {PAPER_ZERO}; activations: {PAPER_ACT}"
                      + (f", with {PAPER_FLASH}" if self.strategy.attention == "flash" else ", eager attention"),
        }


def training_memory(shape: Shape, strategy: Strategy, devices: int, capacity_gb: float, device_name: str,
                    precision: str, seq_len: float | None = None, micro_batch: float | None = None,
                    how: str = "") -> TrainingMemory:
    """Memory per device of a run on ``devices`` devices, and the fewest devices that hold it."""
    s, b, n = check_run(shape, strategy, devices, seq_len, micro_batch)
    cap = v.require_number_in("device memory (GB)", capacity_gb, B.MEMORY_GB)
    dp = n // (strategy.tp * strategy.pp * strategy.cp)
    return TrainingMemory(shape, strategy, n, dp, s, b, precision, per_device(shape, strategy, dp, s, b, precision),
                          cap, device_name, min_devices(shape, strategy, cap, s, b, precision),
                          *(fewest(shape, cap, s, b, precision, strategy.attention) or (None, None)), how)
