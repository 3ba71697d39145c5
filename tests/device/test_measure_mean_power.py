"""Structure audit (1a #2, #5, 2d #5): mean power = energy ÷ duration has one guarded home,
``estimator.device.base.mean_power_w``, used by every backend and the CodeCarbon log import; the
built-in workload's hour limit is enforced; track()'s site, precision and stream checks."""

import math
from dataclasses import replace
from types import SimpleNamespace

import pytest
from fake_nvml import FakeClock, FakeGpu

from estimator.core.base.errors import InputError, MeasurementError
from estimator.core.base.units import S_PER_HOUR
from estimator.device.base import mean_power_w
from estimator.device.codecarbon_backend import CodeCarbonBackend
from estimator.device.matmul_bench import check_seconds
from estimator.device.nvml import NvmlBackend
from estimator.io.calibration_io import CodeCarbonRun, measurement_from_codecarbon
from estimator.monitor import track_setup as setup
from estimator.monitor.track import track

RUN = CodeCarbonRun(source="emissions.csv", columns=30, run_id="abcdef1234", project_name="p", timestamp="",
                    duration_s=10.0, cpu_energy_j=300.0, gpu_energy_j=4000.0, ram_energy_j=100.0, gpu_count=2,
                    cpu_model="CPU", gpu_model="2 x NVIDIA A100", codecarbon_version="2.3.4", tracking_mode="machine",
                    country_iso_code="USA")


def test_mean_power_is_energy_over_duration():
    assert mean_power_w(100.0, 4.0) == 25.0
    assert mean_power_w(0.0, 2.0) == 0.0


@pytest.mark.parametrize("duration_s", [0.0, -1.0, math.nan, math.inf])
def test_mean_power_refuses_a_window_with_nothing_to_average_over(duration_s):
    with pytest.raises(MeasurementError, match="nothing to average over"):
        mean_power_w(100.0, duration_s)


def test_an_nvml_window_of_no_time_is_refused_through_the_backend():
    clock = FakeClock()
    with NvmlBackend(FakeGpu(clock, power_w=250.0).module(), clock=clock, poll_in_thread=False) as backend:
        backend.begin_window()  # the clock never moves: the window lasts 0 s
        with pytest.raises(MeasurementError, match=r"lasted 0\.0 s; nothing to average over"):
            backend.end_window()
        backend.begin_window()  # the backend is still usable: a next window of 0.4 s reads 250 W
        clock.advance(0.4)
        assert backend.end_window().mean_power_w == pytest.approx(250.0, rel=1e-5)


def _tracker(duration):
    class Tracker:
        _hardware = ()

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.final_emissions_data = SimpleNamespace(duration=duration, cpu_energy=50.0 / 3.6e6, cpu_model="CPU")
    return lambda **kw: Tracker()


def test_a_codecarbon_window_of_endless_duration_is_refused_not_read_as_0_w():
    backend = CodeCarbonBackend(tracker_factory=_tracker(math.inf))
    backend.begin_window()
    with pytest.raises(MeasurementError, match="lasted inf s; nothing to average over"):
        backend.end_window()
    backend = CodeCarbonBackend(tracker_factory=_tracker(2.0))
    backend.begin_window()
    assert backend.end_window().mean_power_w == pytest.approx(25.0)  # 50 J over 2 s


def test_a_codecarbon_log_gives_each_gpu_its_share_of_energy_and_power():
    m, devices = measurement_from_codecarbon(RUN, "gpu")
    assert devices == 2 and m.energy_j == 2000.0 and m.mean_power_w == 200.0  # 4000 J / 2 GPUs / 10 s
    m, devices = measurement_from_codecarbon(replace(RUN, gpu_energy_j=0.0, gpu_count=0), "cpu")
    assert devices == 1 and m.mean_power_w == 30.0  # 300 J / 10 s


@pytest.mark.parametrize("duration_s", [0.0, -3.0, math.nan, math.inf])
def test_a_codecarbon_log_run_of_no_usable_duration_is_an_input_error(duration_s):
    """The log's fault (InputError), said before the division; NaN had given a NaN power."""
    with pytest.raises(InputError, match="lasted .* s; nothing to derive"):
        measurement_from_codecarbon(replace(RUN, duration_s=duration_s), "gpu")


def test_the_built_in_workload_runs_up_to_an_hour_and_no_longer():
    assert check_seconds(S_PER_HOUR) == S_PER_HOUR
    assert check_seconds(0.1) == 0.1
    with pytest.raises(InputError, match="calibration seconds") as e:
        check_seconds(S_PER_HOUR + 1)
    assert e.value.field == "seconds" and "--" not in str(e.value)


def test_the_site_figures_are_checked_before_the_run():
    ci, src, price, pue = setup.site(None, 50.0, 2.5, 1.2)
    assert (ci, src, price, pue) == (50.0, "given", 2.5, 1.2)
    assert setup.site(None, None, None, None)[2:] == (None, None)  # the profile's, once it is known
    with pytest.raises(InputError, match="pue"):
        track(total_steps=10, pue=0.5)
    with pytest.raises(InputError, match="price_usd_per_device_hour"):
        track(total_steps=10, price_usd_per_device_hour=-1.0)


def test_the_precision_and_the_stream_are_checked_before_the_run():
    assert setup.precision_choice(None, None) is None
    assert setup.precision_choice("fp32", None) == "fp32"
    with pytest.raises(InputError, match="precision must be one of"):
        setup.precision_choice("fp7", None)
    assert setup.text_stream(None) is None
    with pytest.raises(InputError, match="stream must be a text stream"):
        setup.text_stream(object())
