"""The scenario inputs (sidebar), every one bound to the URL, and the call into the core.

``scenario_inputs()`` draws the widgets and returns a :class:`ScenarioInputs`; its
``run_kwargs`` go to ``estimator.services.api.run`` exactly as the CLI's flags do, so the app and
``python -m estimator estimate`` give the same numbers for the same inputs. An empty field
means "the preset's or the profile's value", as an omitted CLI flag does; the placeholder
says which value that is.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from estimator.core import bounds as B
from estimator.core import embodied
from estimator.core.errors import EstimatorError
from estimator.core.estimate import DEFAULT_CARBON_INTENSITY_G_PER_KWH
from estimator.core.memory import DEFAULT_MICRO_BATCH, DEFAULT_SEQ_LEN, RECOMPUTE, ZERO_STAGES, Strategy
from estimator.core.number_text import gfmt
from estimator.core.scenario import Scenario
from estimator.core.utilization_choice import depends_on, fit_words, same_for_every_run, year_words
from estimator.core.validation import WHOLE_DIGITS_LIMIT
from estimator.core.water import COOLING, DEFAULT_COOLING, EWIF_L_PER_KWH
from estimator.services import api, limits

from . import common as c
from .preset_choice import preset_in_address
from .preset_workload import preset_workload

# The landing page's preset: GPT-3 175B as estimated by Patterson et al. 2021 (arXiv:2104.10350,
# Table 4), the run with the most complete published figures (time, energy, CO2e).
DEFAULT_PRESET = "gpt3-175b"
# Hardware for a workload without a preset: the service layer's default (estimator/services/limits.py).
DEFAULT_HARDWARE = limits.DEFAULT_HARDWARE
# Default workload for "params": Llama 2 7B, 7e9 parameters on 2e12 tokens (Touvron et al.
# 2023, arXiv:2307.09288, Table 1); for "flops": GPT-3's 3.14e23 FLOPs (Brown et al. 2020, Table D.1),
# the lecture's fixed workload (estimator/services/limits.py, held to its preset).
DEFAULT_PARAMS = 7e9
DEFAULT_TOKENS = 2e12
DEFAULT_FLOPS = limits.TREND_FLOPS

# The memory inputs' defaults: the core's own (no sharding, no parallelism, no recomputation).
_NO_STRATEGY = Strategy()

# The memory inputs' URL keys, drawn behind the "Training memory" toggle.
MEMORY_KEYS = ("micro_batch", "seq_len", "zero", "act_recompute", "tp", "pp")
MEMORY_DEFAULT_KEY = "_memory_inputs_default"  # the toggle's default: on when the first URL set one

WORKLOADS = ("preset", "params", "flops")
GRID_BY = ("default", "country", "cloud", "g/kWh")
# Bounds for typed values come from estimator/core/bounds.py (the core refuses the same values).


# Inputs that describe how a run was done; a new preset brings its own, so picking one clears them
# (its workload too: a preset's parameters, tokens or FLOPs given are changes to that preset's run).
# Grid and price inputs describe the user's own setting and stay.
PRESET_SCOPED_KEYS = ("hardware", "devices", "utilization", "year", "precision", "power_w", "pue", "params", "tokens", "flops")
# Each workload's own fields and the values they start from when the Workload switch picks it: a
# preset's are empty (its own workload), the others the defaults above.
WORKLOAD_START = {"preset": {"params": None, "tokens": None, "flops": None},
                  "params": {"params": DEFAULT_PARAMS, "tokens": DEFAULT_TOKENS},
                  "flops": {"flops": DEFAULT_FLOPS}}


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


@dataclass(frozen=True)
class ScenarioInputs:
    """What the user chose, and the arguments for ``estimator.services.api.run``."""

    workload: str
    preset_id: str | None
    hardware: str
    run_kwargs: dict[str, Any]
    url_params: dict[str, str] = field(default_factory=dict)  # inputs that differ from the defaults

    def run(self) -> api.Result:
        """The estimate for these inputs (raises EstimatorError on inconsistent inputs)."""
        return api.run(**self.run_kwargs)

    def query_string(self) -> str:
        return urlencode(self.url_params)


def _sig(x: float | None) -> str:
    if x is None:
        return "none"
    return f"{x:,.0f}" if float(x).is_integer() and abs(x) < 1e7 else f"{gfmt(x, 4)}"


def utilization_placeholder(p_in, profile, ph) -> str:
    """What an empty utilisation field means: the preset's value, the fit for this run (its value
    depends on the run's figures, so it is shown with the result, not here), the centre
    hardware without runs takes when it is the same for every run (the flat rule), or the
    profile's stated value."""
    if "utilization" in p_in or profile is None:
        return ph("utilization")
    if profile.utilization.fitted and not same_for_every_run(profile.utilization):
        return "fitted for this run"
    if profile.utilization.fitted:  # the centre chosen for devices without runs takes no covariate
        u = profile.utilization
        return f"{gfmt(u.default, 3)}: {fit_words(u.fit_family, u.borrowed, u.same_chip)}"
    return ph("utilization", profile.utilization.default)


