"""The serving devices' nodes at the wall (pure): the devices' modelled draw and their hosts' (CPUs, memory, NICs,
fans, the power supply's loss), before PUE, as MLPerf Inference's power results measure a whole system.

The host's part per device is training's (``estimate``'s energy breakdown): a profile whose power fit measures a
device's share of its whole server (``[power] fit = "gpu-system"``; Patterson et al. 2021 and the other system
measurements of estimator/data/measured_power.csv) states it as ``power.host_share_w``, the system fit's centre less
the chip-only fit's, × TDP (estimator.core.hardware.reader); a profile stating its draw with the host does the same
(TPU v4: 181 W a chip). Serving keeps its own device draw (by load, ``step.load_power_fraction``) and adds that host
part per device: hosts draw much the same whether their GPUs decode or train. Where a profile states none, the
host is taken at ``HOST_SHARE_OF_BASE`` of the device's TDP (or its chip draw).

The range: the profile's power interval (the measured-draw fit's 80% interval, or the stated range) as a ratio
of its centre, applied to the node's draw; under a power limit the devices' part of its top end is held to the limit
(a capped device does not draw above it: browser review 2026-11-27, 350 W a device read 799 W at the wall's top
where 350 + the host's 294 W × its ratio is 715 W), and without one to the device's TDP, the limit it runs at by
default.
"""

from __future__ import annotations

from dataclasses import dataclass

from estimator.core.base.number_text import gfmt
from estimator.core.hardware.power_base import power_base
from estimator.core.hardware.profile import HardwareProfile

# A host's draw per device where the profile states none: half the device's TDP. The gpu-system fit's host part is
# (system − chip-only centre) × TDP: 0.42 of TDP for the group's centre (the A100's 168 W of 400 W, the H100's 294 W
# of 700 W) (estimator/data/measured_power.csv, estimator/fit/power_fit.py). NVIDIA's DGX H100 datasheet, 10.2 kW at
# most for 8 × 700 W GPUs, leaves 4.6 kW (575 W a GPU, 0.82 of TDP) to the rest at full load.
HOST_SHARE_OF_BASE = 0.5
HOST_SHARE_SOURCE = ("half the device's TDP: between the gpu-system power fit's host part, 0.42 of TDP (A100 168 W of "
                     "400 W, H100 294 W of 700 W; estimator/data/measured_power.csv), and the DGX H100's nameplate "
                     "rest, 0.82 (NVIDIA DGX H100 datasheet: 10.2 kW for 8 × 700 W GPUs)")


@dataclass(frozen=True)
class NodePower:
    """The devices and their hosts at the wall, before PUE."""
    power_w: float                # all the devices given and their hosts
    range_w: tuple[float, float]
    host_w_per_device: float
    source: str


def node_power(profile: HardwareProfile, device_power_w: float, devices: int,
               limit_w: float | None = None, device_power_given: bool = False) -> NodePower:
    """``devices`` × (the device's serving draw + its host's part), with the profile's power interval; ``limit_w``:
    each device's power limit (None: none), above which the range's top does not put a device;
    ``device_power_given``: the draw is the user's (`--power-w`), exact as every input given, so only the host's part
    spans the interval (consistency review 2026-12-01: 500 W given read 641–985 W at the wall, the given draw scaled
    ×0.81–×1.24 with the rest)."""
    p = profile.power
    if p.includes_host and p.host_share_w:
        host = float(p.host_share_w)
        how = f"the host's part per device, {gfmt(host, 3)} W, as training counts it (the profile's host share)"
    else:
        base = power_base(profile)
        host = HOST_SHARE_OF_BASE * (base[0] if base else float(device_power_w))
        how = f"the host's part per device, {gfmt(host, 3)} W: {HOST_SHARE_SOURCE}"
    watts = devices * (float(device_power_w) + host)
    if p.average_w and p.average_range_w:
        low, high = p.average_range_w[0] / p.average_w, p.average_range_w[1] / p.average_w
        band = "the profile's power interval"
    else:
        low = high = 1.0
        band = "no interval stated"
    low, high = min(low, 1.0), max(high, 1.0)
    if device_power_given:
        return NodePower(watts, (devices * (float(device_power_w) + host * low),
                                 devices * (float(device_power_w) + host * high)), host,
                         f"the devices' serving draw (given) plus {how}; range: the host's part over {band}, as a ratio "
                         "of its centre")
    device_top = float(device_power_w) * high
    if limit_w is not None:
        device_top = min(device_top, max(float(limit_w), float(device_power_w)))
        band += ", the devices' part of its top held to their power limit"
    elif p.tdp_w and device_top > p.tdp_w:
        # nor above the TDP, the power limit a device runs at unless one is set (NVML's default power limit is the
        # board's rated power; serving review 2026-11-27: 8 H100s at their 700 W read 1,232 W a device at the top)
        device_top = max(float(p.tdp_w), float(device_power_w))
        band += ", the devices' part of its top held to their TDP (the default power limit)"
    return NodePower(watts, (watts * low, devices * (device_top + host * high)), host,
                     f"the devices' serving draw plus {how}; range: {band}, as a ratio of its centre")


__all__ = ["HOST_SHARE_OF_BASE", "HOST_SHARE_SOURCE", "NodePower", "node_power"]
