"""A catalog model on too few devices for any layout takes the fitted utilisation's time; the step model's on the
first doubling where a layout fits is said beside it, as another estimate (lecturer review 2026-11-30: Llama 3.1 70B on
8 H100s read $43M and 6.18M device-hours, on 16 $34M, and a class read "more GPUs = cheaper")."""

from __future__ import annotations

import re

from estimator import estimate


def test_too_few_devices_name_the_step_models_device_hours_on_the_first_that_fit():
    few = estimate(model="llama-3.1-70b", hardware="h100-sxm", devices=8)
    assert few.step is None or not few.stepped
    (said,) = [n for n in few.notes if n.startswith("on 16 devices, the first doubling of the 8 on which a layout fits")]
    dh = float(re.search(r"the step model times the run at ([\d.]+) million device-hours", said).group(1)) * 1e6
    on16 = estimate(model="llama-3.1-70b", hardware="h100-sxm", devices=16)
    assert on16.stepped and abs(dh / on16.device_hours - 1) < 0.01
    assert dh < few.device_hours and "not a saving" in said


def test_a_layout_that_fits_says_nothing_of_it():
    assert not [n for n in estimate(model="llama-3.1-70b", hardware="h100-sxm", devices=64).notes
                if "first doubling" in n]
