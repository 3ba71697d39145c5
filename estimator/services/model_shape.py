"""A served model's shape from what the user gives (edge: it reads the model catalog): a catalog id,
a shape (layers and width, heads and KV heads defaulted), or a parameter count alone (the catalog's
nearest shape). Shared by serving (``serving.inference_report``) and training memory
(``training_memory``), so both make the same choice."""

from __future__ import annotations

import math
from dataclasses import replace

from estimator.core.base import bounds as B
from estimator.core.base import validation as v
from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt
from estimator.core.serving.step import Architecture, param_floor, student_architecture
from estimator.core.training import memory as mem
from estimator.core.workload.architecture import STUDENT_OF, check_head_size
from estimator.core.workload.flops import KAPLAN_FFN_PER_D_MODEL, MLP_KINDS, non_embedding_params
from estimator.io import serving_data

# When only a parameter count is given, the architecture is the catalog's dense model nearest in
# parameter count (estimator/data/open_models.toml); when a shape is given without heads, the
# heads are d_model ÷ 128 (the head size of Llama 2/3, Mistral, Qwen2 and Code Llama in the
# catalog), and without KV heads, as many as the heads (multi-head attention).
DEFAULT_HEAD_DIM = 128
# A shape given without its MLP's kind: GPT's plain MLP of two matrices, Kaplan et al. 2020's d_ff = 4·d_model (their
# Table 1, non_embedding_params' count) where the width is not given either.
DEFAULT_MLP = "plain"

# The catalog does not hold the MLP's shape: its FFN width follows from the parameter count, with a gated MLP
# (3 matrices: SwiGLU in Llama, Mistral, Mixtral, Qwen, gpt-oss, DeepSeek; GeGLU in Gemma) unless listed here.
PLAIN_MLP = {**{f"gpt-3-{size}": "Brown et al. 2020 §2.1: GPT-2's MLP, 4 × d_model, 2 matrices"
                for size in ("125m", "350m", "760m", "1.3b", "2.7b", "6.7b", "175b")},
             "nemotron-4-15b": "Parmar et al. 2024, arXiv:2402.16819: squared-ReLU MLP, 2 matrices",
             "nemotron-4-340b": "arXiv:2406.11704 and NeMo's Nemotron4Config340B: squared-ReLU MLP, 2 matrices",
             "gpt-j-6b": "EleutherAI/gpt-j-6b config.json: n_inner unset, so GPT-2's MLP of 4 × n_embd, GELU, 2 matrices",
             **{f"starcoder2-{size}": f"bigcode/starcoder2-{size} config.json: a 2-matrix GELU MLP of 4 × hidden_size"
                for size in ("3b", "7b", "15b")}}
# A plain MLP given no width is GPT's 4 × d_model (Brown et al. 2020, §2.1) unless the parameter count puts it further
# than this from that (a nominal count, 175B for GPT-3's 174.6B, moves the width 0.4%; a bare count that borrows a
# GPT-3 shape, 2e8 on GPT-3 Small's, 2.35×): then the width the count leaves, as the step model takes it (review
# 2026-11-29: the memory had kept 4h where the step model widened the MLP to the count). 10%: a design choice, as
# FFN_PARAMS_TOLERANCE's (services/training/step_setup.py), not a sourced figure
PLAIN_WIDTH_TOLERANCE = 0.10
# Where the catalog's attention fields describe the KV cache, not the attention's matrices (the step model's
# attention FLOPs): DeepSeek-V3's MLA computes 128 query and value heads of 128 (+ 64 RoPE) dimensions
# (arXiv:2412.19437 §2.1); its catalog entry's 1 KV head of 288 is what MLA caches. DeepSeek-R1 is the same
# architecture (arXiv:2501.12948 §2.2: trained from DeepSeek-V3-Base; its catalog entry the same fields): final review
# 2026-11-28, timed at 1,560 tokens/s a device against DeepSeek-V3's 1,900 on one layout.
STEP_ATTENTION = {"deepseek-v3": (128, 128, 128), "deepseek-r1": (128, 128, 128)}   # heads, KV heads, head dimension
# The MLP width a token passes through where the active count cannot give it (its attention's parameters are not
# STEP_ATTENTION's): DeepSeek-V3's 8 routed experts and 1 shared expert of 2,048 each, and its first 3 layers dense of
# 18,432 (DeepSeek-AI 2024, arXiv:2412.19437, §4.2; its config's moe_intermediate_size 2048, n_shared_experts 1,
# intermediate_size 18432): 18,432 in every layer. DeepSeek-R1 is the same architecture.
# gpt-oss's active count leaves out its embedding table (its model card, arXiv:2508.10925, Table 1), which the count's
# width would take off again: its 4 routed experts of 2,880 (the same card, §2), 11,520 (MoE review 2026-11-29: 9,697)
TOKEN_MLP_WIDTH = {"deepseek-v3": 18432, "deepseek-r1": 18432, "gpt-oss-120b": 4 * 2880, "gpt-oss-20b": 4 * 2880}


