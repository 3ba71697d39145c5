"""The Plan page's hardware list and `plan` refuse the same profiles, for the same reason, from one rule
(``why_not_planned``; structure review 2026-11-30: the page had restated the service's rules by hand)."""

import pytest

from estimator.core.base.errors import InputError
from estimator.io.datafiles import default_profiles
from estimator.services.training import plan as plan_service

PROFILES = sorted(default_profiles().profiles)
SMALL = dict(params=1.25e8, layers=12, d_model=768, heads=12, tokens=1e9)


@pytest.mark.parametrize("profile_id", PROFILES)
def test_plan_refuses_exactly_the_profiles_the_rule_names(profile_id):
    profile = default_profiles().get(profile_id)
    why = plan_service.why_not_planned(profile)
    if why is None:
        report = plan_service.plan(hardware=profile_id, devices=1, **SMALL)
        assert report.rows and report.rows[0].planned.layout.devices == 1
        assert set(plan_service.planned_precisions(profile)) <= set(profile.peak_flops_per_s)
    else:
        with pytest.raises(InputError) as err:
            plan_service.plan(hardware=profile_id, devices=1, **SMALL)
        assert str(err.value).startswith(why) and err.value.field == "hardware"


def test_a_profile_without_memory_bandwidth_is_refused_by_plan_as_the_page_leaves_it_out(tmp_path):
    """Diff review 2026-11-30: `plan` had refused such a profile in step_hardware's words, the page in its own."""
    from tests.profile_texts import H100, swap
    text = swap(swap(H100, 'id = "h100-sxm"', 'id = "h100-no-bandwidth"'), "bandwidth_gb_per_s = 3350.0\n", "")
    path = tmp_path / "h100-no-bandwidth.toml"
    path.write_text(text)
    profile = default_profiles().get(str(path))
    why = plan_service.why_not_planned(profile)
    assert why is not None and "memory bandwidth" in why
    with pytest.raises(InputError) as err:
        plan_service.plan(hardware=str(path), devices=1, **SMALL)
    assert str(err.value).startswith(why) and err.value.field == "hardware"


@pytest.mark.parametrize("profile_id", PROFILES)
def test_many_devices_are_laid_out_exactly_where_the_links_are_stated(profile_id):
    profile = default_profiles().get(profile_id)
    if plan_service.why_not_planned(profile) is not None:
        return
    if plan_service.lays_out_many(profile):
        assert plan_service.plan(hardware=profile_id, devices=2, **SMALL).rows
    else:
        with pytest.raises(InputError):
            plan_service.plan(hardware=profile_id, devices=2, **SMALL)


def test_a_tpu_v6e_pod_is_planned_across_its_pods_at_the_published_network():
    """Structure review 2026-11-30: the TPU v6e profile stated its 256-chip pod but not the data-centre network beyond
    it, so `plan` laid out no more than one chip; Google's 25.6 Tbps a pod is 12.5 GB/s a chip."""
    profile = default_profiles().get("tpu-v6e")
    assert profile.scale_out_gb_per_s == pytest.approx(25.6e12 / 8 / 256 / 1e9)
    assert plan_service.lays_out_many(profile)
    in_pod = plan_service.plan(model="llama-3.1-8b", tokens=1e12, hardware="tpu-v6e", devices=256)
    two_pods = plan_service.plan(model="llama-3.1-8b", tokens=1e12, hardware="tpu-v6e", devices=512)
    assert in_pod.rows[0].planned.layout.devices == 256 and two_pods.rows[0].planned.layout.devices == 512
    # across the slower network each chip does no more than inside one pod
    assert two_pods.rows[0].planned.step.tokens_per_s_per_device <= in_pod.rows[0].planned.step.tokens_per_s_per_device
