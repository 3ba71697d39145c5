"""Which bundled profile a measured device starts from (pure): a GPU by the name NVML reports, a
CPU from the one CPU server profile; and the check that a measurement and its base are of one kind."""

from __future__ import annotations

from collections.abc import Mapping

from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt
from estimator.core.hardware.names import matching_hardware, name_words
from estimator.core.hardware.profile import HardwareProfile

# Device names as NVML reports them → bundled profile ids (first match wins; words as
# hardware_names.name_words splits them, so "GH200" is not an "H200"). A name a bundled profile's name
# or alias holds is taken first (the H100 NVL and H200 NVL have their own profiles); an NVL variant none
# holds (the H800 NVL) is refused rather than read as the SXM part.
VARIANTS_WITHOUT_PROFILE = ("nvl",)
GPU_NAME_TO_PROFILE = (
    (("h200",), "h200-sxm"), (("b200",), "b200"),
    (("h100", "pcie"), "h100-pcie"), (("h100",), "h100-sxm"),
    (("a100", "pcie"), "a100-pcie-80gb"), (("a100", "40gb"), "a100-sxm-40gb"), (("a100",), "a100-sxm-80gb"),
    (("v100", "pcie"), "v100-pcie"), (("v100",), "v100-sxm2"),
    (("gtx 580",), "gtx-580"),
)


# The bundled profile a CPU measurement starts from (profiles/cpu-server-2s-epyc.toml): the only CPU profile.
CPU_BASE_PROFILE = "cpu-server-2s-epyc"


def check_base_kind(base: HardwareProfile, measured_kind: str) -> None:
    """A measurement of a CPU starts from a CPU profile, one of a GPU from a GPU profile: the base
    gives the calibrated profile its peak, price, memory and embodied carbon (calibrate audit: a CPU
    measurement on an H100 base became a "gpu" with the H100's price)."""
    if base.kind != measured_kind:
        example = CPU_BASE_PROFILE if measured_kind == "cpu" else "h100-sxm"
        raise InputError(f"the measurement is of a {measured_kind}, but the base profile {base.id} is a {base.kind}: "
                         f"choose a {measured_kind} base profile (e.g. {example})", field="base")


def guess_base_profile(device_name: str, kind: str, names: Mapping[str, str] | None = None) -> str:
    """The bundled profile matching a device name; the CPU server profile for CPUs. ``names`` (the
    bundled profiles' names by id): a device name that names one of them exactly, as ``--hardware``
    takes it, is that profile (an L4, a T4, an RTX 4090); else NVML's names by the table above."""
    if kind == "cpu":
        return CPU_BASE_PROFILE
    fits = matching_hardware(device_name, names or {})
    if len(fits) == 1:
        return fits[0]
    words = name_words(device_name)
    if not words & set(VARIANTS_WITHOUT_PROFILE):
        for table_words, pid in GPU_NAME_TO_PROFILE:
            if name_words(" ".join(table_words)) <= words:
                return pid
    raise InputError(f"no bundled profile matches the GPU '{device_name}': choose the closest base profile from "
                     "the profile list", field="base")


def whole_server_price(profile: HardwareProfile | None) -> bool:
    """Whether a profile's price is a whole CPU server's hour, not the machine measured: the bundled
    CPU server profile (a 96-core server by the server-hour), or a profile calibrated from it that
    still carries that price. Such a price is left out of a run measured on another machine (a
    2-vCPU VM costs a small share of it, a laptop nothing by the hour); any other profile's price,
    a user's own CPU profile included, is that profile's own and is kept (review: every CPU profile's
    price had been dropped, a 2-vCPU VM's own $0.034 too). The one rule for the tracker
    (``estimator.monitor.track_setup.settled``) and calibration (``estimator.core.calibration.calibrate``
    leaves such a base's price out of the calibrated profile)."""
    if profile is None or profile.kind != "cpu" or profile.price.usd_per_device_hour is None:
        return False
    base = (profile.calibration or {}).get("base_profile")
    return profile.id == CPU_BASE_PROFILE or base == CPU_BASE_PROFILE


def cpu_base_power_words(base: HardwareProfile) -> str:
    """What a CPU base profile's power is, in words that follow "the base profile <id>": the bundled
    server's is a whole dual-socket server's; a calibrated one's is an earlier measurement's draw
    (calibrate audit: a calibrated base was called "a whole server" at its own 7.5 W); another CPU
    profile's is its own figure. Either way not the machine measured now."""
    watts = f"{gfmt(base.power.tdp_w)} W"
    if base.id == CPU_BASE_PROFILE:
        return f"is a whole server, {watts}"
    if base.calibration:
        return f"holds an earlier calibration's draw, {watts}"
    return f"holds its own machine's power, {watts}"