def mlp_matrices(arch: Architecture, mlp: str | None = None) -> int:
    """The MLP's matrices: ``mlp``'s kind where given (``MLP_KINDS``), else 2 for a shape given and the catalog's plain
    MLPs (``PLAIN_MLP``), 3 (gated) for the rest of the catalog."""
    plain = arch.name in PLAIN_MLP or arch.source == "given" or not arch.name
    return MLP_KINDS[mlp if mlp is not None else "plain" if plain else "gated"]


def latent_attention(arch: Architecture) -> bool:
    """Whether ``arch`` is a catalog model whose fields describe its latent KV cache (``STEP_ATTENTION``), or a student
    of one (``student_architecture`` keeps the teacher's attention; serving review 2026-12-03: DeepSeek-V3's student
    read "128 heads of size 288, 1 KV head")."""
    return _attention_name(arch) in STEP_ATTENTION


def _attention_name(arch: Architecture) -> str | None:
    return arch.name.removeprefix(STUDENT_OF) if arch.name else arch.name


def attention_dims(arch: Architecture) -> tuple[int, int, int]:
    """(query heads, KV heads, head dimension) of the attention's matrices (``STEP_ATTENTION`` where the catalog's
    fields describe the KV cache)."""
    return STEP_ATTENTION.get(_attention_name(arch), (arch.heads, arch.kv_heads, round(arch.head_size)))


def attention_params(arch: Architecture) -> int:
    """One layer's attention matrices: the query, key and value projections (grouped KV heads) and the output's."""
    heads, kv, hd = attention_dims(arch)
    return arch.d_model * (heads * hd + 2 * kv * hd) + heads * hd * arch.d_model


def embedding_params(arch: Architecture) -> int:
    """The embedding and output matrices (one where they are tied; none without a vocabulary)."""
    return (arch.vocab or 0) * arch.d_model * (1 if arch.tied_embeddings or not arch.vocab else 2)


def ffn_from_count(params: float, arch: Architecture, mats: int, experts: int | None = None) -> int:
    """The MLP's width that the parameter count leaves after the embedding, output and attention matrices, over the
    ``experts`` (the architecture's by default; 1 for the width a token passes through, from the active count)."""
    d = arch.d_model
    experts = (arch.experts or 1) if experts is None else experts
    attention = attention_params(arch)
    emb = embedding_params(arch)
    width = max(1, round((params - emb - arch.layers * attention) / (arch.layers * experts * mats * d)))
    if width > B.FFN.high:
        # a count far past what the shape holds (API review 2026-11-30: 7 × 10⁹ parameters on one layer of width 1
        # planned with an MLP 3.5 × 10⁹ wide, past the bound an MLP width given is held to)
        raise InputError(f"{gfmt(params, 3)} parameters on {arch.layers:,} layer{'s' if arch.layers != 1 else ''} of width {d:,} leave an MLP "
                         f"{gfmt(width, 3)} wide, past the {gfmt(B.FFN.high)} an MLP width is held to "
                         f"({B.FFN.source}): give a shape that holds the count, or the MLP's width", field=("params", "ffn"))
    return width


