"""The paper statement's review: a price of 0 crashed it (KeyError); what a profile measured was read
from its free text, so that a hand-written profile whose source said "measured on dgx01 …" was called
this tool's calibration, an imported CodeCarbon log whose timestamps had a space lost every measured
clause, and text put before a calibrated power's source lost its meter; an imported log was said to
be measured "on codecarbon-run-…" (a label the import made up) and printed the CSV's absolute path;
a known run changed only in its grid or its price "would take" the published time; and the
device-hours read "4.00" where every other export reads "4". Each statement compiles (the last test)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from apptest_pages import shared_page
from latex_batch import to_compile
from statements import AT, HOST, METHOD, SOURCES
from statements import calibrated as _calibrated
from statements import statement_of as _statement

from estimator import __version__
from estimator.cli import main
from estimator.core.calibration.calibrate import profile_to_dict
from estimator.device import base as meters
from estimator.io.calibration_io import write_profile
from estimator.io.datafiles import default_profiles, load_profile_file
from estimator.report import humanize as hz
from estimator.report.export import render
from estimator.report.statement import TIME_INPUTS, Statement, statement
from estimator.report.statement_parts import no_paths
from estimator.services import api

CSV = Path(__file__).resolve().parents[1] / "data" / "codecarbon" / "emissions_codecarbon_3.3.2.csv"
FLOPS_B = 2683 * 2 * 512 ** 3  # the FLOPs of the file's last run (tests/io/test_calibrate_io.py)


def _both(run: dict) -> tuple[str, str]:
    r = api.run(**run)
    st = statement(r.estimate, SOURCES, version=__version__, title=r.title,
                   extra_keys=(r.preset.source,) if r.preset else (), changed=tuple(r.changed))
    return st.tex, st.bib


# --- 1. a price of 0


@pytest.mark.parametrize("argv, said", [
    (("--price-usd-per-hour", "0"), "At the given price of \\$0 per device-hour, this would cost about \\$0."),
    (("--electricity-usd-per-kwh", "0"), "At the given electricity price of \\$0/kWh, the electricity alone would "
                                         "cost about \\$0, with no device rental or purchase."),
])
@pytest.mark.parametrize("fmt", ["latex", "bibtex"])
def test_a_price_of_zero_is_stated_not_a_crash(cli, argv, said, fmt):
    code, out, err = cli("estimate", "--flops", "1e22", *argv, "--format", fmt)
    assert code == 0, err
    assert (said in out) if fmt == "latex" else out.count("@") >= 3


def test_a_profile_with_a_price_of_zero(tmp_path):
    data = profile_to_dict(default_profiles().get("h100-sxm"), snapshot=True)
    data.update(id="free-h100", name="Free H100")
    data["price"] = {**data["price"], "usd_per_device_hour": 0.0}
    write_profile(data, tmp_path / "free.toml")
    r, st = _statement(hardware=str(tmp_path / "free.toml"), flops=1e22)
    assert r.estimate.cost_usd == 0
    assert "price per device-hour~\\cite{" not in st.tex and "this would cost about \\$0." in st.tex
    assert "@misc{price-free-h100," in st.bib  # the profile's price is cited as a non-zero one is


def test_the_apps_export_tab_with_a_price_of_zero():
    at = shared_page("estimate", {"price": "0", "tab": "Export & share"})
    tex = next(c.value for c in at.code if "Compute and carbon statement" in c.value)
    assert "this would cost about \\$0." in tex


# --- 2. what a profile measured, from its [calibration] table


def test_the_estimate_carries_the_calibration_table(tmp_path):
    path = _calibrated(tmp_path, "cpu-server-2s-epyc", 1e11, 40.0, meters.CODECARBON_CPU_LOAD_ESTIMATE, True,
                       "AMD EPYC (2 CPUs)")
    cal = api.run(hardware=path, flops=1e14).estimate.calibration
    assert (cal.host, cal.measured_at, cal.method, cal.base_profile) == (HOST, AT, METHOD, "cpu-server-2s-epyc")
    assert (cal.power_source, cal.power_is_estimate, cal.mean_power_w) == (meters.CODECARBON_CPU_LOAD_ESTIMATE, True, 40.0)
    assert cal.precision == "fp32" and cal.achieved_flops_per_s == pytest.approx(1e11) and cal.imported_from is None
    assert api.run(hardware="h100-sxm", flops=1e20).estimate.calibration is None


def test_a_hand_written_profile_that_says_measured_is_not_called_calibrated(tmp_path):
    data = profile_to_dict(default_profiles().get("h100-sxm"), snapshot=True)
    data.update(id="our-h100", name="Our H100 cluster node")
    data["utilization"] = {**data["utilization"], "default": 0.41, "range": [0.35, 0.45],
                           "source": "measured on dgx01 at 2024-03-01 by nvidia-smi and our training logs over a week"}
    data["power"]["source"] = "codecarbon-rapl, measured on dgx01 at 2024-03-01 by nvidia-smi; the device only"
    write_profile(data, tmp_path / "ours.toml")
    for run in (dict(flops=1e20), dict(hours=5)):
        r, st = _statement(hardware=str(tmp_path / "ours.toml"), **run)
        assert r.estimate.calibration is None
        assert "measured by" not in st.tex and "calibration" not in st.bib and "dgx01" not in st.tex


def test_text_before_a_calibrated_powers_source_keeps_its_meter(tmp_path):
    path = Path(_calibrated(tmp_path, "cpu-server-2s-epyc", 1e11, 40.0, meters.CODECARBON_CPU_LOAD_ESTIMATE, True,
                            "AMD EPYC (2 CPUs)"))
    data = tomllib.loads(path.read_text())
    data["power"]["source"] = "Checked against a wall meter. " + data["power"]["source"]
    data["utilization"]["source"] = "re-measured by hand"  # the table, not this text, says what was measured
    write_profile(data, path)
    _, st = _statement(hardware=str(path), flops=1e14)
    assert ("a throughput of 100 GFLOP/s per device, measured by this tool's calibration on lab-box on 2026-03-04 "
            "(built-in matmul workload (numpy 2.4.6, fp32, sizes 256--1024, codecarbon backend)), or 0.0142 of the fp32 "
            "peak of the base profile cpu-server-2s-epyc (7.07 TFLOP/s per device). At an average of "
            "40.0~W per device, the mean power measured in the same calibration (CodeCarbon's CPU-load model, an "
            "estimate, not a meter reading; the CPU alone, not memory or the rest of the machine)") in st.tex
    assert "mean power 40.0 W per device (CodeCarbon's CPU-load model" in st.bib


def test_a_utilisation_edited_by_hand_is_not_called_measured(tmp_path):
    path = Path(_calibrated(tmp_path, "cpu-server-2s-epyc", 1e11, 40.0, meters.CODECARBON_CPU_LOAD_ESTIMATE, True,
                            "AMD EPYC (2 CPUs)"))
    data = tomllib.loads(path.read_text())
    data["utilization"].update(default=0.5, range=[0.4, 0.6])  # no longer the table's measured figure
    write_profile(data, path)
    _, st = _statement(hardware=str(path), flops=1e14)
    assert "a throughput of" not in st.tex and "throughput" not in st.bib
    assert "At an average of 40.0~W per device, measured by this tool's calibration on lab-box" in st.tex


# --- 3. an imported CodeCarbon log: measured by CodeCarbon in its run, no local path


@pytest.fixture(params=["T", " "], ids=["iso", "space"])
def imported(request, tmp_path):
    """A profile imported from a CodeCarbon log at an absolute path, its timestamps "2026-11-23T07:04:24" or
    "2026-11-23 07:04:24" (as CodeCarbon writes them)."""
    return _import_log(tmp_path, request.param)


def _import_log(folder: Path, separator: str) -> Path:
    csv = folder / "private-dir" / "emissions.csv"
    csv.parent.mkdir()
    csv.write_text(CSV.read_text().replace("2026-11-23T", f"2026-11-23{separator}"))
    out = folder / "imported.toml"
    assert main(["calibrate", "--from-codecarbon", str(csv), "--flops", str(FLOPS_B), "--base", "cpu-server-2s-epyc",
                 "--out", str(out)]) == 0
    return out


def test_an_imported_log_is_measured_by_codecarbon_in_its_run(imported, tmp_path):
    profile = load_profile_file(imported)
    run_id = profile.calibration["details"]["run_id"][:8]
    for run, clause in ((dict(flops=1e16), f"per device, measured by CodeCarbon 3.3.2 in an imported run on 2026-11-23 "
                                           f"(run {run_id}, imported by this tool's calibration), or "),
                        (dict(hours=3), f"measured by CodeCarbon 3.3.2 in an imported run on 2026-11-23 (run {run_id}, "
                                        "imported by this tool's calibration; a CodeCarbon log's CPU energy, its "
                                        "method not recorded, an estimate, not a meter reading; the CPU alone")):
        r, st = _statement(hardware=str(imported), **run)
        assert r.estimate.calibration.imported_from == "CodeCarbon 3.3.2"
        assert clause in st.tex
        assert "this tool's calibration on codecarbon-run" not in st.tex and "measured on codecarbon-run" not in st.bib
        assert f"Measured by CodeCarbon 3.3.2 in run {run_id} at 2026-11-23" in st.bib
        for text in (st.tex, st.bib):
            assert str(tmp_path) not in text and "private-dir" not in text and "/tmp" not in text


def test_an_imported_profiles_name_says_whose_machine_not_a_made_up_host(imported):
    """A CodeCarbon log names no host: the profile's name and sources had read "calibrated on
    codecarbon-run-…", a host label the import made up; its id keeps the run's label."""
    profile = load_profile_file(imported)
    run_id = profile.calibration["details"]["run_id"][:8]
    assert profile.id.endswith(f"-cal-codecarbon-run-{run_id}")
    # with the log's own time, as it wrote it (no zone: no "UTC"), so that two imports read apart (2026-11-29)
    assert f"(calibrated on the machine of CodeCarbon run {run_id} at 2026-11-23 " in profile.name
    assert profile.name.endswith(", base cpu-server-2s-epyc)") and "UTC" not in profile.name
    assert "codecarbon-run" not in profile.name and "codecarbon-run" not in profile.notes
    assert f"measured on the machine of CodeCarbon run {run_id} at " in profile.notes


