"""The sidebar's workload section: the Workload switch, then a preset (and its workload changed) or a custom
workload's parameters and tokens (or a catalog model and tokens, as `estimate --model`), or FLOPs. Each field is
bound to the URL (``?workload=``, ``?preset=``, ``?model=``, …).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from app_pages.inputs import declared as d
from app_pages.inputs.defaults import (
    DEFAULT_FLOPS,
    DEFAULT_PARAMS,
    DEFAULT_PRESET,
    DEFAULT_TOKENS,
    PRESET_SCOPED_KEYS,
    WORKLOAD_START,
    WORKLOADS,
)
from app_pages.inputs.preset_workload import preset_workload
from app_pages.ui import common as c
from estimator.io.serving_data import load_catalog
from estimator.report import humanize as hz
from estimator.services import inputs as I
from estimator.services.workload_inputs import workload_inputs


@dataclass(frozen=True)
class WorkloadChoice:
    """The workload drawn: which kind, the preset (None for a custom workload) and its ``api.run`` arguments."""

    workload: str
    preset_id: str | None
    preset: Any  # estimator.core.training.presets.Preset, or None
    kwargs: dict[str, Any]
    model: str | None = None  # the catalog model chosen (its shape: the step model's and the memory's), or None


def _clear_preset_scoped() -> None:
    """on_change of the preset selectbox: the new preset's own inputs apply."""
    for key in PRESET_SCOPED_KEYS:
        if st.session_state.get(key) is not None:
            st.session_state[key] = None


def _workload_changed() -> None:
    """on_change of the Workload switch: the fields the new workload shows start from its own values,
    not from what another workload left in them (a preset's fields are changes to its run)."""
    for key, value in WORKLOAD_START.get(st.session_state.get("workload"), {}).items():
        if key in st.session_state:
            st.session_state[key] = value


# What to share once the default preset's workload is changed (its id is not in the address)
SHARE_CHANGED_DEFAULT = ("To share this run, copy the Export tab's link: the address leaves out the default preset "
                         "and would reopen these numbers as a custom workload.")


def infer_workload_from_link() -> None:
    """A link with ?flops=… or ?params=… (or ?model=…) but no ?workload= means that workload; with ?preset=, they
    change the preset's run (as `estimate --preset … --tokens …` does), drawn under the preset. ?tokens=… alone is the
    default preset's tokens changed, the address the page writes for it (Streamlit leaves the default preset out, and a
    custom workload's address holds ?workload=): lecturer review 2026-11-29, GPT-3 on 10¹² tokens (47.7 days) had
    reopened as a custom 7B model (7.57 years), and a refused ?tokens=1e400 had left the preset too."""
    if "workload" in st.session_state or "workload" in st.query_params or "preset" in st.query_params:
        return
    inferred = ("flops" if "flops" in st.query_params else
                "params" if any(k in st.query_params for k in ("params", I.MODEL.url_key)) else None)
    if inferred:
        st.session_state["workload"] = inferred
        # written to the address too: if the value that implied it is refused (?flops=abc), the
        # address still reopens this workload, as the page shows it (browser audit)
        st.query_params["workload"] = inferred


def draw_preset(side: Any, top: Any, lecture: bool) -> tuple[str, Any, dict[str, Any]]:
    """The preset selectbox (in ``top``), its title unless ``lecture`` (the controls are in the page, lecture
    mode) and its workload's fields: (preset id, preset, the changes to its workload)."""
    presets = c.presets()
    preset_id = d.select(I.PRESET, list(presets), default=DEFAULT_PRESET, where=top, on_change=_clear_preset_scoped)
    preset = presets[preset_id]
    if not lecture:
        top.caption(c.md_escape(preset.title))
    changed = preset_workload(preset, side)
    if any(changed.get(k) is not None for k in ("params", "flops")) and I.PRESET.url_key not in st.query_params:
        # Streamlit leaves a bound widget's default out of the address, and `?params=…` or `?flops=…` without a preset
        # opens a custom workload (lecturer review 2026-11-28); `?tokens=…` alone reopens the default preset
        side.caption(SHARE_CHANGED_DEFAULT)
    return preset_id, preset, changed


def model_caption(model) -> str:
    """A catalog model as the sidebar says it: its size (active parameters of a mixture of experts) and shape."""
    a = model.arch
    moe = f", {hz.count(a.active_params)} active ({a.experts} experts)" if a.experts and a.active_params else ""
    return (f"{model.name}: {hz.count(model.params)} parameters{moe}, {a.layers} layers, d_model {a.d_model}, "
            f"{a.heads} heads, {a.kv_heads} KV heads")


