"""Hardware profiles (pure): the frozen dataclasses a profile becomes.

``estimator.core.hardware.reader.profile_from_dict`` builds a :class:`HardwareProfile` from a
profile's parsed contents, checking every field; reading the files is ``estimator.io.datafiles``'s
job.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from estimator.core.base.errors import ProfileError
from estimator.core.base.interval import LEVEL
from estimator.core.base.units import BYTES_PER_GB
from estimator.core.footprint.embodied import DeviceEmbodied
from estimator.core.hardware.utilization_model import POOLED, LowPrecision, Prediction, UtilizationModel

KINDS = ("gpu", "tpu", "accelerator", "cpu", "brain", "system")  # accelerator: Gaudi, Trainium…
REFERENCE_KINDS = ("brain", "system")  # reference points (the brain, AlphaGo), not hardware to buy
# devices that sit in a host server, whose power per device takes its share of the host (--power-w's meaning); a CPU
# server is its own host, a system or a brain has none
HOSTED_KINDS = ("gpu", "tpu", "accelerator")
# fp4: NVIDIA Blackwell's NVFP4 and AMD CDNA 4's MXFP4 tensor peaks (dense), where the chip has them
PRECISIONS = ("fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "fp4", "int8", "int4")
INTEGER_PRECISIONS = ("int8", "int4")  # their peaks count integer operations (OP/s), not floating-point ones


def peak_unit(precision: str, prefix: str = "") -> str:
    """The unit of a peak at ``precision``: OP/s for integer operations, else FLOP/s, after ``prefix`` ("T" for 10¹²)."""
    return f"{prefix}OP/s" if precision in INTEGER_PRECISIONS else f"{prefix}FLOP/s"
# Precisions as training recipes and benchmark tables name them, each run at the peak of the format it multiplies
# in: Transformer Engine's FP8 recipes (delayed scaling "DS", current scaling "CS", MXFP8's 32-element blocks) at
# FP8's, NVFP4 and MXFP4 (the OCP Microscaling formats' 4-bit) at FP4's (NVIDIA Transformer Engine docs, "Using FP8
# and FP4 with Transformer Engine"; OCP Microscaling Formats (MX) v1.0, 2023). A scaling recipe's own cost is not
# timed apart: the step model's FP8 share is fitted to runs of every recipe.
PRECISION_ALIASES = {"mxfp8": "fp8", "fp8-cs": "fp8", "fp8-ds": "fp8", "fp8-mx": "fp8", "fp8_cs": "fp8",
                     "fp8_ds": "fp8", "fp8-e4m3": "fp8", "e4m3": "fp8", "nvfp4": "fp4", "mxfp4": "fp4"}


def precision_name(text):
    """A precision as written, case and spaces aside ("BF16" is bf16), an alias (``PRECISION_ALIASES``: "MXFP8" is
    fp8, "NVFP4" fp4) as the precision it names; anything else as given, for the checks to refuse in its own words."""
    if not isinstance(text, str):
        return text
    word = text.strip().lower()
    word = PRECISION_ALIASES.get(word, word)
    return word if word in PRECISIONS else text

# The basis of a fitted utilisation when the profile states none (calibrate.py leaves it out when it copies one).
FITTED_BASIS = "whole-run model-FLOPs goodput fitted on this family's published runs (profiles/README.md)"

# The fit's centre shown for a device (profiles list, placeholders): at 1e22 FLOPs, year unknown.
DISPLAY_FLOPS = 1e22


@dataclass(frozen=True)
class Power:
    tdp_w: float | None
    average_w: float
    average_range_w: tuple[float, float]   # the stated interval of the average draw
    includes_host: bool
    host_share_w: float
    source: str
    fit_group: str | None = None           # the measured-draw fit it comes from (power_ratio.GROUPS)
    tdp_source: str = ""                   # with fit_group: the TDP's own source
    fit_device: str | None = None          # with fit_group: the measured device whose own centre it takes


@dataclass(frozen=True)
class Utilization:
    """Whole-run utilisation of a device: fitted on its family's published runs
    (``family``); for a device without runs, its nearest family's fit, the pooled one or the flat
    rule as the fit chose (``prior_from``: :attr:`fit_family`), widened; or stated in the profile (``default`` and ``range``: the brain, calibrated profiles)."""

    basis: str
    source: str
    default: float | None = None            # explicit value; or the fit's centre at 1e22 FLOPs
    range: tuple[float, float] | None = None  # explicit interval; or the fit's interval at 1e22 FLOPs
    family: str | None = None               # the fitted family ("pooled": all families); borrowed: the nearest
    borrowed: bool = False                  # True: no runs on this device: see fit_family
    model: UtilizationModel | None = None   # the fit (None: explicit, or the fit was not loaded)
    release_year: int | None = None         # the device's; a family member counts from its family's first release (the fit file)
    same_chip: bool = False                 # borrowed, but the family's own chip: its years count from the family's release
    unlike_held_out: str | None = None      # borrowed: what the device is, unlike every family held out ("a CPU")
    # what a lower precision gains on a whole step (the utilisation model's, fitted or stated alike); None: not loaded
    low_precision: LowPrecision | None = None

    @property
    def fitted(self) -> bool:
        return self.family is not None

    def predict(self, flops: float | None = None, year: int | None = None) -> Prediction:
        """Centre and stated interval for a run of ``flops`` FLOPs in ``year`` (None: unknown,
        averaged over the fitted runs)."""
        if self.family is None:
            lo, hi = self.range
            half = max(math.log(self.default / lo), math.log(hi / self.default))
            return Prediction(self.default, lo, hi, LEVEL, half, "explicit", 0, False)
        if self.model is None:
            raise ProfileError(self.source, "utilization.family", "the utilisation fit is not loaded",
                               "load profiles with the fit (estimator/data/utilization_fit.json)")
        release_year = self.release_year
        if self.same_chip:
            release_year = self.model.families[self.family].release_year or release_year
        used = self.fit_family
        return self.model.predict(None if used == POOLED else used, flops, year=year,
                                  release_year=release_year, borrowed=self.borrowed)

    @property
    def fit_family(self) -> str | None:
        """The fit the predictions use: the device's family; for a device without runs, its
        nearest family (``family``), the pooled fit or the flat rule (RULE), as the fit chose on
        families held out whole (``UtilizationModel.new_device_centre``), the same chip on another board keeping
        its family's."""
        if not self.borrowed or self.model is None or self.family is None:
            return self.family
        return self.model.borrowed_family(self.family, self.same_chip) or POOLED


