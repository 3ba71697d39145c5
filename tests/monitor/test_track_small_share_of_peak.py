"""Issue 55: `track` printed "0.0% of the fp32 peak" for a loop far below the peak; a share that is not zero
shows its first figure, and one below 0.001% says so."""

from __future__ import annotations

import io

import pytest
from track_fakes import ALTERNATING, WARMUP, Clock, run_steps

from estimator.monitor.track import track

PEAK_BF16 = 989e12  # profiles/h100-sxm.toml's bf16 peak, FLOP/s
STEP_S = 0.012      # ALTERNATING's mean step


@pytest.mark.parametrize("share, shown", [(4.2e-5, "= 0.004% of the bf16 peak"), (0.382, "= 38.2% of the bf16 peak"),
                                          (3e-8, "= under 0.001% of the bf16 peak")])
def test_track_reports_a_small_share_of_the_peak_as_a_figure(share, shown):
    clock, out = Clock(), io.StringIO()
    with track(total_steps=1000, flops_per_step=share * PEAK_BF16 * STEP_S, hardware="h100-sxm", backend="none",
               clock=clock, stream=out) as run:
        run_steps(run, clock, WARMUP + ALTERNATING)
    assert run.predict().utilization == pytest.approx(share)
    line = next(x for x in out.getvalue().splitlines() if x.lstrip().startswith("throughput"))
    assert line.endswith(f"{shown} of h100-sxm") and "0.0%" not in line
