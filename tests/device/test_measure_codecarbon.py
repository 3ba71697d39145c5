"""The CodeCarbon CPU backend: labels (RAPL vs estimate), a fake tracker, and one real run."""

import os
import time
from types import SimpleNamespace

import numpy as np
import pytest

from estimator.core.base.errors import BackendUnavailable, MeasurementError
from estimator.core.base.units import BYTES_PER_GB
from estimator.device.backends import open_backend
from estimator.device.base import (
    CODECARBON_CONSTANT_ESTIMATE,
    CODECARBON_CPU_LOAD_ESTIMATE,
    CODECARBON_RAPL,
    TimerBackend,
    UnavailableBackend,
)
from estimator.device.codecarbon_backend import CodeCarbonBackend, cpu_power_source


class CPU:  # CodeCarbon's hardware classes are recognised by name
    def __init__(self, mode):
        self._mode = mode


class RAM:
    pass


class FakeTracker:
    def __init__(self, mode="intel_rapl", **kwargs):
        self.kwargs = kwargs
        self._hardware = [RAM(), CPU(mode)]
        self.started = self.stopped = False
        self.final_emissions_data = None

    def __enter__(self):
        self.started = True
        return self

    def __exit__(self, *exc):
        self.stopped = True
        self.final_emissions_data = SimpleNamespace(
            duration=2.0, cpu_energy=50.0 / 3.6e6, cpu_power=25.0, ram_energy=10.0 / 3.6e6, ram_power=5.0,
            cpu_model="AMD EPYC 7R13", cpu_count=8, tracking_mode="machine", codecarbon_version="3.3.2",
            cpu_utilization_percent=99.0)


@pytest.mark.parametrize("mode, source, estimate", [
    ("intel_rapl", CODECARBON_RAPL, False),
    ("cpu_load", CODECARBON_CPU_LOAD_ESTIMATE, True),
    ("constant", CODECARBON_CONSTANT_ESTIMATE, True),
    ("windows_emi", "codecarbon-windows-emi", False),
    ("something_new", "codecarbon-something-new", True),
])
def test_cpu_mode_labels(mode, source, estimate):
    assert cpu_power_source(SimpleNamespace(_hardware=[RAM(), CPU(mode)])) == (source, estimate, mode)


def test_no_cpu_entry_is_an_unknown_estimate():
    assert cpu_power_source(SimpleNamespace(_hardware=[RAM()]))[1:] == (True, "unknown")


def test_fake_rapl_tracker_gives_exact_figures():
    made = []
    backend = CodeCarbonBackend("fra", tracker_factory=lambda **kw: made.append(FakeTracker(**kw)) or made[-1])
    with backend:
        backend.begin_window()
        m = backend.end_window()
    t = made[0]
    assert t.started and t.stopped
    assert t.kwargs["country_iso_code"] == "FRA" and t.kwargs["save_to_file"] is False
    assert t.kwargs["log_level"] == "error"
    assert m.energy_j == pytest.approx(50.0) and m.mean_power_w == pytest.approx(25.0) and m.duration_s == 2.0
    assert m.power_source == CODECARBON_RAPL and not m.power_is_estimate
    assert m.device_name == "AMD EPYC 7R13 (8 CPUs)"
    assert m.details["ram_energy_j"] == pytest.approx(10.0) and "estimate_note" not in m.details


def test_cpu_load_tracker_is_labelled_an_estimate():
    backend = CodeCarbonBackend(tracker_factory=lambda **kw: FakeTracker("cpu_load", **kw))
    backend.begin_window()
    m = backend.end_window()
    assert m.power_source == CODECARBON_CPU_LOAD_ESTIMATE and m.power_is_estimate
    assert "not a measurement" in m.details["estimate_note"]


def test_a_zero_cpu_energy_is_refused_not_recorded_as_measured():
    """Measure audit: a RAPL counter that does not move (some VMs) gave 0 J, 0 W, accepted."""
    class Stuck(FakeTracker):
        def __exit__(self, *exc):
            super().__exit__(*exc)
            self.final_emissions_data.cpu_energy = 0.0

    backend = CodeCarbonBackend(tracker_factory=lambda **kw: Stuck(**kw))
    backend.begin_window()
    with pytest.raises(MeasurementError, match="no CPU energy over 2 s .*intel_rapl.*could not be read"):
        backend.end_window()


def test_interrupt_stops_the_tracker_without_a_result():
    made = []
    backend = CodeCarbonBackend(tracker_factory=lambda **kw: made.append(FakeTracker(**kw)) or made[-1])
    with pytest.raises(KeyboardInterrupt):
        with backend:
            backend.begin_window()
            raise KeyboardInterrupt
    assert made[0].stopped
    with pytest.raises(MeasurementError, match="without begin_window"):
        backend.end_window()


