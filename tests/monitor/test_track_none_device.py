"""With backend='none' no device is looked at: a device's profile is named as given, not as this machine's CPU beside
the device's peak and price (measuring engineer's review 2026-11-30: "device AMD EPYC" beside the H100's $6.88 an hour)."""

import re

import pytest

from estimator import track
from estimator.device.cpu_name import cpu_device_name


def _device(hardware: str) -> str:
    with track(total_steps=12, flops_per_step=1e6, hardware=hardware, backend="none") as run:
        for _ in range(12):
            run.step()
    return run.settings.device_name


def test_a_gpus_profile_is_named_as_given():
    assert _device("h100-sxm") == "NVIDIA H100 SXM 80GB (as given; no device checked)"


def test_a_cpus_profile_is_this_machines_cpu():
    assert _device("cpu-server-2s-epyc") == cpu_device_name()


@pytest.mark.parametrize("hardware, words", [
    ("gaudi3", "hardware gaudi3 is an accelerator: give a CPU profile (e.g. cpu-server-2s-epyc), or backend='none' to "
               "time it (no meter of this tool reads its power)"),
    ("h100-sxm", "hardware h100-sxm is a gpu: give a CPU profile (e.g. cpu-server-2s-epyc), or backend='auto' on the "
                 "machine with that device")])
def test_the_cpus_meter_asked_for_another_device_says_a_way_that_works(hardware, words):
    """API review 2026-12-01: "gaudi3 is a accelerator … backend='auto' on the machine with that device", where auto
    times such a device only."""
    from estimator import InputError, track
    with pytest.raises(InputError, match=re.escape(words)):
        with track(total_steps=20, hardware=hardware, backend="cpu"):
            pass