def test_no_local_path_is_printed(tmp_path):
    path = Path(_calibrated(tmp_path, "h100-sxm", 5e14, 600.0, meters.NVML_ENERGY_COUNTER, False, "NVIDIA H100"))
    data = tomllib.loads(path.read_text())
    data["calibration"]["method"] = "user command `python /home/me/secret/train.py --out C:\\runs\\x` (1e18 FLOP given)"
    write_profile(data, path)
    _, st = _statement(hardware=str(path), flops=1e20)
    assert "user command `python train.py --out x` (1e18 FLOP given)" in st.bib
    assert "/home/me" not in st.tex + st.bib and "secret" not in st.tex + st.bib
    assert no_paths("https://docs.aws.amazon.com/ec2/co.html, 7.07 TFLOP/s, fp64+fp32") == \
        "https://docs.aws.amazon.com/ec2/co.html, 7.07 TFLOP/s, fp64+fp32"


# --- 4. a known run took its time unless what sets the time changed


@pytest.mark.parametrize("run, differs", [
    (dict(region="FRA"), "grid carbon intensity (g/kWh)"),
    (dict(electricity_usd_per_kwh=0.1), "electricity price (USD/kWh)"),
    (dict(pue=1.3), "PUE"),
    (dict(price_usd_per_device_hour=2.0), "price per device-hour (USD)"),
])
def test_a_known_run_changed_only_in_what_does_not_set_its_time_took_it(run, differs):
    tex, _ = _both(dict(preset_id="bert-base", **run))
    assert "Training a variant of \\emph{BERT-base on 64 V100s (Strubell et al. 2019)} (8.45 $\\times 10^{19}$ " \
           "FLOPs) took 3.30 days on 64" in tex
    assert "would take" not in tex and f"and differs from it in: {differs}." in tex