# Without a vocabulary the count holds the embeddings too (BERT-base's preset: 110M on 12 × 768), so a plain MLP is
# GPT's 4 × d_model when what the count leaves beside 4 × d_model's layers is no more than an untied embedding and
# output of the largest published vocabulary (bounds.LARGEST_PUBLISHED_VOCAB); a count past that is the MLP's
# (researcher review 2026-12-02: 70B on 32 × 4096 had its activations sized at 16,384 wide while the step model and
# the plan took the 259,000 the count leaves, and read "fits" where the explicit shape reads 196 GB)
def _embeddings_left(params: float, arch: Architecture, width: float, mats: int) -> bool:
    """Whether ``params`` less the layers at an MLP ``width`` wide leaves an embedding and output no larger than
    ``B.LARGEST_PUBLISHED_VOCAB``'s, untied (a shape given without its vocabulary)."""
    left = params - arch.layers * (attention_params(arch) + mats * arch.d_model * width)
    return 0.0 <= left <= 2 * B.LARGEST_PUBLISHED_VOCAB * arch.d_model


def memory_shape(params: float, arch: Architecture, how: str, *, ffn: int | None = None,
                 mlp: str | None = None) -> mem.Shape:
    """The training memory's shape of a resolved architecture: a dense model's layer at its own widths (the queries',
    the keys' and values', the MLP's: ``ffn`` where given, a gated MLP's from the count, a plain one GPT's 4 × d_model,
    as ``PLAIN_MLP``'s are, unless the count is further from it than ``PLAIN_WIDTH_TOLERANCE``); a mixture of experts'
    the width a token passes through, from its active count (``TOKEN_MLP_WIDTH`` where that cannot say), and its
    input once for the router and once for each of its k routed experts (``mem.layer_terms``)."""
    moe = bool(arch.active_params is not None and arch.experts and arch.experts_per_token)
    heads, kv, hd = attention_dims(arch)
    mats = mlp_matrices(arch, mlp)
    if moe:  # the router's input (the LayerNorm's output, a shared expert's too) and the k routed copies
        width = TOKEN_MLP_WIDTH.get(arch.name) or ffn_from_count(float(arch.active_params), arch, mats, experts=1)
        widths = {"ffn": int(width), "mlp_inputs": float(arch.experts_per_token + 1)}
    else:
        counted = ffn_from_count(params, arch, mats)
        gpt = mem.GPT_FFN_RATIO * arch.d_model
        plain_gpt = mats == MLP_KINDS["plain"] and (abs(counted / gpt - 1.0) <= PLAIN_WIDTH_TOLERANCE
                                                    or (not arch.vocab and _embeddings_left(params, arch, gpt, mats)))
        widths = {"ffn": int(ffn if ffn is not None else 0 if plain_gpt else counted)}
    # multi-head latent attention stores its compressed latents and recomputes the up-projections to Q, K and V for the
    # backward (DeepSeek-AI 2024, arXiv:2412.19437, §3.2.3, "Recomputation of RMSNorm and MLA Up-Projection"): its
    # stored attention is taken at d_model's width, a GPT layer's, not at the 128 heads STEP_ATTENTION computes
    mla = latent_attention(arch)
    widths.update({"q_width": 0 if mla else heads * hd, "kv_width": 0 if mla else kv * hd, "mlp_matrices": mats})
    return mem.Shape(params, arch.layers, arch.d_model, arch.heads, how,
                     mem.expert_params(params, arch.active_params, arch.experts, arch.experts_per_token) if moe else 0.0,
                     arch.experts if moe else None, int(arch.vocab or 0), **widths,
                     moe_layer_share=arch.moe_layer_share if moe else 1.0, tied_embeddings=arch.tied_embeddings)


# A shape given with a parameter count (layers, d_model, heads, KV heads and vocabulary, as ML.ENERGY's and Hugging
# Face's configs state them) is a catalog model when each of these is that model's and the count is within 3% of its
# total: it takes what those fields cannot say, from the catalog. A mixture of experts' experts (a dense model of
# Mixtral 8x7B's 32 × 4096 holds about 7B, so 46.7B says experts), a head size other than d_model ÷ heads (Gemma 7B's
# 16 heads of 256 on 3,072), tied embeddings and the MLP's kind. 3%: the spread of the totals published for one
# checkpoint (Mixtral 8x7B: 46.7B in its config's count, "47B" in its paper).
CATALOG_MATCH_SHARE = 0.03


