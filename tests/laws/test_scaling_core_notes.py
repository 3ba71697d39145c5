"""The scaling audit's findings fixed in the core: a power far below the TDP is noted as one far above it
is, and a brain's energy is said to be metabolic, its CO2e and water the grid's for comparison. (A
preset's utilisation on another precision's peak: tests/core/test_fit_caveats.py.)"""

from __future__ import annotations

import pytest
from apptest_pages import shared_page

from estimator.core.hardware.plausibility import MIN_OF_TDP, power_over_tdp_note
from estimator.services import api
from estimator.services.limits import reports as limits
from estimator.services.serving import inference as serving


def test_a_power_below_any_devices_idle_is_noted():
    # (below 20 W the H100's fp8 peak would be past the peak per watt any profile may state: refused, input fuzz
    # 2026-12-01)
    est = api.run(hardware="h100-sxm", flops=1e21, power_w=25).estimate
    assert ("power 25 W per device is 3.6% of NVIDIA H100 SXM 80GB's TDP (700 W), below what the device draws even "
            "idle (11–16% of its TDP): check the unit (W, not kW) and that it is the device's") in est.notes
    assert est.energy_kwh == pytest.approx(est.device_hours * 25 * est.assumption("pue").value / 1000)  # still used
    served = serving.inference_report(hardware="a100-sxm-80gb", model="llama-3.1-8b", tokens=1e6, power_w=15)
    assert any(n.startswith("power 15 W per device is 3.8% of NVIDIA A100 SXM 80GB's TDP") for n in served.result.notes)
    # at the bound and inside: no note
    assert power_over_tdp_note(MIN_OF_TDP * 700, 700, "x") is None
    assert power_over_tdp_note(350, 700, "x") is None
    assert not any("TDP" in n for n in api.run(hardware="h100-sxm", flops=1e21, power_w=400).estimate.notes)


def test_a_brains_co2e_and_water_are_said_to_be_the_grids_for_comparison():
    est = api.run(hardware="brain", flops=1e21).estimate
    assert est.co2e_kg > 0 and est.water_l > 0
    assert ("a brain's energy is metabolic (food), not grid electricity: its CO2e and water are those of the same "
            "energy drawn from the grid, for comparison") in est.notes
    assert not any("metabolic" in n for n in api.run(hardware="h100-sxm", flops=1e21).estimate.notes)


def test_a_fixed_energys_ranges_say_what_they_are():
    """With the energy fixed, the time's range is the power's (stated for a TPU v4, whose power is its source's
    range), the energy and CO2e exact; the note names the ranges that go into the FLOPs bought: the brain's is its
    peak's, its utilisation being 1."""
    _, e = limits.budget_model("tco2e", 100, "tpu-v4", {"devices": 64})
    assert {k: e.basis(k) for k in ("wall_clock_s", "device_hours", "energy_kwh", "co2e_kg", "cost_usd")} == {
        "wall_clock_s": "stated", "device_hours": "stated", "energy_kwh": "exact", "co2e_kg": "exact",
        "cost_usd": "stated"}
    assert any(n.endswith("the utilisation's range goes into the FLOPs it buys") for n in e.notes)
    _, h100 = limits.budget_model("kwh", 1e6, "h100-sxm", {"devices": 64})
    assert h100.basis("wall_clock_s") == "prediction" and h100.basis("energy_kwh") == "exact"
    _, brain = limits.budget_model("kwh", 100, "brain")
    assert brain.basis("wall_clock_s") == "exact"  # 20 W, no range: the time is exact
    assert any(n.endswith("take the power's range, and the peak's range goes into the FLOPs it buys")
               for n in brain.notes)


def test_contrasts_carry_their_inputs_ranges(cli):
    """Scaling audit: 7,970 brain-years and 50,000× stood alone, though the estimate's energy is 401 MWh – 4.86 GWh
    and AlphaGo's stated power 66 kW – 1 MW."""
    by = {c.key: c for c in limits.contrast_report()}
    gpt3 = api.run(preset_id="gpt3-175b").estimate
    brain_kwh_year = 20 * 8766 / 1000
    low, high = gpt3.range["energy_kwh"]
    assert by["gpt3_brain_years"].range == pytest.approx((low / brain_kwh_year, high / brain_kwh_year))
    assert by["gpt3_brain_years"].range_basis == "prediction"
    assert by["alphago_brain_power_ratio"].range == pytest.approx((66_000 / 20, 1e6 / 20))
    assert by["alphago_brain_power_ratio"].stated
    assert by["world_power_w"].range is None and by["gpt3_published_brain_years"].range is None  # exact inputs
    out = cli("contrasts").out
    # the preset's power is its paper's (no range), so the energy's range is the V100 fit's utilisation interval:
    # σ = 0.380 (ln units) at 3.14 × 10²³ FLOPs, and since issue 53 (1545519) the Epoch rows' multiplier 2.57 in place
    # of the V100's own 3.28: ×/÷ e^(2.57 × 0.380) = 2.66 (was 3.48), 7,970 years → 3,000 – 21,200 years
    assert "7,970 years (range 3,000 years – 21,200 years)   [" in out
    assert "50,000× (range 3,300× – 50,000×) (stated)   [10⁶ W ÷ 20 W]" in out
    assert "[4,000 kWh ÷ 0.48 kWh per brain-day]" in out and "[30,000 TWh/yr ÷ 8,766 h/yr]" in out


def test_limits_page_shows_the_contrast_cards_ranges_in_view():
    """The AlphaGo card's 50,000× is the top of its stated range: the line under the cards says so, as the cost
    cards' line does (before, the range was only in the table below)."""

    at = shared_page("limits", {"lim": "Contrasts"})
    line = next(x.value for x in at.caption if "AlphaGo ÷ brain\\:" in x.value)
    assert "GPT\\-3's real run in brain\\-years\\: 3,000 years – 21,200 years" in line  # the CLI's range above
    assert "AlphaGo ÷ brain\\: 3,300× – 50,000× \\(as its sources state\\)" in line
    assert line.startswith("Ranges \\(80% prediction intervals unless marked\\)")
