"""The 17 profiles added for issue 14: they load, every figure has its source, and the
embodied figures are those of the research table (vendor PCF, LCA or the ACT model)."""

import pytest

from estimator.core.base.units import S_PER_HOUR, W_PER_KW
from estimator.io.datafiles import PROFILES_DIR, default_profiles, load_profile_file
from estimator.services import api
from estimator.services.training.runs import training_runs

NEW = ("p100", "k80", "gtx-1080-ti", "rtx-3090", "rtx-4090", "titan-v", "t4", "l4", "l40s", "a10g", "a800", "h800",
       "mi250x", "mi300x", "gaudi2", "gaudi3", "tpu-v6e")
# kg CO2e per device and basis (research notes, embodied.csv); None: no published figure (fallback)
EMBODIED = {"p100": (10.8, "die-area-model"), "gtx-1080-ti": (8.3, "die-area-model"),
            "rtx-3090": (13.3, "die-area-model"), "rtx-4090": (18.8, "die-area-model"),
            "titan-v": (13.7, "die-area-model"), "t4": (9.8, "die-area-model"), "l4": (10.1, "die-area-model"),
            "l40s": (20.6, "die-area-model"), "a10g": (13.3, "die-area-model"), "a800": (25.2, "die-area-model"),
            "h800": (28.7, "die-area-model"), "tpu-v6e": (692.0, "lca"), "k80": None, "mi250x": None,
            "mi300x": None, "gaudi2": None, "gaudi3": None,
            # existing profiles with a figure
            "h100-sxm": (164.0, "vendor-pcf"), "b200": (284.25, "vendor-pcf"), "a100-sxm-40gb": (127.6, "lca"),
            "v100-sxm2": (15.2, "die-area-model"), "tpu-v3": (13.6, "die-area-model")}


@pytest.mark.parametrize("pid", NEW)
def test_new_profile_loads_with_every_figure_sourced(pid):
    p = load_profile_file(PROFILES_DIR / f"{pid}.toml")
    assert p.id == pid and p.release_year and p.kind in ("gpu", "tpu", "accelerator")
    assert p.peak_source and p.memory_source and p.power.source and p.price.basis and p.price.source
    assert p.memory_gb and p.memory_bandwidth_gb_per_s
    assert p.utilization.fitted  # the fitted model or a neighbour's fit (profiles/README.md)
    if p.price.usd_per_device_hour is not None:
        assert p.price.date


@pytest.mark.parametrize("pid, expected", sorted(EMBODIED.items()))
def test_embodied_figures_are_the_research_tables(pid, expected):
    p = default_profiles().get(pid)
    if expected is None:
        assert p.embodied is None
    else:
        assert (p.embodied.kg_co2e, p.embodied.basis) == expected
        assert p.embodied.source and p.embodied.scope


def test_a800_and_h800_are_fitted_in_their_chips_families():
    """The H800 is the H100's chip: DeepSeek's H800 runs now count in the H100 family's fit."""
    ps = default_profiles()
    assert ps.get("h800").utilization.family == "h100" and not ps.get("h800").utilization.borrowed
    assert ps.get("a800").utilization.family == "a100"
    model = ps.get("h100-sxm").utilization.model
    h100 = model.families["h100"]
    deepseek_h800 = {r.name for r in training_runs().runs if r.hardware_id == "h800"}
    assert len(deepseek_h800) == 3 and deepseek_h800 <= set(h100.runs)
    assert h100.n_runs == len(h100.runs)


@pytest.mark.parametrize("pid", NEW)
def test_every_new_device_estimates_from_its_own_profile(pid):
    """Time = 6·N·D ÷ (the profile's peak × the fitted utilisation × devices); device-hours, energy
    and cost follow from it with the profile's power and PUE (the arithmetic of estimator/core/training/compute.py)."""
    p = default_profiles().get(pid)
    e = api.run(hardware=pid, params=1e9, tokens=2e10, devices=8, price_usd_per_device_hour=1.0).estimate
    flops = 6 * 1e9 * 2e10
    assert e.precision == p.default_precision and e.utilization.value == p.utilization.predict(flops, None).center
    assert e.wall_clock_s == pytest.approx(flops / (p.peak(e.precision) * e.utilization.value * 8), rel=1e-9)
    assert e.device_hours == pytest.approx(e.wall_clock_s * 8 / S_PER_HOUR, rel=1e-9)
    assert e.cost_usd == pytest.approx(e.device_hours * 1.0, rel=1e-9)
    assert e.energy_kwh == pytest.approx(e.device_hours * p.power.average_w / W_PER_KW * p.pue, rel=1e-9)
    assert e.embodied_co2e_kg > 0 and e.water_l > 0 and e.memory is not None


def test_h800_figures_are_the_h100s_with_the_interconnect_cut():
    h800, h100 = default_profiles().get("h800"), default_profiles().get("h100-sxm")
    assert h800.peak("bf16") == h100.peak("bf16") == 9.89e14
    assert h800.memory_gb == 85.52 and h800.power.tdp_w == 700.0