def catalog_match(params: float, arch: Architecture):
    """The catalog model whose shape ``arch`` is and whose total ``params`` is nearest (within ``CATALOG_MATCH_SHARE``),
    else None; None too where no vocabulary is given and models of different vocabularies fit (Llama 2 70B's shape is
    Llama 3 70B's, their counts 2% apart). Where a model that lends its shape fits, those that do not (``lends_shape``
    false: Code Llama 13B beside Llama 2 13B, CodeGemma 7B beside Gemma 7B) stand aside."""
    found = sorted((abs(math.log(params / m.params)), m.id, m) for m in serving_data.load_catalog().values()
                   if (m.arch.layers, m.arch.d_model, m.arch.heads, m.arch.kv_heads)
                   == (arch.layers, arch.d_model, arch.heads, arch.kv_heads) and arch.vocab in (None, m.arch.vocab)
                   # a head size given is the shape's: a model of another is not this one
                   and (arch.head_dim is None or arch.head_dim == m.arch.head_size)
                   and abs(params / m.params - 1.0) <= CATALOG_MATCH_SHARE)
    if any(m.lends_shape for _, _, m in found):
        found = [f for f in found if f[2].lends_shape]
    if len({m.arch.vocab for _, _, m in found}) > 1:
        return None  # no vocabulary given, and models of other vocabularies fit: which one is not said
    return found[0][2] if found else None


def _match_words(m, arch: Architecture) -> str:
    """What a catalog model matched by its shape and count (``catalog_match``) adds to the shape given."""
    a = m.arch
    words = []
    if a.experts:
        words.append(f"its {a.experts} experts, {a.experts_per_token} a token, {gfmt(float(a.active_params), 3)} active "
                     "parameters")
    if a.head_dim and a.head_dim != arch.d_model / arch.heads:
        words.append(f"its head size {a.head_dim}")
    if a.tied_embeddings:
        words.append("its tied embeddings")
    return ", ".join(words) or "its published configuration"


def moe_active_params(params: float, arch: Architecture, experts: int, per_token: int) -> float:
    """A mixture of experts' parameters one token uses: the weights outside the experts (``param_floor``: the
    attention projections and the embeddings) and ``per_token``/``experts`` of the experts' (N = shared + experts')."""
    shared = param_floor(arch)
    if shared >= params:
        raise InputError(f"{gfmt(params, 3)} parameters hold no experts beside this shape's attention and embeddings "
                         f"({gfmt(shared, 3)}): give the parameter count of all the experts", field="params")
    return shared + (params - shared) * per_token / experts


def check_active_covers_shape(active: float, params: float, experts: int, per_token: int) -> None:
    """Active parameters given for a mixture of experts by its shape are at least k/E of all its parameters, what a
    token uses were every weight in the experts: fewer would leave the weights outside the experts negative (diff review
    2026-11-30: 5 × 10⁹ for DeepSeek-V3's shape had read "weights -0.718 GB" on the memory line)."""
    least = float(params) * per_token / experts
    if active < least * (1.0 - 1e-9):
        raise InputError(f"the active parameters {gfmt(active, 3)} are fewer than {per_token}/{experts} of the "
                         f"{gfmt(float(params), 3)} parameters, {gfmt(least, 3)}, what a token uses were every weight "
                         "in the experts: give at least that many, or leave them out", field="active_params")


def check_mixture(experts, experts_per_token) -> tuple[int, int]:
    """A mixture of experts given by its experts per layer and per token, as whole numbers (1, 1: dense, neither
    given); refused where one comes without the other or the token's are not fewer than the layer's."""
    if (experts is None) != (experts_per_token is None):
        raise InputError("a mixture of experts needs both its experts per layer and the experts per token",
                         field=("experts", "experts_per_token"))
    if experts is None:
        return 1, 1
    n = v.require_whole("experts", experts, B.EXPERTS, field="experts")
    per = v.require_whole("experts per token", experts_per_token, B.EXPERTS, field="experts_per_token")
    if n < 2:  # API audit 2026-11-27: "must be at least 1 and fewer than the 1 experts"
        raise InputError(f"a mixture of experts has at least 2 experts per layer, got {n}: leave both out for a "
                         "dense model", field="experts")
    if not 1 <= per < n:
        raise InputError(f"the experts per token ({per}) must be at least 1 and fewer than the {n} experts",
                         field=("experts_per_token", "experts"))
    return n, per


def default_heads(d_model: int) -> int:
    """Heads for a given width without heads: d_model ÷ ``DEFAULT_HEAD_DIM``, or, when that does
    not divide d_model, the divisor of d_model nearest it (a head's dimension is whole)."""
    target = max(1.0, d_model / DEFAULT_HEAD_DIM)
    divisors = [h for h in range(1, min(d_model, 4 * round(target) + 1) + 1) if d_model % h == 0]
    return min(divisors, key=lambda h: (abs(h - target), -h))


