"""What a newcomer following the README met (audit 2026-11-25): the tests saw the developer's own
calibrated profiles, and every large published run's first screen said "does not fit"."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from estimator.io import paths
from estimator.services import api

SPLIT = "is a published run: it split its model across devices in a way the preset does not record"


def test_the_tests_calibrated_profiles_are_their_own():
    """The README's calibration examples write profiles/calibrated/*.toml; the app's Calibrate page
    then listed them and two tests failed. The test session points ESTIMATOR_CALIBRATED_DIR at an
    empty folder of its own (subprocesses inherit it)."""
    assert paths.CALIBRATED_DIR == Path(os.environ[paths.CALIBRATED_DIR_ENV])
    assert paths.CALIBRATED_DIR != paths.PROFILES_DIR / "calibrated"


@pytest.mark.parametrize("preset, said", [("gpt3-175b", True), ("llama-65b", True), ("bloom-176b", True),
                                          ("lambda-gpt3-v100", False), ("resnet50-imagenet", False)])
def test_a_published_run_that_does_not_fit_as_set_says_the_run_split_its_model(preset, said):
    est = api.run(preset_id=preset).estimate
    assert any(SPLIT in n for n in est.notes) == said
    if said:  # only where the memory as set does not fit, on the run's own devices
        assert not est.memory.fits
    # with other devices, or memory settings given, the run's own plan is no longer the question
    assert not any(SPLIT in n for n in api.run(preset_id=preset, devices=7).estimate.notes)


def test_the_estimate_page_says_it_beside_the_memory():
    pytest.importorskip("streamlit")
    from apptest_pages import run_page
    at = run_page("estimate", {"preset": "gpt3-175b"})
    boxes = [i.value.replace("\\", "") for i in at.info if i.value.replace("\\", "").startswith("memory:")]
    assert len(boxes) == 1 and SPLIT in boxes[0] and "would hold it with ZeRO-3" in boxes[0]
