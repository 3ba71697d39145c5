"""The shape of a decoder-only transformer: layers, width, heads, KV heads and, for a mixture of
experts, its experts. Pure: the checks refuse a shape (or a parameter count) that cannot be, and a
distilled student's shape follows from its teacher's.

The serving model (``estimator.core.serving.step``) reads the shape; it re-exports these names.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from estimator.core.base import bounds as B
from estimator.core.base import validation as v
from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import BITS_PER_BYTE

# The share of its output a sequence in flight holds on average: sequences start with their prompt and grow
# one token a step to prompt + output, evenly over their life under a steady stream (the decode step's own
# average context: prompt + output ÷ 2). Serving's memory and step read it from here.
AVERAGE_OUTPUT_SHARE = 0.5


@dataclass(frozen=True)
class Architecture:
    """The shape of a decoder-only transformer, as its published config gives it."""

    layers: int
    d_model: int
    heads: int
    kv_heads: int
    head_dim: float | None = None        # None: d_model / heads
    vocab: int | None = None
    active_params: float | None = None   # mixture of experts: parameters used per token (None: all)
    name: str = ""                       # a catalog id, or "" when given by the user
    source: str = ""                     # where the shape comes from
    experts: int | None = None           # mixture of experts: experts per layer (None: dense)
    experts_per_token: int | None = None  # mixture of experts: experts each token is routed to (top-k)
    context: int | None = None           # the context window, tokens (a catalog model's; None: not known)
    tied_embeddings: bool = False        # the LM head is the token embedding table (one vocab × d_model matrix)
    # windowed attention (a sliding window or a banded attention): ``windowed_layers`` of the layers attend to at most
    # the last ``window`` tokens, and engines keep only those in their KV cache (None and 0 layers: none)
    window: int | None = None
    windowed_layers: int = 0
    # mixture of experts with device-limited routing: each token's routed experts lie on at most this many nodes
    # (DeepSeek-V3's M = 4, arXiv:2412.19437 §3.2.2; its config's topk_group); None: no such limit
    nodes_per_token: int | None = None
    # where the attention's products are not H·d_head wide (latent attention): the width that gives a decoded token's
    # attention FLOPs per context token as 4 × it, and a prompt's (None: ``attention_width``; catalog's source)
    decode_attention_width: float | None = None
    prefill_attention_width: float | None = None
    # a mixture of experts whose routed experts are in some layers only (DeepSeek-V3's 58 of 61, the first 3 dense;
    # Llama 4 Maverick's every second layer): the layers whose tokens the all-to-alls exchange (None: every layer)
    moe_layers: int | None = None

    @property
    def moe_layer_share(self) -> float:
        """The share of the layers whose tokens go to routed experts (1 for a dense model's none to route: unused)."""
        return self.moe_layers / self.layers if self.moe_layers else 1.0

    @property
    def embedding_table_params(self) -> float:
        """vocab × d_model, one table (0 when the vocabulary is not given)."""
        return float(self.vocab) * self.d_model if self.vocab else 0.0

    @property
    def embedding_params(self) -> float:
        """The embedding table and, unless tied to it, the LM head: the weights outside the blocks."""
        return self.embedding_table_params * (1.0 if self.tied_embeddings else 2.0)

    @property
    def head_size(self) -> float:
        return float(self.head_dim) if self.head_dim else self.d_model / self.heads

    @property
    def attention_width(self) -> float:
        """H·d_head, the width of the attention products (= d_model unless the config sets head_dim)."""
        return self.heads * self.head_size

    @property
    def decode_width(self) -> float:
        """The width of a decoded token's attention products: ``decode_attention_width`` where the catalog gives one
        (latent attention, absorbed), else ``attention_width``."""
        return float(self.decode_attention_width or self.attention_width)

    @property
    def prefill_width(self) -> float:
        """The width of a prompt's attention products: ``prefill_attention_width`` where given, else
        ``attention_width``."""
        return float(self.prefill_attention_width or self.attention_width)

    def kv_bytes_per_token(self, kv_bits: int) -> float:
        """2 (K and V) × layers × KV heads × d_head × bytes (vLLM paper, Kwon et al. 2023, §3): a token's KV cache in
        every layer (``held_tokens``: how many tokens a sequence keeps, with windowed layers)."""
        return 2.0 * self.layers * self.kv_heads * self.head_size * kv_bits / BITS_PER_BYTE

    def held_tokens(self, prompt: float, output: float = 0.0) -> float:
        """The tokens whose keys and values a layer holds and attends to, on average over a sequence's life (its
        ``output`` tokens generated one a step, evenly), averaged over the layers: prompt + output ÷ 2 in a
        full-attention layer; at most ``window`` in a windowed one (its KV cache capped there, as TensorRT-LLM's
        cyclic KV cache and vLLM's sliding-window layers hold it), the average of min(prompt + x, window) over the
        life (a sequence that crosses the window holds fewer than the window on average: code review 2026-11-27)."""
        p, t = float(prompt), float(output)
        whole = p + AVERAGE_OUTPUT_SHARE * t
        if not self.window or not self.windowed_layers:
            return whole
        w = float(self.window)
        if p >= w:
            windowed = w
        elif p + t <= w:
            windowed = whole
        else:  # p + x below the window up to x = w − p, the window after
            windowed = ((w - p) * (p + w) / 2.0 + w * (t - (w - p))) / t
        full = self.layers - self.windowed_layers
        return (full * whole + self.windowed_layers * windowed) / self.layers

    def held_share(self, prompt: float, output: float = 0.0) -> float:
        """``held_tokens`` as a share of a full-attention layer's (1 without windows): the share of the KV cache a
        sequence in flight keeps, for memory, the decode step's reads and its attention alike."""
        whole = float(prompt) + AVERAGE_OUTPUT_SHARE * float(output)
        return self.held_tokens(prompt, output) / whole if whole > 0 else 1.0

    def prompt_attention_pairs(self, prompt: float) -> float:
        """The (query, key) pairs causal attention scores over a ``prompt``-token prefill, averaged over the layers:
        p²/2 in a full-attention layer, p·w − w²/2 in one windowed at w < p (each query sees at most w keys)."""
        p = float(prompt)
        if not self.window or not self.windowed_layers or p <= self.window:
            return p * p / 2.0
        w = float(self.window)
        full = self.layers - self.windowed_layers
        return (full * p * p / 2.0 + self.windowed_layers * (p * w - w * w / 2.0)) / self.layers

    def to_dict(self) -> dict:
        return {"layers": self.layers, "d_model": self.d_model, "heads": self.heads, "kv_heads": self.kv_heads,
                "head_dim": self.head_size, "vocab": self.vocab, "active_params": self.active_params,
                "experts": self.experts, "experts_per_token": self.experts_per_token,
                "tied_embeddings": self.tied_embeddings, "window": self.window,
                "windowed_layers": self.windowed_layers, "nodes_per_token": self.nodes_per_token,
                "decode_attention_width": self.decode_attention_width,
                "prefill_attention_width": self.prefill_attention_width, "moe_layers": self.moe_layers,
                "name": self.name,
                "source": self.source}


def attention_params(a: Architecture, layers: int | None = None) -> float:
    """The parameters of ``layers`` (default: all) layers' attention projections: query and output
    d_model × H·d_head each, key and value d_model × H_kv·d_head each. Every decoder layer holds
    them, so a parameter count below this and the embeddings cannot have the shape (the MLP only adds)."""
    n = a.layers if layers is None else layers
    return n * a.d_model * 2 * (a.attention_width + a.kv_heads * a.head_size)


def param_floor(a: Architecture) -> float:
    """The fewest parameters the shape can hold: its attention projections and its embeddings."""
    return attention_params(a) + a.embedding_params


def check_params_fit(params: float, a: Architecture, what: str = "the model", field: str = "params",
                     fix: str = "give a parameter count and a shape that belong together") -> None:
    """Refuse a parameter count that cannot fill the shape: the weights would use one number and the
    KV cache, attention and per-layer costs another. ``fix`` ends the message ({floor}: the least)."""
    floor = param_floor(a)
    if params < floor:
        shape = f"{a.layers} layer{'s' if a.layers != 1 else ''} of width {a.d_model}"
        held = "attention projections and embeddings" if a.embedding_params else "attention projections"
        raise InputError(f"{what}'s {gfmt(params, 3)} parameters cannot fill {shape}: their {held} alone "
                         f"hold {gfmt(floor, 3)}; " + fix.format(floor=f"{gfmt(floor, 3)}"), field=field)


HEAD_SIZE_NEEDS_HEADS = "a head size needs the attention heads: the attention's width is heads × head size"


def check_head_size(heads, head_dim) -> None:
    """A head size is given with the heads it sizes (their width heads × head size): one home for the refusal the
    FLOPs' count, the Python API and the shape's resolution share."""
    if head_dim is not None and heads is None:
        raise InputError(HEAD_SIZE_NEEDS_HEADS, field=("heads", "head_dim"))


def check_architecture(a: Architecture) -> None:
    if not isinstance(a, Architecture):
        raise InputError(f"expected an Architecture, got {type(a).__name__}")
    v.require_number_in("layers", a.layers, B.LAYERS)
    v.require_number_in("d_model", a.d_model, B.D_MODEL)
    # heads: whole, at least one, and no more than d_model (a head has at least one dimension) unless their size is
    # given (their width is then heads × head size: diff review 2026-11-29, `inference` refused 128 heads of 16 on 64
    # that `estimate` and `plan` took); KV heads: no more than the attention heads (grouped-query attention shares them)
    heads_top = a.d_model if a.head_dim is None else B.HEADS.high
    for label, x, top, field in (("attention heads", a.heads, heads_top, "heads"), ("KV heads", a.kv_heads, a.heads,
                                                                                   "kv_heads")):
        if v.require_whole(label, x, B.HEADS, field=field) > top:
            raise InputError(f"{label} must be a whole number from 1 to {gfmt(top)}, got {x!r}", field=field)
    if a.head_dim is not None:
        v.require_number_in("head size", a.head_dim, B.HEAD_DIM, field="head_dim")
    if a.vocab is not None:
        v.require_number_in("vocabulary", a.vocab, B.VOCAB)
    if a.active_params is not None:
        v.require_number_in("active parameters", a.active_params, B.PARAMS)
    if a.window is not None or a.windowed_layers:
        v.require_number_in("attention window", a.window, B.CONTEXT)
        if not 1 <= v.require_whole("windowed layers", a.windowed_layers, B.LAYERS) <= a.layers:
            raise InputError(f"windowed layers must be a whole number from 1 to the {a.layers} layers, got "
                             f"{a.windowed_layers!r}")
    for name in ("decode_attention_width", "prefill_attention_width"):
        if getattr(a, name) is not None:
            v.require_number_in(name.replace("_", " "), getattr(a, name), B.D_MODEL)
    if a.nodes_per_token is not None and (a.experts is None or not 1 <= v.require_whole(
            "nodes per token", a.nodes_per_token, B.EXPERTS) <= a.experts_per_token):
        raise InputError("nodes per token is a mixture of experts' limit, a whole number from 1 to its experts per "
                         f"token, got {a.nodes_per_token!r}")
    if a.moe_layers is not None and (a.experts is None or not 1 <= v.require_whole(
            "layers with experts", a.moe_layers, B.LAYERS) <= a.layers):
        raise InputError("the layers with experts are a mixture of experts' count, a whole number from 1 to its "
                         f"{a.layers} layers, got {a.moe_layers!r}")
    if (a.experts is None) != (a.experts_per_token is None):
        raise InputError("give both the number of experts and the experts per token, or neither")
    if a.experts is not None:
        if a.active_params is None:
            raise InputError("a mixture of experts needs its active parameters (the weights one token uses)")
        experts = v.require_whole("experts", a.experts, B.EXPERTS)
        if not 1 <= v.require_whole("experts per token", a.experts_per_token, B.EXPERTS) < experts:
            raise InputError(f"experts per token must be a whole number from 1 to {gfmt(experts - 1)}, "
                             f"got {a.experts_per_token!r}")


# A student's name: this, then its teacher's (``student_architecture``), by which it keeps the teacher's attention
STUDENT_OF = "student of "


def student_architecture(arch: Architecture, params: float, student_params: float) -> Architecture:
    """A distilled student keeps the width and the vocabulary and has fewer layers, in proportion to
    its parameters outside the embeddings (DistilBERT halves BERT's layers and keeps its hidden size:
    Sanh et al. 2019, arXiv:1910.01108)."""
    emb = min(arch.embedding_params, float(params))
    blocks = float(params) - emb
    share = (float(student_params) - emb) / blocks if blocks > 0 else float(student_params) / float(params)
    layers = max(1, round(arch.layers * share))
    active = None if arch.active_params is None else arch.active_params * student_params / params
    # its windowed layers in the teacher's proportion (none where the teacher has none)
    windowed = min(layers, round(arch.windowed_layers * layers / arch.layers))
    # its layers with experts in the teacher's proportion, at least one (diff review 2026-11-30: a 2-layer student had
    # kept the teacher's 58)
    moe = None if arch.moe_layers is None else max(1, min(layers, round(arch.moe_layers * layers / arch.layers)))
    return replace(arch, layers=layers, active_params=active, name=f"{STUDENT_OF}{arch.name or 'the model'}",
                   windowed_layers=windowed, window=arch.window if windowed else None, moe_layers=moe,
                   source="the model's width with layers × student ÷ model parameters (DistilBERT, Sanh et al. 2019)")


def tensor_parallel_problem(devices: int, heads: int, kv_heads: int | None = None) -> str | None:
    """Why ``devices`` cannot split the model, or None. Tensor parallelism splits the attention
    heads: the degree must divide them (the same rule as training memory,
    ``estimator.core.training.memory.check_strategy``); and the KV heads must divide the degree or the degree
    them (vLLM's rule for grouped-query attention: a KV head is never split, only copied)."""
    if devices > heads or heads % devices:
        return f"the tensor-parallel degree {devices} must divide the {heads} attention heads"
    if kv_heads and (devices % kv_heads if devices > kv_heads else kv_heads % devices):
        return (f"the tensor-parallel degree {devices} and the {kv_heads} KV heads must divide one another "
                "(a KV head is copied across devices, never split)")
    return None


def check_tensor_parallel(devices: int, heads: int, kv_heads: int | None = None) -> None:
    problem = tensor_parallel_problem(devices, heads, kv_heads)
    if problem:
        raise InputError(problem, field="devices")


__all__ = ["AVERAGE_OUTPUT_SHARE", "STUDENT_OF", "Architecture", "attention_params", "check_architecture", "check_params_fit", "param_floor",
           "student_architecture", "tensor_parallel_problem", "check_tensor_parallel"]
