"""Measuring engineer's review 2026-12-01: a CPU run's energy (CodeCarbon) leaves memory and the rest of the machine
out, and neither `track` nor `calibrate` said so (CodeCarbon's own RAM figure, in the file, was 2.5× the CPU's)."""

from __future__ import annotations

from track_fakes import STEP, Clock, FakeMeter, run_steps

from estimator.core.calibration.measurement import (
    CODECARBON_CPU_LOAD_ESTIMATE,
    CODECARBON_CSV_CPU,
    CODECARBON_RAPL,
    NVML_ENERGY_COUNTER,
    Measurement,
    metered_alone_note,
)
from estimator.monitor.track import track


class CpuMeter(FakeMeter):
    def end_window(self):
        m = super().end_window()
        return Measurement(m.duration_s, m.energy_j, m.mean_power_w, CODECARBON_CPU_LOAD_ESTIMATE, True, "Fake CPU",
                           "codecarbon", {})


def test_the_words_say_which_device_a_meter_reads_alone():
    assert metered_alone_note(CODECARBON_RAPL) == ("the energy measured is the CPU alone, not memory or the rest of the "
                                                   "machine: the real draw is higher")
    # an estimate (a TDP model) is not said to be below the real draw (code review 2026-12-02)
    assert metered_alone_note(CODECARBON_CPU_LOAD_ESTIMATE) == (
        "the energy is an estimate of the CPU alone, not memory or the rest of the machine; a TDP-based estimate may be "
        "above or below its real draw")
    assert metered_alone_note(CODECARBON_CSV_CPU).startswith("the energy is an estimate or a reading of the CPU alone")
    assert metered_alone_note(NVML_ENERGY_COUNTER) == "the energy measured is the GPU alone, not its host: the real " \
                                                      "draw is higher"
    assert metered_alone_note("fake-meter") is None and metered_alone_note(None) is None


def test_a_tracked_cpu_run_says_its_energy_leaves_memory_out():
    clock = Clock()
    with track(total_steps=3000, backend=CpuMeter(clock), clock=clock, print_report=False) as run:
        run_steps(run, clock, [STEP] * 2000)
        p = run.predict()
    assert p.energy_kwh is not None
    assert metered_alone_note(CODECARBON_CPU_LOAD_ESTIMATE) in p.notes
    assert metered_alone_note(CODECARBON_CPU_LOAD_ESTIMATE) in p.to_dict()["notes"]  # the saved report's too
    clock = Clock()
    with track(total_steps=3000, backend=FakeMeter(clock), clock=clock, print_report=False) as run:
        run_steps(run, clock, [STEP] * 2000)
        assert not any(n.startswith("the energy measured is") for n in run.predict().notes)


def test_calibrate_says_it_of_a_cpu_log_in_its_table_and_json(cli, tmp_path):
    import json
    from pathlib import Path
    log = Path(__file__).resolve().parents[1] / "data" / "codecarbon" / "emissions_codecarbon_3.3.2.csv"
    args = ("calibrate", "--from-codecarbon", log, "--flops", "1e11", "--base", "cpu-server-2s-epyc")
    out = cli(*args, "--out", tmp_path / "a.toml")
    line = next(x for x in out.out.splitlines() if x.startswith("power "))
    # the log does not record whether its CPU energy was read or modelled: not said to be below the real draw
    assert line.endswith("; the energy is an estimate or a reading of the CPU alone, not memory or the rest of the "
                         "machine; a TDP-based estimate may be above or below its real draw")
    out = cli(*args, "--out", tmp_path / "b.toml", "--format", "json")
    assert metered_alone_note("codecarbon-csv-cpu-method-not-recorded") in json.loads(out.out)["notes"]


def test_a_drift_without_total_steps_names_no_range_or_end():
    """Measuring engineer's review 2026-12-01: a run without total_steps said its range spanned the drift "going on
    linearly to the end", with no range and no end."""
    clock = Clock()
    with track(flops_per_step=1e9, backend="none", clock=clock, print_report=False) as run:
        run_steps(run, clock, [0.01 * (1 + i / 10) for i in range(150)])
        notes = run.predict().notes
    drift = [n for n in notes if n.startswith("the step time drifts")]
    assert len(drift) == 1 and drift[0].endswith(": the mean step time is of the steps so far")
