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
        closer = "closer than" if g["median_factor"] < g["tdp_median_factor"] else "no closer than"
        assert (f'{group}: {g["n"]} runs, the fit {closer} "average = TDP" ({g["median_factor"]:.2f}× against '
                f'{g["tdp_median_factor"]:.2f}×)') in text
    assert 'gpu-system: 3 runs, the fit no closer than "average = TDP" (1.15× against 1.10×)' in text
