"""When a shared link must name the preset: the Export tab's link (``inputs_links.url_params``).

Streamlit leaves a bound widget's default value out of the address and the links built like it. With
the default preset (GPT-3 175B) and its workload changed, the Export tab's link read "/?tokens=1e12",
which opens a custom workload of 10¹² tokens on other hardware, 7.57 years instead of 47.7 days, with
no word (a link with ``?tokens=`` and neither ``?workload=`` nor ``?preset=`` means a custom workload;
app audit). So the link names the preset whenever its run is changed.

The address bar is Streamlit's: the page cannot put a bound widget's default back into it, and an
unbound selectbox that wrote ``?preset=`` itself cost a browser history entry on every page switch
(Back from Compare stayed on Compare), so the address keeps that gap; README says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The preset's workload fields (URL keys shared with the custom workloads): any of them set changes its run.
PRESET_WORKLOAD_KEYS = ("params", "tokens", "flops", "recompute")


def preset_in_address(workload: str, preset_id: str | None, default: str, state: Mapping[str, Any]) -> str | None:
    """The preset a link must name to reopen this scenario, or None: not for a custom workload, nor for
    the default preset run as it is (the landing page's link stays bare)."""
    if workload != "preset" or preset_id is None:
        return None
    changed = any(state.get(k) not in (None, False) for k in PRESET_WORKLOAD_KEYS)
    return preset_id if preset_id != default or changed else None
