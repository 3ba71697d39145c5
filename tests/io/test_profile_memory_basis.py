"""Device memory on one basis: what the device reports, in GB (10⁹ bytes). AMD's ROCm table gives the Instinct parts'
memory in GiB, the MI300X's 192 GiB being the 206.14 GB rocm-smi reports; the MI325X's 256 GiB and the MI355X's 288 GiB
had been taken as 256 and 288 GB, 7% short, and the H200 NVL's 141 GB HBM3e as 141 GB where the SXM part, the same
memory, reads 143,771 MiB (serving review 2026-11-30: a long-prompt batch of 375 against the SXM part's 405)."""

from __future__ import annotations

import pytest

from estimator.io.datafiles import default_profiles

GIB_GB = 2**30 / 1e9


@pytest.mark.parametrize("profile, gib", [("mi300x", 192), ("mi325x", 256), ("mi350x", 288), ("mi355x", 288)])
def test_amd_instinct_memory_is_its_gib_in_gb(profile, gib):
    assert default_profiles().get(profile).memory_gb == pytest.approx(gib * GIB_GB, abs=0.05)  # the MI300X reports 0.02 GB short of 192 GiB


def test_the_h200_nvl_holds_what_the_h200_sxm_holds():
    profiles = default_profiles()
    assert profiles.get("h200-nvl").memory_gb == profiles.get("h200-sxm").memory_gb == pytest.approx(143771 * 2**20 / 1e9,
                                                                                                     abs=0.01)
