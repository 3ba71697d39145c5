"""Workload → training FLOPs. Pure functions; every formula carries its source."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from estimator.core.base import bounds as B
from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt
from estimator.core.base.validation import require_finite_result, require_in, require_positive
from estimator.core.workload.architecture import check_head_size

# Dense transformer training: ≈ 6 FLOPs per parameter per token (forward 2N, backward 4N).
# Kaplan et al. 2020, "Scaling Laws for Neural Language Models", arXiv:2001.08361, §2.1.
FLOPS_PER_PARAM_TOKEN_TRAIN = 6.0
# Full activation recomputation adds a second forward pass: ≈ 8·N·D.
# Narayanan et al. 2021, arXiv:2104.04473, §5.1 ("8TP" with recomputation).
FLOPS_PER_PARAM_TOKEN_TRAIN_RECOMPUTE = 8.0
# Model FLOPs (6·N·D) per FLOP the devices execute with full recomputation (8·N·D).
RECOMPUTE_TO_MODEL_FLOPS = FLOPS_PER_PARAM_TOKEN_TRAIN / FLOPS_PER_PARAM_TOKEN_TRAIN_RECOMPUTE
# Generic network: backward ≈ 2× forward, so training ≈ 3 × forward FLOPs per example
# (Epoch AI's compute calculator: 2 × connections × 3 × examples × epochs).
TRAIN_TO_FORWARD_RATIO = 3.0


def dense_training_flops(params, tokens, recompute: bool = False):
    """Training FLOPs of a dense transformer: 6·N·D, or 8·N·D with full recomputation."""
    require_in("params", params, B.PARAMS)
    require_in("tokens", tokens, B.TOKENS)
    if not isinstance(recompute, (bool, np.bool_)):  # 'False' is truthy (input fuzz 2026-12-01: it counted 8·N·D)
        raise InputError(f"recompute must be True or False, got {recompute!r}"[:120], field="recompute")
    factor = FLOPS_PER_PARAM_TOKEN_TRAIN_RECOMPUTE if recompute else FLOPS_PER_PARAM_TOKEN_TRAIN
    flops = factor * params * tokens
    require_finite_result("training FLOPs", flops)
    if (bad := _past_flops_bound(flops)) is not None:
        # each input inside its own bound, their product not: the two named, as the scenario's FLOPs are held (API
        # review 2026-11-29: this exported helper returned 6 × 10³³); arrays as the checks above take them
        product = (f"{gfmt(factor)} × {gfmt(params, 3)} × {gfmt(tokens, 3)} = {gfmt(bad, 3)}" if np.ndim(flops) == 0
                   else f"{gfmt(factor)} · N · D reaching {gfmt(bad, 3)}")
        raise InputError(f"the FLOPs from the parameters and tokens, {product}, must be {B.FLOPS.describe()}: change "
                         "the parameters or the tokens", field=("params", "tokens"))
    return flops


def _past_flops_bound(flops) -> float | None:
    """The first FLOPs figure (of a number or an array) outside the FLOPs' bound, or None."""
    arr = np.asarray(flops, dtype=float)
    out = arr[(arr < B.FLOPS.low) | (arr > B.FLOPS.high)]
    return None if out.size == 0 else float(out.flat[0])