def model_tokens(model: str | None) -> float:
    """The tokens the params workload's field holds for ``model``: a catalog model's published training tokens, else
    the illustrative count, as `estimate --model` without `--tokens` takes them (review 2026-11-30: the page had kept
    2 × 10¹² for Llama 3.1 70B, where the CLI took its published 15 × 10¹²)."""
    published = load_catalog()[model].train_tokens if model is not None else None
    return published if published is not None else DEFAULT_TOKENS


# Whether the page opened on a link that gave the tokens (read before the field binds them: Streamlit leaves a value
# equal to the field's start out of the address): those are given, as `--tokens` is, whatever they equal
TOKENS_LINKED_KEY = "_tokens_linked"


def _model_changed() -> None:
    """on_change of the Model picker: the tokens field takes the new model's (``model_tokens``), no link's."""
    st.session_state[I.TOKENS.url_key] = model_tokens(st.session_state.get(I.MODEL.url_key))
    st.session_state[TOKENS_LINKED_KEY] = False


def draw_model(side: Any) -> str | None:
    """The catalog model picker (empty by default: the parameters field); a model chosen replaces the parameters,
    whose link value is said and dropped (the CLI takes `--model` with `--tokens` as the parameters)."""
    catalog = load_catalog()
    model = d.select(I.MODEL, list(catalog), placeholder="none: the parameters below", where=side,
                     on_change=_model_changed)
    if model is None:
        return None
    c.ignored_url_params(I.url_keys(I.TRAINING, ("params",)),
                         f"the model is {model}, which gives the parameters; empty Model to give them", drop=True)
    side.caption(c.md_escape(model_caption(catalog[model]), 300))
    return model


def draw_params_workload(side: Any) -> tuple[dict[str, Any], str | None]:
    """A custom workload of parameters × tokens (6·N·D, or 8·N·D with recomputation), the parameters a catalog
    model's where one is chosen (``workload_inputs``' rules, as `estimate --model … --tokens …`): its ``api.run``
    arguments and the model."""
    model = draw_model(side)
    kwargs: dict[str, Any] = {}
    if model is None:
        kwargs["params"] = d.number(I.PARAMS, default=DEFAULT_PARAMS, fmt=c.LARGE_NUMBER_FORMAT, where=side)
    start = model_tokens(model)
    linked = st.session_state.setdefault(TOKENS_LINKED_KEY, I.TOKENS.url_key in st.query_params)
    tokens = d.number(I.TOKENS, default=start, fmt=c.LARGE_NUMBER_FORMAT, where=side)
    # a model's own tokens (its published ones, or the illustrative count) go as none given: the run takes and says
    # them as `estimate --model` alone does, in the same words
    # (a link's own tokens are given, as `--tokens` is: second diff review 2026-11-30)
    kwargs["tokens"] = None if model is not None and tokens == start and not linked else tokens
    if d.toggle(I.RECOMPUTE_FLOPS, where=side):
        kwargs["recompute"] = True
    if model is not None:
        kwargs = workload_inputs(kwargs, model=model).run_kwargs()
    return kwargs, model


def draw_flops_workload(side: Any) -> dict[str, Any]:
    """A custom workload given as its total training FLOPs."""
    flops = d.number(I.FLOPS, default=DEFAULT_FLOPS, fmt=c.LARGE_NUMBER_FORMAT, where=side)
    return {"flops": flops}


def draw_workload(side: Any, top: Any, lecture: bool) -> WorkloadChoice:
    """The section's header (not when ``lecture``: the few controls are in the page), the Workload switch
    (its choice inferred from a link that implies one) and the chosen workload's fields."""
    infer_workload_from_link()
    if not lecture:
        side.header("Scenario")
    workload = c.url_radio("Workload", "workload", WORKLOADS, default="preset", where=side, on_change=_workload_changed,
                           help="preset: a famous run; params: parameters × tokens (6·N·D); flops: total training FLOPs")
    if workload == "preset":
        preset_id, preset, kwargs = draw_preset(side, top, lecture)
        return WorkloadChoice(workload, preset_id, preset, kwargs)
    if workload == "params":
        kwargs, model = draw_params_workload(side)
        return WorkloadChoice(workload, None, None, kwargs, model)
    return WorkloadChoice(workload, None, None, draw_flops_workload(side))
