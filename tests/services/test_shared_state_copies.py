"""API review 2026-11-29: the public API handed out the cached profile and preset objects, whose mappings are plain
dicts: ten times the H100's peaks in a script changed every later estimate, and a preset's FLOPs changed in a result
read 0.355 years for GPT-3 on one V100 in the next. What `load_profile`, `run` and `compare` return is the script's
own copy."""

import pytest

from estimator import compare, estimate, load_profile, profiles, run

YEAR_S = 365.25 * 86400


def test_changing_a_loaded_profile_changes_no_later_estimate():
    before = estimate(flops=1e22, hardware="h100-sxm").wall_clock_s
    p = load_profile("h100-sxm")
    for k in p.peak_flops_per_s:
        p.peak_flops_per_s[k] *= 10
    r = run(flops=1e22, hardware="h100-sxm")
    r.profile.peak_flops_per_s["bf16"] = 1.0
    for rr in compare(["h100-sxm"], flops=1e22).results:
        rr.profile.peak_flops_per_s["bf16"] = 1.0
    profiles().get("h100-sxm").peak_flops_per_s["bf16"] *= 10  # the package's profiles() too (second diff review)
    assert estimate(flops=1e22, hardware="h100-sxm").wall_clock_s == pytest.approx(before, rel=1e-12)
    assert load_profile("h100-sxm").peak_flops_per_s["bf16"] == pytest.approx(9.89e14, rel=1e-3)


def test_changing_a_results_preset_changes_no_later_run():
    r = run(preset_id="lambda-gpt3-v100")
    r.preset.inputs["flops"] = 3.14e20
    r.preset.published["cost_usd"] = 1
    again = run(preset_id="lambda-gpt3-v100")
    assert again.estimate.wall_clock_s / YEAR_S == pytest.approx(355.4, abs=0.1)
    assert again.preset.published["cost_usd"] != 1
