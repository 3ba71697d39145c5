"""The Calibrate page under AppTest: listing, CodeCarbon upload → preview/download, CPU run."""

from __future__ import annotations

import csv
import io
import json
import sys
import tomllib
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from apptest_pages import run_page  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from app_pages.pages.calibrate import calibrated_table  # noqa: E402
from estimator.core.hardware.reader import profile_from_dict  # noqa: E402
from estimator.io.datafiles import default_profiles  # noqa: E402
from estimator.report.humanize import signed_percent  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
NEW = ROOT / "tests" / "data" / "codecarbon" / "emissions_codecarbon_3.3.2.csv"
OLD = ROOT / "tests" / "data" / "codecarbon" / "emissions_codecarbon_2.2.7.csv"


def open_page(params=None) -> AppTest:
    return run_page("calibrate", params)


def plain(text: str) -> str:
    """Error text as the user reads it (the page escapes markdown)."""
    return text.replace("\\", "")


def downloaded_profile(at: AppTest) -> dict:
    code = [el.value for el in at.code if el.language == "toml"]
    assert code, "no profile preview"
    return tomllib.loads(code[0])


def test_page_renders_with_sections():
    at = open_page()
    subheaders = [s.value for s in at.header]
    assert subheaders == ["Calibrated profiles", "Import a CodeCarbon log", "Short CPU calibration on this server",
                          "Load a track report"]
    assert [u.allowed_type for u in at.file_uploader] == [[".csv"], [".json"]]
    # the meters on this server, as `calibrate --backends` says: NVML's absence is stated, never a crash
    from estimator.device.backends import backend_status
    shown = " ".join(plain(el.value) for el in [*at.info, *at.caption])
    for s in backend_status():
        assert s.line in shown


def test_calibrated_table_lists_measurement_details():
    from estimator.core.calibration.calibrate import Throughput, calibrated_profile_data
    from estimator.device.base import Measurement
    base = default_profiles().get("cpu-server-2s-epyc")
    m = Measurement(2.0, 40.0, 20.0, "codecarbon-rapl", False, "Test CPU", "codecarbon", {})
    data, _ = calibrated_profile_data(base, [Throughput("fp32", 1e11, 512.0, (512, 512, 512), 3, 1.0)], m,
                                      host="box", measured_at="2026-01-01T00:00:00Z", method="test")
    table = calibrated_table([base, profile_from_dict(data, "x.toml")])
    assert list(table["id"]) == ["cpu-server-2s-epyc-cal-box"]  # uncalibrated profiles are not listed
    row = table.iloc[0]
    assert (row["host"], row["power_source"], row["achieved_tflops"]) == ("box", "codecarbon-rapl", 0.1)


@pytest.mark.parametrize("path, flops", [(NEW, 2683 * 2 * 512 ** 3), (OLD, 2698 * 2 * 512 ** 3)])
def test_upload_preview_and_download(path, flops):
    at = open_page({"cal_flops": str(flops)})
    at.file_uploader(key="cal_upload").set_value((path.name, path.read_bytes(), "text/csv"))
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    data = downloaded_profile(at)
    duration = float(path.read_text().splitlines()[-1].split(",")[3 if path == OLD else 4])
    assert data["calibration"]["achieved_flops_per_s"] == pytest.approx(flops / duration)
    assert data["calibration"]["base_profile"] == "cpu-server-2s-epyc"
    assert len(at.get("download_button")) == 1   # the profile; one run has no check to download
    assert "No check: one measured run, and the profile is fitted on it." in [el.value for el in at.caption]
    if path == NEW:  # two runs in the file: a run selector, the last run chosen
        assert at.selectbox(key="cal_run").value.startswith("be849a9d")


def test_upload_errors_are_clear():
    at = open_page({"cal_flops": "1e12"})
    at.file_uploader(key="cal_upload").set_value(("notes.csv", b"a,b\n1,2\n", "text/csv"))
    at.run()
    assert not at.exception
    assert "notes.csv is not a CodeCarbon emissions.csv: no column(s) duration" in plain(at.error[0].value)
    at.file_uploader(key="cal_upload").set_value(("big.csv", b"x" * 5_000_001, "text/csv"))
    at.run()
    assert "big.csv is 5.0 MB; the limit is 5 MB" in plain(at.error[0].value)
    # a GPU base profile for a CPU-only run
    at.file_uploader(key="cal_upload").set_value((OLD.name, OLD.read_bytes(), "text/csv"))
    at.selectbox(key="cal_base").set_value("h100-sxm")
    at.run()
    assert "has no GPU energy" in plain(at.error[0].value)


