"""What the serving model's power fractions multiply: a profile's TDP, or where it states none its chip's own
average draw (pure; ``estimator.core.serving.estimate`` builds the serving device with it)."""

from __future__ import annotations

from estimator.core.base.number_text import gfmt
from estimator.core.hardware.profile import HardwareProfile

# What stands in for a TDP a profile does not state (Google publishes none for its TPUs since v4).
CHIP_DRAW = "chip draw"


def power_base(profile: HardwareProfile) -> tuple[float, str] | None:
    """(W, label) that the serving model's fractions of TDP multiply: the TDP; where the profile states none, the
    chip's own average draw (less the host's share where it includes the host), labelled ``CHIP_DRAW``; None where
    not even that is known (a draw that includes the host with no share stated). Inference audit: a TPU v4's
    351 W per chip, host included, was taken as its TDP, and 0.58 of it (203 W) printed as the chip's own draw,
    above the chip's measured maximum (192 W)."""
    p = profile.power
    if p.tdp_w:
        return p.tdp_w, "TDP"
    if p.includes_host and not p.host_share_w:
        return None
    return p.average_w - p.host_share_w, CHIP_DRAW


def chip_draw_note(profile: HardwareProfile, chip_w: float) -> str:
    """Said where a chip's average draw stands in for its TDP (``power_base``)."""
    less_host = " (its average less the host's share)" if profile.power.includes_host else ""
    return (f"{profile.name} states no TDP: the serving model's fractions of TDP multiply its profile's average "
            f"draw, {gfmt(chip_w, 4)} W{less_host}, instead (measured or assumed, as its power source says); a TDP is "
            "at least that, so the serving draw may read low")
