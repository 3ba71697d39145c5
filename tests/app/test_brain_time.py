"""Lecturer review 2026-11-29: lecture mode's brain line read "≈ 0.00783 years" for ResNet-50 (2.86 days) and
"≈ 0.393 years" for AlexNet: under a year, the time is said as a duration."""

from app_pages.pages.estimate import brain_time


def test_under_a_year_the_brain_runs_for_a_duration():
    assert brain_time(0.00783) == "≈ 2.86 days"
    assert brain_time(0.393) == "≈ 144 days"
    assert brain_time(5820) == "≈ 5,820 years"
    assert brain_time(1.0) == "≈ 1 year"
