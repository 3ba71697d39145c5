"""Average draw ÷ TDP, as fitted to measured power: what a profile's ``[power] fit`` reads.

Pure. The groups of like measurements and the fitted ratio (:class:`RatioFit`); the fit itself,
and its model, are in ``estimator/fit/power_fit.py``, the measurements in
``estimator/data/measured_power.csv``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from estimator.core.base.units import W_PER_KW

DATA_FILE = "estimator/data/measured_power.csv"
MIN_OWN = 2  # measurements of its own a device needs to take its own centre (estimator/fit/power_fit.py)

# A whole 8-GPU H100 node measured in training, host included: compute-intensive workloads ran at up to 0.76 of the
# node's 10.2 kW rating (NVIDIA DGX H100 datasheet), about 970 W a GPU (Newkirk et al. 2025, arXiv:2506.14551, abstract;
# the node of Latif et al. 2024, arXiv:2412.08602, whose highest draw observed was 8.4 kW; profiles/README.md). Not
# fitted: said beside the H100's measured chip draw and its host's share, which it corroborates (researcher review
# 2026-11-30: the fitted 695 W a slot read as about the chip's TDP, the host left out)
NODE_MEASURED_SHARE_OF_RATING = 0.76
NODE_RATED_W = 10_200.0          # NVIDIA DGX H100 datasheet: 10.2 kW at most
NODE_GPUS = 8                    # its 8 H100 SXM GPUs
NODE_MEASURED_W_PER_GPU = NODE_MEASURED_SHARE_OF_RATING * NODE_RATED_W / NODE_GPUS
NODE_MEASURED_SOURCE = (f"an {NODE_GPUS}-GPU H100 node ran compute-intensive training at up to "
                        f"{NODE_MEASURED_SHARE_OF_RATING:.2f} of its {NODE_RATED_W / W_PER_KW:.1f} kW rating, about "
                        f"{NODE_MEASURED_W_PER_GPU:,.0f} W a GPU with its host (Newkirk et al. 2025, arXiv:2506.14551)")

# The groups, never mixed: they measure different things (estimator/fit/power_fit.py's docstring).
GROUPS = {
    "gpu-system": "GPU share of the whole server (host included)",
    "gpu-chip": "GPU board only",
    "tpu-system": "TPU chip share of its system (host included)",
}


@dataclass(frozen=True)
class RatioFit:
    """Average draw ÷ TDP for one group, or for one measured device of it (``device``): the centre
    and the stated interval."""

    group: str
    n: int                      # the measurements the centre comes from (the device's own, with device)
    center: float
    low: float
    high: float
    level: float
    sigma_log: float
    device: str | None = None   # the measured device (its name in the data file); None: the whole group
    n_spread: int = 0           # with device: the group's measurements the spread is pooled over
    device_tdp_w: float | None = None  # with device: the TDP its measurements were divided by
    # the group's fit: the devices measured, as the data file names them, in its order (researcher review 2026-11-28: a
    # statement's "3 whole systems' measured draws" for an H100 read as H100 measurements; they are P100 and V100 servers)
    measured: tuple[str, ...] = ()

    def describe(self) -> str:
        interval = f"{self.center:.2f} × TDP, {self.level:.0%} interval {self.low:.2f}–{self.high:.2f} × TDP"
        if self.device is None:
            names = list(self.measured)
            on = f" on the {', '.join(names[:-1]) + ' and ' if len(names) > 1 else ''}{names[-1]}" if names else ""
            return f"{interval}, fitted on {self.n} measured runs{on} ({GROUPS[self.group]}; {DATA_FILE})"
        return (f"{interval}, the centre fitted on the {self.n} measured runs of the {self.device}, the spread pooled "
                f"within devices over the {self.n_spread} runs of the group's devices measured more than once "
                f"({GROUPS[self.group]}; {DATA_FILE})")


@dataclass(frozen=True)
class PowerFits:
    """What a profile's ``[power] fit`` (a group) and ``measured_device`` (a device of it) read."""

    groups: Mapping[str, RatioFit]
    devices: Mapping[tuple[str, str], RatioFit] = field(default_factory=dict)  # (group, device name)

    def device(self, group: str, name: str) -> RatioFit | None:
        return self.devices.get((group, name))
