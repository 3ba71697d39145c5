"""The Accuracy page says in words where each power fit is closer than the TDP convention and where not, from the
shipped validation (browser review 2026-11-26: only the table showed the whole-server fit no closer on its 3 runs)."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")
from apptest_pages import shared_page  # noqa: E402

from estimator.io.datafiles import load_validation_document  # noqa: E402


def test_each_groups_verdict_is_said():
    at = shared_page("accuracy")
    text = " ".join(x.value.replace("\\", "") for x in at.caption)
    for group, g in load_validation_document()["power_summary"].items():
        ratio = g["median_factor"] / g["tdp_median_factor"]
        # the utilisation check's 5% margin: a fit within it is not called closer (review: 1.38× against 1.42× was)
        closer = "closer than" if ratio < 0.95 else "no closer than" if ratio > 1 else "within 5% of"
        assert (f'{group}: {g["n"]} runs, the fit {closer} "average = TDP" ({g["median_factor"]:.2f}× against '
                f'{g["tdp_median_factor"]:.2f}×)') in text
    assert 'gpu-system: 3 runs, the fit no closer than "average = TDP" (1.15× against 1.10×)' in text
    assert 'gpu-chip: 9 runs, the fit within 5% of "average = TDP" (1.38× against 1.42×)' in text
    assert 'tpu-system: 7 runs, the fit closer than "average = TDP" (1.05× against 1.45×)' in text


def test_validate_says_the_same(capsys):
    from estimator.cli import main
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert 'gpu-chip: 9 runs, the fit within 5% of "average = TDP" (1.38× against 1.42×)' in out
