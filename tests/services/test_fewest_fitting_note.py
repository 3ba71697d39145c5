"""A catalog model on too few devices for any layout takes the fitted utilisation's time; the step model's on the
first doubling where a layout fits is said beside it, as another estimate (lecturer review 2026-11-30: Llama 3.1 70B on
8 H100s read $43M and 6.18M device-hours, on 16 $34M, and a class read "more GPUs = cheaper")."""

from __future__ import annotations

import re

from estimator import estimate


def test_too_few_devices_name_the_step_models_device_hours_on_the_first_that_fit():
    few = estimate(model="llama-3.1-70b", hardware="h100-sxm", devices=8)
    assert few.step is None or not few.stepped
    # 16, the count the memory's note names, tried first (researcher review 2026-11-30)
    (said,) = [n for n in few.notes if n.startswith("on 16 devices, the count the memory's note says would hold it")]
    dh = float(re.search(r"the step model times the run at ([\d.]+) million device-hours", said).group(1)) * 1e6
    on16 = estimate(model="llama-3.1-70b", hardware="h100-sxm", devices=16)
    assert on16.stepped and abs(dh / on16.device_hours - 1) < 0.01
    assert dh < few.device_hours and "not a saving or a cost of more devices" in said


def test_a_layout_that_fits_says_nothing_of_it():
    assert not [n for n in estimate(model="llama-3.1-70b", hardware="h100-sxm", devices=64).notes
                if "on which a layout fits" in n]


def test_a_comparison_of_every_profile_does_not_search_the_doublings():
    """Diff review 2026-11-30: the doublings' planner searches, on every profile no layout fits, had made `compare`
    5–7× slower and added a note to each row; the comparison's rows go without it."""
    from estimator import compare
    rep = compare(["h100-sxm", "a100-sxm-80gb"], model="llama-3.1-70b", devices=8)
    assert rep.results and not [n for r in rep.results for n in r.estimate.notes if "on which a layout fits" in n]


def test_the_note_and_the_memorys_note_name_one_count():
    """Researcher review 2026-11-30: Llama 3.1 405B on 8 H100s read 88 devices in the memory's note and 128 (the first
    doubling) in this one; the memory's count is tried first, and the planner lays the run out there."""
    few = estimate(model="llama-3.1-405b", hardware="h100-sxm", devices=8)
    (said,) = [n for n in few.notes if "the count the memory's note says would hold it" in n]
    assert said.startswith("on 88 devices,") and any("88 or more ×" in n for n in few.notes)
    on88 = estimate(model="llama-3.1-405b", hardware="h100-sxm", devices=88)
    dh = float(re.search(r"the step model times the run at ([\d.]+) million device-hours", said).group(1)) * 1e6
    assert on88.stepped and abs(dh / on88.device_hours - 1) < 0.01
