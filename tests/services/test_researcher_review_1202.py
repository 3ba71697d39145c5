"""Researcher review 2026-12-02: a deadline's fewest devices under a split given, a grid intensity's scope, and what a
power given stands for."""

from __future__ import annotations

from estimator import estimate, plan
from estimator.core.base.units import S_PER_DAY


def test_a_deadlines_fewest_devices_under_a_given_split_looks_below_the_ladders_count_before_its_hit():
    """Llama 3.1 70B at TP 8 × PP 4 within 90 days had answered 3,648 H100s (78.4 days): 3,584 take 90.2 days and
    3,456 92.2, but 3,328 87.0 (the batch's whole micro-batches): the time is not monotone in the devices."""
    report = plan(model="llama-3.1-70b", tokens=15e12, deadline_days=90, tp=8, pp=4)
    assert report.devices == 3328 and report.best.estimate.wall_clock_s <= 90 * S_PER_DAY
    more = plan(model="llama-3.1-70b", tokens=15e12, devices=3584, tp=8, pp=4)
    assert more.best.estimate.wall_clock_s > 90 * S_PER_DAY  # the ladder's count before the hit misses it


def test_a_grid_intensitys_source_says_its_scope():
    quebec = estimate(flops=1e21, devices=8, region="quebec").to_dict()
    norway = estimate(flops=1e21, devices=8, country="NOR").to_dict()
    texas = estimate(flops=1e21, devices=8, region="texas").to_dict()

    def source(d):
        return d["assumptions"]["carbon_intensity_g_per_kwh"]["source"]
    assert quebec["co2e_kg"] < norway["co2e_kg"]  # a province's combustion-only figure below a country's life-cycle one
    assert source(quebec).endswith("combustion at the plant only, not life-cycle as a country's figure is)")
    assert "combustion at the plant only" in source(texas)
    assert "(Our World in Data / Ember: life-cycle emissions of every source)" in source(norway)


def test_the_power_given_says_it_holds_the_hosts_share(cli):
    out = cli("estimate", "--help")
    text = " ".join(out.out.split()).replace("nvidia- smi", "nvidia-smi")  # argparse wraps at the hyphen
    assert ("average power per device in W over the run, its share of the server's host (CPUs, memory, fans) included "
            "(what PUE multiplies): a GPU's own reading (nvidia-smi) leaves the host out") in text


def test_a_chinese_provinces_and_a_nordic_zones_source_say_their_scope():
    """Researcher review 2026-12-02 left these unsaid: MEE/NBS count CO₂ at the plant; the Nordic zones are their own
    generation × life-cycle factors, with the sources that have none at zero (SE4: 85% covered, a lower bound)."""
    def source(**where):
        return estimate(flops=1e21, devices=8, **where).to_dict()["assumptions"]["carbon_intensity_g_per_kwh"]["source"]
    assert "(MEE and NBS of China: CO₂ only, at the plant, not life-cycle as a country's figure is)" in source(
        region="beijing")
    se4, se1 = source(country="SWE", region="SE4"), source(country="SWE", region="SE1")
    mix = ("the zone's own generation mix, not its imports, × CodeCarbon's per-source factors (life-cycle for the "
           "low-carbon sources, combustion for the fossil ones), the sources the derivation had no factor for counted "
           "as zero")
    assert mix in se4 and mix in se1


def test_a_zone_whose_generation_is_not_all_covered_by_a_factor_is_called_a_lower_bound():
    """The file's coverage (CodeCarbon 3.3's SE4: "85.05% (uncovered: Other 14.95%)") below 95%: a lower bound."""
    from estimator.io.carbon_data import SCOPE_ZONE_MIX, _tabled

    def row(coverage):
        return {"emission_factor": 25.0, "description": "a zone", "year": 2025, "coverage": coverage}
    zones = _tabled({"data": {"SE4": row("85.05% (uncovered: Other 14.95%)"), "SE1": row("99.59% (uncovered: …)"),
                              "NO9": row("not stated")}}, "3.3", "nordic_emissions.json", "ENTSO-E", SCOPE_ZONE_MIX,
                    by_key=True)
    assert zones["se4"].source.endswith(f"(ENTSO-E: {SCOPE_ZONE_MIX}, a lower bound here with 15% of the generation at "
                                        "zero), 2025")
    assert "lower bound" not in zones["se1"].source and "lower bound" not in zones["no9"].source


def test_a_layout_that_does_not_divide_the_devices_is_refused_where_it_sizes_the_memory_only(cli):
    """App review 2026-12-02: a preset's 10,000 V100s at TP 8 × PP 8 (its time from FLOPs, the layout sizing the
    memory) were held at 156 replicas, 16 devices unaccounted for, where a run the step model times is refused."""
    import pytest

    from estimator.core.base.errors import InputError
    from estimator.services import api
    with pytest.raises(InputError, match="= 64 does not divide the 10,000 devices") as refused:
        api.run(preset_id="gpt3-175b", memory={"tp": 8, "pp": 8, "zero": 3})
    assert {"tp", "pp", "devices"} <= set(refused.value.fields)
    out = cli("estimate", "--preset", "gpt3-175b", "--tp", "8", "--pp", "8", "--zero", "3")
    assert out.code == 2 and out.err.startswith("error: tensor × pipeline × context parallel = 8 × 8 × 1 = 64 does not "
                                                "divide the 10,000 devices")
