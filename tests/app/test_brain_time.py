"""Lecturer review 2026-11-29: lecture mode's brain line read "≈ 0.00783 years" for ResNet-50 (2.86 days) and
"≈ 0.393 years" for AlexNet: under a year, the time is said as a duration."""

from app_pages.pages.estimate import brain_time


def test_under_a_year_the_brain_runs_for_a_duration():
    assert brain_time(0.00783) == "≈ 2.86 days"
    assert brain_time(0.393) == "≈ 144 days"
    assert brain_time(5820) == "≈ 5,820 years"
    assert brain_time(1.0) == "≈ 1 year"


def test_the_command_line_says_the_brains_time_as_the_app_does(cli):
    """Diff review 2026-11-29: `estimate --preset resnet50-imagenet` read "0.00783 years of a 20 W human brain's
    energy" where the app read ≈ 2.86 days; both say it the one way now (humanize.years_or_duration)."""
    out = cli("estimate", "--preset", "resnet50-imagenet").out
    assert "  2.86 days of a 20 W human brain's energy  [" in out
    md = cli("estimate", "--preset", "resnet50-imagenet", "--format", "markdown").out
    assert "| time on a 20 W human brain's energy | 2.86 days |" in md
    assert "  5,820 years of a 20 W human brain's energy  [" in cli("estimate", "--preset", "lambda-gpt3-v100").out


def test_the_apps_equivalents_line_says_durations_as_the_cli_does():
    """Second diff review 2026-11-29: the app's equivalents line still read "≈ 0.00783 years of a 20 W brain · 0.000128
    US household-years" for ResNet-50."""
    from app_pages.pages.estimate import equivalents_line
    from estimator import run
    line = equivalents_line(run(preset_id="resnet50-imagenet").estimate)
    assert line.startswith("Energy equal to ≈ 2.86 days of a 20 W brain · 1.12 hours of a US household's electricity")
    assert "years" not in line
