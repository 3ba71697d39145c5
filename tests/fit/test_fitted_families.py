"""Issue 9, which devices are fitted: every member of a family has runs, devices without runs
borrow, and members count their software's maturity from the family's chip.

Every figure is computed here from the shipped data files and the project's own code."""

from __future__ import annotations

import math

import numpy as np
import pytest

from estimator.core.hardware.utilization_model import Spec
from estimator.fit.utilization_fit import fit
from estimator.io.datafiles import default_profiles, load_utilization_model
from estimator.services.training import runs as runs_data

# -- which devices are fitted, and from when their software matures ---------------------------


def test_every_family_member_has_runs_and_devices_without_runs_borrow():
    """A profile that says ``family = …`` is fitted on its own runs; one without runs must borrow
    (``prior_from``), so its interval carries the between-family spread τ²."""
    runs = runs_data.training_runs().runs
    with_runs = {r.hardware_id for r in runs}
    profiles = default_profiles().profiles
    for pid, p in profiles.items():
        u = p.utilization
        if u.family and u.family != "pooled" and not u.borrowed:
            assert pid in with_runs, f"{pid} is a member of '{u.family}' but has no run in the fit"
    borrowed = {pid for pid, p in profiles.items() if p.utilization.borrowed}
    assert {"a100-pcie-80gb", "h100-pcie", "v100-pcie"} <= borrowed
    h100, pcie = profiles["h100-sxm"].utilization, profiles["h100-pcie"].utilization
    assert pcie.predict(1e23, 2024).sigma_log > h100.predict(1e23, 2024).sigma_log  # τ² added


def test_family_members_count_their_years_from_the_family_chip():
    profiles = default_profiles().profiles
    first = runs_data.family_release_years(profiles)
    assert first["h100"] == profiles["h100-sxm"].release_year == 2022 < profiles["h800"].release_year
    assert first["a100"] == 2020
    assert all(r.release_year == first[r.family] for r in runs_data.training_runs().runs)
    model = load_utilization_model()
    assert model.families["h100"].release_year == 2022
    # same chip, same family, same run: the same prediction whichever board name is chosen
    h800, h100 = profiles["h800"].utilization.predict(1e24, 2024), profiles["h100-sxm"].utilization.predict(1e24, 2024)
    assert (h800.center, h800.low, h800.high) == (h100.center, h100.low, h100.high)
    # a device without runs keeps its own release year: a B200 run in 2025 is one year after release
    b200 = profiles["b200"].utilization.predict(1e24, 2025)
    used = profiles["b200"].utilization.fit_family
    same_year = model.predict(None if used == "pooled" else used, 1e24, year=2025, release_year=2024, borrowed=True)
    assert b200.center == pytest.approx(same_year.center)
    # the same chip on another board counts from its family's release: an H200 run in 2025 is three years on
    h200 = profiles["h200-sxm"].utilization.predict(1e24, 2025)
    assert h200.center == pytest.approx(model.predict("h100", 1e24, year=2025, release_year=2022, borrowed=True).center)


def _a800_with_utilization(utilization: str, model=None):
    """The A800's profile with its ``[utilization]`` table replaced, loaded as the app loads it
    (with the shipped fit, or ``model``)."""
    import tomllib

    from estimator.core.hardware.reader import profile_from_dict
    from estimator.io.datafiles import load_power_fits
    from estimator.io.paths import PROFILES_DIR
    text = (PROFILES_DIR / "a800.toml").read_text()
    start, end = text.index("[utilization]"), text.index("[price]")
    data = tomllib.loads(text[:start] + "[utilization]\n" + utilization + "\n\n" + text[end:])
    return profile_from_dict(data, "a800.toml", model or load_utilization_model(), load_power_fits())


