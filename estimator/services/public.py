"""The public face's own calls (``from estimator import estimate, load_profile``): the same inputs and
checks as the CLI, through the same service layer (``api.run``), for a user's script."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

from estimator.core.base.errors import InputError
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.training.estimate import Estimate
from estimator.core.training.estimate import estimate as core_estimate
from estimator.core.workload.scenario import Scenario
from estimator.io.datafiles import default_profiles
from estimator.services import api
from estimator.services.rows import compared_ids
from estimator.services.workload_inputs import compare_kwargs, run_estimate


def load_profile(hardware: str | Path | HardwareProfile) -> HardwareProfile:
    """A hardware profile by id ("h100-sxm"), by name as people write it ("NVIDIA A100 SXM4 80 GB"), or by
    the path of a profile file; a ``HardwareProfile`` is returned as it is."""
    if isinstance(hardware, HardwareProfile):
        return hardware
    if isinstance(hardware, Path):
        hardware = str(hardware)
    # a copy: the loaded profiles are cached and shared by every later call, and a profile's mappings (its peaks) are
    # plain dicts a script could change (API review 2026-11-29: ten times the H100's peaks changed every later estimate)
    return copy.deepcopy(default_profiles().get(hardware))


def profiles():
    """The hardware profiles, the bundled ones and those calibrated on this machine (``ProfileSet``: ``.profiles`` by
    id, ``.get(id or name or file)``; API review 2026-12-01: "bundled" alone), a copy of
    the cached set: a script that changes one changes no later estimate (second diff review 2026-11-29: ten times the
    H100's peaks through ``estimator.profiles()`` had changed every later call)."""
    return copy.deepcopy(default_profiles())


def estimate(scenario: Scenario | None = None, profile: str | Path | HardwareProfile | None = None, /,
             **inputs) -> Estimate:
    """One training run's estimate, either from the CLI's inputs by name (``estimate(flops=1e23,
    hardware="h100-sxm", devices=64)``, ``estimate(model="llama-3.1-70b", tokens=15e12, devices=1024, tp=8)``:
    ``workload_inputs.ESTIMATE_KEYWORDS``, each flag's name with ``_`` for ``-``, ``preset_id`` for ``--preset``,
    run as the CLI runs them) or ``api.run``'s own (``memory={...}``, ``params_model``; not mixed with the former),
    or from a ``Scenario`` and a profile (an id, a file or a ``HardwareProfile``)."""
    if scenario is None and profile is None:
        return run(**inputs).estimate
    if inputs:
        raise InputError("give a Scenario and a profile, or keyword inputs, not both")
    if not isinstance(scenario, Scenario):
        raise InputError(f"expected a Scenario, got {type(scenario).__name__}")
    if profile is None:
        raise InputError("a Scenario needs a hardware profile: an id, a profile file or a HardwareProfile",
                         field="hardware")
    hw = load_profile(profile)
    # what the keyword form refuses of a scenario on this profile (API review 2026-11-29: a 2015 run on an H100 passed)
    api.check_year_after_release(scenario, hw)
    if scenario.grid_country is not None:
        # a country the grid data does not know, refused as `--country` refuses it (input fuzz 2026-12-01: 'nope' was
        # taken, its water the U.S. average's); a name it knows, refused for its code, which the scenario holds
        from estimator.services.grid import place
        code = place(scenario.grid_country).country
        if code != scenario.grid_country:
            raise InputError(f"grid_country is the grid's ISO 3166 alpha-3 code: give {code!r}, not "
                             f"{scenario.grid_country!r}", field="grid_country")
    est = core_estimate(scenario, hw)
    api.refuse_under_a_device_millisecond(est, scenario)  # as the keyword form (parity review 2026-12-03)
    return est


def run(**inputs) -> api.Result:
    """The whole ``Result`` (the estimate, the scenario, the profile, a preset's published figures) from the same inputs
    as ``estimate``: the CLI's by name (``run(model="llama-3.1-8b", tokens=1e12, devices=64)``, as
    ``workload_inputs.ESTIMATE_KEYWORDS``) or ``api.run``'s own (``memory={...}``, ``params_model``; not mixed with
    the former). Researcher review 2026-11-27: ``run`` took ``api.run``'s alone, and refused ``model=``."""
    return _own(api.estimated(api.run(**inputs) if set(inputs) <= set(api.RUN_KEYWORDS) else run_estimate(**inputs)))


def _own(result: api.Result) -> api.Result:
    """The result with its own copies of the profile and the preset: both are cached and shared by every later call,
    and their mappings are plain dicts a script could change (API review 2026-11-29: lambda-gpt3-v100's FLOPs set to
    3.14e20 in a result read 0.355 years in the next estimate)."""
    return replace(result, profile=copy.deepcopy(result.profile), preset=copy.deepcopy(result.preset))


def compare(hardware_ids=None, **inputs) -> api.CompareReport:
    """One workload on several profiles (``api.compare``), from the CLI's inputs by name as ``estimate`` takes them: a
    catalog ``model`` (and ``seq_len``) times each profile with the step model over the layout given (``tp``, ``zero``,
    …, ``global_batch_tokens``, ``vp``) or else its planner's best layout, as
    ``estimate(model=…)`` does (``workload_inputs.compare_kwargs``); ``api.compare``'s own keywords as they are.
    ``hardware_ids`` None: every bundled profile but the reference points, as `compare` without `--hardware` (contract
    review 2026-11-29: the API had raised a TypeError where the CLI compared all)."""
    if hardware_ids is None:
        hardware_ids = compared_ids(default_profiles().profiles)
    report = api.compare(hardware_ids, **compare_kwargs(**inputs))
    return replace(report, results=tuple(_own(r) for r in report.results))
