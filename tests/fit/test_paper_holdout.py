"""A paper's runs are held out together: in the fit's own leave-one-out (which chooses the candidate
and calibrates the interval) and in `validate`'s nested cross-validation. Two rows of one paper can
share every figure (ELECTRA-Small and BERT-Small: 1.4e18 FLOPs and 4 days on one V100 each, one
table), and held out one by one each would predict the other (review: V100 coverage 91%, then 73%)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from estimator.core.hardware.utilization_model import Spec
from estimator.fit import utilization_fit as U
from estimator.fit.utilization_cv import cross_validate
from estimator.io.datafiles import load_sources
from estimator.services.training import runs as runs_data

SPEC = Spec((), 8.0)


def _runs(goodputs, family="a", flops=1e22):
    return [U.TrainingRun(f"r{i}", "x", family, flops, flops / (g * 3600 * 1e14), 1e14, "s", year=2022,
                          release_year=2020) for i, g in enumerate(goodputs)]


def _twins_and_others():
    others = _runs([0.20, 0.30, 0.45, 0.25, 0.38, 0.30, 0.22, 0.40])
    twin = _runs([0.12])[0]  # below the rest, twice, from one paper
    return [replace(twin, name="t1", paper="P"), replace(twin, name="t2", paper="P"), *others]


def test_the_fits_own_leave_one_out_holds_a_papers_runs_out_together():
    runs = _twins_and_others()
    families = ["a"]
    _, centre, _ = U._loo(runs, np.ones(len(runs), dtype=bool), SPEC, families)
    without_both = U.fit(runs[2:], SPEC, new_family=False).predict("a", runs[0].flops)
    assert math.exp(centre[0]) == pytest.approx(without_both.center, rel=1e-9)
    # held out one by one, the twin pulls its own prediction down
    _, by_run, _ = U._loo([replace(r, paper="") for r in runs], np.ones(len(runs), dtype=bool), SPEC, families)
    assert math.exp(by_run[0]) < 0.95 * math.exp(centre[0])
    # a run without a paper is its own: nothing else is held out with it
    alone = U.same_paper(runs)
    assert alone[0, 1] and alone[1, 0] and not alone[0, 2] and alone.sum() == len(runs) + 2


def test_validate_holds_a_papers_runs_out_together_and_says_so():
    runs = _twins_and_others()
    cv = cross_validate(runs)
    assert cv.method == "nested leave-one-paper-out"
    by_run = cross_validate([replace(r, paper="") for r in runs])
    assert by_run.method == "nested leave-one-out"
    # the twin's miss is larger when its twin is not in the fit that predicts it
    assert cv.model[0].factor > by_run.model[0].factor


def test_the_shipped_runs_carry_their_papers():
    runs = runs_data.training_runs().runs
    electra = {r.name: r.paper for r in runs if r.source == "ELEC20"}
    assert len(electra) == 2 and set(electra.values()) == {"ELEC20"}
    assert {r.paper for r in runs if "Pythia" in r.name} == {"PY23"}  # Epoch's Pythia-12b links the PY23 paper
    llama = {r.paper for r in runs if r.source in ("L3", "L31")}
    assert llama == {"L3"}  # the Llama 3.1 card re-reports the Llama 3 pre-training
    assert all(r.paper for r in runs)
    assert 50 < len({r.paper for r in runs}) < len(runs)
    # an Epoch row whose arXiv link a cited source names is that source's paper
    keys = runs_data.arxiv_keys(load_sources())
    for r in runs:
        m = runs_data.ARXIV_ID.search(r.source)
        if r.dataset == "epoch" and m and (m.group(1) or m.group(2)) in keys:
            assert r.paper == keys[m.group(1) or m.group(2)], r.name