@pytest.mark.parametrize("run", [dict(devices=128), dict(hardware="a100-sxm-80gb"), dict(hours=100),
                                 dict(tokens=1e10)])
def test_a_known_run_changed_in_what_sets_its_time_would_take_it(run):
    r = api.run(preset_id="bert-base", **run)
    assert TIME_INPUTS & r.changed
    tex, _ = _both(dict(preset_id="bert-base", **run))
    assert "training a variant of" in tex and "would take" in tex and " took " not in tex


def test_cooling_keeps_took_as_the_grid_does(cli):
    for extra in (("--cooling", "dry"), ("--region", "FRA")):
        out = cli("estimate", "--preset", "bert-base", *extra, "--format", "latex").out
        assert "took 3.30 days on 64" in out and "would take" not in out


# --- 5. device-hours as the other exports give them


@pytest.mark.parametrize("run", [dict(preset_id="alphago-vs-brain"), dict(hardware="h100-sxm", hours=2, devices=8),
                                 dict(preset_id="bert-base"), dict(hardware="h100-sxm", flops=1e20)], ids=str)
def test_device_hours_read_as_in_the_table_and_markdown(run):
    r = api.run(**run)
    said = hz.device_hours(r.estimate.device_hours)
    tex, _ = _both(run)
    assert said in tex
    for fmt in ("table", "markdown"):
        assert said in render(fmt, r.estimate, r.comparison, title=r.title)
    if run.get("preset_id") == "alphago-vs-brain":
        assert said == "4 device-hours" and "4.00 device-hours" not in tex


