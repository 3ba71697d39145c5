"""Researcher review (2026-11-29): a deadline or budget the planner answers with the fewest devices had counted whole
8-GPU servers only (a 125M model's 30-day deadline answered 8 H100s, where one takes 3 hours and clouds rent one), and on
a device whose profile states no links (an A10G) it refused a deadline one device meets."""

from __future__ import annotations

import pytest

from estimator import plan
from estimator.core.base.errors import InputError

SMALL = dict(model="gpt-3-125m", tokens=3e9)


def _fewest(report) -> int:
    return report.devices


def test_one_device_answers_a_deadline_it_meets():
    report = plan(**SMALL, hardware="h100-sxm", deadline_days=30)
    assert _fewest(report) == 1
    assert report.rows[0].estimate.wall_clock_s < 4 * 3600
    (said,) = [n for n in report.notes if n.startswith("the fewest devices tried that meet the deadline")]
    assert "1 (1, 2, 4 devices, then whole 8-device servers" in said


def test_counts_below_a_server_then_whole_servers():
    """A deadline one server's half meets gets 4; one that needs more than a server still gets whole servers."""
    one = plan(**SMALL, hardware="h100-sxm", devices=1).rows[0].estimate.wall_clock_s
    assert _fewest(plan(**SMALL, hardware="h100-sxm", deadline_days=one / 3.5 / 86400)) == 4
    big = plan(model="llama-3.1-8b", tokens=1e12, hardware="h100-sxm", deadline_days=30)
    assert _fewest(big) % 8 == 0 and _fewest(big) > 8


def test_a_device_without_links_is_planned_on_one():
    report = plan(**SMALL, hardware="a10g", deadline_days=30)
    assert _fewest(report) == 1
    assert any(n.endswith("(one device alone: its profile states no links for more)") for n in report.notes)
    budget = plan(**SMALL, hardware="a10g", budget_usd=500)
    assert _fewest(budget) == 1 and budget.rows[0].estimate.cost_usd <= 500


def test_a_device_without_links_that_one_cannot_meet_says_why_no_more():
    with pytest.raises(InputError) as e:
        plan(model="gpt-3-125m", tokens=3e11, hardware="a10g", deadline_days=5)
    assert str(e.value).startswith("one NVIDIA A10G (AWS EC2 G5) does not meet the deadline (93.9 days on 1 device); "
                                   "for more than one, the step model needs scale_up_devices")
    assert e.value.field == "hardware"
    with pytest.raises(InputError, match="holds no layout of the model; for more than one, the step model needs"):
        plan(model="llama-3.1-70b", tokens=3e9, hardware="a10g", deadline_days=30)
