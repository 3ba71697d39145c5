"""With backend='none' no device is looked at: a device's profile is named as given, not as this machine's CPU beside
the device's peak and price (measuring engineer's review 2026-11-30: "device AMD EPYC" beside the H100's $6.88 an hour)."""

from estimator import track
from estimator.device.cpu import cpu_device_name


def _device(hardware: str) -> str:
    with track(total_steps=12, flops_per_step=1e6, hardware=hardware, backend="none") as run:
        for _ in range(12):
            run.step()
    return run.settings.device_name


def test_a_gpus_profile_is_named_as_given():
    assert _device("h100-sxm") == "NVIDIA H100 SXM 80GB (as given; no device checked)"


def test_a_cpus_profile_is_this_machines_cpu():
    assert _device("cpu-server-2s-epyc") == cpu_device_name()