@pytest.mark.slow  # runs a subprocess (pytest.ini: slow)
def test_real_codecarbon_run_on_this_cpu(tmp_path, monkeypatch):
    """CodeCarbon for real around a short numpy workload: no file written, the power labelled
    by how CodeCarbon got it (this CI machine has no readable RAPL: an estimate)."""
    monkeypatch.chdir(tmp_path)
    backend = open_backend("cpu", country_iso_code="FRA")
    assert isinstance(backend, CodeCarbonBackend)
    a = np.ones((256, 256))
    with backend:
        backend.begin_window()
        t0 = time.monotonic()
        while time.monotonic() - t0 < 0.5:
            a @ a
        m = backend.end_window()
    assert m.duration_s >= 0.5 and m.energy_j > 0
    assert m.mean_power_w == pytest.approx(m.energy_j / m.duration_s)
    rapl_readable = os.access("/sys/class/powercap/intel-rapl:0/energy_uj", os.R_OK)
    if rapl_readable:
        assert m.power_source == CODECARBON_RAPL and not m.power_is_estimate
    else:
        assert m.power_source in (CODECARBON_CPU_LOAD_ESTIMATE, CODECARBON_CONSTANT_ESTIMATE) and m.power_is_estimate
    assert m.details["tracking_mode"] == "machine"
    # the machine's RAM (a CPU profile's memory; the base server's 412 GB said nothing of this machine)
    page_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / BYTES_PER_GB
    assert m.details["ram_total_gb"] == pytest.approx(page_gb, rel=0.05)
    assert list(tmp_path.iterdir()) == []  # CodeCarbon wrote no emissions.csv


def test_timer_backend_measures_time_only():
    ticks = iter([10.0, 12.5])
    b = TimerBackend("CPU", "CodeCarbon is not installed", clock=lambda: next(ticks))
    b.begin_window()
    m = b.end_window()
    assert (m.duration_s, m.energy_j, m.mean_power_w, m.power_source) == (2.5, None, None, "not-measured")
    assert "not installed" in m.details["why_no_power"]


def test_unavailable_backend_says_what_is_missing():
    b = UnavailableBackend("no NVIDIA driver (libnvidia-ml.so)")
    with pytest.raises(BackendUnavailable, match="libnvidia-ml.so"):
        b.begin_window()


class FailingTracker(FakeTracker):
    """CodeCarbon failing on a machine: a RAPL counter it may not read when it starts, its scheduler when it stops
    (CodeCarbon issues #232, #950)."""

    def __init__(self, where, **kwargs):
        super().__init__(**kwargs)
        self.where = where

    def __enter__(self):
        if self.where == "start":
            raise PermissionError(13, "Permission denied", "/sys/class/powercap/intel-rapl:0/energy_uj")
        return super().__enter__()

    def __exit__(self, *exc):
        if self.where == "stop":
            raise RuntimeError("scheduler died")
        return super().__exit__(*exc)


@pytest.mark.parametrize("where, said", [
    ("start", "CodeCarbon could not start measuring the CPU (PermissionError: [Errno 13] Permission denied: "
              "'/sys/class/powercap/intel-rapl:0/energy_uj')"),
    ("stop", "CodeCarbon failed while stopping its measurement (RuntimeError: scheduler died); the measurement is "
             "incomplete"),
])
def test_codecarbon_failing_on_the_machine_is_a_measurement_error_not_a_traceback(where, said):
    """Measure review 2026-11-26: `calibrate --backend cpu` printed a traceback (or blamed its output file)."""
    backend = CodeCarbonBackend(tracker_factory=lambda **k: FailingTracker(where, **k))
    with pytest.raises(MeasurementError) as err:
        backend.begin_window()
        backend.end_window()
    assert str(err.value) == said
    backend.close()  # nothing left open


def test_a_codecarbon_that_fails_to_import_is_not_called_missing(monkeypatch):
    import builtins

    from estimator.device import codecarbon_backend as cb
    real = builtins.__import__

    def broken(name, *a, **k):
        if name.startswith("codecarbon"):
            raise ModuleNotFoundError("No module named 'pandas'", name="pandas")
        return real(name, *a, **k)
    monkeypatch.setattr(builtins, "__import__", broken)
    with pytest.raises(BackendUnavailable, match=r"CodeCarbon is installed but could not be imported "
                                                 r"\(ModuleNotFoundError: No module named 'pandas'\)"):
        cb._default_factory()


def test_the_backends_list_says_a_codecarbon_that_fails_to_import(monkeypatch):
    """Measure review 2026-11-26: `calibrate --backends` said "CPU (CodeCarbon): available" where importing it
    failed; it is found installed but not importable, and said so."""
    from estimator.device import backends
    from estimator.device import codecarbon_backend as cb
    monkeypatch.setattr(cb, "import_problem", lambda: "ModuleNotFoundError: No module named 'pandas'")
    _, cpu = backends.backend_status()
    assert cpu.available is False
    assert ("CodeCarbon is installed but could not be imported (ModuleNotFoundError: No module named 'pandas'): "
            "reinstall it") in cpu.line


