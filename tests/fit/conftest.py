"""The fits' tests hold numpy's BLAS to one thread, as the project's own cross-validations do
(``estimator.services.accuracy.utilization.one_blas_thread``): their thousands of small solves gain nothing from more
threads, and under ``-n 2`` two workers' BLAS threads would share the 2-core machine's cores with each other."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def _one_blas_thread():
    from threadpoolctl import threadpool_limits
    with threadpool_limits(limits=1, user_api="blas"):
        yield
