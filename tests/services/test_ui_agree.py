"""The CLI and the app make the same presentation choices, made once in the core or service layer
(issue 12, audit §4): the break-even basis, the illustrative compression rows, the per-profile
failures of a comparison, and one JSON writer."""

from __future__ import annotations

import json

import pytest
from apptest_pages import shared_page

from estimator.cli import main
from estimator.core.serving import compression
from estimator.core.training.estimate import FOOTPRINT_KEYS, RESULT_KEYS
from estimator.io.datafiles import default_profiles
from estimator.report import export
from estimator.services import api
from estimator.services.serving import inference as serving

SERVE = {"hardware": "a100-sxm-80gb", "params": 7e9, "tokens": 1e9}
SERVE_ARGS = ("inference", "--hardware", "a100-sxm-80gb", "--params", "7e9", "--tokens", "1e9")


def cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("price, basis", [(None, "cost_usd"), (0.0, "energy_kwh")])
def test_break_even_basis_is_decided_once(price, basis):
    rep = serving.inference_report(**SERVE, price_usd_per_device_hour=price)
    assert rep.break_even.basis == basis
    assert rep.break_even.to_dict()["basis"] == basis


@pytest.mark.parametrize("price, word", [(None, "cost"), (0.0, "energy")])
def test_cli_and_app_name_the_same_break_even_basis(capsys, price, word):
    pytest.importorskip("streamlit")

    extra = () if price is None else ("--price-usd-per-hour", f"{price:g}")
    code, out, _ = cli(capsys, *SERVE_ARGS, *extra)
    assert code in (0, None)
    line = next(x for x in out.splitlines() if x.startswith("serving outgrows training"))
    assert line.rstrip().endswith(f"by {word}")
    params = {"inf_hw": "a100-sxm-80gb", "inf_params": "7e9", "inf_tokens": "1e9"}
    if price is not None:
        params["inf_price"] = f"{price:g}"
    at = shared_page("inference", params)
    # the basis in view, as the CLI's (audit: "costs more" by energy, the basis only in the tooltip)
    metric = next(m for m in at.metric if m.label == f"Serving outgrows training, by {word}, after")
    assert metric.proto.help.startswith(f"by {word}")


def test_cli_shows_the_illustrative_rows_and_note(capsys):
    code, out, _ = cli(capsys, *SERVE_ARGS)
    assert code in (0, None)
    rep = serving.inference_report(**SERVE)
    illustrative = [t for t in rep.techniques if not t.chosen]
    assert illustrative, "the service returns the illustrative rows"
    for t in illustrative:
        assert f"saves vs baseline: {t.label} (illustrative)" in out
    assert " ".join(compression.ILLUSTRATIVE_NOTE.split()) in " ".join(out.split())
    # JSON carries the same rows, each with its "chosen" flag
    code, out, _ = cli(capsys, *SERVE_ARGS, "--format", "json")
    doc = json.loads(out)
    assert len(doc["techniques"]) == len(rep.techniques)


def test_app_shows_the_same_illustrative_note():
    pytest.importorskip("streamlit")

    at = shared_page("inference", {"inf_hw": "a100-sxm-80gb", "inf_params": "7e9", "inf_tokens": "1e9"})
    assert any(compression.ILLUSTRATIVE_NOTE in c.value for c in at.caption)


def test_compare_reports_unusable_profiles_and_goes_on(capsys):
    code, out, err = cli(capsys, "compare", "--flops", "1e23", "--precision", "fp8")
    assert code in (0, None)
    rep = api.compare(sorted(h for h, p in default_profiles().profiles.items() if not p.reference_point),
                      flops=1e23, precision="fp8")
    assert rep.results and rep.failures, "some profiles have fp8 and some do not"
    notes = [x for x in err.splitlines() if x.startswith("note: ")]
    assert notes == [f"note: {hw}: {msg}" for hw, msg in rep.failures]
    # what the rows shown do not share, under the table (researcher review 2026-11-30: it had been on stderr)
    assert all(f"Note: {n}." in " ".join(out.split()) for n in api.compare_caveats(rep.results))
    for r in rep.results:
        assert any(line.startswith(r.profile.id + " ") for line in out.splitlines())
    for hw, _ in rep.failures:
        assert not any(line.startswith(hw + " ") for line in out.splitlines())


