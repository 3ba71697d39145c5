"""A device without runs whose range was calibrated on families held out whole, none of them like it (accuracy
audit): the CPU server, consumer GeForce cards, GPUs without tensor cores and the AMD and Intel parts took an
"80%, coverage measured out of sample" range measured on data-centre NVIDIA GPUs and Google TPUs only."""

from __future__ import annotations

import tomllib

import pytest
from apptest_pages import shared_page
from profile_texts import H100
from profile_texts import swap as _swap
from statements import SOURCES

from estimator import __version__
from estimator.core.base.errors import ProfileError
from estimator.core.hardware.reader import profile_from_dict
from estimator.core.training.fit_caveats import UnlikeHeldOut
from estimator.io.datafiles import PROFILES_DIR, load_power_fits, load_profiles, load_utilization_model
from estimator.report.statement import statement
from estimator.services import api

# issue 54's profiles: the MI325X, MI350X and MI355X (AMD, ROCm) and Trainium2 (AWS Neuron) are unlike every held-out family;
# the GB200, GB300, B300, H200 NVL, H100 NVL and RTX PRO 6000 Server are NVIDIA GPUs with tensor cores, as they are, and
# so are the professional RTX A6000 and RTX 6000 Ada; the GeForce RTX 5090 is a consumer card, as the 3090 and 4090 are;
# the GB10 a desktop superchip on LPDDR5x unified memory; TPU7x is a Google TPU, as TPU v3 and v4 are
FLAGGED = {"cpu-server-2s-epyc", "gtx-580", "gtx-1080-ti", "rtx-3090", "rtx-4090", "rtx-5090", "k80", "p100", "mi250x",
           "mi300x", "gaudi2", "gaudi3", "mi325x", "mi350x", "mi355x", "trainium2", "gb10"}
HELD = ("A100", "H100", "TPU v3", "TPU v4", "V100")


def test_the_devices_unlike_every_held_out_family_say_so_in_their_profiles():
    ps = load_profiles().profiles
    flagged = {pid for pid, p in ps.items() if p.utilization.unlike_held_out}
    assert flagged == FLAGGED
    assert all(ps[pid].utilization.borrowed for pid in flagged)  # only devices without runs
    assert sorted(ps["h100-sxm"].utilization.model.families) == ["a100", "h100", "tpu-v3", "tpu-v4", "v100"]


def test_an_estimate_on_such_a_device_notes_that_its_range_is_not_measured_there():
    est = api.run(hardware="mi300x", flops=1e21, devices=8).estimate
    (caveat,) = [c for c in est.fit_caveats if isinstance(c, UnlikeHeldOut)]
    assert caveat == UnlikeHeldOut("AMD Instinct MI300X (OAM, 192GB)", "an AMD GPU (ROCm, not CUDA)", HELD)
    assert est.notes.count(caveat.note()) == 1
    assert caveat.note().endswith("unlike every family held out whole to measure the range of a device without runs "
                                  "(A100, H100, TPU v3, TPU v4, V100): the range's coverage on such a device is not measured")
    tex = statement(est, SOURCES, version=__version__).tex
    assert ("The range's coverage is not measured on this device: it is an AMD GPU (ROCm, not CUDA), unlike every "
            "family held out whole to calibrate it (A100, H100, TPU v3, TPU v4, V100).") in tex


@pytest.mark.parametrize("kw", [{"hardware": "h100-sxm"}, {"hardware": "h200-sxm"}, {"hardware": "b200"},
                                {"hardware": "mi300x", "utilization": 0.3},
                                {"hardware": "mi300x", "device_hours": 1000}])
def test_no_such_note_where_the_range_is_measured_or_not_the_fits(kw):
    """A data-centre NVIDIA GPU (with runs or without), a utilisation given, a known run's hours."""
    est = api.run(flops=1e21, devices=8, **kw).estimate if "device_hours" not in kw else \
        api.run(devices=8, **kw).estimate
    assert not any(isinstance(c, UnlikeHeldOut) for c in est.fit_caveats)


def test_the_reader_takes_it_only_with_prior_from():
    fits, model = load_power_fits(), load_utilization_model()
    data = tomllib.loads(_swap(H100, 'family = "h100"', 'family = "h100"\nunlike_held_out = "a CPU"'))
    with pytest.raises(ProfileError) as exc:
        profile_from_dict(data, "mine.toml", utilization_model=model, power_fits=fits)
    assert exc.value.field == "utilization.unlike_held_out" and "leave unlike_held_out out" in str(exc.value)
    mi = tomllib.loads((PROFILES_DIR / "mi300x.toml").read_text())
    assert profile_from_dict(mi, "mi.toml", utilization_model=model, power_fits=fits).utilization.unlike_held_out == \
        "an AMD GPU (ROCm, not CUDA)"


def test_the_estimate_page_says_the_coverage_is_not_measured_on_such_a_device():

    def bars(params):
        at = shared_page("estimate", params)
        return next(x for x in at.caption if x.value.startswith("Bars")), at

    mi300x = {"hardware": "mi300x", "flops": "1e21"}
    cap, _ = bars(mi300x)
    assert cap.value.endswith(r"On AMD Instinct MI300X \(OAM, 192GB\) that coverage is not measured\: no family held "
                              r"out is an AMD GPU \(ROCm, not CUDA\)\.")
    cap, _ = bars({**mi300x, "lecture": "1"})
    assert "coverage measured out of sample, but not on a device like this one" in cap.value
    cap, _ = bars({"hardware": "h100-sxm", "flops": "1e21"})
    assert "coverage is not measured" not in cap.value
