"""The scenario inputs and the page's address: a link's parameters the scenario drawn does not use are
said and dropped, and every input the scenario draws makes the Export tab's link.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

import streamlit as st

from app_pages.inputs.defaults import (
    ALL_GRID_KEYS,
    ALL_WORKLOAD_KEYS,
    DEFAULT_HARDWARE,
    DEFAULT_PRESET,
    GRID_KEYS,
    MEMORY_KEYS,
    WORKLOAD_KEYS,
)
from app_pages.ui import common as c
from estimator.core.base.validation import WHOLE_DIGITS_LIMIT
from estimator.core.workload.scenario import Scenario
from estimator.services.inputs import TRAINING, url_keys

# The preset's workload fields (URL keys shared with the custom workloads): any of them set changes its run, and a
# preset's unticked recomputation is left out of a link (its own setting applies). A link names the preset always
# (``url_params``): Streamlit leaves a bound widget's default out of the address, so with the default preset's
# workload changed the address bar reads "/?tokens=1e12", a custom workload (app audit); the Export tab's link does
# not. The address bar is Streamlit's and keeps that gap (README).
PRESET_WORKLOAD_KEYS = ("params", "tokens", "flops", "recompute")

# The inputs of the sidebar's sections, in its order (their URL keys make the Export tab's link).
HARDWARE_NAMES = ("hardware", "devices", "utilization", "year", "precision", "power_w", "pue")
PRICE_NAMES = ("price_usd_per_device_hour", "electricity_usd_per_kwh")
FOOTPRINT_NAMES = ("embodied", "cooling")
# A custom workload's empty hardware and device count are today's defaults (a preset's are its own, named by the
# preset): a link names them, so that it opens the same run when a default changes (issue 55).
CUSTOM_WORKLOAD_DEFAULTS = {"hardware": DEFAULT_HARDWARE, "devices": Scenario.devices}


def drop_unused_link_params(workload: str, grid_by: str, memory_shown: bool) -> None:
    """A link's parameters this state does not use: said, and dropped from the address (audit: they had
    stayed in it with no word, so a link copied from it said what the page did not show)."""
    for every, used, why in ((ALL_WORKLOAD_KEYS, WORKLOAD_KEYS[workload], f"the workload is '{workload}' (Workload)"),
                             (ALL_GRID_KEYS, GRID_KEYS[grid_by], f"the grid intensity is from '{grid_by}' (Grid "
                                                                  "carbon intensity from)"),
                             (MEMORY_KEYS, MEMORY_KEYS if memory_shown else (), "the training-memory inputs are off")):
        c.ignored_url_params([k for k in every if k not in used], why, drop=True)


def address_keys(workload: str, grid_by: str, memory_shown: bool) -> list[str]:
    """The URL keys of the inputs this state draws, in the sidebar's order."""
    keys = ["workload", *WORKLOAD_KEYS[workload], *url_keys(TRAINING, HARDWARE_NAMES), "grid_by", *GRID_KEYS[grid_by],
            *url_keys(TRAINING, PRICE_NAMES)]
    return keys + [*url_keys(TRAINING, FOOTPRINT_NAMES), "memory_inputs"] + (list(MEMORY_KEYS) if memory_shown else [])


def url_params(keys, workload: str = "preset") -> dict[str, str]:
    """Every input this state draws, as URL parameters (the Export tab's link): its value even where it is
    today's default, so that a shared link keeps its meaning when a default changes (issue 55: a link that
    left out the default preset, hardware or devices would open another scenario once the default moved).
    A custom workload's empty hardware and device count are written as today's defaults. Left out: another
    empty field (the preset's or the profile's value applies, as an omitted CLI flag does) and a preset's
    unticked recomputation (its own setting applies). Links without some inputs (the
    address bar's, which Streamlit writes without its defaults, and those shared before) still open: a missing
    input takes its default."""
    out = {}
    for key in keys:
        value = st.session_state.get(key)
        if key == "preset":
            value = value or DEFAULT_PRESET if workload == "preset" else None
        elif value is None and workload != "preset":
            value = CUSTOM_WORKLOAD_DEFAULTS.get(key)
        if value is None or value == "" or (workload == "preset" and key in PRESET_WORKLOAD_KEYS and value is False):
            continue
        out[key] = url_text(value)
    return out


# Hosts whose links open only on the computer that opened them (the Lecture page's share box says so too)
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")


def share_base() -> str:
    """The running page's address without its query ("http://host:8501/plan"), "/" after a bare host (browser
    audit: "http://host:8501" + "?preset=…"); on the deployment's public address where it sets one
    (``ESTIMATOR_PUBLIC_URL``, as the Lecture page's share box takes it; lecturer review 2026-11-29: opened on the
    projector's localhost, the Export tab's links had pointed there)."""
    from estimator.io.paths import tool_public_url
    base = (getattr(st.context, "url", None) or "http://localhost:8501/").split("?")[0]
    public = tool_public_url()
    if public:
        base = public.rstrip("/") + (urlsplit(base).path or "/")
    return base + "/" if not urlsplit(base).path else base


def local_only(link: str) -> str | None:
    """Words for a link that opens only on this computer (its host is this one's), None for any other."""
    host = urlsplit(link).hostname
    if host not in LOCAL_HOSTS:
        return None
    return (f"{host} opens only on this computer: share the address your students or colleagues open the app at "
            "(a deployment sets it in ESTIMATOR_PUBLIC_URL)")


def page_link(params: Mapping[str, object]) -> str:
    """This page's address with ``params`` (URL key → value; None left out), every value as ``url_text`` writes it:
    a link that holds the page's inputs even where they are today's defaults, which the address bar leaves out
    (browser review 2026-11-26, second: the Plan and Inference pages had no such link)."""
    query = urlencode({k: url_text(v) for k, v in params.items() if v is not None and v != ""})
    return share_base() + (f"?{query}" if query else "")


def url_text(value) -> str:
    """A widget's value as the URL holds it: true/false as the toggles read them, and a number
    with every digit it has, so that the link reopens on the same inputs (1234567 devices, not
    1.23457e+06)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < WHOLE_DIGITS_LIMIT else repr(value)
    return str(value)
