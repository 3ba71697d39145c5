"""The shipped profiles, loaded once for the profile tests, with no profile refused on load."""

from __future__ import annotations

import pytest

from estimator.io.datafiles import default_profiles


@pytest.fixture(scope="module")
def profiles():
    ps = default_profiles()
    assert not ps.errors, [str(e) for e in ps.errors]
    return ps
