"""The scenario inputs (sidebar), every one bound to the URL, and the call into the core.

``scenario_inputs()`` draws the widgets and returns a :class:`ScenarioInputs`; its
``run_kwargs`` go to ``estimator.services.api.run`` exactly as the CLI's flags do, so the app and
``python -m estimator estimate`` give the same numbers for the same inputs. An empty field
means "the preset's or the profile's value", as an omitted CLI flag does; the placeholder
says which value that is.

``draw_inputs`` composes the sidebar's sections, each drawn by its own module: the workload
(``workload``), the hardware and its use (``hardware``), the grid, prices, embodied carbon and water
(``site``) and the training memory (``memory``), each in ``app_pages/inputs/``; ``links`` drops a link's
unused parameters and builds the Export tab's link, ``placeholders`` says what an empty field means.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from app_pages.inputs.defaults import (  # noqa: F401 (re-exported)
    DEFAULT_HARDWARE,
    DEFAULT_PARAMS,
    DEFAULT_PRESET,  # noqa: F401 (re-exported)
)
from app_pages.inputs.hardware import (
    HardwareChoice,
    HardwareUse,
    draw_hardware,
    draw_hardware_use,
    hardware_select,  # noqa: F401 (re-exported: the Profiles page draws it)
)
from app_pages.inputs.links import (
    address_keys,
    drop_unused_link_params,
    url_params,
    url_text,  # noqa: F401 (re-exported)
)
from app_pages.inputs.memory import MemoryChoice, draw_memory
from app_pages.inputs.site import GridChoice, draw_footprint, draw_grid, draw_prices
from app_pages.inputs.workload import WorkloadChoice, draw_workload
from app_pages.ui import common as c
from estimator.core.base.errors import EstimatorError
from estimator.services import api
from estimator.services import inputs as I


@dataclass(frozen=True)
class Sections:
    """What each of the sidebar's sections returned, in the order they are drawn."""

    workload: WorkloadChoice
    hardware: HardwareChoice
    use: HardwareUse
    grid: GridChoice
    prices: dict[str, Any]
    footprint: dict[str, Any]
    memory: MemoryChoice


@dataclass(frozen=True)
class ScenarioInputs:
    """What the user chose, and the arguments for ``estimator.services.api.run``."""

    workload: str
    preset_id: str | None
    hardware: str
    run_kwargs: dict[str, Any]
    url_params: dict[str, str] = field(default_factory=dict)  # inputs that differ from the defaults
    sections: Sections | None = field(default=None, compare=False, repr=False)  # what each section returned

    def run(self) -> api.Result:
        """The estimate for these inputs (raises EstimatorError on inconsistent inputs, and on a run under one
        device-millisecond, as the CLI's `estimate`: ``api.estimated``)."""
        return api.estimated(api.run(**self.run_kwargs))

    def query_string(self) -> str:
        return urlencode(self.url_params)


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
    """Draw the scenario widgets, section by section in the sidebar's order, and return the inputs.

    ``main``: a container for the few controls shown in lecture mode (preset, hardware,
    devices); the other inputs stay in the sidebar."""
    side = st.sidebar
    top = main if main is not None else side
    workload = draw_workload(side, top, lecture=main is not None)
    hardware = draw_hardware(workload, top)
    use = draw_hardware_use(side, workload.preset, hardware)
    grid = draw_grid(side, use.shown)
    prices = draw_prices(side, use.shown, hardware.profile)
    footprint = draw_footprint(side, hardware.profile)
    memory = draw_memory(side)
    run_kwargs = scenario_run_kwargs(workload, hardware, use, grid, prices, footprint, memory)
    drop_unused_link_params(workload.workload, grid.grid_by, memory.shown)
    keys = address_keys(workload.workload, grid.grid_by, memory.shown)
    if workload.model:  # the model gives the parameters: a value the field kept is no input of this scenario
        keys = [k for k in keys if k != I.PARAMS.url_key]
    return ScenarioInputs(workload.workload, workload.preset_id, hardware.hardware, run_kwargs,
                          url_params(keys, workload.workload),
                          Sections(workload, hardware, use, grid, prices, footprint, memory))


def scenario_run_kwargs(workload: WorkloadChoice, hardware: HardwareChoice, use: HardwareUse, grid: GridChoice,
                        prices: dict[str, Any], footprint: dict[str, Any], memory: MemoryChoice) -> dict[str, Any]:
    """The sections' inputs as ``api.run``'s arguments: an empty field is left out (the preset's, the
    profile's or the core's value applies, as an omitted CLI flag does)."""
    run_kwargs = {"hardware": hardware.hardware, "preset_id": workload.preset_id, "country": grid.country,
                  "region": grid.region, "cloud": grid.cloud}
    for part in (workload.kwargs, hardware.kwargs, use.kwargs, grid.kwargs, prices, footprint):
        run_kwargs.update({k: v for k, v in part.items() if v is not None})
    if memory.values or workload.model:  # a catalog model's shape is the memory's and the step model's, as --model
        run_kwargs["memory"] = {**({"model": workload.model} if workload.model else {}), **memory.values}
    run_kwargs.update(memory.step)  # the step model's inputs: api.run's keywords, as the CLI's flags
    return run_kwargs


def run_or_error(inputs: ScenarioInputs) -> api.Result | None:
    """``inputs.run()``, or None after showing the error (never a traceback). With a preset, its
    workload fields are drawn under it: the hint names them without another Workload choice."""
    try:
        return inputs.run()
    except EstimatorError as exc:
        c.show_error(exc, labels=c.FIELD_LABELS if inputs.workload == "preset" else None)
        return None
