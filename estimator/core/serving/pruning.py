"""Pruning in a serving step: whether the kernels can skip the pruned weights on a device, and what is
served when they do. Pure: the profile, the fraction pruned and the shape in, a parameter count and
words out.

Kernels skip pruned weights only in one case (inference audit: a V100, a T4, a TPU and 90% pruning all
showed the pruned weights "skipped by the kernels", and the savings that follow): NVIDIA's
fine-grained structured sparsity, in which two of every four weights are zero (2:4, exactly half) and
the sparse tensor cores skip them. Any other fraction or device runs the pruned weights through dense
kernels, which still read and multiply them: no saving (unstructured sparsity rarely speeds up dense
hardware).
"""

from __future__ import annotations

import math
from dataclasses import replace

from estimator.core.hardware.profile import HardwareProfile
from estimator.core.serving.weights import embedding_params
from estimator.core.workload.architecture import Architecture

# 2:4 structured sparsity: two zeros in every four weights, so exactly half of them pruned; sparse
# tensor cores skip the zeros and double the tensor throughput (NVIDIA A100 Tensor Core GPU
# Architecture whitepaper, 2020, "Fine-Grained Structured Sparsity"; SparseGPT prunes to it,
# Frantar & Alistarh 2023, arXiv:2301.00774, §4).
STRUCTURED_SPARSITY = 0.5
STRUCTURED_TOLERANCE = 1e-9  # a fraction read from text or a slider: 0.5 give or take its rounding
# Which chips have such cores is a fact of each profile, with its source: its [sparsity] table
# (profiles/README.md). NVIDIA Ampere (A100, A800, A10G, RTX 3090), Ada (L4, L40S, RTX 4090), Hopper
# (H100, H800, H200) and Blackwell (B200) have them, and AMD's CDNA 3 (MI300X, MI325X); not the V100, T4, TITAN
# V, P100, K80 or GeForce 10 series (sparsity came with the A100), nor AMD's CDNA 2, Intel Gaudi,
# Google's TPUs or CPUs. A calibrated profile carries its base profile's table.
SPARSE_TENSOR_CORE_WORDS = "sparse tensor cores (NVIDIA A100 and later, AMD MI300X and MI325X)"
SKIP_RULE = ("kernels skip pruned weights only in the 2:4 pattern, exactly 50%, on sparse tensor cores: NVIDIA A100 "
             "and later, AMD MI300X and MI325X")


def has_sparse_tensor_cores(profile: HardwareProfile) -> bool:
    """Whether ``profile``'s chip skips 2:4-pruned weights: its [sparsity] table says so."""
    return profile.sparse_2_4


def sparsity_words(profile: HardwareProfile) -> tuple[str, str]:
    """What a profile says of 2:4 sparsity, and its source, for ``profiles show`` and the Profiles page."""
    if profile.sparse_2_4:
        return "2:4: the kernels skip pruned weights", profile.sparse_source
    return "none known: pruned weights run through dense kernels", "the profile has no [sparsity] table"


def is_structured(sparsity: float) -> bool:
    """Whether ``sparsity`` is the 2:4 pattern's half."""
    return math.isclose(float(sparsity), STRUCTURED_SPARSITY, rel_tol=0.0, abs_tol=STRUCTURED_TOLERANCE)


def why_dense(profile: HardwareProfile, sparsity: float, sparse_kernels: bool) -> str | None:
    """Why the kernels cannot skip ``sparsity`` of the weights on ``profile``, in a few words ("" when
    dense kernels were chosen); None when they skip them (2:4 on sparse tensor cores)."""
    if not sparse_kernels:
        return ""
    if not has_sparse_tensor_cores(profile):
        # "known": a user's own profile of an Ampere card may leave its [sparsity] table out (review)
        return f"no sparse tensor cores known for {profile.id}"
    if not is_structured(sparsity):
        return "not the 2:4 pattern"
    return None


def percent(x: float) -> str:
    """A fraction as a percentage, with one decimal where the whole one would read as the 2:4 pattern's
    50% without being it (49.9%)."""
    text = f"{x:.0%}"
    return f"{x:.1%}" if text == f"{STRUCTURED_SPARSITY:.0%}" and not is_structured(x) else text


def pruned(profile: HardwareProfile, arch: Architecture, params: float, sparsity: float,
           sparse_kernels: bool) -> tuple[float, Architecture, bool, str]:
    """(the parameters the step reads and multiplies, the architecture served, whether the kernels skip
    the pruned weights, the note). Skipped: the blocks' linear layers are pruned, the embeddings and LM
    head kept (SparseGPT, Frantar & Alistarh 2023, arXiv:2301.00774; its code, IST-DASLab/sparsegpt
    llama.py, prunes each decoder layer's linears). Otherwise every weight is still read: no saving."""
    dense = why_dense(profile, sparsity, sparse_kernels)
    if dense is None:
        kept = 1.0 - sparsity
        emb, _ = embedding_params(arch, params)
        n = emb + (params - emb) * kept
        if arch.active_params:
            arch = replace(arch, active_params=emb + max(0.0, arch.active_params - emb) * kept)
        which = "the blocks' weights removed (the embeddings and LM head kept)" if emb else "weights removed"
        return n, arch, True, (
            f"pruning: {sparsity:.0%} of {which} in the 2:4 pattern, which {profile.id}'s sparse tensor cores skip: "
            "their bytes and FLOPs scale by the kept fraction (ideal: the pattern's index metadata ignored; "
            "unstructured sparsity rarely speeds up dense hardware, so only this pattern on these cores saves); "
            "the KV cache and the engine's costs stay")
    if not dense:
        return params, arch, False, (f"pruning: {percent(sparsity)} of weights are zero but the dense kernels still read "
                                     "and multiply them: no saving (the usual case for unstructured sparsity)")
    why = dense if not has_sparse_tensor_cores(profile) else "they are not in the 2:4 pattern"
    return params, arch, False, (f"pruning: {percent(sparsity)} of weights are zero but {why}, so the dense kernels "
                                 f"still read and multiply them: no saving ({SKIP_RULE})")


__all__ = ["SKIP_RULE", "SPARSE_TENSOR_CORE_WORDS", "STRUCTURED_SPARSITY",
           "has_sparse_tensor_cores", "is_structured", "pruned", "sparsity_words", "why_dense"]