def check_head_split(d_model: int, heads: int, kv_heads: int, head_dim: int | None = None) -> None:
    """The attention heads split the width into whole heads (unless their size is given: PaLM's 48 heads of 256 on
    18,432), and the KV heads split the heads into whole groups (grouped-query attention): refused otherwise, for
    training and serving alike."""
    if head_dim is None and (heads > d_model or d_model % heads):
        raise InputError(f"the {heads} attention heads must divide d_model {d_model} (each head has d_model ÷ heads "
                         "dimensions)", field="heads")
    if kv_heads > heads or heads % kv_heads:
        raise InputError(f"the {kv_heads} KV heads must divide the {heads} attention heads (each KV head serves a "
                         "whole group of heads)", field="kv_heads")


# How far a parameter count may be from a catalog model's and still name it: a nominal count
# ("70B" for Llama 2 70B's 68.98B, "7B" for 6.74B) is within 4% of the exact one.
MODEL_MATCH_TOLERANCE = 0.05


def refuse_other_params(params: float, n: float) -> None:
    """Refuse a parameter count given beside a catalog model of ``n`` parameters that is not within
    ``MODEL_MATCH_TOLERANCE`` of it (``estimate``, ``plan`` and ``inference`` alike)."""
    if abs(params / n - 1) > MODEL_MATCH_TOLERANCE:
        raise InputError(f"the parameters {gfmt(params, 4)} are not the catalog model's {gfmt(n, 4)}: give one of "
                         "them", field=("model", "params"))


