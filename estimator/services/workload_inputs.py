"""A training scenario's workload from what a user gives: FLOPs, parameters × tokens, a catalog model's
parameters, an architecture or a generic network, and the sequence length its memory uses.

One home for the rules the CLI's ``estimate`` and ``compare`` and any page that takes these inputs
share (until this module the CLI held them alone): an architecture's or a generic network's FLOPs
replace neither given FLOPs nor parameters; recomputation's 8·N·D needs parameters and tokens; a
catalog model gives the parameters for 6·N·D with tokens; a sequence longer than the architecture's
context is another model. Messages name the inputs in words and by their field names
(``InputError.field``), so each front end names its own flags or widgets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt
from estimator.core.training.memory import MEMORY_INPUTS
from estimator.services import api
from estimator.services.inputs import MEMORY_NAMES

ARCH_KEYS = ("layers", "d_model", "n_ctx", "vocab")
# The rest of an architecture's shape (the step model's and the memory's inputs too): its parameters counted with them.
ARCH_DETAIL_KEYS = ("heads", "kv_heads", "ffn", "mlp", "experts", "experts_per_token", "head_dim")
GENERIC_KEYS = ("forward_flops_per_example", "examples", "epochs")
# what else may stand for a workload beside a catalog model (its parameters then are not needed)
OWN_WORKLOAD_KEYS = ("params", "flops", "layers", "forward_flops_per_example")


@dataclass(frozen=True)
class WorkloadInputs:
    """What ``api.run`` takes for the workload: its scenario inputs, the catalog model whose parameter
    count ``params`` is (None: the user's own or none), the training memory's sequence length, and the
    tokens an architecture's FLOPs count (``api.run``'s ``flops_tokens``: the step model times them, as it
    times the tokens of parameters × tokens; None: no architecture)."""

    inputs: dict = field(default_factory=dict)
    params_model: str | None = None
    seq_len: float | None = None
    flops_tokens: float | None = None
    tokens_illustrative: bool = False   # the architecture's tokens are the illustrative count, none given

    def run_kwargs(self) -> dict:
        """``api.run``'s workload keywords: the scenario's inputs, the catalog model and the architecture's tokens
        (those given), and whether those are the illustrative count."""
        extra = {"params_model": self.params_model, "flops_tokens": self.flops_tokens,
                 "tokens_illustrative": self.tokens_illustrative or None}
        return {**self.inputs, **{k: x for k, x in extra.items() if x is not None}}


def workload_inputs(given: Mapping[str, Any], *, model: str | None = None, preset: str | None = None,
                    seq_len: float | None = None) -> WorkloadInputs:
    """The workload from ``given`` (the scenario's inputs, ``api.INPUT_FIELDS``, and an architecture's
    ``ARCH_KEYS`` or a generic network's ``GENERIC_KEYS``; None: not given), a catalog ``model`` and a
    ``preset`` id; ``seq_len``: the training memory's sequence length (default: the architecture's context)."""
    # a model that is empty or no text refused as the CLI refuses an empty --model, as inference() refuses it (API
    # review 2026-11-30: model="" read as no model, model=0 as a name)
    from estimator.services.grid import text_or_none
    text_or_none("model", model)
    n_ctx = given.get("n_ctx")
    ctx_defaulted = False  # the architecture's context the tool's default, none given (said in the FLOPs' source)
    # (any of the shape's keys: d_model without layers is refused for what it lacks, as `plan` refuses it)
    if given.get("params") is not None and not model and any(given.get(k) is not None
                                                               for k in ("layers", "d_model", "vocab")):
        # a parameter count with a shape beside it: the shape is the step model's and the memory's, the FLOPs 6·N·D,
        # as `plan` takes them (estimate had refused a plan's own inputs); a context beside them is an architecture's,
        # whose FLOPs would be counted from it a second way
        if n_ctx is not None and given.get("flops") is None:  # FLOPs beside both: refused below, naming them
            raise InputError("give either the parameters with a shape (its sequence as the sequence length) or an "
                             "architecture with its context and vocabulary (its FLOPs counted from them), not both",
                             field=("params", "n_ctx"))
        if n_ctx is None:
            given = {k: x for k, x in given.items() if k not in ARCH_KEYS + ARCH_DETAIL_KEYS}
    if n_ctx is None and seq_len is not None and any(given.get(k) is not None for k in ARCH_KEYS):
        # an architecture with the run's sequence length and no context: the sequence is the context its
        # attention spans (it had been refused for want of --context)
        given = {**given, "n_ctx": seq_len}
        n_ctx = seq_len
    elif n_ctx is None and preset is None and all(given.get(k) is not None for k in ("layers", "d_model", "vocab")):
        # an architecture with neither: the tool's default sequence, as `plan` takes it and the step's notes say it
        # (researcher review 2026-11-30: `plan` timed such a shape at 2,048 while `estimate` refused it for want of
        # --context); the sequence stays not given, so that the default is said as the tool's
        from estimator.core.training.memory import DEFAULT_SEQ_LEN
        given = {**given, "n_ctx": DEFAULT_SEQ_LEN}
        n_ctx = None
        ctx_defaulted = True
    if seq_len is not None and n_ctx is not None and seq_len > n_ctx:
        # the architecture's context sets its attention FLOPs; a longer sequence for the memory is another model
        raise InputError(f"the sequence length {gfmt(seq_len)} is longer than the architecture's context "
                         f"{gfmt(n_ctx)}: give a sequence within the context, or a longer context",
                         field=("seq_len", "n_ctx"))
    if model and any(given.get(k) is not None for k in ARCH_KEYS + ARCH_DETAIL_KEYS):
        # two shapes for one model (API review 2026-11-29: compare timed the tiny architecture beside the model it named)
        raise InputError("give either a catalog model or the parameters and architecture, not both",
                         field=("model", *(k for k in ARCH_KEYS + ARCH_DETAIL_KEYS if given.get(k) is not None)))
    params_model = _model_params(given, model, preset)
    # (with a preset, its own tokens stand, or the preset refuses what it cannot take: diff review 2026-11-30; with any
    # of the architecture's fields, so that one missing is refused alone)
    illustrative = (preset is None and any(given.get(k) is not None for k in ARCH_KEYS)
                    and all(given.get(k) is None for k in ("tokens", "flops", "params", "hours", "device_hours")))
    if illustrative:
        # an architecture's run without its tokens: the illustrative count, said (``api.run``): its step, memory and
        # per-token figures need none (review 2026-11-30: refused for want of tokens it does not use)
        from estimator.services.training.step_setup import ILLUSTRATIVE_TRAIN_TOKENS
        given = {**given, "tokens": ILLUSTRATIVE_TRAIN_TOKENS}
    inputs = {k: v for k, v in given.items() if k not in ARCH_KEYS + GENERIC_KEYS + ARCH_DETAIL_KEYS}
    details = {k: given.get(k) for k in ARCH_DETAIL_KEYS} if given.get("layers") is not None else {}
    flops, how = api.workload_flops(tokens=given.get("tokens"), **{k: given.get(k) for k in ARCH_KEYS + GENERIC_KEYS},
                                    **details)
    flops_tokens = None
    if flops is not None:
        both = tuple(k for k in ("flops", "params") if given.get(k) is not None)
        if both:
            raise InputError(f"give either {' or '.join('the FLOPs' if k == 'flops' else 'the parameters' for k in both)} "
                             "or an architecture / generic network, not both", field=both)
        if given.get("recompute"):
            raise InputError("recomputation (8·N·D) applies to the parameters with tokens; an architecture or a generic "
                             "network gives its own FLOPs", field=("recompute",))
        if ctx_defaulted:
            # said where the FLOPs are, so that it stands whether or not the step model times the run and says its
            # default sequence (diff review 2026-11-30: on a CPU or with --hours the default read as a context given)
            how = f"{how}; context {given['n_ctx']:,}: the tool's default (GPT-3's), none given"
        inputs.update(flops=flops, flops_source=how, tokens=None)
        # an architecture's tokens (a generic network counts none): the step model's run, as for 6·N·D
        flops_tokens = given.get("tokens") if given.get("layers") is not None else None
    if params_model is not None:
        inputs["params"] = params_model.params
    return WorkloadInputs(inputs, params_model.id if params_model is not None else None,
                          seq_len if seq_len is not None else n_ctx, flops_tokens, illustrative)


def _model_params(given: Mapping[str, Any], model: str | None, preset: str | None):
    """The catalog model whose parameters are the workload's N (6·N·D with the tokens given), or None:
    no model, or the workload is given otherwise (its FLOPs, parameters, architecture, a preset). A
    model alone is its published pretraining run where the catalog has its tokens (``api.run`` takes them), else
    the illustrative count's (``api.run`` again); an unknown model is named first."""
    if not model:
        return None
    from estimator.io.serving_data import catalog_model
    m = catalog_model(model)  # an unknown model is named first (CLI audit: "no workload" hid it)
    if preset is not None or any(given.get(k) is not None for k in OWN_WORKLOAD_KEYS):
        return None  # the model gives the memory's shape only
    if all(given.get(k) is None for k in ("tokens", "hours", "device_hours")):
        # its published pretraining tokens, or the illustrative count where it publishes none: taken and said by
        # ``api.run`` (``published_tokens_words``, ``illustrative_tokens_words``)
        return m
    return m if given.get("tokens") is not None else None


