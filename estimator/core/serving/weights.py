"""The weights as served (pure): the precisions modelled, the bytes the weights take and a decode step reads
(quantised blocks with their scales, embeddings and LM head at 16 bits), and a mixture of experts' share of
them (the experts a batch reaches, an expert-parallel device's slots). The step that reads them is
``estimator.core.serving.step``."""

from __future__ import annotations

import math

from estimator.core.base.units import BITS_PER_BYTE
from estimator.core.workload.architecture import Architecture

# The precisions modelled: 16-bit weights and their 8- and 4-bit quantisations (LLM.int8(), Dettmers et al.
# 2022; GPTQ, Frantar et al. 2023; AWQ, Lin et al. 2024), and a 16- or 8-bit KV cache (vLLM's fp8 cache).
WEIGHT_BITS = (16, 8, 4)
KV_BITS = (16, 8)
# What is served when nothing else is said: 16-bit weights and KV cache (bf16/fp16, as models are released and as the
# ML.ENERGY measurements the serving model is fitted to ran). A design choice, shared by the CLI, the app and the API.
DEFAULT_BITS = 16
DEFAULT_KV_BITS = 16
# Weight-only quantisation (GPTQ, AWQ, FP8/INT8 weights) quantises the transformer blocks' linear
# layers; the token embedding table (a lookup) and the LM head stay at 16 bits: vLLM's AWQ/GPTQ
# configs quantise the LM head only when the checkpoint says so (`lm_head_quantized`, default
# false; docs.vllm.ai, vllm.model_executor.layers.quantization.auto_awq), and llm-compressor's
# recipes target Linear layers with `ignore: [lm_head]`. A decode step reads the whole LM head but
# only its B tokens' rows of the embedding table (B × d_model, left out).
EMBEDDING_BITS = 16


def embedding_params(arch: Architecture, params: float) -> tuple[float, float]:
    """(the parameters stored at ``EMBEDDING_BITS``: the embedding table and, unless tied, the LM
    head; the LM head's, read whole every step). Both 0 when the vocabulary is not given: then every
    weight counts at the weights' bits."""
    table = min(arch.embedding_table_params, float(params))
    return min(float(params), arch.embedding_params), table


def input_table_params(arch: Architecture, params: float) -> float:
    """The parameters a token looks up rather than multiplies: an untied input embedding table (a
    tied one is the LM head too, multiplied every step); 0 when the vocabulary is not given."""
    stored, table = embedding_params(arch, params)
    return stored - table


def read_params(arch: Architecture, params: float, batch: float) -> float:
    """The parameters one decode step reads (``read_weight_bytes`` counts their bytes)."""
    emb, head = embedding_params(arch, params)
    return max(0.0, float(params) * weights_read_fraction(arch, params, batch) - emb) + head


# The bits a 4-bit weight's block scales add to it as stored: MXFP4's one 8-bit scale per 32 elements (OCP Microscaling
# Formats v1.0, 2023; gpt-oss's release, "4.25 bits per parameter", arXiv:2508.10925), about GPTQ/AWQ's 16-bit scale and
# zero per group of 128; NVIDIA's NVFP4 adds 0.5 (one 8-bit scale per 16, arXiv:2509.25149 §2), which
# ``memory_fit.block_scales_note`` says where it would not fit. 8-bit weights' scales (per tensor, or DeepSeek-V3's one
# per 128 × 128 block) are a few bits in a million: none counted. The memory counts them; a decode step's reads do not
# (the fits' 4-bit rows measured them as they ran).
SCALE_BITS = {4: 0.25}


def stored_bits(weight_bits: int) -> float:
    """The bits a quantised block weight takes in memory, its block scales included (``SCALE_BITS``)."""
    return weight_bits + SCALE_BITS.get(int(weight_bits), 0.0)


def stored_weight_bytes(arch: Architecture, params: float, weight_bits: int) -> float:
    """The bytes the weights take: the blocks at ``weight_bits`` with their block scales (``stored_bits``), embeddings
    and LM head at 16 bits (serving review 2026-11-29: DeepSeek-R1 at 4 bits was put on 2 B200s that its weights' scales
    do not leave room on)."""
    emb, _ = embedding_params(arch, params)
    return ((float(params) - emb) * stored_bits(weight_bits) + emb * EMBEDDING_BITS) / BITS_PER_BYTE


def read_weight_bytes(arch: Architecture, params: float, weight_bits: int, batch: float, ep: int = 1,
                      least: bool = False) -> float:
    """The weight bytes one decode step reads (on the busiest device of an expert-parallel group of ``ep``: the
    weights outside the experts whole, and of its 1/ep of the experts those the batch reaches): the blocks' weights it uses (all for a
    dense model, ``weights_read_fraction`` for a mixture of experts) and the whole LM head; of the embedding
    table only the batch's rows, left out. ``least``: a mixture of experts' fewest bytes, every token routed to the
    same k experts a layer (what no routing can go below)."""
    emb, head = embedding_params(arch, params)
    experts = expert_params(arch, params)
    blocks = max(0.0, float(params) - experts - emb)
    if experts:
        # the experts the batch reaches, E·(1 − (1 − k/E)^B); under expert parallelism the busiest device's: its
        # share of them, at least one whole expert where any is reached, at most the E/ep it holds (its
        # ``expert_slots`` where ``ep`` does not divide them)
        e = float(arch.experts)
        reached = float(arch.experts_per_token) if least else e * experts_touched(arch, batch)
        held = e / ep if ep <= 1 or int(arch.experts) % ep == 0 else float(expert_slots(arch, ep))
        blocks += experts * min(held, max(reached / ep, min(reached, 1.0))) / e
    return (blocks * weight_bits + head * EMBEDDING_BITS) / BITS_PER_BYTE