def test_compare_fails_only_when_every_profile_fails(capsys):
    code, out, err = cli(capsys, "compare", "--flops", "1e23", "--precision", "fp8", "--hardware", "a100-sxm-80gb")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "fp8" in err


def test_app_compare_warns_with_the_service_failures():
    pytest.importorskip("streamlit")
    from app_pages.pages.compare import comparison_table

    ids = ["h100-sxm", "a100-sxm-80gb"]
    df, errors = comparison_table({"flops": 1e23, "precision": "fp8"}, ids)
    rep = api.compare(ids, flops=1e23, precision="fp8")
    assert list(df["hardware"]) == [r.profile.id for r in rep.results] == ["h100-sxm"]
    assert errors == [f"{hw}: {msg}" for hw, msg in rep.failures]


def test_every_json_output_uses_one_writer(capsys):
    assert export.dump_json({"a": "CO₂e", "b": None}) == '{\n  "a": "CO₂e",\n  "b": null\n}'
    with pytest.raises(ValueError):
        export.dump_json({"x": float("nan")})
    for args in (("compare", "--flops", "1e23", "--hardware", "h100-sxm", "--format", "json"),
                 (*SERVE_ARGS, "--format", "json")):
        code, out, _ = cli(capsys, *args)
        assert code in (0, None)
        assert out.strip() == export.dump_json(json.loads(out))
    # no json.dumps left in the CLI: every --format json goes through export.dump_json
    from pathlib import Path
    cli_dir = Path(main.__code__.co_filename).parent
    for f in cli_dir.glob("*.py"):
        assert "json.dumps(" not in f.read_text(encoding="utf-8"), f