# `estimate`'s inputs by the command line's names (each flag's dest: `--d-model` d_model, `--context` n_ctx): the
# scenario's, an architecture's or a generic network's, the training memory's and layout's (a catalog model among
# them), the step model's, and where the run is.
ESTIMATE_KEYWORDS = tuple(dict.fromkeys(
    ("hardware", "preset_id", "country", "region", "cloud") + api.INPUT_FIELDS + ARCH_KEYS + GENERIC_KEYS
    + ARCH_DETAIL_KEYS + MEMORY_INPUTS + api.STEP_NAMES))


def run_estimate(*, hardware: str | None = None, preset_id: str | None = None, country: str | None = None,
                 region: str | None = None, cloud: str | None = None, **given) -> api.Result:
    """``estimate`` as the command line runs it, from its inputs by name (``ESTIMATE_KEYWORDS``; None or left out:
    not given): the workload by ``workload_inputs``, the memory and layout inputs, the step model's. The CLI and
    the Python API's ``estimate(model="llama-3.1-70b", tokens=15e12, devices=1024, tp=8)`` both run it."""
    api.check_keywords(given, ESTIMATE_KEYWORDS)
    w = workload_inputs({k: given.get(k) for k in api.INPUT_FIELDS + ARCH_KEYS + GENERIC_KEYS + ARCH_DETAIL_KEYS},
                        model=given.get("model"), preset=preset_id, seq_len=given.get("seq_len"))
    memory = {**{k: given.get(k) for k in MEMORY_INPUTS}, "seq_len": w.seq_len}
    return api.run(hardware=hardware, preset_id=preset_id, country=country, region=region, cloud=cloud,
                   memory=memory, **{k: given.get(k) for k in api.STEP_NAMES}, **w.run_kwargs())