def expert_active_params(arch: Architecture, params: float, active: float) -> float:
    """The expert parameters one token uses (its k experts'): the active ones less the weights outside the experts,
    all of which a token uses; 0 for a dense model."""
    experts = expert_params(arch, params)
    return max(0.0, float(active) - (float(params) - experts)) if experts else 0.0


def expert_params(arch: Architecture, params: float) -> float:
    """The parameters in a mixture of experts' routed experts (0 for a dense model): from the totals,
    N_experts = (N − N_active) ÷ (1 − k/E) (``weights_read_fraction``)."""
    if arch.experts is None or not arch.active_params:
        return 0.0
    share = arch.experts_per_token / arch.experts
    n_active = min(float(arch.active_params), float(params))
    return min(float(params), (float(params) - n_active) / (1.0 - share))


def expert_slots(arch: Architecture, ep: int) -> int:
    """The experts a layer holds on each device of an expert-parallel group of ``ep``: E/ep where ``ep`` divides the E
    experts, else ceil(E/ep), the slots past E holding redundant copies, as DeepSeek-V3's inference deploys redundant
    experts beside the 256 (DeepSeek-AI 2024, arXiv:2412.19437, §3.4.1: 32 redundant experts in its prefill's 32-way
    expert parallelism) and TensorRT-LLM's wide expert parallelism places them in slots over any number of GPUs (its
    load balancer's ``num_slots``): 256 experts over 72 GPUs hold 4 a GPU, 288 slots. 1 for a dense model."""
    if arch.experts is None or ep <= 1:
        return int(arch.experts or 1)
    return math.ceil(int(arch.experts) / int(ep))


def stored_weight_bytes_per_device(arch: Architecture, params: float, weight_bits: int, ep: int) -> float:
    """What one device of an expert-parallel group of ``ep`` stores: the weights outside the experts whole (the
    embeddings and LM head at 16 bits) and its ``expert_slots`` of the experts (1/ep of them where ``ep`` divides
    them)."""
    experts = expert_params(arch, params)
    held = expert_slots(arch, ep) / arch.experts if experts and ep > 1 else 1.0
    return (stored_weight_bytes(arch, params, weight_bits)
            - experts * stored_bits(weight_bits) / BITS_PER_BYTE * (1.0 - held))


def weights_read_fraction(arch: Architecture, params: float, batch: float) -> float:
    """The share of the stored weights one decode step reads. Dense: all of them. A mixture of
    experts reads its shared weights (attention, embeddings, router) and only the experts its B
    tokens are routed to: with E experts per layer and top-k routing, a given expert is missed by
    all B tokens with probability (1 − k/E)^B if tokens choose experts independently and evenly,
    so a layer reads E·(1 − (1 − k/E)^B) experts on average (the expected number of distinct
    experts; Mixtral 8x7B: 2 of 8 at batch 1, 7.2 at 8, all 8 from about 16 on; Jiang et al. 2024,
    arXiv:2401.04088, §2.1 and §5 on the routing). Real routing is uneven, so fewer distinct
    experts are read at a given batch and this is an upper bound on the bytes. The expert weights
    follow from the totals: N_experts = (N − N_active) ÷ (1 − k/E), N_shared = N − N_experts."""
    if arch.experts is None or not arch.active_params:
        return 1.0
    experts = expert_params(arch, params)
    return (float(params) - experts + experts * experts_touched(arch, batch)) / float(params)


def experts_touched(arch: Architecture, batch: float) -> float:
    """The share of a mixture of experts' experts that ``batch`` tokens routed top-k reach on average
    (``weights_read_fraction``): 1 − (1 − k/E)^B."""
    share = arch.experts_per_token / arch.experts
    return 1.0 - (1.0 - share) ** max(1.0, float(batch))


def kv_replication(arch: Architecture, tp: int) -> float:
    """How many copies of each KV head the devices hold: with more tensor-parallel devices than KV
    heads, each device keeps a copy of the head its query heads use, so the cache is held tp ÷ KV
    heads times over (vLLM's rule for grouped-query attention: tp a multiple of the KV heads)."""
    return max(1.0, tp / arch.kv_heads)


__all__ = ["DEFAULT_BITS", "DEFAULT_KV_BITS", "EMBEDDING_BITS", "embedding_params", "expert_active_params", "expert_params", "expert_slots", "experts_touched", "input_table_params", "KV_BITS", "kv_replication", "read_params", "read_weight_bytes", "SCALE_BITS", "stored_bits", "stored_weight_bytes", "stored_weight_bytes_per_device", "WEIGHT_BITS", "weights_read_fraction"]