def generic_training_flops(forward_flops_per_example, examples, epochs):
    """Training FLOPs of any network: 3 × forward FLOPs per example × examples × epochs."""
    require_in("forward FLOPs per example", forward_flops_per_example, B.FORWARD_FLOPS_PER_EXAMPLE)
    require_in("examples", examples, B.EXAMPLES)
    require_in("epochs", epochs, B.EPOCHS)
    flops = TRAIN_TO_FORWARD_RATIO * forward_flops_per_example * examples * epochs
    require_finite_result("training FLOPs", flops)
    if (bad := _past_flops_bound(flops)) is not None:  # as dense_training_flops' (API review 2026-11-29)
        product = (f"{gfmt(TRAIN_TO_FORWARD_RATIO)} × {gfmt(forward_flops_per_example, 3)} × {gfmt(examples, 3)} × "
                   f"{gfmt(epochs, 3)} = {gfmt(bad, 3)}" if np.ndim(flops) == 0 else
                   f"{gfmt(TRAIN_TO_FORWARD_RATIO)} × forward × examples × epochs reaching {gfmt(bad, 3)}")
        raise InputError(f"the FLOPs of the network, {product}, must be {B.FLOPS.describe()}: change the forward FLOPs, "
                         "the examples or the epochs", field=("forward_flops_per_example", "examples", "epochs"))
    return flops


@dataclass(frozen=True)
class TransformerShape:
    """Decoder-only transformer with d_attn = d_model and d_ff = 4·d_model (Kaplan Table 1), unless given: the
    heads and KV heads (grouped-query attention: the key and value projections shrink to the KV heads'), the MLP's
    width ``d_ff`` and its matrices (2: up and down; 3: a gated unit's gate, up and down, Shazeer 2020,
    arXiv:2002.05202), and a mixture of experts' experts per layer and per token (each token multiplies the
    attention and ``experts_per_token`` of the experts: Fedus et al. 2022, arXiv:2101.03961, §2)."""

    n_layer: int
    d_model: int
    n_ctx: int
    vocab_size: int
    heads: int | None = None
    kv_heads: int | None = None
    d_ff: int | None = None
    mlp_matrices: int = 2
    experts: int = 1
    experts_per_token: int = 1
    # a head's size where it is not d_model ÷ heads (PaLM's 48 of 256 on 18,432; Gemma's): the attention's width is then
    # heads × head_dim, not d_model (Chowdhery et al. 2022, arXiv:2204.02311, Table 1)
    head_dim: int | None = None

    @property
    def kaplan(self) -> bool:
        """No detail beyond Kaplan's: the count is his 12·n_layer·d_model²."""
        return (self.kv_heads is None or self.kv_heads == self.heads) and self.d_ff is None and self.experts == 1 \
            and self.mlp_matrices == 2 and self.head_dim is None

    @property
    def attention_width(self) -> int:
        """The queries' width, heads × head size: d_model unless a head size is given."""
        return self.d_model if self.head_dim is None else int(self.heads) * self.head_dim


@dataclass(frozen=True)
class TransformerCount:
    params_non_embedding: float
    params_total: float
    forward_flops_per_token: float
    training_flops_per_token: float



# An MLP of two matrices (GPT's GELU, Nemotron's squared ReLU: up and down) or three (a gated unit, SwiGLU or GeGLU:
# gate, up and down; Shazeer 2020, arXiv:2002.05202).
MLP_KINDS = {"plain": 2, "gated": 3}
MLP_MATRICES = tuple(MLP_KINDS.values())
# Kaplan et al. 2020, Table 1: d_ff = 4·d_model (with d_attn = d_model, the 12·n_layer·d_model² below).
KAPLAN_FFN_PER_D_MODEL = 4


def non_embedding_params(layers: float, d_model: float) -> float:
    """Kaplan et al. 2020, Table 1: N = 12·n_layer·d_model² (non-embedding; d_attn = d_model,
    d_ff = 4·d_model). The one home of the formula (training FLOPs and the serving shape use it)."""
    return 12.0 * layers * d_model ** 2