def hardware_select(preset_hardware: str | None, where: Any = st.sidebar, *, only_preset: bool = False) -> str | None:
    """The hardware selectbox (URL key ``hardware``); None means the preset's or the default.
    ``only_preset``: the preset gives only a time on its own hardware (``api.time_only``), which says
    nothing about another device, so the picker offers that hardware alone."""
    ids = [preset_hardware] if only_preset and preset_hardware else c.hardware_ids()
    c.check_profile_link("hardware")  # a profile whose file failed to load: its load error, not "unknown value"
    return c.url_select("Hardware profile", "hardware", ids, help="Profile ids; see the Profiles & sources page. Empty: "
                        "the preset's hardware.", where=where, placeholder=f"{preset_hardware or DEFAULT_HARDWARE} "
                        f"({'preset' if preset_hardware else 'default'})", any_case=True)  # as the CLI reads an id


_drawn = threading.local()  # inputs drawn by app.py for the page now running (one script run per thread)


@contextmanager
def shared_inputs(main: Any = None):
    """app.py draws the scenario widgets once, before the page runs, so that they are the same
    widgets on every scenario page (their values follow the user from page to page); the
    page's ``scenario_inputs()`` then returns these."""
    _drawn.inputs = draw_inputs(main)
    try:
        yield _drawn.inputs
    finally:
        _drawn.inputs = None


def scenario_inputs(main: Any = None) -> ScenarioInputs:
    """The scenario inputs: the ones app.py drew for this run, or drawn now (a page run on
    its own, as in the tests)."""
    drawn = getattr(_drawn, "inputs", None)
    return drawn if drawn is not None else draw_inputs(main)


