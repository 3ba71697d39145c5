"""A utilisation fit that uses the years since the chip's release (log FLOPs + maturity, the
candidate the shipped fit chose while runs were held out one by one), and the profiles loaded with
it: the tests of what a run's year does use these, whichever candidate the shipped fit chooses."""

from __future__ import annotations

from functools import lru_cache

from estimator.core.hardware.utilization_model import T_DOF, Spec
from estimator.fit.utilization_fit import fit
from estimator.io.datafiles import load_profiles
from estimator.io.paths import PROFILES_DIR
from estimator.services.training.runs import training_runs

MATURITY_SPEC = Spec(("log10_flops", "maturity_years"), 0.5, T_DOF)


@lru_cache(maxsize=1)
def maturity_model():
    return fit(training_runs().runs, MATURITY_SPEC)


@lru_cache(maxsize=1)
def maturity_profiles():
    return load_profiles(PROFILES_DIR, utilization_model=maturity_model())