def test_upload_without_flops_asks_for_them():
    at = open_page()
    at.file_uploader(key="cal_upload").set_value((OLD.name, OLD.read_bytes(), "text/csv"))
    at.run()
    assert any("Give the run's FLOPs" in i.value for i in at.info)


@pytest.mark.slow
def test_short_cpu_calibration_with_progress_bar(captured_downloads):
    at = open_page({"cal_seconds": "2"})  # past CodeCarbon's 1-s power sampling
    at.button(key="cal_run_cpu").click()
    at.run(timeout=120)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert len(at.get("progress")) == 1
    data = downloaded_profile(at)
    assert data["calibration"]["method"].startswith("built-in matmul workload (numpy")
    assert data["calibration"]["achieved_flops_per_s"] > 1e8
    assert data["utilization"]["default"] == pytest.approx(data["calibration"]["achieved_flops_per_s"] / 7.0656e12)
    # the checks as numbers: the error a fraction (predicted ÷ measured − 1), the table's signed percent
    (name,) = [n for n in captured_downloads if n.endswith("-checks.csv")]
    rows = list(csv.DictReader(io.StringIO(captured_downloads[name])))
    shown = next(df.value for df in at.dataframe if "predicted_s" in df.value.columns)
    assert len(rows) == len(shown) >= 1
    for row, (_, cell) in zip(rows, shown.iterrows()):
        err = float(row["error_fraction"])
        assert err == pytest.approx(float(row["predicted_s"]) / float(row["measured_s"]) - 1)
        assert cell["error"] == signed_percent(err)


# --- saving a calibrated profile, and profiles written while the server runs -----------------

# calibrated_dir: tests/conftest.py


def listed_ids(at: AppTest) -> list[str]:
    tables = [df.value for df in at.dataframe if "id" in df.value.columns and "host" in df.value.columns]
    return list(tables[0]["id"]) if tables else []


def test_saving_a_profile_writes_it_and_the_listing_shows_it_at_once(calibrated_dir):
    at = open_page({"cal_flops": str(2683 * 2 * 512 ** 3)})
    assert listed_ids(at) == []
    at.file_uploader(key="cal_upload").set_value((NEW.name, NEW.read_bytes(), "text/csv"))
    at.run()
    save = at.button(key="cal_import_save")
    # the real destination: the calibrated folder profiles load from (here the test's), not always profiles/calibrated/
    # a short label that fits a phone; the caption names the file
    assert save.label == "Save on this server"
    assert any(f"Saving writes {calibrated_dir / 'cpu-server-2s-epyc-cal-codecarbon-run-'}" in x.value.replace("\\", "")
               for x in at.caption)
    save.click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    files = list(calibrated_dir.glob("*.toml"))
    assert len(files) == 1 and tomllib.loads(files[0].read_text())["calibration"]["base_profile"] == "cpu-server-2s-epyc"
    assert listed_ids(at) == [files[0].stem]  # no server restart: the cache was refreshed
    assert any("Saved" in el.value for el in at.success)
    # saving again replaces the same profile (a re-calibration), and the button says so
    assert at.button(key="cal_import_save").label == "Replace the earlier calibration"
    assert any(f"Saving replaces {calibrated_dir / 'cpu-server-2s-epyc-cal-'}" in x.value.replace("\\", "")
               and "an earlier calibration." in x.value.replace("\\", "") for x in at.caption)
    at.button(key="cal_import_save").click()
    at.run()
    assert not at.error and len(list(calibrated_dir.glob("*.toml"))) == 1


