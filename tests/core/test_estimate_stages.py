"""The estimate's stages (structure audit §5): ``utilization_for`` names what it returns, and
``estimate`` is a few named stages (``estimate_inputs``, ``estimate``'s own time-and-energy and
ranges, ``estimate_words``) whose parts agree with the estimate they make."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from estimator.core.base.errors import InputError
from estimator.core.training.estimate import estimate
from estimator.core.training.inputs import (
    DEFAULT_CARBON_INTENSITY_G_PER_KWH,
    resolve_workload,
    site_inputs,
    time_basis,
)
from estimator.core.training.utilization_choice import UtilizationChoice, UtilizationInfo, utilization_for
from estimator.core.workload.scenario import Scenario
from estimator.io.datafiles import default_profiles

CORE = Path(__file__).resolve().parents[2] / "estimator" / "core"


@pytest.fixture(scope="module")
def profiles():
    return default_profiles().profiles


def test_utilization_for_returns_named_fields(profiles):
    p = profiles["a100-sxm-80gb"]
    fitted = utilization_for(Scenario(flops=1e22), p, 1e22)
    assert isinstance(fitted, UtilizationChoice) and dataclasses.is_dataclass(fitted)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fitted.value = 0.5
    assert fitted.origin.startswith("fit:") and isinstance(fitted.info, UtilizationInfo)
    low, high = fitted.info.fit_interval
    assert low < fitted.value < high and all(side > 0 for side in fitted.log_sides)
    given = utilization_for(Scenario(flops=1e22, utilization=0.9), p, 1e22)
    assert (given.value, given.origin) == (0.9, "user")
    assert given.note and "outside the fitted" in given.note  # 0.9 is far above an A100's fitted interval
    assert given.log_sides == fitted.log_sides  # the fit's run-to-run spread, around the given centre


def test_the_stages_agree_with_the_estimate(profiles):
    p = profiles["a100-sxm-80gb"]
    s = Scenario(params=7e9, tokens=2e12, recompute=True, devices=64)
    w = resolve_workload(s, p)
    assert (w.devices, w.devices_set, w.time_given, w.precision) == (64, True, False, p.default_precision)
    assert w.flops == pytest.approx(8 * 7e9 * 2e12) and w.flops_assumption.origin == "derived"
    t = time_basis(s, p, w)
    assert t.time_flops == pytest.approx(6 * 7e9 * 2e12) and t.recompute_note.startswith("full recomputation")
    site = site_inputs(s, p)
    assert site.carbon_intensity_g_per_kwh.value == DEFAULT_CARBON_INTENSITY_G_PER_KWH and site.pricing.usd_per_kwh is None
    e = estimate(s, p)
    assert e.time_flops == t.time_flops and e.utilization == t.choice.info and t.recompute_note in e.notes
    said = {a.name: a for a in e.assumptions}
    assert (said["utilization"].value, said["utilization"].source) == (t.choice.value, t.choice.source)
    assert said["power_w"].value == site.power_w.value and e.price_basis == site.pricing.basis


def test_a_known_runs_time_takes_no_utilisation(profiles):
    p = profiles["h100-sxm"]
    s = Scenario(hours=100, devices=8)
    w = resolve_workload(s, p)
    t = time_basis(s, p, w)
    assert w.time_given and w.flops is None and t.choice is None and t.time_flops is None
    assert estimate(s, p).utilization is None


@pytest.mark.parametrize("kw, field", [
    (dict(), ("flops", "params", "preset", "hours", "device_hours")),
    (dict(flops=10, devices=100), ("flops", "devices")),
    (dict(flops=1e22, precision="fp64"), "precision"),  # a TPU v4 has no fp64 peak
])
def test_the_workload_stage_refuses_what_cannot_be_estimated(profiles, kw, field):
    with pytest.raises(InputError) as e:
        resolve_workload(Scenario(**kw), profiles["tpu-v4"])
    assert e.value.field == field


def _function_lines(path: Path, name: str) -> int:
    node = next(n for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(n, ast.FunctionDef) and n.name == name)
    return node.end_lineno - node.lineno + 1


def test_the_stages_stay_small():
    for module in ("estimate.py", "estimate_inputs.py", "estimate_words.py", "utilization_choice.py"):
        assert len((CORE / module).read_text(encoding="utf-8").splitlines()) <= 400, module
    assert _function_lines(CORE / "estimate.py", "estimate") <= 60
    for path in (CORE / "estimate.py", CORE / "estimate_inputs.py", CORE / "estimate_words.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                assert ast.get_docstring(node), f"{path.name}: {node.name} has no docstring"
