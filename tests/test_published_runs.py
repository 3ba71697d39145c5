"""The published runs (estimator/data/published_runs.csv) against the estimator."""

import pytest

from estimator.api import published_device_hours, run_flops, validate_published_runs
from estimator.datafiles import default_profiles, load_published_runs
from estimator.goodput import derive_utilization, whole_run_goodput

CHECKS = {c.run: c for c in validate_published_runs()}


def test_every_run_has_a_source_and_known_hardware():
    profiles = default_profiles().profiles
    runs = load_published_runs()
    assert len(runs) == 11
    for r in runs:
        assert r.source in {"P21", "L20", "N21", "S19", "T23a", "T23b", "Lu22", "OA18", "MLPerf"}
        assert r.hardware_id in profiles


ENERGY_RUNS = ["gpt3-175b", "t5-11b", "meena-2.6b", "llama-65b", "bloom-176b", "bert-base-strubell"]
CO2_RUNS = ENERGY_RUNS + ["llama2-70b"]


@pytest.mark.parametrize("run", ENERGY_RUNS)
def test_energy_from_published_device_hours_within_2pct(run):
    c = CHECKS[run]
    assert c.energy_kwh_from_published_hours == pytest.approx(c.published_energy_kwh, rel=0.02)


@pytest.mark.parametrize("run", CO2_RUNS)
def test_co2e_from_published_device_hours_within_2pct(run):
    c = CHECKS[run]
    assert c.co2e_kg_from_published_hours == pytest.approx(c.published_co2e_kg, rel=0.02)


FLOPS_RUNS = ["gpt3-175b", "gpt3-175b-one-v100", "gpt3-175b-megatron-a100", "t5-11b", "meena-2.6b",
              "llama-65b", "llama2-70b", "bloom-176b", "alexnet"]


def test_runs_with_flops_are_exactly_these():
    # bert-base-strubell and resnet50-imagenet-mlperf publish no FLOPs or token count; their
    # presets take time from the published hours instead.
    assert sorted(r.run for r in load_published_runs() if run_flops(r)) == sorted(FLOPS_RUNS)


@pytest.mark.parametrize("run", FLOPS_RUNS)
def test_device_hours_from_flops_alone_within_35pct_and_inside_range(run):
    c = CHECKS[run]
    assert abs(c.device_hours_error) <= 0.35, f"{run}: {c.device_hours_error:+.0%}"
    assert c.low <= c.published_device_hours <= c.high


def _family_goodputs(hardware_ids):
    profiles = default_profiles().profiles
    out = []
    for r in load_published_runs():
        # Lambda's row is an assumption (28 TFLOPS), not a run; AlexNet's is OpenAI's assumed 33%
        if r.hardware_id in hardware_ids and r.source not in ("L20", "OA18") and run_flops(r):
            out.append(whole_run_goodput(run_flops(r), published_device_hours(r),
                                         profiles[r.hardware_id].peak()))
    return out


@pytest.mark.parametrize("family, ids", [
    ("a100", ("a100-sxm-80gb", "a100-sxm-40gb")),
    ("v100", ("v100-sxm2",)),
    ("tpu-v3", ("tpu-v3",)),
])
def test_profile_utilization_is_derived_from_published_runs(family, ids):
    """Each profile's default and range follow the method in estimator/goodput.py."""
    d = derive_utilization(_family_goodputs(ids))
    p = default_profiles().profiles[ids[0]]
    assert p.utilization.default == pytest.approx(d.default, abs=0.005)
    assert p.utilization.range[0] == pytest.approx(d.low, abs=0.01)
    assert p.utilization.range[1] == pytest.approx(d.high, abs=0.01)
    assert p.utilization.range[0] <= min(d.runs) and max(d.runs) <= p.utilization.range[1]


def test_pooled_default_for_devices_without_runs():
    all_runs = _family_goodputs(("a100-sxm-80gb", "v100-sxm2", "tpu-v3"))
    assert len(all_runs) == 7
    d = derive_utilization(all_runs)
    h100 = default_profiles().profiles["h100-sxm"]
    assert h100.utilization.default == pytest.approx(d.default, abs=0.005)
    assert h100.utilization.range == pytest.approx((min(all_runs), max(all_runs)), abs=0.01)


def test_goodput_numbers():
    # GPT-3 on V100: 3.14e23 / (3.552e6 h × 3600 × 125e12) = 0.196 (P21: 24.6 of 125 TFLOP/s)
    assert whole_run_goodput(3.14e23, 3.552e6, 125e12) == pytest.approx(0.1964, abs=1e-4)
    # LLaMA-65B: 6 × 65.2e9 × 1.4e12 over 1,022,362 A100-hours = 0.477
    assert whole_run_goodput(6 * 65.2e9 * 1.4e12, 1_022_362, 312e12) == pytest.approx(0.4769, abs=1e-4)
