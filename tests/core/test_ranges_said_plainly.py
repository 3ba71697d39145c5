"""Ranges said as they are. A whole run's utilisation never exceeds its matrix multiplies' efficiency: the fitted utilisation's centre and
interval stop at ``UTILIZATION_CEILING``, the step model's fitted GEMM efficiency (researcher review 2026-11-27: an
A100 run's "80% interval 0.31-1.00")."""

from __future__ import annotations

import math

from estimator import estimate
from estimator.core.hardware.utilization_model import UTILIZATION_CEILING
from estimator.io.layouts_data import load_step_fit


def test_the_ceiling_is_the_step_models_fitted_gemm_efficiency():
    gemm = load_step_fit()["params"]["gemm_efficiency"]
    assert UTILIZATION_CEILING == math.floor(gemm * 100) / 100


def test_a_large_runs_interval_stops_at_the_ceiling_and_its_time_range_with_it():
    e = estimate(params=1e12, tokens=1e13, hardware="a100-sxm-80gb", devices=4096)
    u = e.utilization
    assert u.value <= UTILIZATION_CEILING
    peak = e.assumption("peak_flops_per_s").value
    low_s = e.flops / (peak * UTILIZATION_CEILING * 4096)
    assert e.range["wall_clock_s"][0] >= low_s * (1 - 1e-9)
    assert "80% interval 0.31–0.76" in e.assumption("utilization").source


def test_an_embodied_figure_without_a_spread_says_so_not_a_range_of_one_value():
    """Researcher review 2026-11-27: "range 164–164 kg" for the H100's vendor footprint."""
    h100 = estimate(flops=1e22, hardware="h100-sxm").assumption("embodied_kg_co2e_per_device").source
    a100 = estimate(flops=1e22, hardware="a100-sxm-80gb").assumption("embodied_kg_co2e_per_device").source
    assert "164–164" not in h100 and "no range of its own per device" in h100
    assert "range 72–288 kg" in a100
