"""A researcher's review (2026-12-01): one layout, one FLOPs count, whether typed in or the planner's; an uneven
interleaved pipeline refused by `estimate` as `plan` refuses it; "UK" reads as the United Kingdom."""

from __future__ import annotations

import pytest

from estimator import estimate

PLANNED = dict(model="llama-3.1-8b", tokens=1e12, devices=2)
TYPED = dict(PLANNED, tp=1, pp=1, zero=3, micro_batch=1, activation_recompute="full")


def test_the_planners_full_recomputation_counts_the_flops_the_same_layout_typed_in_counts():
    planned, typed = estimate(**PLANNED), estimate(**TYPED)
    # the planner's best on 2 devices recomputes the forward (its memory needs it)
    assert planned.step.layout.recompute == "full"
    # 8·N·D executed in both (8 × 8.03e9 × 1e12), the time the same
    assert planned.flops == pytest.approx(typed.flops, rel=1e-12) == pytest.approx(6.42e22, rel=2e-3)
    assert planned.wall_clock_s == pytest.approx(typed.wall_clock_s, rel=1e-12)
    assert planned.energy_kwh == pytest.approx(typed.energy_kwh, rel=1e-12)


def test_a_time_from_device_hours_without_a_count_says_it_is_one_devices(capsys):
    from estimator.cli import main
    assert main(["estimate", "--device-hours", "10000", "--hardware", "a100-sxm-80gb"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("Training time"))
    assert "1.14 years" in line and line.endswith("on one device: no device count given")
    assert main(["estimate", "--device-hours", "10000", "--hardware", "a100-sxm-80gb", "--format", "markdown"]) == 0
    assert "| Training time | 1.14 years | on one device: no device count given |" in capsys.readouterr().out
    # a count given: its wall clock, no such words
    assert main(["estimate", "--device-hours", "10000", "--hardware", "a100-sxm-80gb", "--devices", "8"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("Training time"))
    assert "52.1 days" in line and "no device count" not in line


@pytest.mark.parametrize("name", ["UK", "uk", "Great Britain", "England"])
def test_uk_and_britains_names_read_as_the_united_kingdom(name):
    assert estimate(flops=1e22, country=name).co2e_kg == estimate(flops=1e22, country="GBR").co2e_kg
    assert estimate(flops=1e22, country="Ukraine").co2e_kg != estimate(flops=1e22, country="GBR").co2e_kg


def test_el_reads_as_greece_and_an_unknown_name_is_still_refused():
    from estimator.core.base.errors import InputError
    assert estimate(flops=1e22, country="EL").co2e_kg == estimate(flops=1e22, country="GRC").co2e_kg
    with pytest.raises(InputError, match="unknown country"):
        estimate(flops=1e22, country="Narnia")


def test_a_utilisation_given_keeps_the_flops_it_is_for_whatever_the_planner_chose():
    """Diff review 2026-12-01: where the planner chose full recomputation for the memory, a utilisation given had timed
    8·N·D, 4/3 longer on 2 devices than on 8, the user having chosen no recomputation."""
    per_device = [estimate(model="llama-3.1-8b", tokens=1e12, utilization=0.4, hardware="h100-sxm",
                           devices=d).device_hours for d in (2, 8)]
    assert per_device[0] == pytest.approx(per_device[1], rel=1e-9)
