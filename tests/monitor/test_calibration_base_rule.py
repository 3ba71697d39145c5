"""The base profile a calibration starts from, one rule for `calibrate` and the Calibrate page (structure review
2026-11-30: the page had taken the CPU server profile itself)."""

import pytest

from estimator.core.base.errors import InputError
from estimator.io.datafiles import default_profiles
from estimator.monitor.calibration_run import base_profile


def test_the_base_given_else_the_one_the_devices_name_gives():
    ps = default_profiles()
    assert base_profile(ps, "a100-sxm-80gb", "gpu", "NVIDIA H100 80GB HBM3").id == "a100-sxm-80gb"
    assert base_profile(ps, None, "gpu", "NVIDIA H100 80GB HBM3").id == "h100-sxm"
    assert base_profile(ps, None, "cpu", "AMD EPYC 7R13 Processor").id == "cpu-server-2s-epyc"
    with pytest.raises(InputError) as err:
        base_profile(ps, None, "gpu", "Some Unknown Accelerator 9000")
    assert err.value.field == "base"
