"""Issue 55: shares and small sums as a reader expects them: "under 0.001%", never "4.66 × 10⁻⁶%"; "0.004%", never
"0.0%"; "$12 less per million queries", never "$1.2 × 10⁻⁵ less per query"."""

from __future__ import annotations

import pytest

from estimator.report import humanize as hz
from estimator.services.limits import notes as limits_notes
from estimator.services.limits import reports as limits


@pytest.mark.parametrize("x, decimals, text", [
    (4.66e-8, None, "under 0.001%"), (4.66e-8, 1, "under 0.001%"), (1e-5, None, "0.00100%"),
    (4.2e-5, 1, "0.004%"), (4.2e-5, None, "0.00420%"), (0.382, 1, "38.2%"), (0.382, None, "38.2%"),
    (0.0009, 0, "0.09%"), (0.33, 0, "33%"), (0, 0, "0%"), (0, 1, "0.0%"), (-1e-7, 0, "0%"), (None, 1, "n/a"),
])
def test_share(x, decimals, text):
    assert hz.share(x, decimals) == text


@pytest.mark.parametrize("usd, text", [
    (1.2e-5, "$12 less per million queries"), (3.8e-6, "$3.8 less per million queries"),
    (0.0094, "$0.0094 less per query"), (1e-4, "$0.00010 less per query"), (0, "$0 less per query"),
    # rounded first, as money() writes it (code audit 2026-11-29: the Inference page compared the sum unrounded)
    (9.9996e-5, "$0.00010 less per query"),
])
def test_money_per_query(usd, text):
    assert hz.money_per(usd, more="less") == text
    # the Inference page's cost-per-query metric switches to per million queries by the same rule
    assert hz.per_million_money(usd) == ("per million" in text)


def test_a_fraction_in_a_contrast_reads_as_a_share():
    assert hz.with_unit(0.25, "fraction") == "25.0%"  # unchanged where it was readable
    assert hz.with_unit(4.66e-8, "fraction") == "1 part in 21.5 million"  # "under 0.001%" overstated it 200×


def test_gpt3s_share_of_world_electricity_reads_without_powers_of_ten():
    share = next(c for c in limits.contrast_report() if c.key == "gpt3_share_of_world")
    text = limits_notes.contrast_text(share)
    assert text.startswith("1 part in ") and " million" in text  # "under 0.001%" overstated it 200×
    assert "10⁻" not in text


@pytest.mark.parametrize("text, said", [("1.00 MW", "≈1 MW"), ("66.0 kW", "≈66 kW"), ("20.0 W", "≈20 W"),
                                        ("3.42 TW", "≈3.42 TW"), ("264 kWh", "≈264 kWh"), ("4.00 MWh", "≈4 MWh")])
def test_a_quoted_round_figure_keeps_no_digits_it_never_had(text, said):
    assert hz.approx(text) == said


@pytest.mark.parametrize("low_s, high_s, said", [
    (45 * 3600, 2.78 * 86400, "1.88 days – 2.78 days"),          # plan review 2026-11-28: "45.0 hours – 2.78 days"
    (300 * 86400, 1.2 * 365.25 * 86400, "0.821 years – 1.20 years"),
    (600, 3 * 86400, "10.0 min – 3.00 days"),                      # a low end under a tenth of the unit keeps its own
    (3 * 86400, 5 * 86400, "3.00 days – 5.00 days")])
def test_a_time_range_is_written_in_one_unit_where_its_low_end_reads_well_in_it(low_s, high_s, said):
    assert hz.human_range("wall_clock_s", low_s, high_s) == said


def test_a_time_range_with_a_missing_end_says_so():
    assert hz.range_ends(hz.duration, None, 86400) == ("n/a", "24.0 hours")  # code review 2026-11-28: a TypeError


@pytest.mark.parametrize("low_s, high_s, centre_s, said", [
    (45 * 3600, 2.78 * 86400, 46 * 3600, "45.0 hours – 66.7 hours"),   # code review 2026-11-28: "46.0 hours (1.88 days – …)"
    (45 * 3600, 2.78 * 86400, 2.29 * 86400, "1.88 days – 2.78 days"),
    (60, 3 * 365.25 * 86400, 3600, "1.00 min – 3 years")])          # an end that reads badly in hours keeps its own
def test_a_time_range_beside_its_figure_takes_the_figures_unit_where_both_ends_read_well(low_s, high_s, centre_s, said):
    assert hz.human_range("wall_clock_s", low_s, high_s, centre_s) == said


def test_a_plan_tables_days_tell_apart_runs_of_hours():
    """Researcher review 2026-11-30: runs of 8.05 and 8.6 hours both read "0.3" days in the plan's table."""
    from estimator.report.humanize import plan_days_cell
    assert [plan_days_cell(d) for d in (8.05 / 24, 8.6 / 24)] == ["0.335", "0.358"]
    assert [plan_days_cell(d) for d in (12.49, 99.4, 261.84, 12950.7, 1e-4)] == ["12.5", "99.4", "261.8", "12,950.7",
                                                                                 "0.0001"]
    # three figures with their trailing zeros, as the column's others (consistency review 2026-12-01: "24" and "86"
    # beside "23.6"); 99.96 rounds to "100", not "100."
    assert [plan_days_cell(d) for d in (24.0, 86.01, 5, 0.5, 99.96)] == ["24.0", "86.0", "5.00", "0.500", "100"]


def test_a_share_short_of_the_whole_never_reads_as_all_of_it():
    """Input fuzz (2026-12-01): a saving of 99.84% read "100% of energy per token"."""
    assert [hz.share(x, 0) for x in (0.9984, 0.99996, 0.99999999, 1.0, 0.994)] == [
        "99.8%", "99.996%", "over 99.999%", "100%", "99%"]
    assert [hz.share(x) for x in (0.9984, 0.99999999, 1.0)] == ["99.8%", "over 99.9999%", "100%"]
