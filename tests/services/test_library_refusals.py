"""The conventions audit's findings (2026-11-25): library functions that returned inf, NaN, an
empty report or numpy's own error now refuse the input in the project's words; the compute-optimal
split and its estimate come from one service for the CLI and the Limits page."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fake_nvml import FakeClock, FakeGpu

from estimator.core.base import bounds as B
from estimator.core.base.errors import InputError, MeasurementError
from estimator.core.training.sweep import sweep
from estimator.core.workload.flops import dense_training_flops, generic_training_flops
from estimator.device.nvml import NvmlBackend
from estimator.laws import scaling
from estimator.services import api
from estimator.services.limits import reports as limits

SWEEP = dict(peak_flops_per_s=1e14, utilization=0.3, devices=1, power_w=300.0, pue=1.1,
             carbon_intensity_g_per_kwh=400.0)


def test_training_flops_refuse_inputs_past_their_bounds_instead_of_inf():
    assert dense_training_flops(7e9, 2e12) == pytest.approx(6 * 7e9 * 2e12)
    assert generic_training_flops(1e9, 1e6, 2) == pytest.approx(3 * 1e9 * 1e6 * 2)
    with pytest.raises(InputError, match=r"params must be at least 1 and at most 10¹⁶") as exc:
        dense_training_flops(1e300, 1e9)  # returned inf
    assert exc.value.field == "params"
    with pytest.raises(InputError, match="tokens must be a finite number"):
        dense_training_flops(1e9, math.nan)
    with pytest.raises(InputError, match="examples must be at least 1"):
        generic_training_flops(1e9, 0.5, 1)
    # every input at its bound: the product is finite (the bounds are chosen so) but past the FLOPs' bound, and refused
    # as the scenario refuses it, the two inputs named (API review 2026-11-29: the helper returned 6 × 10³³)
    assert math.isfinite(8 * B.PARAMS.high * B.TOKENS.high)
    with pytest.raises(InputError, match="the FLOPs from the parameters and tokens, 8 × ") as exc:
        dense_training_flops(B.PARAMS.high, B.TOKENS.high, recompute=True)
    assert exc.value.field == ("params", "tokens")
    with pytest.raises(InputError, match="the FLOPs of the network, 3 × ") as exc:
        generic_training_flops(1e18, 1e15, 1e6)


def test_sweep_names_shapes_that_cannot_broadcast_and_refuses_an_empty_sweep():
    out = sweep(flops=np.array([1e20, 1e21]), **{**SWEEP, "devices": np.array([[1], [2], [4]])})
    assert out["wall_clock_s"].shape == (3, 2)  # broadcasting still works
    with pytest.raises(InputError, match=r"cannot be broadcast together: flops \(2,\), devices \(3,\)"):
        sweep(flops=np.array([1e20, 1e21]), **{**SWEEP, "devices": np.array([1, 2, 3])})
    with pytest.raises(InputError, match="no scenario"):
        sweep(flops=np.array([]), **SWEEP)


def test_compare_needs_a_profile_and_a_given_grid_intensity_is_checked_where_it_is_resolved():
    with pytest.raises(InputError, match="at least one profile"):
        api.compare([])
    with pytest.raises(InputError, match="finite number") as exc:
        api.resolve_grid(carbon_intensity_g_per_kwh=math.nan)  # returned (nan, "given")
    assert exc.value.field == "carbon_intensity_g_per_kwh"
    with pytest.raises(InputError, match="at most 2000"):
        api.resolve_grid(carbon_intensity_g_per_kwh=5000)
    assert api.resolve_grid(carbon_intensity_g_per_kwh=300) == (300.0, "given")


def test_the_compute_optimal_split_and_its_estimate_come_from_one_service():
    model, est, omitted = limits.flops_model(1e21, "h100-sxm")
    assert model == scaling.chinchilla(1e21) and omitted is None
    assert est.flops == pytest.approx(1e21)
    assert est.wall_clock_s == pytest.approx(limits.estimate_flops(1e21, "h100-sxm").wall_clock_s)
    assert limits.flops_model(1e21) == (model, None, None)  # no hardware: the split alone
    beyond = B.FLOPS.high * 10
    model, est, omitted = limits.flops_model(beyond, "h100-sxm")
    assert est is None and omitted == limits.beyond_estimate_note() and model.flops == beyond
    with pytest.raises(Exception, match="no-such-gpu"):  # past the bound the hardware is still checked
        limits.flops_model(beyond, "no-such-gpu")


def test_a_gpu_that_reads_zero_power_is_refused_not_a_measured_zero():
    """A counter that does not move and power reads of 0 W (some virtual GPUs): 0 J is no measurement."""
    for has_counter in (True, False):
        clock = FakeClock()
        backend = NvmlBackend(FakeGpu(clock, power_w=0.0, has_counter=has_counter).module(), clock=clock,
                              poll_in_thread=False)
        backend.begin_window()
        for _ in range(3):
            clock.advance(0.1)
            backend.poll()
        with pytest.raises(MeasurementError, match=r"NVML reported 0\.0 J over 0\.3 s .*could not be read here"):
            backend.end_window()
        backend.close()


@pytest.mark.parametrize("call, fields", [
    (lambda: limits.flops_model(1e22, method="fit", tokens_per_param=5), ("tokens_per_param", "method")),
    (lambda: limits.budget_model("usd", 1e6, "h100-sxm", method="fit", tokens_per_param=5), ("tokens_per_param", "method")),
    (lambda: limits.flops_model(1e22, setting={"devices": 8}), ("devices", "hardware")),
    (lambda: limits.flops_model(1e22, setting={"utilization": 0.3, "pue": 1.2}), ("pue", "utilization", "hardware")),
    (lambda: limits.budget_model("usd", 1e6, None), ("hardware",)),
])
def test_the_scaling_services_refuse_what_the_cli_refuses(call, fields):
    """Code review 2026-11-28: `scaling chinchilla` refused a tokens-per-parameter ratio beside the fit's method and a
    setting without hardware; the services behind it (and the app's Limits page) took the first and dropped the second
    silently. Refused in the service, so the API, the app and the CLI refuse the same."""
    from estimator.core.base.errors import InputError
    with pytest.raises(InputError) as caught:
        call()
    assert caught.value.fields == fields


def test_the_fits_method_alone_and_a_ratio_alone_are_taken():
    assert limits.flops_model(1e22, method="fit")[0] == scaling.chinchilla(1e22, "fit", scaling.CHINCHILLA_TOKENS_PER_PARAM)
    assert limits.flops_model(1e22, tokens_per_param=5)[0] == scaling.chinchilla(1e22, "tokens-per-param", 5)
    assert limits.flops_model(1e22, setting={"devices": None})[1] is None   # a setting left unset is no setting


@pytest.mark.parametrize("setting", [[1], "devices", {"a": 1}])
def test_a_bad_setting_without_hardware_is_refused_as_with_it(setting):
    """Code review 2026-11-28: the setting-without-hardware refusal read the setting before checking it, so a list
    escaped as an AttributeError and an unknown key was called a setting of the price."""
    from estimator.core.base.errors import InputError
    with pytest.raises(InputError) as without:
        limits.flops_model(1e22, setting=setting)
    with pytest.raises(InputError) as with_hardware:
        limits.flops_model(1e22, "h100-sxm", setting=setting)
    assert str(without.value) == str(with_hardware.value)


@pytest.mark.parametrize("name, bad", [("peak_flops_per_s", 0), ("peak_flops_per_s", [float("nan")]),
                                       ("devices", [-1]), ("power_w", 0), ("carbon_intensity_g_per_kwh", -1),
                                       ("flops", float("nan"))])
def test_a_sweeps_refusal_names_its_input(name, bad):
    """Researcher review 2026-11-29: `sweep(peak_flops_per_s=0)` was refused with no field named."""
    given = dict(flops=[1e21], peak_flops_per_s=[989e12], utilization=[0.4], devices=[8], power_w=[700], pue=[1.1],
                 carbon_intensity_g_per_kwh=[400])
    with pytest.raises(InputError) as e:
        sweep(**{**given, name: bad})
    assert e.value.field == name
