"""The sidebar's training-memory inputs (micro-batch, sequence, ZeRO, recomputation, parallelism, attention kernel)
and the step model's own (global batch, active parameters, interleaving: ``inputs.STEP_NAMES``, the CLI's flags of
the same names), drawn behind a toggle: 14 widgets on every run for a choice most users never make cost each
student's run (issue 16).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from app_pages.inputs import declared as d
from app_pages.inputs.defaults import MEMORY_DEFAULT_KEY, MEMORY_KEYS
from app_pages.ui import common as c
from estimator.core.training.memory import (
    DEFAULT_MICRO_BATCH,
    DEFAULT_SEQ_LEN,
    ZERO_TEXT,
    Strategy,
)
from estimator.core.training.plan import DEFAULT_GLOBAL_BATCH_TOKENS
from estimator.services import inputs as I

# The memory inputs' defaults: the core's own (no sharding, no parallelism, no recomputation).
_NO_STRATEGY = Strategy()


@dataclass(frozen=True)
class MemoryChoice:
    """Whether the memory inputs are drawn, those given (``api.run``'s ``memory``; empty: the core's defaults), and
    the step model's inputs given (``api.run``'s keywords of ``inputs.STEP_NAMES``)."""

    shown: bool
    values: dict[str, Any]
    step: dict[str, Any] = field(default_factory=dict)


def draw_memory_toggle(side: Any) -> bool:
    """The "Training memory" toggle; on by default when the session's first link set a memory input."""
    st.session_state.setdefault(MEMORY_DEFAULT_KEY, any(k in st.query_params for k in MEMORY_KEYS))
    return c.url_toggle("Training memory: parallelism and sequence", "memory_inputs",
                        default=st.session_state[MEMORY_DEFAULT_KEY], where=side,
                        help="Off: the core's defaults (micro-batch "
                             f"{DEFAULT_MICRO_BATCH}, {DEFAULT_SEQ_LEN} tokens or the catalog model's or preset's own, "
                             f"{_NO_STRATEGY.describe()})")


def draw_memory_fields(side: Any) -> dict[str, Any]:
    """The memory inputs (URL keys ``MEMORY_KEYS``), keyed as ``api.run``'s ``memory`` takes them; None: empty."""
    return {
        "micro_batch": d.number(I.MICRO_BATCH, placeholder=f"{DEFAULT_MICRO_BATCH} (default)", where=side),
        "seq_len": d.number(I.SEQ_LEN, placeholder=f"model's, preset's or {DEFAULT_SEQ_LEN}", where=side),
        # "fsdp" (any case) is stage 3, as `--zero fsdp` takes it (app parity review 2026-12-03: a link's zero=fsdp
        # was dropped for the planner's layout)
        "zero": d.select(I.ZERO, [str(z) for z in I.ZERO.choices], placeholder=f"{_NO_STRATEGY.zero} (default)", where=side,
                         renamed={word: str(stage) for word, stage in ZERO_TEXT.items() if not word.isdigit()}),
        "activation_recompute": d.select(I.ACTIVATION_RECOMPUTE, list(I.ACTIVATION_RECOMPUTE.choices),
                                         placeholder=f"{_NO_STRATEGY.recompute} (default)", where=side),
        "tp": d.number(I.TP, placeholder=f"{_NO_STRATEGY.tp} (default)", where=side),
        "pp": d.number(I.PP, placeholder=f"{_NO_STRATEGY.pp} (default)", where=side),
        "cp": d.number(I.CP, placeholder=f"{_NO_STRATEGY.cp} (default)", where=side),
        "ep": d.number(I.EP, placeholder=f"{_NO_STRATEGY.ep} (default)", where=side),
        "attention_kernel": d.select(I.ATTENTION_KERNEL, list(I.ATTENTION_KERNEL.choices),
                                     placeholder=f"{_NO_STRATEGY.attention} (default)", where=side),
    }


def draw_step_fields(side: Any) -> dict[str, Any]:
    """The step model's inputs beside the layout (URL keys of ``inputs.STEP_NAMES``), keyed as ``api.run`` takes
    them; None: empty (the defaults the placeholders say, as an omitted CLI flag)."""
    return {
        # whole tokens as typed ("32768"), not sprintf's e-notation ("3.277e+4" hid the 68); the value as people
        # read it beside the field (c.READABLE_FORMATS)
        "global_batch_tokens": d.number(I.GLOBAL_BATCH_TOKENS, placeholder=f"model's or {DEFAULT_GLOBAL_BATCH_TOKENS:,}",
                                        fmt=c.WHOLE_NUMBER_FORMAT, where=side),
        "vp": d.number(I.VP, placeholder="1 (default: no interleaving)", where=side),
        "etp": d.number(I.ETP, placeholder="TP, or 1 if faster (default)", where=side),
        "active_params": d.number(I.ACTIVE_PARAMS, placeholder="all, or the model's own",
                                  fmt=c.LARGE_NUMBER_FORMAT, where=side),
        "expert_overlap": d.number(I.EXPERT_OVERLAP, placeholder="0 (default: all exposed)", fmt="%.3g", where=side),
    }


def draw_memory(side: Any) -> MemoryChoice:
    """The toggle, and when it is on the memory inputs and the step model's; each keeps the ones given."""
    shown = draw_memory_toggle(side)
    fields = draw_memory_fields(side) if shown else {}
    step = draw_step_fields(side) if shown else {}
    return MemoryChoice(shown, {k: v for k, v in fields.items() if v is not None},
                        {k: v for k, v in step.items() if v is not None})