def test_a_borrowing_board_of_the_family_chip_counts_from_the_family_release():
    """A board of the A100's chip without runs of its own, released 2022 (the A800 before its runs
    entered the fit): centred like an A100 of the same year, but wider (τ² is added). A device of
    its own chip (B200) is not same_chip. With a fit that uses the years (tests/maturity_fit.py)."""
    from maturity_fit import maturity_model, maturity_profiles
    board = _a800_with_utilization('prior_from = "a100"\nbasis = "x"\nsame_chip = true', maturity_model())
    profiles = maturity_profiles().profiles
    u, a100 = board.utilization, profiles["a100-sxm-80gb"].utilization
    assert u.same_chip and u.borrowed and board.release_year == 2022
    p_board, p_100 = u.predict(1e23, 2023), a100.predict(1e23, 2023)
    assert p_board.center == pytest.approx(p_100.center)
    assert p_board.sigma_log > p_100.sigma_log
    own_year = maturity_model().predict("a100", 1e23, year=2023, release_year=2022, borrowed=True)
    assert own_year.center != pytest.approx(p_board.center)  # the covariate does move it
    assert not profiles["b200"].utilization.same_chip
    assert all(profiles[pid].utilization.same_chip
               for pid in ("a100-pcie-80gb", "h100-pcie", "v100-pcie", "h200-sxm", "titan-v"))


@pytest.mark.parametrize("utilization, problem", [
    ('family = "a100"\nsame_chip = true', "only applies to a device that borrows"),
    ('prior_from = "pooled"\nbasis = "x"\nsame_chip = true', "pooled fit has no chip"),
    ('prior_from = "a100"\nbasis = "x"\nsame_chip = "yes"', "is not true or false"),
])
def test_same_chip_is_refused_where_it_means_nothing(utilization, problem):
    from estimator.core.base.errors import ProfileError
    with pytest.raises(ProfileError, match=problem) as e:
        _a800_with_utilization(utilization)
    assert "utilization.same_chip" in str(e.value)


def test_a_family_with_no_run_in_the_fold_is_predicted_like_the_pooled_fit():
    """The cross-validation's family-less case equals what `predict` gives a device of an unknown
    family (the pooled fit, τ² added once)."""
    from estimator.fit import utilization_fit as U
    runs = list(runs_data.training_runs().runs)[:25]
    i = next(k for k, r in enumerate(runs) if sum(o.family == r.family for o in runs) == 1)
    spec = Spec(("log10_flops", "maturity_years"), 0.5)
    families = sorted({r.family for r in runs})
    mask = np.ones((1, len(runs)))
    mask[0, i] = 0.0
    _, [(centre, sigma)] = U.predict_held_out(runs, np.array([i]), mask, spec, families)
    others = runs[:i] + runs[i + 1:]
    pooled = fit(others, spec).predict(None, runs[i].flops, year=runs[i].year, release_year=runs[i].release_year)
    assert math.exp(centre[0]) == pytest.approx(pooled.center, rel=1e-6)
    assert sigma[0] == pytest.approx(pooled.sigma_log, rel=1e-6)


def test_a_run_beyond_the_fitted_runs_is_held_at_the_edge_and_says_so():
    from estimator.core.training.estimate import estimate
    from estimator.core.workload.scenario import Scenario
    h100 = default_profiles().get("h100-sxm")
    model = h100.utilization.model
    lo, hi = model.covariate("log10_flops").range
    top = 10 ** (hi + 22.0)                                       # the largest fitted run, 3.8e25 FLOPs
    at_top, beyond = h100.utilization.predict(top), h100.utilization.predict(top * 1e4)
    assert beyond.center == pytest.approx(at_top.center) and beyond.held_at_edge == ("log10_flops",)
    assert at_top.held_at_edge == () and h100.utilization.predict(1e21).held_at_edge == ()
    note = next(n for n in estimate(Scenario(flops=1e30, devices=8), h100).notes if "beyond the utilisation fit" in n)
    assert "10³⁰ FLOPs lie outside the fitted runs' 1.4 × 10¹⁸–3.8 × 10²⁵" in note and "not extrapolated" in note
    # a year past the fitted runs' years, with a fit that uses them (tests/maturity_fit.py)
    from maturity_fit import maturity_profiles
    h100_years = maturity_profiles().get("h100-sxm")
    note = next(n for n in estimate(Scenario(flops=1e21, year=2035), h100_years).notes if "beyond the utilisation fit" in n)
    assert "2035 lies outside the fitted runs' 0–6 years after their chip's release" in note
    assert not any("beyond the utilisation fit" in n for n in estimate(Scenario(flops=1e21, year=2024), h100_years).notes)
    if "maturity_years" not in model.spec.covariates:  # a fit without the years says nothing of the year
        assert not any("beyond" in n for n in estimate(Scenario(flops=1e21, year=2035), h100).notes)
    # a utilisation the user gives is the user's: no such note
    assert not any("beyond" in n for n in estimate(Scenario(flops=1e30, utilization=0.3), h100).notes)