def transformer_count(shape: TransformerShape) -> TransformerCount:
    """Parameters and FLOPs per token from the architecture.

    Kaplan et al. 2020, Table 1: N = 12·n_layer·d_model² (non-embedding, d_attn = d_model,
    d_ff = 4·d_model); forward C = 2N + 2·n_layer·n_ctx·d_model (the attention term). With the shape's own
    attention, MLP or experts (``TransformerShape``), N counts them, and a mixture of experts' forward counts the
    parameters a token uses (its active ones).
    We add the output logits, 2·d_model·vocab per token forward (Hoffmann et al. 2022,
    arXiv:2203.15556, App. F counts them too). Training = 3 × forward.
    """
    for name in ("n_layer", "d_model", "n_ctx", "vocab_size", "mlp_matrices", "experts", "experts_per_token", "heads",
                 "kv_heads", "d_ff", "head_dim"):
        value = getattr(shape, name)
        if value is None and name in ("heads", "kv_heads", "d_ff", "head_dim"):
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise InputError(f"{name} must be a positive whole number, got {value!r}")
    # the bounds the command line holds them to (API review 2026-11-29: n_layer=10**30 gave 7 × 10⁹¹ FLOPs a token)
    for name, bound in (("n_layer", B.LAYERS), ("d_model", B.D_MODEL), ("n_ctx", B.CONTEXT), ("vocab_size", B.VOCAB),
                        # and the rest the command line bounds (input fuzz 2026-12-01: d_ff=10**400 raised an
                        # OverflowError, mlp_matrices=10**300 counted infinite parameters)
                        ("heads", B.HEADS), ("kv_heads", B.HEADS), ("d_ff", B.FFN), ("experts", B.EXPERTS),
                        ("experts_per_token", B.EXPERTS)):
        if getattr(shape, name) is not None:
            require_in(name, getattr(shape, name), bound)
    if shape.mlp_matrices not in MLP_MATRICES:
        raise InputError(f"mlp_matrices must be {' or '.join(map(str, MLP_MATRICES))} (a plain MLP's up and down, or a "
                         f"gated unit's gate, up and down), got {shape.mlp_matrices!r}")
    if shape.kv_heads is not None and (shape.heads is None or shape.heads % shape.kv_heads):
        raise InputError(f"the KV heads ({shape.kv_heads}) must divide the attention heads ({shape.heads})")
    if shape.head_dim is not None:
        require_in("head_dim", shape.head_dim, B.HEAD_DIM)
        check_head_size(shape.heads, shape.head_dim)
    elif shape.heads is not None and shape.d_model % shape.heads:
        raise InputError(f"the attention heads ({shape.heads}) must divide d_model ({shape.d_model})")
    if shape.experts_per_token > shape.experts or (shape.experts > 1 and shape.experts_per_token == shape.experts):
        raise InputError(f"the experts per token ({shape.experts_per_token}) must be fewer than the experts "
                         f"({shape.experts})")
    if shape.kaplan:
        n_non_emb = n_active = non_embedding_params(shape.n_layer, shape.d_model)
    else:  # the same count with the shape's own attention, MLP and experts
        d, width = float(shape.d_model), float(shape.attention_width)
        kv_share = (shape.kv_heads / shape.heads) if shape.heads and shape.kv_heads else 1.0
        attention = 2.0 * d * width + 2.0 * d * width * kv_share  # Q and O; K and V of the KV heads
        mlp = shape.mlp_matrices * d * (shape.d_ff if shape.d_ff is not None else KAPLAN_FFN_PER_D_MODEL * d)
        n_non_emb = shape.n_layer * (attention + shape.experts * mlp)
        n_active = shape.n_layer * (attention + shape.experts_per_token * mlp)
    n_embed = float(shape.vocab_size * shape.d_model + shape.n_ctx * shape.d_model)
    forward = 2.0 * n_active + 2.0 * shape.n_layer * shape.n_ctx * shape.attention_width
    forward += 2.0 * shape.d_model * shape.vocab_size
    return TransformerCount(
        params_non_embedding=n_non_emb,
        params_total=n_non_emb + n_embed,
        forward_flops_per_token=forward,
        training_flops_per_token=TRAIN_TO_FORWARD_RATIO * forward,
    )


def transformer_training_flops(shape: TransformerShape, tokens) -> float:
    require_positive("tokens", tokens)
    return transformer_count(shape).training_flops_per_token * tokens