def resolve_architecture(*, params: float | None = None, model: str | None = None, layers=None, d_model=None,
                         heads=None, kv_heads=None, vocab=None, ffn=None, mlp=None, experts=None,
                         experts_per_token=None, head_dim=None,
                         active_params=None) -> tuple[float, Architecture, str]:
    """(parameters, architecture, how they were chosen) from a catalog id, a shape, or a
    parameter count alone. ``ffn`` and ``mlp`` (the MLP's width and kind, ``MLP_KINDS``) count the parameters of a
    shape given without them; ``experts`` and ``experts_per_token`` make it a mixture of experts, its active
    parameters the shared weights and k/E of the experts' (``moe_active_params``), or ``active_params`` where given
    (as the FLOPs and the step model take them: researcher review 2026-11-30, the memory line had sized DeepSeek-V3's
    shape at the 34.9B it derived beside the step's 37B given, 103 GB against 106)."""
    shape = {"layers": layers, "d_model": d_model, "heads": heads, "kv_heads": kv_heads, "vocab": vocab, "ffn": ffn,
             "mlp": mlp, "experts": experts, "experts_per_token": experts_per_token, "head_dim": head_dim}
    given = [k for k, x in shape.items() if x is not None]
    if model is not None:
        if given:
            raise InputError("give either a catalog model or the parameters and architecture, not both",
                             field=("model", "params"))
        m = serving_data.catalog_model(model)
        how = f"{m.name}: {m.source} (estimator/data/open_models.toml)"
        if params is None:
            return m.params, m.arch, how
        # a count beside the model: its own nominal count, taken as `estimate` and `plan` take it, or refused as they
        # refuse another's (planner review 2026-12-03: `inference` had refused 7 × 10¹⁰ beside Llama 3.1 70B)
        n = float(v.require_number_in("parameters", params, B.PARAMS, field="params"))
        refuse_other_params(n, m.params)
        return n, m.arch, f"{how}; the parameters given, {gfmt(n, 4)}, within {MODEL_MATCH_TOLERANCE:.0%} of its {gfmt(m.params, 4)}"
    if params is not None:
        # checked as `estimate` checks it, before a shape's arithmetic (API review 2026-11-30: `plan --params nan` with
        # a shape ended in a traceback from round(); `params='7e9'` was taken by plan and inference)
        params = v.require_number_in("parameters", params, B.PARAMS, field="params")
    if given:
        if layers is None or d_model is None:
            missing = " and ".join(k for k in ("layers", "d_model") if shape[k] is None)
            raise InputError(f"{', '.join(given)} given without the {missing}: an architecture needs at least the "
                             "layers and d_model (and ideally heads and KV heads); with the parameters alone, leave "
                             "the shape out for the catalog's nearest", field=("layers", "d_model"))
        lay = v.require_whole("layers", layers, B.LAYERS)
        dm = v.require_whole("d_model", d_model, B.D_MODEL)
        how = []
        hd = None if head_dim is None else v.require_whole("head size", head_dim, B.HEAD_DIM, field="head_dim")
        check_head_size(heads, hd)
        if heads is None:
            heads = default_heads(dm)
            exact = dm / DEFAULT_HEAD_DIM == heads
            how.append(f"heads = {'' if exact else 'the divisor of d_model nearest '}d_model ÷ {DEFAULT_HEAD_DIM}"
                       f" = {heads} (assumed: Llama's head size)")
        if kv_heads is None:
            kv_heads = heads
            how.append("KV heads = heads (assumed: multi-head attention; set the KV heads for grouped-query)")
        for label, x in (("attention heads", heads), ("KV heads", kv_heads)):
            v.require_whole(label, x, B.HEADS, field="heads" if label == "attention heads" else "kv_heads")
        check_head_split(dm, int(heads), int(kv_heads), hd)
        voc = None if vocab is None else v.require_whole("vocabulary", vocab, B.VOCAB, field="vocab")
        width = None if ffn is None else v.require_whole("MLP hidden size", ffn, B.FFN, field="ffn")
        if mlp is not None and (not isinstance(mlp, str) or mlp not in MLP_KINDS):
            raise InputError(f"the MLP must be one of {', '.join(MLP_KINDS)}, got {repr(mlp)[:40]}", field="mlp")
        n_exp, _ = check_mixture(experts, experts_per_token)
        arch = Architecture(lay, dm, int(heads), int(kv_heads), hd, voc, None, "", "given", tied_embeddings=params is None)
        if params is None and voc is None:
            # said, not refused (the app's Inference page takes a shape without a vocabulary): the count leaves the
            # embedding table and the LM head out, 7% of a 7B model's weights and its LM head's FLOPs (planner review
            # 2026-12-03: `plan --layers 32 --d-model 4096 --heads 32` read 122 days unsaid, with a 128,256-token
            # vocabulary 131; `estimate`, whose FLOPs need it, refuses such a shape)
            how.append("no vocabulary given: the embedding table and the LM head are left out, their parameters and "
                       "FLOPs (give the vocabulary to count them)")
        if derived := params is None:  # one vocab × d_model table: the LM head counted as tied to it
            if width is not None or mlp is not None or kv_heads != heads or hd is not None:
                # the workload's count (core.workload.flops.transformer_count): Kaplan's d_ff = 4·d_model unless given
                mats = MLP_KINDS[mlp or DEFAULT_MLP]
                if experts is not None and width is None:
                    raise InputError("a mixture of experts given by its architecture needs its parameter count or its "
                                     "MLP's width", field=("params", "ffn"))
                d_ff = width if width is not None else KAPLAN_FFN_PER_D_MODEL * dm
                params = param_floor(arch) + lay * n_exp * mats * dm * d_ff
                how.append(f"parameters = layers·(attention + {n_exp if n_exp > 1 else ''}{'·' if n_exp > 1 else ''}"
                           f"{mats}·d_model·{'ffn' if width is not None else '4·d_model'}){' + vocab·d_model' if voc else ''}"
                           f" = {gfmt(params, 3)} (the MLP {mlp or DEFAULT_MLP}: {mats} matrices)")
            elif experts is not None:
                raise InputError("a mixture of experts given by its architecture needs its parameter count or its "
                                 "MLP's width", field=("params", "ffn"))
            else:
                params = non_embedding_params(lay, dm) + (voc * dm if voc else 0.0)
                how.append(f"parameters = 12·layers·d_model²{' + vocab·d_model' if voc else ''} = {gfmt(params, 3)} "
                           "(Kaplan et al. 2020: d_ff = 4·d_model; give the parameter count or the MLP for gated MLPs)")
        if experts is not None:
            v.require_number_in("parameters", params, B.PARAMS, field="params")
            if active_params is None:
                active = moe_active_params(float(params), arch, n_exp, int(experts_per_token))
                whose = (f"so {gfmt(active, 3)} active parameters (the shared weights and {int(experts_per_token)}/"
                         f"{n_exp} of the experts')")
            else:
                active = float(v.require_number_in("active parameters", active_params, B.PARAMS,
                                                   field="active_params"))
                check_active_covers_shape(active, float(params), n_exp, int(experts_per_token))
                whose = f"{gfmt(active, 3)} active parameters (given)"
            arch = replace(arch, experts=n_exp, experts_per_token=int(experts_per_token), active_params=active)
            how.append(f"a mixture of experts: {n_exp} experts, {int(experts_per_token)} a token, {whose}")
        if not derived and experts is None and ffn is None and mlp is None and (
                match := catalog_match(float(params), arch)) is not None:
            # a catalog model given by its shape and total count: what the fields cannot say, from the catalog (a
            # mixture of experts computes with its active parameters)
            how.append(f"{'a mixture of experts: ' if match.arch.experts else ''}the shape and parameter count of "
                       f"{match.id} within {CATALOG_MATCH_SHARE:.0%}, so {_match_words(match, arch)} "
                       "(estimator/data/open_models.toml)")
            arch = replace(match.arch, context=None, source=f"given; as {match.name} ({match.source})")
        if not derived and ffn is None:
            # a count the shape cannot hold is refused for the MLP width it leaves, whoever asks (diff review
            # 2026-11-30: `plan` refused 7 × 10⁹ parameters on one layer of width 1, `inference` served them)
            ffn_from_count(float(params), arch, mlp_matrices(arch, mlp))
        return float(params), arch, "given" + ("; " + "; ".join(how) if how else "")
    if params is None:
        raise InputError("no model: give the parameters, a catalog model or the architecture (layers, d_model, …)",
                         field=("params", "model", "layers"))
    v.require_number_in("parameters", params, B.PARAMS, field="params")
    m = serving_data.nearest_model(float(params))
    named = serving_data.nearer_named_only(float(params))
    # the nearest of the models whose shapes a bare count takes, and the nearer one it passes over, named
    nearest = ("the catalog's model nearest in parameter count" if named is None else
               f"the nearest in parameter count of the catalog's models whose shape a bare count takes ({named.id}, "
               f"{gfmt(named.params, 3)} parameters, is nearer but lends its shape only when named)")
    # an assumed shape is not that model: its context window does not bind the user's queries (audit: --params 7e9
    # --prompt-tokens 40000 was refused as "longer than mistral-7b's context window", a model not asked for)
    # nor its attention windows, which no parameter count says
    arch = replace(m.arch, context=None, window=None, windowed_layers=0,
                   source=f"assumed: the shape of {m.name}, {nearest} ({m.source}); "
                          "give a catalog model or the architecture to set it")
    how = (f"{gfmt(float(params), 3)} parameters with the shape of {m.id} (layers {m.arch.layers}, d_model {m.arch.d_model}, heads "
           f"{m.arch.heads}, KV heads {m.arch.kv_heads}, vocabulary {m.arch.vocab:,}{', tied' if m.arch.tied_embeddings else ''}"
           f"): assumed, {nearest}")
    if float(params) < param_floor(m.arch):  # smaller than the shape holds: its width, layers in proportion, no vocabulary
        arch = replace(student_architecture(replace(m.arch, vocab=None, tied_embeddings=False), m.params, float(params)),
                       name="", source=arch.source)
        if float(params) < param_floor(arch):
            raise InputError(f"{gfmt(float(params), 3)} parameters are fewer than one layer of the smallest catalog shape ({m.id}, width "
                             f"{m.arch.d_model}) holds: give the architecture (layers, d_model) of a model this small",
                             field=("params", "layers", "d_model"))
        how = (f"{gfmt(float(params), 3)} parameters with the width of {m.id} (d_model {m.arch.d_model}, heads {m.arch.heads}, "
               f"KV heads {m.arch.kv_heads}; not its vocabulary, too big for them) and {arch.layers} of its {m.arch.layers} "
               "layers, in proportion to the parameters: assumed, the catalog's smallest shape; give the architecture")
    return float(params), arch, how


__all__ = ["DEFAULT_HEAD_DIM", "CATALOG_MATCH_SHARE", "DEFAULT_MLP", "moe_active_params", "catalog_match", "check_head_split", "check_mixture", "default_heads", "resolve_architecture"]
