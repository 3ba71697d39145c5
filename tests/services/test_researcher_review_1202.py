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
