"""Every accelerator profile states its device-to-device link ([interconnect]) with a source.

The serving model's tensor-parallel all-reduces use `link_gb_per_s` (per direction, GB/s); a profile
without it falls back to PCIe 4.0 x16 (31.5 GB/s), wrong by 4× for a PCIe 2.0 GTX 580 and by 14× for a
Gaudi 3. Reference points (the brain, AlphaGo) and CPUs are not devices for tensor parallelism.
"""

import pytest
from profile_texts import source_kinds

from estimator.core.serving.step import FALLBACK_LINK_GB_PER_S, link_for
from estimator.io.datafiles import default_profiles

# Accelerators left on the fallback on purpose, each with why (profiles/README.md: no figure without a source).
UNSOURCED = {
    "a10g": "NVIDIA's A10G datasheet (hosted by AWS) was not read, and no citable source for its PCIe generation was "
            "found; the PCIe 4.0 fallback applies",
}

# Values checked against their sources (profiles/<id>.toml, [interconnect] source), per direction, GB/s.
EXPECTED = {
    "gtx-580": 8.0,        # PCIe 2.0 x16: 16 × 500 MB/s
    "gtx-1080-ti": 15.75,  # PCIe 3.0 x16: 16 × 8 GT/s × 128/130 ÷ 8
    "titan-v": 15.75,      # PCIe 3.0 x16 (NVLink disabled on the card)
    "rtx-3090": 56.25,     # GA102 whitepaper: 4 NVLink x4 links × 14.0625 GB/s each direction
    "rtx-4090": 31.5,      # PCIe 4.0 x16, no NVLink
    "l4": 31.5,            # PCIe 4.0 x16
    "l40s": 31.5,          # datasheet 'PCIe Gen4 x16: 64GB/s bidirectional'; PCI-SIG's exact rate
    "mi300x": 448.0,       # 7 Infinity Fabric links × 128 GB/s ÷ 2
    "mi250x": 250.0,       # 5 external GPU links per OAM × 50 GB/s per direction
    "gaudi2": 262.5,       # Intel: 21 × 100 Gbps = 262.5 GB/s unidirectional
    "gaudi3": 525.0,       # Intel: 21 × 200 Gbps = 525 GB/s unidirectional
    "tpu-v2": 248.0,       # 4 ICI links × 496 Gbit/s ÷ 8
    "tpu-v3": 332.0,       # Google: 340 TB/s all-reduce per 1,024-chip pod
    "tpu-v4": 268.6,       # Google: 1.1 PB/s all-reduce per 4,096-chip pod
}


@pytest.fixture(scope="module")
def profiles():
    ps = default_profiles()
    assert not ps.errors, [str(e) for e in ps.errors]
    return ps.profiles


def accelerators(profiles):
    return {pid: p for pid, p in profiles.items() if not p.reference_point and p.kind != "cpu"}


def test_every_accelerator_states_its_link_with_a_source(profiles):
    acc = accelerators(profiles)
    assert len(acc) >= 30 and "brain" not in acc and "alphago-2016" not in acc and "cpu-server-2s-epyc" not in acc
    missing = sorted(pid for pid, p in acc.items() if p.link_gb_per_s is None)
    assert missing == sorted(UNSOURCED), f"accelerators without [interconnect]: {missing}"
    for pid, p in acc.items():
        if pid in UNSOURCED:
            continue
        assert p.link_gb_per_s > 0 and p.link_source.strip(), pid
        assert source_kinds(p.link_source), f"{pid}: interconnect source cites nothing checkable: {p.link_source!r}"
        assert "per direction" in p.link_source or "each way" in p.link_source \
            or "each direction" in p.link_source or "unidirectional" in p.link_source, \
            f"{pid}: the source says which direction its figure is: {p.link_source!r}"


@pytest.mark.parametrize("pid, gb_per_s", sorted(EXPECTED.items()))
def test_checked_link_values(profiles, pid, gb_per_s):
    p = profiles[pid]
    assert p.link_gb_per_s == pytest.approx(gb_per_s, rel=1e-9)
    # the serving model uses the profile's, not the fallback: its scale-up domain's where that differs (the MI250X's
    # dual link between packages, 100 GB/s, against its 250 in all: diff review 2026-12-02)
    if p.scale_up_gb_per_s and p.scale_up_gb_per_s != p.link_gb_per_s:
        assert pid == "mi250x" and link_for(p) == (100.0, p.scale_up_source)
    else:
        assert link_for(p) == (p.link_gb_per_s, p.link_source)


def test_the_old_fallback_was_wrong_for_these_devices(profiles):
    # PCIe 2.0/3.0 cards are slower than the PCIe 4.0 fallback; NVLink/Infinity Fabric/RoCE/ICI are faster
    slower = {"gtx-580", "gtx-1080-ti", "titan-v"}
    for pid in slower:
        assert profiles[pid].link_gb_per_s < FALLBACK_LINK_GB_PER_S, pid
    for pid in ("rtx-3090", "mi300x", "mi250x", "gaudi2", "gaudi3", "tpu-v2", "tpu-v3", "tpu-v4"):
        assert profiles[pid].link_gb_per_s > FALLBACK_LINK_GB_PER_S, pid


def test_unsourced_accelerators_say_so_through_the_fallback(profiles):
    for pid in UNSOURCED:
        link, source = link_for(profiles[pid])
        assert link == FALLBACK_LINK_GB_PER_S and "states no link" in source
