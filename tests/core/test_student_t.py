"""The Student-t quantile the core computes without SciPy (estimator/core/base/student_t.py), held
to SciPy's, which the tests may import."""

from __future__ import annotations

import pytest
from scipy import special, stats

from estimator.core.base import student_t
from estimator.core.base.errors import InputError

DFS = (0.5, 1, 1.5, 2, 3, 4, 5, 7, 10, 20, 30, 63, 100, 1000, 1e5)
PROBS = (0.51, 0.55, 0.6, 0.75, 0.8, 0.9, 0.95, 0.975, 0.99, 0.995, 0.9995, 0.999999)


@pytest.mark.parametrize("df", DFS)
def test_quantiles_match_scipy(df):
    for p in PROBS:
        assert student_t.quantile(p, df) == pytest.approx(stats.t.ppf(p, df), rel=1e-8)
        assert student_t.quantile(1 - p, df) == pytest.approx(stats.t.ppf(1 - p, df), rel=1e-8)


@pytest.mark.parametrize("df", DFS)
def test_cdf_inverts_the_quantile_everywhere(df):
    for p in (0.5000001, *PROBS, 0.3, 0.01):
        # lgamma's rounding grows with ν (lgamma(5e4) ≈ 5e5): 1e-12 up to ν = 1000, 1e-9 beyond
        assert student_t.cdf(student_t.quantile(p, df), df) == pytest.approx(p, rel=1e-12 if df <= 1000 else 1e-9)
        assert student_t.cdf(1.7, df) == pytest.approx(stats.t.cdf(1.7, df), rel=1e-9)


def test_known_values_and_the_incomplete_beta():
    assert student_t.quantile(0.5, 7) == 0.0
    assert student_t.quantile(0.75, 1) == pytest.approx(1.0, rel=1e-13)      # Cauchy: tan(π/4)
    for p in (0.6, 0.9, 0.975, 0.999):  # 2 df in closed form: t = (2p − 1) / √(2p(1 − p)) (table: 4.303 at 0.975)
        assert student_t.quantile(p, 2) == pytest.approx((2 * p - 1) / (2 * p * (1 - p)) ** 0.5, rel=1e-12)
    for a, b, x in ((0.5, 2, 1e-14), (2.5, 0.5, 0.3), (50, 0.5, 0.99), (0.5, 500, 0.001)):
        assert student_t.regularized_beta(a, b, x) == pytest.approx(special.betainc(a, b, x), rel=1e-12)


@pytest.mark.parametrize("p, df", [(0.0, 3), (1.0, 3), (float("nan"), 3), (0.9, 0), (0.9, -1), (0.9, float("inf"))])
def test_nonsense_is_refused(p, df):
    with pytest.raises(InputError):
        student_t.quantile(p, df)


@pytest.mark.slow  # runs a subprocess (pytest.ini: slow)
def test_the_cli_no_longer_imports_scipy_to_start():
    import subprocess
    import sys
    code = ("import sys; from estimator.cli.main import main; main(['estimate', '--preset', 'lambda-gpt3-v100']); "
            "sys.stderr.write(' '.join(m for m in sys.modules if m.startswith('scipy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stderr.strip() == ""
