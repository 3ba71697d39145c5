"""The energy range's coverage, measured by pairing held-out device-hours with held-out power
(estimator/fit/energy_cover.py): the combination is the estimate's own (sides in quadrature)."""

from __future__ import annotations

import math

import pytest

from estimator.core.base.errors import InputError
from estimator.core.base.interval import combine
from estimator.fit.energy_cover import HeldOut, paired_coverage
from estimator.io.datafiles import default_profiles, load_validation_document


def test_a_pair_is_inside_when_the_product_lies_in_the_combined_range():
    # device-hours predicted 100 (80–125: ln 1.25 each side), power 1.0 (0.8–1.25)
    d = HeldOut(actual=130.0, predicted=100.0, low=80.0, high=125.0)
    p_in, p_out = HeldOut(1.05, 1.0, 0.8, 1.25), HeldOut(1.3, 1.0, 0.8, 1.25)
    up = combine(math.log(1.25), math.log(1.25))  # ×1.37
    assert math.log(1.3 * 1.05) <= up < math.log(1.3 * 1.3)
    cover = paired_coverage([d], [p_in, p_out])
    assert cover.pairs == 2 and cover.coverage == 0.5
    assert cover.mean_width_factor == pytest.approx(math.exp(2 * up))
    # alone, the device-hours miss (130 > 125); the power's spread widens the range enough for one
    assert not (d.low <= d.actual <= d.high)


def test_no_checks_is_refused():
    with pytest.raises(InputError):
        paired_coverage([], [HeldOut(1, 1, 0.5, 2)])


def test_the_shipped_validation_gives_the_energy_coverage_per_group_it_serves():
    doc = load_validation_document()
    e = doc["energy_coverage"]
    assert set(e) == {"gpu-system", "tpu-system"}  # the groups profiles use; TPU v4 states its own power
    n_runs = sum(x["runs"] for x in e.values())
    assert n_runs == len(doc["runs"]) - sum(r["family"] == "tpu-v4" for r in doc["runs"])
    for g in e.values():
        for key in ("measured_device", "unmeasured_device", "new_device"):
            assert g[key]["pairs"] == g["runs"] * g[key]["power_checks"]
    # the first case recomputed here from the document's own held-out runs and power checks (review: a
    # band of 0–1 asserted nothing)
    profiles = default_profiles()
    for group, g in e.items():
        dh = [HeldOut(r["published_device_hours"], r["predicted_device_hours"], *r["interval_device_hours"])
              for r in doc["runs"] if profiles.get(r["hardware"]).power.fit_group == group]
        pw = [HeldOut(c["measured_w"], c["predicted_w"], *c["interval_w"]) for c in doc["power"] if c["group"] == group]
        again = paired_coverage(dh, pw)
        assert again.coverage == pytest.approx(g["measured_device"]["interval_coverage"])
        assert again.mean_width_factor == pytest.approx(g["measured_device"]["interval_mean_width_factor"])