# --- the new statements compile


REVIEW_RUNS = {"a price of 0": lambda folder: dict(flops=1e22, price_usd_per_device_hour=0),
               "an imported log, its times with T": lambda folder: dict(hardware=str(_import_log(folder, "T")),
                                                                        flops=1e16),
               "an imported log, its times with a space": lambda folder: dict(hardware=str(_import_log(folder, " ")),
                                                                              flops=1e16),
               "a known run in another grid": lambda folder: dict(preset_id="bert-base", region="FRA"),
}
for _name, _run in REVIEW_RUNS.items():
    to_compile(f"review's statement: {_name}")(lambda folder, run=_run: _statement(**run(folder))[1])


# a layout at 98% of the device's memory: "fits, tightly (above 90\\% ...)", its percent sign escaped
TIGHT_LAYOUT = dict(model="llama-3.1-8b", hardware="h100-sxm", devices=8, tokens=1e12, tp=1, pp=1, micro_batch=5,
                    seq_len=2048)  # the tool's default sequence, not Llama 3.1 8B's own 8,192


def _tight_statement(**run) -> Statement:
    from estimator import run as run_by_name  # the CLI's inputs by name (a catalog model and its layout)
    return statement(run_by_name(**run).estimate, SOURCES, version=__version__)


to_compile("review's statement: a tight layout")(lambda folder: _tight_statement(**TIGHT_LAYOUT, zero=2))


def test_the_tight_layouts_statement_compiles_without_warnings(compiled_statements):
    assert compiled_statements["review's statement: a tight layout"] == []


@pytest.mark.parametrize("name", REVIEW_RUNS)
def test_the_review_statements_compile_without_warnings(compiled_statements, name):
    assert compiled_statements[f"review's statement: {name}"] == []


def test_a_tight_layout_is_said_to_fit_tightly():
    """A layout the memory model puts at 98% of an H100's 85.52 GB: the statement says it would fit tightly and why, as
    the table's memory line says "fits, tight"; one with room says "would fit" alone."""
    tex = _tight_statement(**TIGHT_LAYOUT, zero=2).tex
    assert ("against 85.52~GB of device memory, which would fit, tightly (above 90\\% of the device's memory, where "
            "what the memory model leaves out, the CUDA context, communication buffers and fragmentation, may not "
            "fit).") in tex
    roomy = _tight_statement(**TIGHT_LAYOUT, zero=3).tex
    assert "which would fit." in roomy and "tightly" not in roomy