def test_a_profile_written_by_the_cli_while_the_server_runs_is_listed(calibrated_dir):
    from estimator.core.calibration.calibrate import Throughput, calibrated_profile_data
    from estimator.device.base import Measurement
    from estimator.io.calibration_io import write_profile
    at = open_page()
    assert listed_ids(at) == []
    base = default_profiles().get("cpu-server-2s-epyc")
    m = Measurement(2.0, 40.0, 20.0, "codecarbon-rapl", False, "Test CPU", "codecarbon", {})
    data, _ = calibrated_profile_data(base, [Throughput("fp32", 1e11, seconds=1.0)], m, host="cli-box",
                                      measured_at="2026-01-01T00:00:00Z", method="test")
    write_profile(data, calibrated_dir / f"{data['id']}.toml")
    at.run()
    assert listed_ids(at) == ["cpu-server-2s-epyc-cal-cli-box"]


def test_a_profile_written_by_the_cli_is_usable_on_the_estimate_page_at_once(calibrated_dir):
    """Calibrate audit: a link to a profile the CLI had just written showed "unknown value … Using the
    default instead" and H100 numbers until someone opened the Calibrate page."""
    from estimator.core.calibration.calibrate import Throughput, calibrated_profile_data
    from estimator.device.base import Measurement
    from estimator.io.calibration_io import write_profile
    params = {"workload": "flops", "flops": "1e15", "hardware": "cpu-server-2s-epyc-cal-link-box"}
    before = run_page("estimate", params)
    assert any("unknown value" in w.value for w in before.warning)
    base = default_profiles().get("cpu-server-2s-epyc")
    m = Measurement(2.0, 40.0, 20.0, "codecarbon-rapl", False, "Test CPU", "codecarbon", {})
    data, _ = calibrated_profile_data(base, [Throughput("fp32", 1e11, seconds=1.0)], m, host="link-box",
                                      measured_at="2026-01-01T00:00:00Z", method="test")
    write_profile(data, calibrated_dir / f"{data['id']}.toml")
    after = run_page("estimate", params)
    assert not any("unknown value" in w.value for w in after.warning)
    metrics = {m.label: m.value for m in after.metric}
    assert metrics["Training time"] == "2.78 hours"  # 1e15 FLOPs ÷ the measured 1e11 FLOP/s = 10,000 s


def test_the_listing_downloads_as_csv(calibrated_dir, captured_downloads):
    from estimator.core.calibration.calibrate import Throughput, calibrated_profile_data
    from estimator.device.base import Measurement
    from estimator.io.calibration_io import write_profile
    base = default_profiles().get("cpu-server-2s-epyc")
    m = Measurement(2.0, 40.0, 20.0, "codecarbon-rapl", False, "Test CPU", "codecarbon", {})
    data, _ = calibrated_profile_data(base, [Throughput("fp32", 1e11, seconds=1.0)], m, host="csv-box",
                                      measured_at="2026-01-01T00:00:00Z", method="test")
    write_profile(data, calibrated_dir / f"{data['id']}.toml")
    open_page()
    (row,) = csv.DictReader(io.StringIO(captured_downloads["calibrated-profiles.csv"]))
    assert row["id"] == "cpu-server-2s-epyc-cal-csv-box" and row["host"] == "csv-box"
    assert float(row["achieved_tflops"]) == pytest.approx(0.1)


# --- a saved estimator.monitor.track report --------------------------------------------------------

def track_report_bytes(tmp_path, finished=True) -> tuple[bytes, dict]:
    from estimator.monitor.track import track
    t = [0.0]
    out = tmp_path / "track.json"
    with track(total_steps=1000 if finished else 4000, backend="none", hardware="cpu-server-2s-epyc",
               price_usd_per_device_hour=2.0, clock=lambda: t[0], report_path=out, print_report=False) as run:
        for i in range(1000):
            t[0] += 0.5 if i < 3 else 0.02 + 0.01 * (i % 3)
            run.step()
    return out.read_bytes(), json.loads(out.read_text())


def test_track_report_shows_predicted_against_elapsed(tmp_path):
    import json as _json

    from estimator.report import humanize as hz
    data, doc = track_report_bytes(tmp_path, finished=False)
    at = open_page()
    at.file_uploader(key="cal_track_upload").set_value(("track.json", data, "application/json"))
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    metrics = {m.label: m.value for m in at.metric}
    p = doc["prediction"]
    assert metrics["Steps"] == "1,000 of 4,000" and metrics["Elapsed"] == hz.duration(p["elapsed_s"])
    assert metrics["Predicted whole run"] == hz.duration(p["wall_clock_s"])
    assert metrics["Predicted cost"] == hz.money(p["cost_usd"])  # stopped at step 1,000 of 4,000: a prediction
    assert "Cost" not in metrics
    assert any("stopped early, at step 1,000 of 4,000" in plain(i.value) and "predicted from its steps, not measured"
               in plain(i.value) for i in at.info)
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    spec = _json.loads(charts[0].proto.spec)
    assert "Predicted whole run vs elapsed" in _json.dumps(spec)
    assert any("no energy" in i.value for i in at.info)