def draw_inputs(main: Any = None) -> ScenarioInputs:
    """Draw the scenario widgets and return the inputs.

    ``main``: a container for the few controls shown in lecture mode (preset, hardware,
    devices); the other inputs stay in the sidebar."""
    side = st.sidebar
    top = main if main is not None else side
    presets = c.presets()
    if "workload" not in st.session_state and "workload" not in st.query_params and "preset" not in st.query_params:
        # A link with ?flops=… or ?params=… but no ?workload= means that workload; with ?preset=, they
        # change the preset's run (as `estimate --preset … --tokens …` does), drawn below
        inferred = ("flops" if "flops" in st.query_params else
                    "params" if "params" in st.query_params or "tokens" in st.query_params else None)
        if inferred:
            st.session_state["workload"] = inferred
            # written to the address too: if the value that implied it is refused (?flops=abc), the
            # address still reopens this workload, as the page shows it (browser audit)
            st.query_params["workload"] = inferred
    if main is None:
        side.header("Scenario")
    workload = c.url_radio("Workload", "workload", WORKLOADS, default="preset", where=side, on_change=_workload_changed,
                           help="preset: a famous run; params: parameters × tokens (6·N·D); flops: total training FLOPs")
    preset_id = None
    kwargs: dict[str, Any] = {}
    if workload == "preset":
        preset_id = c.url_select("Preset", "preset", list(presets), default=DEFAULT_PRESET, where=top,
                                 on_change=_clear_preset_scoped,
                                 help="Famous runs with published figures (estimator/data/presets.toml). Picking one "
                                      "clears hardware, devices, utilisation, precision, power, PUE and the workload.")
        preset = presets[preset_id]
        if main is None:
            top.caption(c.md_escape(preset.title))
        kwargs.update(preset_workload(preset, side))
    else:
        preset = None
        if workload == "params":
            kwargs["params"] = c.url_number("Parameters N", "params", min_value=B.PARAMS.low, max_value=B.PARAMS.high,
                                            default=DEFAULT_PARAMS, fmt=c.LARGE_NUMBER_FORMAT, where=side,
                                            help="Model parameters; FLOPs = 6·N·D (Kaplan et al. 2020)")
            kwargs["tokens"] = c.url_number("Training tokens D", "tokens", min_value=B.TOKENS.low, max_value=B.TOKENS.high,
                                            default=DEFAULT_TOKENS, fmt=c.LARGE_NUMBER_FORMAT, where=side)
            if c.url_toggle("Activation recomputation (8·N·D)", "recompute", where=side):
                kwargs["recompute"] = True
        else:
            kwargs["flops"] = c.url_number("Training FLOPs", "flops", min_value=B.FLOPS.low, max_value=B.FLOPS.high,
                                           default=DEFAULT_FLOPS, fmt=c.LARGE_NUMBER_FORMAT, where=side)
    only_preset = preset is not None and api.time_only(preset, kwargs)
    hardware = hardware_select(preset.hardware if preset else None, where=top, only_preset=only_preset) or (
        preset.hardware if preset else DEFAULT_HARDWARE)
    profile = c.profiles().profiles.get(hardware)
    # the preset's inputs that apply here: not its device's own on other hardware (Preset.dropped_inputs)
    p_in = {k: v for k, v in preset.inputs.items()
            if k not in preset.dropped_inputs(other_hardware=hardware != preset.hardware, power_given=False)} if preset else {}

    def ph(key, profile_value=None, unit=""):
        if key in p_in:
            return f"{_sig(p_in[key])}{unit} (preset)"
        if profile_value is not None:
            return f"{_sig(profile_value)}{unit} (profile)"
        return "default"

    kwargs["devices"] = c.url_number("Devices", "devices", min_value=B.DEVICES.low, max_value=B.DEVICES.high, integer=True,
                                     placeholder=ph("devices") if "devices" in p_in else f"{Scenario.devices} (default)", where=top,
                                     help="Number of accelerators (or systems) working in parallel")
    side.subheader("Hardware use")
    kwargs["utilization"] = c.url_number(
        "Utilisation (fraction of peak)", "utilization", min_value=B.UTILIZATION.low, max_value=B.UTILIZATION.high, fmt="%.3f", step=0.01,
        placeholder=utilization_placeholder(p_in, profile, ph), where=side,
        help="Model-FLOPs utilisation over the whole run; empty: the preset's value, or the profile's fit "
             f"for this run's {depends_on(profile.utilization.model if profile else None) or 'figures'} (shown with "
             "the result; hardware without runs takes the centre chosen for such devices, the same for every run)")
    kwargs["year"] = c.url_number(
        "Year of the run", "year", min_value=B.YEAR.low, max_value=B.YEAR.high, integer=True,
        placeholder=f"{p_in['year']} (preset)" if "year" in p_in else "unknown (averaged)",
        where=side, help=year_words(profile))
    kwargs["precision"] = c.url_select(
        "Precision", "precision", list(profile.peak_flops_per_s) if profile else [], where=side,
        placeholder=f"{p_in.get('precision') or (profile.default_precision if profile else '')} (default)")
    kwargs["power_w"] = c.url_number("Power per device (W)", "power_w", min_value=B.POWER_W.low, max_value=B.POWER_W.high,
                                     fmt="%.4g", placeholder=ph("power_w", profile.power.average_w if profile else None),
                                     where=side, help="Average draw per device over the run")
    if preset and kwargs["power_w"] not in (None, preset.inputs.get("power_w")):  # another power: its ties go
        p_in = {k: v for k, v in p_in.items() if k not in preset.tied_to_power}
    kwargs["pue"] = c.url_number("PUE", "pue", min_value=B.PUE.low, max_value=B.PUE.high, fmt="%.2f", step=0.01,
                                 placeholder=ph("pue", profile.pue if profile else None), where=side,
                                 help="Data-centre power usage effectiveness (facility energy ÷ IT energy)")
    side.subheader("Grid and price")
    region = cloud = None
    if "grid_by" not in st.session_state and "grid_by" not in st.query_params:
        # A link with ?region=…, ?cloud=… or ?grid=… but no ?grid_by= means that source (as the CLI's flags do).
        for key, source in (("region", "country"), ("cloud", "cloud"), ("grid", "g/kWh")):
            if key in st.query_params:
                st.session_state["grid_by"] = source
                break
    grid_by = c.url_radio("Grid carbon intensity from", "grid_by", GRID_BY, default="default", where=side)
    unset = ("until one is chosen, " + (f"the preset's {_sig(p_in['carbon_intensity_g_per_kwh'])}" if "carbon_intensity_g_per_kwh"
             in p_in else f"the world average, {_sig(DEFAULT_CARBON_INTENSITY_G_PER_KWH)}") + " gCO2e/kWh")  # (user-journey review)
    if grid_by == "country":
        data = c.carbon_data()
        region = c.url_select("Country (ISO 3166 alpha-3)", "region", sorted(data.countries), where=side, any_case=True,
                              placeholder="e.g. FRA", help="CodeCarbon's per-country grid intensity")
        side.caption(c.md_escape(f"{data.countries[region][0]}: {_sig(data.countries[region][1])} gCO2e/kWh" if region
                                 else f"No country: {unset}"))
    elif grid_by == "cloud":
        data = c.carbon_data()
        options = [f"{p}:{r}" for p, r in sorted(data.cloud)]
        cloud = c.url_select("Cloud region", "cloud", options, placeholder="e.g. gcp:europe-west1", where=side, any_case=True)
        if not cloud:
            side.caption(f"No cloud region: {unset}")
    elif grid_by == "g/kWh":
        kwargs["carbon_intensity_g_per_kwh"] = c.url_number(
            "Grid intensity (gCO2e/kWh)", "grid", min_value=B.CARBON_INTENSITY_G_PER_KWH.low, max_value=B.CARBON_INTENSITY_G_PER_KWH.high, fmt="%.4g",
            placeholder=ph("carbon_intensity_g_per_kwh", DEFAULT_CARBON_INTENSITY_G_PER_KWH), where=side)
    kwargs["price_usd_per_device_hour"] = c.url_number(
        "Price (USD per device-hour)", "price", min_value=B.PRICE_USD_PER_DEVICE_HOUR.low, max_value=B.PRICE_USD_PER_DEVICE_HOUR.high, fmt="%.4g",
        placeholder=ph("price_usd_per_device_hour", profile.price.usd_per_device_hour if profile else None), where=side)
    kwargs["electricity_usd_per_kwh"] = c.url_number(
        "Or electricity price (USD/kWh)", "elec", min_value=B.ELECTRICITY_USD_PER_KWH.low, max_value=B.ELECTRICITY_USD_PER_KWH.high, fmt="%.4g",
        placeholder="none", where=side, help="Cost from energy instead of a price per device-hour")

    side.subheader("Embodied carbon and water")
    if not c.url_toggle("Embodied (manufacturing) CO₂e", "embodied", default=True, where=side,
                        help=f"The devices' manufacturing footprint, shared over a {gfmt(embodied.LIFETIME_YEARS)}-year life "
                             f"({gfmt(embodied.LIFETIME_RANGE_YEARS[0])}–{gfmt(embodied.LIFETIME_RANGE_YEARS[1])})"):
        kwargs["embodied"] = False
    kwargs["cooling"] = c.url_select("Data-centre cooling (on-site water)", "cooling", list(COOLING), where=side,
                                     placeholder=(f"{profile.cooling} (profile)" if profile and profile.cooling
                                                  else f"{DEFAULT_COOLING} (default)"),
                                     help="On-site water per kWh by kind of data centre (Li et al. 2023 and "
                                          f"operators' reports); off-site water: the grid's country where Li et al. "
                                          f"give one, else the U.S. average {gfmt(EWIF_L_PER_KWH)} L/kWh")
    # The memory inputs are drawn only when asked for (or when the link sets one): six widgets
    # on every run for a choice most users never make cost each student's run (issue 16).
    st.session_state.setdefault(MEMORY_DEFAULT_KEY, any(k in st.query_params for k in MEMORY_KEYS))
    show_memory = c.url_toggle("Training memory: parallelism and sequence", "memory_inputs",
                               default=st.session_state[MEMORY_DEFAULT_KEY], where=side,
                               help="Off: the core's defaults (micro-batch "
                                    f"{DEFAULT_MICRO_BATCH}, {DEFAULT_SEQ_LEN} tokens or a preset's own, {_NO_STRATEGY.describe()})")
    memory = {} if not show_memory else {
        "micro_batch": c.url_number("Micro-batch (sequences per device)", "micro_batch", min_value=B.MICRO_BATCH.low,
                                    max_value=B.MICRO_BATCH.high, integer=True, placeholder=f"{DEFAULT_MICRO_BATCH} (default)", where=side),
        "seq_len": c.url_number("Sequence length (tokens)", "seq_len", min_value=B.CONTEXT.low, max_value=B.CONTEXT.high,
                                integer=True, placeholder=f"{DEFAULT_SEQ_LEN} or the preset's (default)", where=side),
        "zero": c.url_select("ZeRO stage (3 = FSDP)", "zero", [str(z) for z in ZERO_STAGES],
                             placeholder=f"{_NO_STRATEGY.zero} (default)", where=side),
        "activation_recompute": c.url_select("Activation recomputation (memory)", "act_recompute", list(RECOMPUTE),
                                             placeholder=f"{_NO_STRATEGY.recompute} (default)", where=side),
        "tp": c.url_number("Tensor parallel", "tp", min_value=B.TENSOR_PARALLEL.low, max_value=B.TENSOR_PARALLEL.high,
                           integer=True, placeholder=f"{_NO_STRATEGY.tp} (default)", where=side),
        "pp": c.url_number("Pipeline stages", "pp", min_value=B.PIPELINE_PARALLEL.low,
                           max_value=B.PIPELINE_PARALLEL.high, integer=True, placeholder=f"{_NO_STRATEGY.pp} (default)", where=side),
    }

    run_kwargs = {"hardware": hardware, "preset_id": preset_id, "region": region, "cloud": cloud}
    run_kwargs.update({k: v for k, v in kwargs.items() if v is not None})
    memory = {k: v for k, v in memory.items() if v is not None}
    if memory:
        run_kwargs["memory"] = memory
    # a link's parameters this state does not use: said, and dropped from the address (audit: they had
    # stayed in it with no word, so a link copied from it said what the page did not show)
    for every, used, why in ((ALL_WORKLOAD_KEYS, WORKLOAD_KEYS[workload], f"the workload is '{workload}' (Workload)"),
                             (ALL_GRID_KEYS, GRID_KEYS[grid_by], f"the grid intensity is from '{grid_by}' (Grid "
                                                                  "carbon intensity from)"),
                             (MEMORY_KEYS, MEMORY_KEYS if show_memory else (), "the training-memory inputs are off")):
        c.ignored_url_params([k for k in every if k not in used], why, drop=True)
    keys = ["workload", *WORKLOAD_KEYS[workload], "hardware", "devices", "utilization", "year", "precision", "power_w",
            "pue", "grid_by", *GRID_KEYS[grid_by], "price", "elec"]
    keys += ["embodied", "cooling", "memory_inputs"] + (list(MEMORY_KEYS) if show_memory else [])
    return ScenarioInputs(workload, preset_id, hardware, run_kwargs, _url_params(keys, workload))


