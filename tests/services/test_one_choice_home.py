"""Structure audit (2026-11-25): one home for a choice the CLI and the app both make, and data that is
parsed being checked rather than carried unread."""

import pytest

from estimator.core.base.units import FLOPS_PER_TFLOP, HOURS_PER_DAY, S_PER_HOUR
from estimator.io.datafiles import default_profiles, load_published_runs
from estimator.services.rows import compared_ids

# Narayanan et al. 2021 (N21): with full activation recomputation a step executes 8·N·D against the 6·N·D
# counted as the run's FLOPs, so its achieved rate times its time is 8/6 of them
RECOMPUTE_RATIO = 6 / 8


def test_a_comparison_covers_every_profile_by_id_and_reference_points_only_when_asked():
    ps = default_profiles().profiles
    plain, every = compared_ids(ps), compared_ids(ps, with_references=True)
    assert plain == sorted(plain) and every == sorted(every)
    assert set(every) - set(plain) == {i for i, p in ps.items() if p.reference_point} >= {"brain"}
    assert set(every) == set(ps)


def test_the_clis_compare_lists_the_profiles_compared_ids_gives(cli):
    import csv
    import io

    out = cli("compare", "--flops", "1e21", "--format", "csv").out
    named = [row["hardware"] for row in csv.DictReader(io.StringIO(out))]
    ps = default_profiles().profiles
    # the profiles that cannot run the scenario are noted, not rowed: every row is one of the list, in its order
    listed = compared_ids(ps)
    assert named == [i for i in listed if i in named] and len(named) >= len(listed) - 2


@pytest.mark.parametrize("run", [r for r in load_published_runs() if r.achieved_tflops_per_accelerator and r.train_flops])
def test_a_published_achieved_rate_agrees_with_the_runs_flops_and_hours(run):
    """The published_runs column of achieved TFLOP/s per device had been parsed and never read: each value now
    holds against the row's own FLOPs and device-hours (within the rounding of the published figures)."""
    hours = run.accelerator_hours or run.accelerators * run.wall_clock_days * HOURS_PER_DAY
    ratio = run.train_flops / (run.achieved_tflops_per_accelerator * FLOPS_PER_TFLOP * hours * S_PER_HOUR)
    expected = RECOMPUTE_RATIO if "recomputation" in run.row["notes"] else 1.0
    assert ratio == pytest.approx(expected, rel=0.02)