# the layout `compare` takes, each profile's step timed over it as `estimate` times one (compare review 2026-11-29)
COMPARE_LAYOUT = tuple(n for n in MEMORY_NAMES if n != "seq_len")


def compare_kwargs(**given) -> dict:
    """``api.compare``'s keywords from ``compare``'s inputs by name, as ``run_estimate`` makes ``estimate``'s: an
    architecture or a generic network becomes its FLOPs, a catalog ``model`` (and ``seq_len``) the workload's
    parameters and the memory's shape, so that each profile is timed as ``estimate`` times it on that profile (API
    review 2026-11-29: ``compare(…, layers=…)`` was refused where the command line took it); the rest as given."""
    model, seq_len = given.pop("model", None), given.pop("seq_len", None)
    layout = {k: v for k in COMPARE_LAYOUT if (v := given.pop(k, None)) is not None}
    if layout and given.get("memory") is not None:
        raise InputError("give the layout by name or in memory, not both", field=(next(iter(layout)), "memory"))
    # an architecture's FLOPs and a generic network's, and the architecture's size as the step model's shape (as
    # estimate times it, on the layout given or the planner's best); no shape details (heads, experts …): they are
    # left to api.compare, which refuses them as inputs it does not take (diff review 2026-11-29)
    shape_keys = ARCH_KEYS + GENERIC_KEYS
    if model is None and seq_len is None and all(given.get(k) is None for k in shape_keys):
        out = {k: v for k, v in given.items() if k not in shape_keys or v is not None}
        return {**out, "memory": layout} if layout else out
    if given.get("memory") is not None and (model is not None or seq_len is not None):
        # api.run's own form beside the CLI's names: one of them (as estimate's)
        raise InputError("give the model and sequence by name or in memory, not both", field=("model", "memory"))
    if seq_len is not None and model is None:
        raise InputError("the sequence length sets the step model's time of a catalog model: give the model with it",
                         field=("seq_len", "model"))
    w = workload_inputs({k: given.get(k) for k in api.INPUT_FIELDS + shape_keys},
                        model=model, preset=given.get("preset_id"), seq_len=seq_len)
    rest = {k: v for k, v in given.items() if k not in api.INPUT_FIELDS + shape_keys}
    out = {**rest, **w.run_kwargs()}
    if model is not None:
        return {**out, "memory": {"model": model, "seq_len": w.seq_len, **layout}}
    shape = {k: given[k] for k in ("layers", "d_model", "vocab") if given.get(k) is not None}
    if shape and given.get("memory") is not None:
        raise InputError("give the architecture by name or in memory, not both", field=("layers", "memory"))
    if shape or layout:
        return {**out, "memory": {**shape, "seq_len": w.seq_len, **layout}}
    return out


__all__ = ["ARCH_DETAIL_KEYS", "ARCH_KEYS", "COMPARE_LAYOUT", "ESTIMATE_KEYWORDS", "GENERIC_KEYS", "WorkloadInputs",
           "compare_kwargs", "run_estimate", "workload_inputs"]