def test_finished_track_report_and_bad_files(tmp_path):
    data, doc = track_report_bytes(tmp_path, finished=True)
    at = open_page()
    at.file_uploader(key="cal_track_upload").set_value(("track.json", data, "application/json"))
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Steps"] == "1,000 of 1,000" and not at.error
    # the finished run's dashed rule is in the legend beside the lines (browser review 2026-11-29)
    import json as _json
    spec = _json.loads(at.get("vega_lite_chart")[0].proto.spec)
    domains = {tuple(layer["encoding"]["color"]["scale"]["domain"]) for layer in spec["layer"]
               if "color" in layer.get("encoding", {})}
    assert domains == {("predicted whole run", "elapsed", "measured whole run")}
    for payload, message in [(b"{not json", "is not a JSON file"), (b'{"format": "other"}', "is not a track report")]:
        at.file_uploader(key="cal_track_upload").set_value(("x.json", payload, "application/json"))
        at.run()
        assert not at.exception and message in plain(at.error[0].value)


@pytest.mark.parametrize("line, edited, field", [
    ("achieved_flops_per_s = 100000000000.0", 'achieved_flops_per_s = "abc"', "calibration.achieved_flops_per_s"),
    ("mean_power_w = 20.0", "mean_power_w = nan", "calibration.mean_power_w"),
    ("mean_power_w = 20.0", "mean_power_w = 999.0", "calibration.mean_power_w"),
    ("power_is_estimate = false", 'power_is_estimate = "no"', "calibration.power_is_estimate"),
    ("size = 512.0", "size = -512.0", "calibration.points[0].size"),
])
def test_a_hand_edited_calibration_is_refused_on_load_and_named_on_the_page(calibrated_dir, line, edited, field):
    """Calibrate audit: achieved_flops_per_s = "abc" passed `profiles validate` and then crashed the
    Calibrate page with a TypeError; a mean power contradicting power.average_w, a NaN or a negative
    size were accepted, and the broken file vanished from the page's list without a word."""
    from estimator.core.base.errors import ProfileError
    from estimator.core.calibration.calibrate import Throughput, calibrated_profile_data
    from estimator.device.base import Measurement
    from estimator.io.calibration_io import write_profile
    from estimator.io.datafiles import load_profile_file
    base = default_profiles().get("cpu-server-2s-epyc")
    m = Measurement(2.0, 40.0, 20.0, "codecarbon-rapl", False, "Test CPU", "codecarbon", {})
    data, _ = calibrated_profile_data(base, [Throughput("fp32", 1e11, seconds=1.0, size=512.0)], m, host="edit-box",
                                      measured_at="2026-01-01T00:00:00Z", method="test")
    path = calibrated_dir / "edited.toml"
    write_profile(data, path)
    assert load_profile_file(path).calibration["mean_power_w"] == 20.0  # as written, it loads
    text = path.read_text()
    assert f"\n{line}\n" in text
    path.write_text(text.replace(f"\n{line}\n", f"\n{edited}\n"))
    with pytest.raises(ProfileError) as e:
        load_profile_file(path)
    assert e.value.field == field and path.name in str(e.value)
    at = open_page()
    assert not at.exception
    shown = [w.value.replace("\\", "") for w in at.warning]  # Markdown-escaped
    assert any("edited.toml" in w and field in w for w in shown), shown


