"""A budget no ladder count meets is tried on the whole servers around the cheapest count before it is refused, and a
refusal's cheapest cost reads above the budget (API review 2026-11-30: $29.5M was refused, "the cheapest tried: $30M
on 96 devices", where 88 devices cost $29.44M)."""

import re

import pytest

from estimator import plan
from estimator.core.base.errors import InputError

RUN = dict(model="llama-3.1-70b", tokens=15e12, hardware="h100-sxm")


def test_a_budget_met_only_between_the_ladders_counts_is_met():
    report = plan(**RUN, budget_usd=29.5e6)
    assert report.devices == 88 and report.best.estimate.cost_usd <= 29.5e6


def test_a_refusals_cheapest_cost_reads_above_the_budget():
    with pytest.raises(InputError, match="the cheapest tried") as e:
        plan(**RUN, budget_usd=29e6)
    shown = re.search(r"the cheapest tried: \$([\d.]+)M", str(e.value)).group(1)
    assert float(shown) * 1e6 > 29e6