@dataclass(frozen=True)
class Price:
    usd_per_device_hour: float | None
    date: str
    basis: str
    source: str

    @property
    def kind(self) -> str:
        """The price's basis in one word, from its basis text: on-demand, reserved, spot, other or none."""
        if self.usd_per_device_hour is None:
            return "none"
        text = self.basis.lower()
        for word in ("reserved", "spot", "on-demand"):
            if word in text:
                return word
        return "other"



# One HGX/DGX server's GPUs, linked by NVLink (NVIDIA HGX H100/H200/B200: 8 GPUs a baseboard): the scale-up domain of
# a profile that states none, and the server the planner's searches count devices in
HGX_SERVER_DEVICES = 8
# The fastest link a PCIe card has to another: PCIe 5.0 x16, 16 lanes × 32 GT/s × 128b/130b ÷ 8 bits = 63 GB/s per
# direction (PCI-SIG PCIe 5.0 rate), as the RTX PRO 6000's and RTX 5090's profiles state it
PCIE_CARD_LINK_MAX_GB_PER_S = 63.0


def inside_domain(span: int, devices: int, scale_up_devices: int) -> bool:
    """Whether every group of ``span`` consecutive devices of ``devices`` lies inside one scale-up domain: it is no
    larger than the domain and either all the devices fit in one domain, or the groups tile it, or the devices do not
    fill whole domains (groups of 64 in two full 72-device NVL72 racks straddle two, 8 of every 9: timed as crossing,
    where before the researcher review of 2026-11-29 they had been timed as inside). A group that straddles waits on
    the scale-out network, and the step on its slowest group. Devices that do not fill whole domains are taken as
    domains run in part, each a whole number of groups: 128 GB200s as 64 in each of two racks, PaLM's 6,144 TPU v4
    chips as its two 3,072-chip pods (Chowdhery et al. 2022, §4), groups of 12 each."""
    return span <= scale_up_devices and (devices <= scale_up_devices or scale_up_devices % span == 0
                                         or devices % scale_up_devices != 0)


