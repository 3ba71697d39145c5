"""Where a fitted utilisation is not vouched for by the runs behind it, as facts an Estimate carries
(``Estimate.fit_caveats``) beside the notes that say them. Pure.

Four cases: the run lies beyond the fitted runs' FLOPs or years (the fit is held at its edge there);
it uses more devices than any fitted run (time is taken to fall as 1/devices); the fit, a share of one
precision's peak, is applied to another precision's peak; the device, without runs, is unlike every family
held out to calibrate such a device's range. The estimate's note is each caveat's
``note()``; the paper statement words the same facts its own way (report/statement_utilisation.py),
reading these fields, never the note text (statement audit: it had matched the notes by regular
expressions, which a reworded note would have broken).
"""

from __future__ import annotations

from dataclasses import dataclass

from estimator.core.base.number_text import gfmt


@dataclass(frozen=True)
class BeyondData:
    """The run lies outside the fitted runs' data; ``where``: "its 1e+27 FLOPs lie outside the fitted runs'
    1.4e+20–5e+25", one clause per covariate, joined by "; "."""
    where: str

    def note(self) -> str:
        return (f"the run is beyond the utilisation fit's data ({self.where}): the fit is held at its edge there, "
                "not extrapolated, and no published run checks the figure")


@dataclass(frozen=True)
class MoreDevices:
    """The run uses more devices than any fitted run (``most``)."""
    devices: int
    most: int

    def note(self) -> str:
        return (f"{self.devices:,} devices is more than any run the utilisation fit holds (at most {self.most:,}): the "
                "time assumes it falls in proportion to the devices, which nothing measured vouches for at this size "
                "(batch size, communication and failures all grow with it)")


@dataclass(frozen=True)
class OtherPeak:
    """The utilisation is a share of ``fit_precision``'s peak, applied to ``used_precision``'s, ``ratio`` × the
    first; ``utilization``: the utilisation's table-cell words (UtilizationInfo.short); ``preset``: a preset's
    own figure (scaling audit: the lecture's 0.224 of the V100's fp16 peak went onto its fp32 peak unsaid),
    else the fit's."""
    fit_precision: str
    used_precision: str
    ratio: float
    utilization: str
    preset: bool = False
    rule: bool = False        # the flat rule of a device without runs, a share of dense (16-bit) peak, not a fit
    # at a precision below 16 bits, what the share took and why (``utilization_choice.Lowered.words``); None: the same
    # share taken
    lowered: str | None = None

    @property
    def why(self) -> str:
        """Why it is a share of that peak, in a few words."""
        if self.preset:
            return "as the published figure gives it"
        # a device without runs takes the flat rule, no runs of its own (diff review 2026-12-01)
        return "as the rule for devices without runs takes it" if self.rule else "as the runs behind it were measured"

    def note(self) -> str:
        if self.lowered is not None:
            return (f"the utilisation ({self.utilization}) is {self.lowered}; the range around it is the "
                    f"{self.fit_precision} runs' (its coverage at {self.used_precision} is not measured)")
        return (f"the utilisation ({self.utilization}) is a share of the {self.fit_precision} peak, {self.why}; here "
                f"it is applied to the {self.used_precision} peak ({gfmt(self.ratio, 3)}× the {self.fit_precision} "
                "peak), as if the run reached the same share of it")


@dataclass(frozen=True)
class UnlikeHeldOut:
    """A device without runs whose range was calibrated on families held out whole, none of them like it
    (accuracy audit: a CPU, consumer and AMD or Intel parts took an "80%, coverage measured" range measured on
    data-centre NVIDIA GPUs and Google TPUs only).
    ``device``: its name; ``what``: what it is, from its profile ("a CPU"); ``families``: those held out."""
    device: str
    what: str
    families: tuple[str, ...]

    def note(self) -> str:
        return (f"{self.device} is {self.what}, unlike every family held out whole to measure the range of a device "
                f"without runs ({', '.join(self.families)}): the range's coverage on such a device is not measured")


FitCaveat = BeyondData | MoreDevices | OtherPeak | UnlikeHeldOut