def test_compare_rows_are_one_shape_for_the_cli_and_the_app(capsys):
    """The CLI's JSON rows are api.compare_row; the app's table takes hardware, price basis and
    host from the same rows (a price the user gives reads "given" in both)."""
    from app_pages.pages.compare import comparison_table
    from estimator.cli.main import main
    assert main(["compare", "--flops", "1e22", "--hardware", "h100-sxm", "a100-sxm-80gb", "--price-usd-per-hour", "2",
                 "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    rep = api.compare(["h100-sxm", "a100-sxm-80gb"], flops=1e22, price_usd_per_device_hour=2.0)
    assert rows == [json.loads(json.dumps(api.compare_row(r))) for r in rep.results]
    assert {r["price_basis"] for r in rows} == {"given"}
    df, errors = comparison_table({"flops": 1e22, "price_usd_per_device_hour": 2.0, "hardware": "h100-sxm"},
                                  ["h100-sxm", "a100-sxm-80gb"])
    assert not errors and list(df["hardware"]) == [r["hardware"] for r in rows]
    assert list(df["price_basis"]) == [r["price_basis"] for r in rows]
    fitted = [f"{r['utilization']['value']:.3g}, {fam} fit" for r, fam in zip(rows, ("H100", "A100"))]
    assert list(df["utilization"]) == [r["utilization"]["short"] for r in rows] == fitted
    # the row's shape: each number with its range (README's JSON contract), the assumptions used
    assert set(rows[0]) == {"hardware", "hardware_name", "kind", *RESULT_KEYS, *FOOTPRINT_KEYS, "range", "range_level",
                            "range_basis", "range_meaning", "utilization", *api.COMPARE_ASSUMPTIONS, "price_basis", "power_includes_host",
                            "reference_point", "devices", "precision", "notes", "provenance", "tool", "memory_fits",
                            "memory_of_defaults", "memory_gb_per_device"}
    assert set(rows[0]["range"]) == set(rows[0]["range_basis"]) == set(RESULT_KEYS + FOOTPRINT_KEYS)
    lo, hi = rows[0]["range"]["wall_clock_s"]
    assert lo < rows[0]["wall_clock_s"] < hi and rows[0]["power_w"]["value"] > 0
    lo, hi = rows[0]["range"]["embodied_co2e_kg"]
    assert lo < rows[0]["embodied_co2e_kg"] < hi and rows[0]["water_l"] > 0
    # switched off: null, and no range for it
    assert main(["compare", "--flops", "1e22", "--hardware", "h100-sxm", "--no-embodied", "--format", "json"]) == 0
    off = json.loads(capsys.readouterr().out)[0]
    assert off["embodied_co2e_kg"] is None and off["range"]["embodied_co2e_kg"] == [None, None]
    # no price: null, and its range [null, null], as `estimate` gives it
    assert main(["compare", "--flops", "1e23", "--hardware", "a800", "--format", "json"]) == 0
    row = json.loads(capsys.readouterr().out)[0]
    assert main(["estimate", "--flops", "1e23", "--hardware", "a800", "--format", "json"]) == 0
    single = json.loads(capsys.readouterr().out)
    assert row["cost_usd"] is None and row["range"] == single["range"] and row["range"]["cost_usd"] == [None, None]
    assert row["range_meaning"] == single["range_meaning"]


def test_cli_and_app_both_say_when_devices_outgrow_the_fitted_runs(capsys):
    pytest.importorskip("streamlit")
    from apptest_pages import shared_page

    code, out, _ = cli(capsys, "estimate", "--preset", "gpt3-175b", "--hardware", "b200", "--devices", "1000000")
    assert code in (0, None)
    note = next(x for x in out.splitlines() if "is more than any run the utilisation fit holds" in x)
    at = shared_page("estimate", {"preset": "gpt3-175b", "hardware": "b200", "devices": "1000000"})
    shown = " ".join(el.value.replace("\\", "") for el in [*at.info, *at.caption, *at.markdown, *at.warning])
    assert note.removeprefix("note: ") in shown


def test_compare_says_each_devices_utilisation_and_where_it_came_from(capsys):
    """A device with runs takes its family's fit; one without, the centre the fit chose for such
    devices (the 30% rule); the same chip on another board, its family's; a preset's or the user's
    figure says so. The CLI's table and the app's column read the same words."""
    from app_pages.pages.compare import comparison_table
    from estimator.cli.main import main
    ids = ["h100-sxm", "b200", "h200-sxm", "gtx-580", "brain"]
    assert main(["compare", "--flops", "1e22", "--hardware", *ids]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "utilisation" in lines[0].split()
    h100 = api.run(hardware="h100-sxm", flops=1e22).estimate.utilization.value
    h200 = api.run(hardware="h200-sxm", flops=1e22).estimate.utilization.value
    assert h200 == pytest.approx(h100)  # the same chip, counted from the family's release
    want = {"h100-sxm": f"{h100:.3g}, H100 fit", "b200": "0.3, 30% rule (no runs)",
            "h200-sxm": f"{h200:.3g}, H100 fit (same chip)", "gtx-580": "0.3, 30% rule (no runs)", "brain": "1, profile"}
    for hw, said in want.items():
        assert any(line.startswith(hw) and said in line for line in lines), hw
    df, _ = comparison_table({"flops": 1e22}, ids)
    assert dict(zip(df["hardware"], df["utilization"])) == want
    assert main(["compare", "--flops", "1e22", "--hardware", "b200", "--utilization", "0.4"]) == 0
    assert "0.4, given" in capsys.readouterr().out
    assert main(["compare", "--preset", "lambda-gpt3-v100", "--hardware", "v100-sxm2"]) == 0
    assert "0.224, preset" in capsys.readouterr().out


def test_a_given_utilisation_on_hardware_without_runs_is_set_beside_the_rule_not_a_fit(capsys):
    """The note for a utilisation outside the interval names the flat rule such hardware takes,
    not a fit "for this hardware and scale"."""
    from estimator.cli.main import main
    assert main(["estimate", "--flops", "1e23", "--hardware", "b200", "--utilization", "0.7"]) == 0
    captured = capsys.readouterr()
    err = captured.out + captured.err
    assert "is outside the 80% interval 0.18–0.50 around the flat 30% that hardware without runs takes" in err
    assert "at 0.30 the run would take 2.3× as long" in err and "fitted" not in err.split("note:")[1].split("(")[0]


def test_compare_and_estimate_name_the_device_under_one_key(capsys):
    """A JSON consumer reads the device's name as estimate's hardware_name in compare's rows too (it
    was "name" there)."""
    from estimator.cli.main import main
    assert main(["compare", "--flops", "1e22", "--hardware", "h100-sxm", "--format", "json"]) == 0
    row = json.loads(capsys.readouterr().out)[0]
    assert main(["estimate", "--flops", "1e22", "--hardware", "h100-sxm", "--format", "json"]) == 0
    est = json.loads(capsys.readouterr().out)
    assert row["hardware_name"] == est["hardware_name"] == "NVIDIA H100 SXM 80GB" and "name" not in row


def test_cli_and_app_write_a_time_and_an_energy_per_token_alike(capsys):
    """One formatter each (code audit: the app wrote "3,340 J" and "1,300 ms" where the CLI wrote "3.34 kJ" and
    "1.30 s"): the time per output token and its energy, with their ranges, read the same on both."""
    pytest.importorskip("streamlit")
    from apptest_pages import shared_page

    from estimator.report import humanize as hz
    # two requests of 100,000-token prompts on a CPU server: each one's steps carry the other's prefill, seconds a token
    # (one alone waits 79 ms a token, its own prompt's prefill before its first)
    args = {"hardware": "cpu-server-2s-epyc", "model": "llama-3.1-8b", "tokens": 1e6, "prompt_tokens": 100000,
            "batch_size": 2}
    r = serving.inference_report(**args).result
    tpot, joules = hz.token_time(r.seconds_per_output_token), hz.joules(r.joules_per_output_token)
    assert joules.endswith(" kJ")  # the case the app wrote in plain J
    code, out, _ = cli(capsys, "inference", "--hardware", "cpu-server-2s-epyc", "--model", "llama-3.1-8b", "--tokens",
                       "1e6", "--prompt-tokens", "100000", "--batch-size", "2")
    assert code == 0
    lo, hi = r.range["seconds_per_output_token"]
    assert f"{tpot} ({' – '.join(hz.range_ends(hz.token_time, lo, hi))})" in out
    assert hz.token_time(lo).endswith(" s")  # the range past a second: in seconds on both ends
    at = shared_page("inference", {"inf_hw": "cpu-server-2s-epyc", "inf_model": "llama-3.1-8b", "inf_tokens": "1e6",
                                "inf_prompt": "100000", "inf_batch": "2"})
    shown = {m.label: m.value for m in at.metric}
    assert tpot in shown.values() and joules in shown.values(), shown


def test_a_comparison_says_under_its_table_what_its_rows_do_not_share(capsys):
    """Chip-only power beside host-included power, and the 30% rule beside fitted utilisation, are said once under
    the table, in the CLI's table and Markdown and on the Compare page (numbers audit: the TPU v5p's chip-only power
    read 2.7× less energy than the TPU v4's with no word); rows that share both get no note."""
    pytest.importorskip("streamlit")
    from apptest_pages import shared_page

    # the TPU v5p counts its host since 2026-11-30 (TPU v4's share a chip): a CPU server's package power is the chip
    # alone now
    assert len(api.compare_caveats(api.compare(["tpu-v4", "tpu-v5p", "h100-sxm"], flops=1e23).results)) == 1
    mixed = ["tpu-v4", "cpu-server-2s-epyc", "h100-sxm"]
    notes = api.compare_caveats(api.compare(mixed, flops=1e23).results)
    assert len(notes) == 2 and notes[0].startswith("power incl. host differs: cpu-server-2s-epyc counts the chip alone, "
                                                   "the others")
    assert notes[1].startswith("utilisation differs in kind: rows at the flat 30% rule (cpu-server-2s-epyc) have no "
                               "published runs")
    code, out, err = cli(capsys, "compare", "--flops", "1e23", "--hardware", *mixed)
    # under the table, after a blank line, as the Markdown gives them (researcher review 2026-11-30: on stderr, a B200 at
    # the flat 30% rule read 2.8× an H100 at its fitted 0.241 with no word beside the table)
    table, *rest = out.split("\n\n")
    assert code == 0 and all(f"Note: {n}." in " ".join(" ".join(rest).split()) for n in notes) and "ote:" not in table
    assert "note:" not in err
    code, out, _ = cli(capsys, "compare", "--flops", "1e23", "--hardware", *mixed, "--format", "markdown")
    assert code == 0 and all(f"Note: {n}." in out for n in notes)
    assert api.compare_caveats(api.compare(["h100-sxm", "a100-sxm-80gb"], flops=1e23).results) == []
    code, out, err = cli(capsys, "compare", "--flops", "1e23", "--hardware", "h100-sxm", "a100-sxm-80gb")
    assert "note:" not in out + err
    at = shared_page("compare", {"flops": "1e23"})
    shown = [cap.value.replace("\\", "") for cap in at.caption]
    assert any(s.startswith("Note: power incl. host differs:") for s in shown), shown
