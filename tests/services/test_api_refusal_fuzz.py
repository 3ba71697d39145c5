"""Generated bad values of many types (None, text, bytes, lists, mappings, NaN, infinities, negative and huge numbers,
Fractions, Decimals, numpy scalars, bools, complex numbers, objects) thrown at the keyword inputs of ``api.run``,
``api.compare``, ``serving.inference_report`` and the limits' other reports: each call returns, or raises one of the
project's errors, never Python's own (a TypeError, OverflowError, AttributeError, IndexError). Few examples,
derandomized: a few seconds (``FUZZ_N=3000`` runs that many, random, to hunt).
"""

from __future__ import annotations

import math
import os
from decimal import Decimal
from fractions import Fraction

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from estimator.core.base.errors import EstimatorError
from estimator.core.training.memory import MEMORY_INPUTS
from estimator.core.workload.scenario import INPUT_FIELDS
from estimator.services import api
from estimator.services.limits import reports as limits
from estimator.services.serving import inference as serving

HUNT = os.environ.get("FUZZ_N")
FEW = settings(max_examples=int(HUNT or 40), deadline=None, derandomize=not HUNT,
               suppress_health_check=[HealthCheck.too_slow])

BAD = st.sampled_from([
    None, "", " ", "x", "7e9", b"1", [], [1], (1, 2), {}, {"a": 1}, {1}, object(), 1j,
    math.nan, math.inf, -math.inf, -1, 0, 0.5, 3, 10**400, 1e308, -1e308, 5e-324,
    Fraction(1, 3), Fraction(7 * 10**9), Fraction(10**400), Decimal("NaN"), Decimal("-1"), Decimal("7e9"),
    np.float32(np.nan), np.float64(-1.0), np.int64(-1), np.int64(8), np.bool_(True), True, False,
])

RUN_KEYS = INPUT_FIELDS + ("hardware", "preset_id", "region", "cloud", "params_model")
SERVE_KEYS = ("hardware", "tokens", "params", "model", "layers", "d_model", "heads", "kv_heads", "vocab", "region",
              "cloud", "train_flops", "train_tokens", "engine", "bits", "kv_bits", "sparsity", "sparse_kernels",
              "batch_size", "student_params", "tokens_per_query", "prompt_tokens", "devices", "utilization", "power_w",
              "pue", "carbon_intensity_g_per_kwh", "price_usd_per_device_hour", "electricity_usd_per_kwh")

# each example starts from a run that works, and spoils one to three of its inputs
RUN_BASE = dict(hardware="h100-sxm", params=7e9, tokens=1e12, devices=8)
SERVE_BASE = dict(hardware="a100-sxm-80gb", params=7e9, tokens=1e9)


def project_error_or_nothing(call, *args, **inputs) -> None:
    try:
        call(*args, **inputs)
    except EstimatorError:
        pass  # refused in the project's words: what a bad input should get


@FEW
@given(st.dictionaries(st.sampled_from(RUN_KEYS), BAD, min_size=1, max_size=3),
       st.one_of(st.none(), BAD, st.dictionaries(st.sampled_from(MEMORY_INPUTS), BAD, min_size=1, max_size=2)))
def test_api_run_lets_only_the_projects_errors_out(bad, memory):
    project_error_or_nothing(api.run, **{**RUN_BASE, **bad}, memory=memory)


@FEW
@given(st.one_of(BAD, st.lists(st.one_of(BAD, st.just("h100-sxm")), max_size=2)),
       st.dictionaries(st.sampled_from(INPUT_FIELDS), BAD, max_size=2))
def test_api_compare_lets_only_the_projects_errors_out(hardware_ids, bad):
    project_error_or_nothing(api.compare, hardware_ids, **{"flops": 1e23, **bad})


@FEW
@given(st.dictionaries(st.sampled_from(SERVE_KEYS), BAD, min_size=1, max_size=3))
def test_inference_report_lets_only_the_projects_errors_out(bad):
    project_error_or_nothing(serving.inference_report, **{**SERVE_BASE, **bad})


SETTING = st.one_of(st.none(), BAD, st.dictionaries(st.sampled_from(limits.RUN_KEYS + ("region", "cloud")), BAD,
                                                    max_size=2))


@FEW
@given(st.dictionaries(st.sampled_from(("flops", "hardware", "method", "tokens_per_param")), BAD, max_size=2), SETTING)
def test_the_compute_optimal_split_lets_only_the_projects_errors_out(bad, setting):
    project_error_or_nothing(limits.flops_model, **{"flops": 1e23, "hardware": "h100-sxm", **bad}, setting=setting)


@FEW
@given(st.dictionaries(st.sampled_from(("kind", "budget", "hardware", "method", "tokens_per_param")), BAD, max_size=2),
       SETTING)
def test_a_budgets_model_lets_only_the_projects_errors_out(bad, setting):
    project_error_or_nothing(limits.budget_model, **{"kind": "usd", "budget": 1e6, "hardware": "h100-sxm", **bad},
                             setting=setting)


@FEW
@given(st.dictionaries(st.sampled_from(("current_error", "target_error", "exponent", "base_flops", "base_preset",
                                        "hardware")), BAD, max_size=2), SETTING)
def test_diminishing_returns_let_only_the_projects_errors_out(bad, setting):
    project_error_or_nothing(limits.diminishing_report, **{"current_error": 0.1, "target_error": 0.05,
                                                           "exponent": 0.07, **bad}, setting=setting)


@FEW
@given(st.dictionaries(st.sampled_from(("flops", "hardware", "years", "start_year", "doubling_years")), BAD,
                       max_size=2), SETTING)
def test_the_price_trend_lets_only_the_projects_errors_out(bad, setting):
    project_error_or_nothing(limits.trend_report, **bad, setting=setting)