def test_the_seconds_field_says_why_it_is_shorter_than_the_clis():
    """Calibrate audit: the page took 1–10 s and the CLI 0.1 s to an hour, with no word of the difference."""
    at = open_page()
    (field,) = [n for n in at.number_input if n.label == "Seconds"]
    assert field.value == 3
    field.set_value(30).run()  # beyond the page's 10 s: said under the field, not used
    assert any("Seconds: 30 is above the maximum 10, so not used" in e.value.replace("\\", "") for e in at.error)
    (field,) = [n for n in at.number_input if n.label == "Seconds"]
    assert field.help == ("1 to 10 s here: a run on this page holds up the page until it ends. `python -m estimator "
                          "calibrate --seconds` takes 0.1 s to 3600 s (an hour).")


def test_a_report_without_a_total_shows_its_power_and_energy_a_step_and_whole_steps(tmp_path):
    """Measuring engineer's review 2026-11-29: a report of a run without total_steps showed its steps and elapsed time
    alone (the terminal had printed its mean power), under a chart titled "Predicted whole run vs elapsed" with nothing
    predicted, its step axis ticked 98.1, 98.2 …"""
    import json as _json

    from track_fakes import Clock, FakeMeter

    from estimator.monitor.track import track
    from estimator.report import humanize as hz
    clock = Clock()
    out = tmp_path / "nototal.json"
    with track(flops_per_step=1e9, hardware="cpu-server-2s-epyc", backend=FakeMeter(clock, power_w=8.0), clock=clock,
               report_path=out, print_report=False) as run:
        for _ in range(100):
            clock.t += 0.02
            run.step()
    p = _json.loads(out.read_text())["prediction"]
    at = open_page()
    at.file_uploader(key="cal_track_upload").set_value(("nototal.json", out.read_bytes(), "application/json"))
    at.run()
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Mean power"] == hz.power(p["mean_power_w"]) and metrics["Energy per step"] == hz.joules(
        p["energy_per_step_j"])
    spec = _json.dumps(_json.loads(at.get("vega_lite_chart")[0].proto.spec))
    assert "Elapsed by step" in spec and "Predicted whole run vs elapsed" not in spec
    assert '"format": ",d"' in spec and '"tickMinStep": 1' in spec
    # an estimated power is marked so (browser review 2026-11-29: CodeCarbon's cpu_load estimate read "measured")
    doc = _json.loads(out.read_text())
    doc["settings"].update(power_is_estimate=True, power_source="codecarbon-cpu-load-estimate")
    at.file_uploader(key="cal_track_upload").set_value(("est.json", _json.dumps(doc).encode(), "application/json"))
    at.run()
    metrics = {m.label: m for m in at.metric}
    assert metrics["Mean power"].value == hz.power(p["mean_power_w"]) + " (estimate)"
    assert "Device energy, before PUE (estimate)" in metrics and "Device energy, before PUE, measured" not in metrics
    # which energy is which in the labels (measuring engineer's review 2026-11-30: "Energy (estimate)" beside "Energy")
    assert not any(label in ("Energy", "Energy (estimate)") for label in metrics)
    assert metrics["Mean power"].help.startswith("estimated (codecarbon-cpu-load-estimate), not metered")


def test_the_two_energies_say_which_is_which(tmp_path):
    """Measuring engineer's review 2026-11-30: "Energy (estimate) 0.0396 Wh" beside "Energy 0.0495 Wh": the device's own
    before PUE and the run's with it, told apart only in their tooltips, the second not marked an estimate."""
    import json as _json

    from track_fakes import Clock, FakeMeter

    from estimator.monitor.track import track
    from estimator.report import humanize as hz
    clock = Clock()
    out = tmp_path / "run.json"
    with track(total_steps=100, flops_per_step=1e9, hardware="cpu-server-2s-epyc", backend=FakeMeter(clock, power_w=8.0),
               clock=clock, report_path=out, print_report=False) as run:
        for _ in range(100):
            clock.t += 0.02
            run.step()
    doc = _json.loads(out.read_text())
    doc["settings"].update(power_is_estimate=True, power_source="codecarbon-cpu-load-estimate")
    p = doc["prediction"]
    at = open_page()
    at.file_uploader(key="cal_track_upload").set_value(("run.json", _json.dumps(doc).encode(), "application/json"))
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Device energy, before PUE (estimate)"] == hz.energy(p["energy_measured_kwh"])
    assert metrics["Energy with PUE (estimate)"] == hz.energy(p["energy_kwh"])
    assert "Energy" not in metrics and "Energy (estimate)" not in metrics
