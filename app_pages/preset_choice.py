"""The preset's selectbox, whose place in the address the page keeps itself.

Streamlit leaves a bound widget's default value out of the address. For the preset that lost runs:
with the default preset (GPT-3 175B) and its workload changed, "/?preset=gpt3-175b&tokens=1e12"
became "/?tokens=1e12", and that address, reloaded or shared, opened a custom workload of 10¹²
tokens on other hardware with no word (a link with ``?tokens=`` and neither ``?workload=`` nor
``?preset=`` means a custom workload; app audit). So the selectbox is not bound: it starts from the
link's ``?preset=`` and the page writes the preset to the address whenever a link needs it to reopen
the same run (``preset_in_address``); the Export tab's link follows the same rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import Any

import streamlit as st

from . import common as c

# The preset's workload fields (URL keys shared with the custom workloads): any of them set changes its run.
PRESET_WORKLOAD_KEYS = ("params", "tokens", "flops", "recompute")


def preset_select(label: str, key: str, options: Sequence[str], *, default: str, on_change: Callable[[], None],
                  help: str, where: Any) -> str:
    """A selectbox of preset ids that starts from the link's ``?key=`` (an unknown id is dropped with a
    warning, ``common.check_option``) or ``default``, and keeps its value for the session."""
    options = list(options)
    c.check_option(key, options)
    if key not in st.session_state:
        raw = st.query_params.get(key)
        st.session_state[key] = raw if raw in options else default
    return where.selectbox(label, options, key=key, on_change=on_change, help=help, persist_state="session")


def preset_in_address(workload: str, preset_id: str | None, default: str, state: dict) -> str | None:
    """The preset a link must name to reopen this scenario, or None: not for a custom workload, nor for
    the default preset run as it is (the landing page's address stays bare)."""
    if workload != "preset" or preset_id is None:
        return None
    changed = any(state.get(k) not in (None, False) for k in PRESET_WORKLOAD_KEYS)
    return preset_id if preset_id != default or changed else None


def keep_in_address(key: str, value: str | None) -> None:
    """Write ``value`` to the address as ``key`` (None: take it out), only where the address differs."""
    if st.query_params.get(key) == value:
        return
    if value is None:
        with suppress(KeyError):
            del st.query_params[key]
    else:
        st.query_params[key] = value
