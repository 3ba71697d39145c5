"""What an estimate says about its workload and its utilisation (from a structure audit that split
``estimate`` into stages; the tests hold the results, not how the stages are wired): where the
utilisation came from and its interval, a workload derived from parameters and tokens with full
recomputation, a known run without a utilisation, and the workloads that cannot be estimated."""

from __future__ import annotations

import pytest

from estimator.core.base.errors import InputError
from estimator.core.training.estimate import estimate
from estimator.core.training.inputs import DEFAULT_CARBON_INTENSITY_G_PER_KWH
from estimator.core.training.utilization_choice import utilization_for
from estimator.core.workload.scenario import Scenario
from estimator.io.datafiles import default_profiles


@pytest.fixture(scope="module")
def profiles():
    return default_profiles().profiles


def test_a_fitted_utilisation_has_its_interval_and_a_given_one_is_said_to_lie_outside_it(profiles):
    p = profiles["a100-sxm-80gb"]
    fitted = utilization_for(Scenario(flops=1e22), p, 1e22)
    assert fitted.origin.startswith("fit:")
    low, high = fitted.info.fit_interval
    assert low < fitted.value < high and all(side > 0 for side in fitted.log_sides)
    given = utilization_for(Scenario(flops=1e22, utilization=0.9), p, 1e22)
    assert (given.value, given.origin) == (0.9, "user")
    assert given.note and "outside the fitted" in given.note  # 0.9 is far above an A100's fitted interval
    assert given.log_sides == fitted.log_sides  # the fit's run-to-run spread, around the given centre
    e = estimate(Scenario(flops=1e22, utilization=0.9), p)
    assert given.note in e.notes and {a.name: a for a in e.assumptions}["utilization"].value == 0.9


def test_parameters_and_tokens_with_recomputation_make_the_workload_and_its_time(profiles):
    p = profiles["a100-sxm-80gb"]
    e = estimate(Scenario(params=7e9, tokens=2e12, recompute=True, devices=64), p)
    said = {a.name: a for a in e.assumptions}
    assert (e.devices, e.precision) == (64, p.default_precision)
    assert e.flops == pytest.approx(8 * 7e9 * 2e12) and said["flops"].origin == "derived"
    # the time is the 6·N·D of useful work at the utilisation, which already counts the recomputation
    assert e.time_flops == pytest.approx(6 * 7e9 * 2e12)
    assert any(n.startswith("full recomputation") for n in e.notes)
    assert e.utilization is not None and said["utilization"].origin.startswith("fit:")
    assert e.achieved_flops_per_s * e.device_hours * 3600 == pytest.approx(e.flops)  # recomputation counted
    assert said["carbon_intensity_g_per_kwh"].value == DEFAULT_CARBON_INTENSITY_G_PER_KWH
    assert e.price_basis != "electricity"  # no electricity price given


def test_a_known_runs_time_takes_no_utilisation(profiles):
    e = estimate(Scenario(hours=100, devices=8), profiles["h100-sxm"])
    assert e.utilization is None and e.time_flops is None and e.flops is None
    assert e.device_hours == pytest.approx(800)


@pytest.mark.parametrize("kw, field", [
    (dict(), ("flops", "params", "preset", "hours", "device_hours")),
    (dict(flops=10, devices=100), ("flops", "devices")),
    (dict(flops=1e22, precision="fp64"), "precision"),  # a TPU v4 has no fp64 peak
])
def test_a_workload_that_cannot_be_estimated_is_refused_naming_its_inputs(profiles, kw, field):
    with pytest.raises(InputError) as e:
        estimate(Scenario(**kw), profiles["tpu-v4"])
    assert e.value.field == field