@dataclass(frozen=True)
class HardwareProfile:
    id: str
    name: str
    kind: str
    release_year: int | None
    default_precision: str
    peak_flops_per_s: Mapping[str, float]
    peak_range_flops_per_s: tuple[float, float] | None  # only where the peak itself is uncertain (brain)
    peak_source: str
    memory_gb: float | None
    memory_bandwidth_gb_per_s: float | None
    memory_source: str
    power: Power
    utilization: Utilization
    price: Price
    pue: float
    pue_source: str
    notes: str = ""
    calibration: Mapping[str, Any] | None = None
    source_file: str = ""
    extra_sources: Mapping[str, str] = field(default_factory=dict)
    embodied: DeviceEmbodied | None = None  # [embodied]: manufacturing footprint per device (None: not stated)
    link_gb_per_s: float | None = None     # [interconnect]: device-to-device bandwidth per direction (None: not stated)
    link_source: str = ""
    # [interconnect] the cluster's links, as a step of training sees them (core/training/step.py): the scale-up
    # domain (NVLink/NVSwitch, ICI, Infinity Fabric: devices and bandwidth per device per direction) and the
    # scale-out network to devices outside it (InfiniBand, RoCE, EFA, DCN: per device per direction); None: not stated
    scale_up_devices: int | None = None
    scale_up_gb_per_s: float | None = None
    scale_up_source: str = ""
    scale_out_gb_per_s: float | None = None
    scale_out_source: str = ""
    # [sparsity]: the chip's tensor cores skip weights pruned in the 2:4 pattern (core/serving/pruning.py)
    sparse_2_4: bool = False
    sparse_source: str = ""
    # [matmul]: the fastest dense 16-bit matrix multiply measured on one device, FLOP/s, and its source (None: not
    # measured); core/hardware/matmul.py turns it into the rate the serving step's compute-bound parts run at
    matmul_bf16_flops_per_s: float | None = None
    matmul_source: str = ""
    cooling: str | None = None              # [datacenter] cooling: its kind (core.footprint.water.COOLING); None: the default

    @property
    def domains_word(self) -> str:
        """What its scale-up domains are called: PCIe cards joined by NVLink bridges, as their profiles' sources say
        (the H100 NVL, H100 PCIe and A100 PCIe in pairs, the H200 NVL in 2 or 4), are no nodes; the 8 GPUs of an HGX
        board are (serving review 2026-11-30: 4 H100 NVLs in one server read "each across 2 nodes"; diff review
        2026-11-30: the H200 NVL's 4-card groups still read as nodes)."""
        if self.scale_up_devices and "bridge" in self.scale_up_source.lower():
            return "NVLink pairs" if self.scale_up_devices == 2 else "NVLink-bridged groups"
        if self.pcie_card:
            return "servers"  # cards on PCIe alone, a server of them its domain (``server_devices``)
        return "nodes"

    @property
    def pcie_card(self) -> bool:
        """A GPU card linked to others by PCIe alone (L40S, RTX 4090, RTX PRO 6000), no scale-up domain stated: its
        link no faster than PCIe 5.0 x16 and its source naming PCIe (not a TPU's ICI, an MI250X's Infinity Fabric or a
        GH200's NVLink, whose profiles state no domain either: diff review 2026-11-30)."""
        return (self.kind == "gpu" and not self.scale_up_devices and self.link_gb_per_s is not None
                and self.link_gb_per_s <= PCIE_CARD_LINK_MAX_GB_PER_S and "pcie" in self.link_source.lower())

    @property
    def server_devices(self) -> int | None:
        """The devices one scale-up domain links, or for a PCIe card (``pcie_card``) one server's,
        ``HGX_SERVER_DEVICES`` (8: AWS's g6e.48xlarge holds 8 L40S, NVIDIA's RTX PRO Servers 8 RTX PRO 6000s): a group
        larger than it spans servers (serving review 2026-11-30: 32 RTX 4090s in one tensor-parallel replica had been
        timed as one server, faster than 8 H100 SXMs). None: no domain stated, and not a PCIe card."""
        return self.scale_up_devices or (HGX_SERVER_DEVICES if self.pcie_card else None)

    @property
    def reference_point(self) -> bool:
        """A brain or a whole historical system: shown beside hardware, not compared as hardware."""
        return self.kind in REFERENCE_KINDS

    def peak(self, precision: str | None = None) -> float:
        precision = precision or self.default_precision
        return self.peak_flops_per_s[precision]

    def peak_range(self, precision: str | None = None) -> tuple[float, float]:
        p = self.peak(precision)
        if self.peak_range_flops_per_s is None or (precision or self.default_precision) != self.default_precision:
            return (p, p)
        return self.peak_range_flops_per_s

    @property
    def memory_bandwidth_bytes_per_s(self) -> float | None:
        """The memory bandwidth in bytes/s (decimal GB, as datasheets quote it); None where the profile states none."""
        bw = self.memory_bandwidth_gb_per_s
        return bw * BYTES_PER_GB if bw else None

    def ridge_flop_per_byte(self, precision: str | None = None) -> float | None:
        """The roofline's ridge point (Williams, Waterman & Patterson 2009, "Roofline", CACM 52(4)): the
        arithmetic intensity, FLOP per byte of memory traffic, below which the device waits on memory, peak
        FLOP/s ÷ memory bandwidth in bytes/s; None where the profile states no bandwidth."""
        bw = self.memory_bandwidth_bytes_per_s
        return None if bw is None else self.peak(precision) / bw


# What a power that leaves out the host covers, by the device's kind (a meter's: the CPU's counters, NVML's GPU):
# the estimate's note and the paper statement say it in these words (researcher audit: the statement said
# nothing where the table noted the host left out; review: the two had worded "the CPU alone" apart)
ALONE = {"cpu": "the CPU alone, not memory or the rest of the machine", "gpu": "the GPU alone, not its host",
         "tpu": "the TPU chip alone, not its host"}
DEVICE_ALONE = "the device alone, not its host"


def alone_words(kind: str | None) -> str:
    """What a power without the host's share covers, for a device of ``kind`` ("the GPU alone, not its host")."""
    return ALONE.get(kind or "", DEVICE_ALONE)