def test_a_modelled_cpu_power_says_the_figure_codecarbons_model_starts_from():
    """Measuring engineer's review 2026-11-27: a 2-vCPU VM's 7.84 W was CodeCarbon's model of an assumed CPU power,
    which nothing recorded. Read from CodeCarbon's own CPU objects (its private ``_tdp`` and ``_is_generic_tdp``)."""
    from types import SimpleNamespace

    from codecarbon.external.hardware import CPU

    from estimator.device.codecarbon_backend import cpu_model_tdp
    known = CPU.from_utils("/tmp", "cpu_load", "AMD EPYC 7643 48-Core Processor", 300, tracking_mode="machine")
    assert cpu_model_tdp(SimpleNamespace(_hardware=[known])) == (300.0, False)
    unknown = CPU.from_utils("/tmp", "cpu_load", "Unknown CPU", None, tracking_mode="machine")
    tdp, generic = cpu_model_tdp(SimpleNamespace(_hardware=[unknown]))
    assert tdp == float(unknown._tdp) > 0 and generic is bool(unknown._is_generic_tdp)
    assert cpu_model_tdp(SimpleNamespace(_hardware=[])) == (None, False)


def test_codecarbons_per_thread_default_for_an_unknown_cpu_is_called_generic():
    """Measuring engineer's review 2026-11-29: CodeCarbon gives a CPU model its table lacks 4 W a thread (8 W on a
    2-vCPU "AMD EPYC") without setting its ``_is_generic_tdp``: read as generic, as its constant fallback is."""
    from types import SimpleNamespace

    from codecarbon.core.cpu import DEFAULT_POWER_PER_CORE, count_cpus
    from codecarbon.external.hardware import CPU

    from estimator.device.codecarbon_backend import cpu_model_tdp
    per_thread = DEFAULT_POWER_PER_CORE * count_cpus()
    unlisted = CPU.from_utils("/tmp", "cpu_load", "AMD EPYC", per_thread, tracking_mode="machine")
    assert unlisted._is_generic_tdp is False  # CodeCarbon's own flag misses it
    assert cpu_model_tdp(SimpleNamespace(_hardware=[unlisted])) == (float(per_thread), True)
    # a listed model whose TDP happens to equal the per-thread product stays its own
    listed = CPU.from_utils("/tmp", "cpu_load", "AMD EPYC 7643 48-Core Processor", per_thread, tracking_mode="machine")
    assert cpu_model_tdp(SimpleNamespace(_hardware=[listed])) == (float(per_thread), False)


def test_ctrl_c_inside_codecarbons_start_stops_it():
    """Code review 2026-11-28: a KeyboardInterrupt inside the tracker's __enter__ (schedulers started, the first
    reading under way) left it sampling: its __exit__ was never registered."""
    class SlowStart(FakeTracker):
        stop_calls = 0

        def __enter__(self):
            self.started = True
            raise KeyboardInterrupt

        def stop(self):
            self.stop_calls += 1

    made = []
    backend = CodeCarbonBackend(tracker_factory=lambda **kw: made.append(SlowStart(**kw)) or made[-1])
    with pytest.raises(KeyboardInterrupt):
        backend.begin_window()
    assert made[0].stop_calls == 1


def test_the_tracker_counts_no_pue_of_its_own():
    """Code review 2026-11-28: CodeCarbon multiplies energies by a PUE from its config or CODECARBON_PUE; the tracker
    is asked for the device's own draw (PUE 1), the estimate applying the PUE once."""
    made = []
    backend = CodeCarbonBackend(tracker_factory=lambda **kw: made.append(FakeTracker(**kw)) or made[-1])
    backend.begin_window()
    backend.end_window()
    assert made[0].kwargs["pue"] == 1.0


def test_a_load_codecarbon_did_not_sample_is_left_out():
    """Measure review 2026-11-29: a full-load calibration recorded cpu_utilization_percent = 0.0, CodeCarbon's figure
    where it took no load sample in the window; a sampled load is kept."""
    def measured(load):
        class Tracker(FakeTracker):
            def __exit__(self, *exc):
                super().__exit__(*exc)
                self.final_emissions_data.cpu_utilization_percent = load
        backend = CodeCarbonBackend("fra", tracker_factory=lambda **kw: Tracker(**kw))
        with backend:
            backend.begin_window()
            return backend.end_window()
    assert measured(99.0).details["cpu_utilization_percent"] == 99.0
    assert "cpu_utilization_percent" not in measured(0.0).details


def test_the_backend_names_this_machines_cpu_before_codecarbons_first_reading():
    """API review 2026-12-01: a tracked run's reports said "CPU (codecarbon backend)" until the first energy window
    closed, "AMD EPYC (2 CPUs)" after; backend="none" named the CPU from the start."""
    from estimator.device.cpu_name import cpu_device_name
    backend = CodeCarbonBackend(tracker_factory=FakeTracker)
    assert backend.device_name == cpu_device_name() != "CPU"