# The URL keys each choice of the Workload and grid switches uses; the others are ignored.
WORKLOAD_KEYS = {"preset": ("preset", "params", "tokens", "flops", "recompute"), "params": ("params", "tokens", "recompute"),
                 "flops": ("flops",)}
ALL_WORKLOAD_KEYS = ("preset", "params", "tokens", "flops", "recompute")
GRID_KEYS = {"default": (), "country": ("region",), "cloud": ("cloud",), "g/kWh": ("grid",)}
ALL_GRID_KEYS = ("region", "cloud", "grid")


def _url_params(keys, workload: str = "preset") -> dict[str, str]:
    """The scenario's non-default inputs as URL parameters (the Export tab's link); a preset's workload
    fields have no default but the preset's own (empty), and a changed preset is named even when it is the default."""
    out = {}
    defaults = {"workload": "preset", "grid_by": "default", "recompute": False,
                "embodied": True, "memory_inputs": st.session_state.get(MEMORY_DEFAULT_KEY, False),
                **({} if workload == "preset" else WORKLOAD_START[workload])}
    for key in keys:
        value = st.session_state.get(key) if key != "preset" else preset_in_address(
            workload, st.session_state.get(key), DEFAULT_PRESET, st.session_state)  # the default's too, when changed
        if value is None or value == defaults.get(key):
            continue
        out[key] = url_text(value)
    return out


def url_text(value) -> str:
    """A widget's value as the URL holds it: true/false as the toggles read them, and a number
    with every digit it has, so that the link reopens on the same inputs (1234567 devices, not
    1.23457e+06)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < WHOLE_DIGITS_LIMIT else repr(value)
    return str(value)


def run_or_error(inputs: ScenarioInputs) -> api.Result | None:
    """``inputs.run()``, or None after showing the error (never a traceback). With a preset, its
    workload fields are drawn under it: the hint names them without another Workload choice."""
    try:
        return inputs.run()
    except EstimatorError as exc:
        c.show_error(exc, labels=c.FIELD_LABELS if inputs.workload == "preset" else None)
        return None
