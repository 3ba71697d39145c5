"""The Streamlit app under AppTest: the numbers are the core's, bad URLs warn, downloads match.

Every test drives the real app.py (or one page's render()) in-process; values are compared
with ``estimator.services.api.run`` for the same inputs.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

pytest.importorskip("streamlit")
from apptest_pages import open_app  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from app_pages.pages import estimate as estimate_page  # noqa: E402
from app_pages.pages import estimate_exports as exports  # noqa: E402
from estimator.cli import main as cli_main  # noqa: E402
from estimator.core.base.errors import InputError  # noqa: E402
from estimator.io.datafiles import load_sources  # noqa: E402
from estimator.services import api  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
LECTURE = {"preset": "lambda-gpt3-v100"}


def headline(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric if m.label in ("Training time", "Energy", "CO₂e", "Cost")}


def expected(**run_kwargs) -> dict[str, str]:
    return estimate_page.headline_values(api.run(**run_kwargs).estimate)


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


# --- the lecture link and the landing page ---------------------------------------------


def test_lecture_link_shows_355_years_and_4_6m():
    at = open_app(LECTURE)
    shown = headline(at)
    assert shown["Training time"] == "355 years"
    assert shown["Cost"] == "$4.6M"
    assert shown == expected(preset_id="lambda-gpt3-v100")
    assert not warnings(at)
    # published and estimated side by side
    table = at.dataframe[0].value
    assert list(table["Published"]) == ["355 years", "3.11 million device-hours", "$4.6M"]


def test_landing_page_is_gpt3_with_the_core_numbers():
    at = open_app()
    assert headline(at) == expected(preset_id="gpt3-175b")
    assert at.title[0].value.replace("\\", "") == "GPT-3 175B (Patterson et al. 2021)"  # shown escaped
    # the "how this was computed" tab is open by default: one step per stage, with sources
    code = "\n".join(c.value for c in at.code)
    for formula in ("C = given\nC = 3.14 × 10²³ FLOPs", "device-seconds = C ÷ (peak × utilisation)", "energy = device-hours",
                    "CO₂e (kg) = energy", "cost = device-hours × price"):
        assert formula in code
    assert any("Patterson et al. 2021" in c.value.replace("\\", "") for c in at.caption)


# --- inputs change the numbers exactly as the core says ---------------------------------


@pytest.mark.parametrize("typed, whole", [(2.5, 3), (2.4, 2), (7.5, 8)])
def test_a_typed_fraction_of_devices_becomes_one_whole_number_everywhere(typed, whole):
    """The field, the numbers and the shareable link agree on one whole number (a typed 2.5 showed
    3, computed with 2 and wrote devices=2.5 to the link, which then failed to load)."""
    at = open_app(LECTURE)
    at.number_input(key="devices").set_value(typed).run()
    assert not at.exception
    assert at.number_input(key="devices").value == whole
    link = at.query_params["devices"]
    link = link if isinstance(link, str) else link[0]
    assert float(link) == whole
    assert headline(at) == expected(preset_id="lambda-gpt3-v100", devices=whole)
    again = open_app({**LECTURE, "devices": link})  # the shared link opens with the same number
    assert not again.warning and headline(again) == headline(at)


def test_changing_devices_changes_numbers_as_core_says():
    at = open_app(LECTURE)
    at.number_input(key="devices").set_value(4).run()
    assert not at.exception
    shown = headline(at)
    assert shown == expected(preset_id="lambda-gpt3-v100", devices=4)
    assert shown["Training time"] == "88.8 years"  # 355.07 / 4
    assert shown["Cost"] == "$4.6M"  # same device-hours, same price


def test_changing_hardware_changes_numbers_as_core_says():
    at = open_app(LECTURE)
    at.selectbox(key="hardware").set_value("h100-sxm").run()
    assert not at.exception
    shown = headline(at)
    assert shown == expected(preset_id="lambda-gpt3-v100", hardware="h100-sxm")
    assert shown["Training time"] != "355 years"


@pytest.mark.parametrize("params, kwargs", [
    ({"params": "7e10", "tokens": "1.4e12", "hardware": "a100-sxm-80gb", "devices": "512"},
     dict(hardware="a100-sxm-80gb", params=7e10, tokens=1.4e12, devices=512)),
    ({"flops": "1e24", "hardware": "tpu-v4", "grid_by": "country", "region": "FRA", "pue": "1.2"},
     dict(hardware="tpu-v4", flops=1e24, region="FRA", pue=1.2)),
    ({"preset": "llama-65b", "utilization": "0.5", "elec": "0.1"},
     dict(preset_id="llama-65b", utilization=0.5, electricity_usd_per_kwh=0.1)),
    ({"workload": "params", "recompute": "true", "grid_by": "g/kWh", "grid": "100", "price": "2"},
     dict(hardware="h100-sxm", params=7e9, tokens=2e12, recompute=True, carbon_intensity_g_per_kwh=100,
          price_usd_per_device_hour=2)),
])
def test_url_scenarios_match_the_core(params, kwargs):
    at = open_app(params)
    assert not warnings(at)
    assert headline(at) == expected(**kwargs)


def test_inconsistent_inputs_show_an_error_not_an_exception():
    # each input inside its own bound, their product not: 6 × 1e16 parameters × 1e17 tokens > 1e32 FLOPs
    at = open_app({"workload": "params", "params": "1e16", "tokens": "1e17"})
    assert not at.exception
    assert any("change the parameters or the tokens" in e.value.replace("\\", "") for e in at.error)
    assert not headline(at)
    # both prices: refused as the CLI refuses them (structure audit: the page had quietly kept the price per
    # device-hour, so the same inputs gave a number here and an error there). Since issue 55 (4749d59) the refusal
    # stands beside the price fields and the page keeps its estimate priced as with both fields empty, neither given
    # price used, so no number differs from the CLI's for the inputs it accepts
    # (tests/app/test_app_both_prices_and_large_numbers.py checks the message and the price used)
    at = open_app({**LECTURE, "price": "2", "elec": "0.1"})
    assert not at.exception and headline(at) == headline(open_app(LECTURE))
    text = " ".join(e.value.replace("\\", "") for e in at.sidebar.error)
    assert "Give one price, not both: the command line refuses both." in text
    with pytest.raises(InputError, match="not both"):
        api.run(preset_id="lambda-gpt3-v100", price_usd_per_device_hour=2.0, electricity_usd_per_kwh=0.1)


# --- tampered query parameters ----------------------------------------------------------


@pytest.mark.parametrize("key, value", [
    ("devices", "abc"), ("devices", "-3"), ("devices", "1e12"), ("devices", "2.5"),
    ("utilization", "nan"), ("utilization", "inf"), ("utilization", "7"), ("pue", "0.5"),
    ("hardware", "tpu-v99"), ("preset", "../../etc/passwd"), ("workload", "<script>alert(1)</script>"),
    ("price", "-1"), ("power_w", "1e400"), ("lecture", "maybe"), ("tab", "nope"),
])
def test_tampered_param_warns_and_falls_back(key, value):
    at = open_app({**LECTURE, key: value})
    assert any(f"Ignored URL parameter `{key}`" in w for w in warnings(at)), warnings(at)
    if key != "preset":
        assert headline(at) == expected(preset_id="lambda-gpt3-v100")
    else:
        assert headline(at) == expected(preset_id="gpt3-175b")
    # HTML on the page is the app's own (range bars, lecture CSS): never the tampered text
    if any(ch.isalpha() for ch in value.replace("e", "")):  # text, not a number that CSS may contain
        assert all(value not in h.proto.body for h in at.get("html"))


def test_many_tampered_params_at_once():
    at = open_app({"devices": "0", "hardware": "<b>x</b>", "pue": "abc", "grid_by": "country", "region": "XXX",
                   "flops": "1e999"})
    assert len(warnings(at)) == 5  # ?flops= selects the FLOPs workload; its bad value falls back to the default
    assert headline(at) == expected(hardware="h100-sxm", flops=3.14e23)


# --- modes ------------------------------------------------------------------------------


def test_lecture_mode_big_numbers_few_controls():
    at = open_app({**LECTURE, "lecture": "1"})
    assert headline(at)["Training time"] == "355 years"
    assert len(at.main.number_input) == 1 and at.main.number_input[0].key == "devices"
    assert {s.key for s in at.main.selectbox} == {"preset", "hardware"}
    assert not at.tabs
    at.number_input(key="devices").set_value(2).run()
    assert headline(at) == expected(preset_id="lambda-gpt3-v100", devices=2)


def test_embed_mode_runs_without_title():
    at = open_app(LECTURE, is_embedded=True)
    assert headline(at)["Cost"] == "$4.6M"
    assert not at.title


# --- downloads --------------------------------------------------------------------------


def cli_output(capsys, *args) -> str:
    assert cli_main(list(args)) == 0
    return capsys.readouterr().out


def test_downloads_contain_the_numbers_shown(captured_downloads, capsys):
    at = open_app({**LECTURE, "tab": "Export & share"})
    assert {b.label for b in at.get("download_button")} == {"JSON", "CSV", "Markdown", "LaTeX paragraph", "BibTeX"}
    files = captured_downloads
    assert set(files) == {f"lambda-gpt3-v100.{x}" for x in ("json", "csv", "md", "tex", "bib")}
    shown = headline(at)
    est = api.run(preset_id="lambda-gpt3-v100").estimate
    data = json.loads(files["lambda-gpt3-v100.json"])
    assert data["wall_clock_s"] == est.wall_clock_s and data["cost_usd"] == est.cost_usd
    assert data["scenario"] == {"hardware": "v100-sxm2", "preset": "lambda-gpt3-v100"}
    assert f"cost_usd,{est.cost_usd!r}" in files["lambda-gpt3-v100.csv"]
    md = files["lambda-gpt3-v100.md"]
    for text in shown.values():
        assert text in md
    tex, bib = files["lambda-gpt3-v100.tex"], files["lambda-gpt3-v100.bib"]
    assert "355 years" in tex and "We estimate that training" in tex and "@" not in tex
    assert "@misc{lambda2020gpt3" in bib and "@misc{codecarbon" in bib and "@software" not in bib
    # the preview shows the same paragraph
    assert any(code.value.strip() == tex.strip() for code in at.code)
    # the same text as the CLI's
    for fmt, name in (("csv", "csv"), ("markdown", "md"), ("latex", "tex"), ("bibtex", "bib")):
        assert files[f"lambda-gpt3-v100.{name}"] == cli_output(capsys, "estimate", "--preset", "lambda-gpt3-v100",
                                                               "--format", fmt)


def test_downloads_follow_the_inputs(capsys):
    result = api.run(preset_id="lambda-gpt3-v100", devices=8)
    kwargs = {"hardware": "v100-sxm2", "preset_id": "lambda-gpt3-v100", "devices": 8}
    d = {x.label: x.text for x in exports.downloads(result, kwargs, load_sources())}
    assert d["CSV"] == cli_output(capsys, "estimate", "--preset", "lambda-gpt3-v100", "--devices", "8", "--format", "csv")
    assert "44.4 years" in d["Markdown"]


def test_the_apps_json_echoes_the_inputs_as_the_cli_does(captured_downloads, capsys):
    """Export audit: the app's JSON echoed "zero": "3" (text) where the CLI wrote 3.0-style floats
    for --tp and --seq-len; both now echo counts as whole numbers, and the rest is the same."""
    open_app({"workload": "params", "params": "7e9", "tokens": "1e12", "hardware": "h100-sxm", "devices": "8",
              "zero": "3", "tp": "2", "seq_len": "4096", "act_recompute": "full", "tab": "Export & share"})
    app = json.loads(next(v for k, v in captured_downloads.items() if k.endswith(".json")))
    cli = json.loads(cli_output(capsys, "estimate", "--params", "7e9", "--tokens", "1e12", "--hardware", "h100-sxm",
                                "--devices", "8", "--zero", "3", "--tp", "2", "--seq-len", "4096",
                                "--activation-recompute", "full", "--format", "json"))
    for key in ("zero", "tp", "seq_len", "devices"):
        assert type(app["scenario"][key]) is int and app["scenario"][key] == cli["scenario"][key], key
    assert {k: v for k, v in app.items() if k != "scenario"} == {k: v for k, v in cli.items() if k != "scenario"}


def test_share_link_holds_the_changed_inputs():
    at = open_app({**LECTURE, "tab": "Export & share"})
    at.number_input(key="devices").set_value(16).run()
    links = [code.value for code in at.code if code.value.startswith("http")]
    assert {"preset": "lambda-gpt3-v100", "devices": "16"}.items() <= dict(parse_qsl(urlsplit(links[0]).query)).items()
    # the slides' link frames the lecture's large numbers (lecturer review 2026-11-30: embed mode alone, 12.8-px ends)
    slides = dict(parse_qsl(urlsplit(links[-1]).query))
    assert slides["embed"] == "true" and slides["lecture"] == "1" and slides["devices"] == "16"


@pytest.mark.parametrize("tab", ["Model size", "Energy",
                                 # a link made before the tabs' short names (browser review 2026-11-27) opens its tab
                                 "Growth with model size", "Where the energy goes"])
def test_chart_tabs_draw_a_chart(tab):
    at = open_app({**LECTURE, "tab": tab})
    assert at.get("vega_lite_chart"), f"no chart on {tab}"
    assert headline(at) == expected(preset_id="lambda-gpt3-v100")
    assert not at.warning or all("tab" not in w.value for w in at.warning)  # mended, not dropped with a warning
    assert at.query_params["tab"] in ("Model size", "Energy")


def test_how_this_was_computed_shows_the_numbers():
    at = open_app(LECTURE)
    code = "\n".join(c.value for c in at.code)
    assert "3.14 × 10²³ ÷ (1.25 × 10¹⁴ FLOP/s × 0.224)" in code
    assert "× $1.48 = $4.6M" in code
    at = open_app({"workload": "params", "params": "1e9", "tokens": "2e10"})
    assert "C = 6·N·D (dense transformer)\nC = 1.2 × 10²⁰ FLOPs" in "\n".join(c.value for c in at.code)


def test_picking_another_preset_clears_its_run_inputs():
    at = open_app({**LECTURE, "devices": "4", "hardware": "h100-sxm", "grid_by": "country", "region": "FRA"})
    at.selectbox(key="preset").set_value("llama-65b").run()
    assert not at.exception
    assert at.number_input(key="devices").value is None and at.selectbox(key="hardware").value is None
    assert headline(at) == expected(preset_id="llama-65b", region="FRA")  # the grid choice stays


# --- the memory inputs are drawn only when asked for (issue 16: fewer widgets per run) -------

MEMORY_WIDGETS = {"micro_batch", "seq_len", "tp", "pp"}
SMALL = {"workload": "params", "params": "7e9", "tokens": "2e12"}


def _memory_text(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**Training memory**"))


def _memory_expected(**memory) -> str:
    from app_pages.ui.common import md_escape
    from estimator.report.export import memory_line
    est = api.run(hardware="h100-sxm", params=7e9, tokens=2e12, **({"memory": memory} if memory else {})).estimate
    return f"**Training memory**: {md_escape(memory_line(est), limit=400)}"


def test_memory_inputs_hidden_by_default_and_defaults_used():
    at = open_app(SMALL)
    assert not MEMORY_WIDGETS & {n.key for n in at.number_input}
    assert at.toggle(key="memory_inputs").value is False
    assert _memory_text(at) == _memory_expected()


def test_a_link_with_a_memory_input_opens_them_and_uses_it():
    at = open_app({**SMALL, "seq_len": "8192", "zero": "3"})
    assert MEMORY_WIDGETS <= {n.key for n in at.number_input}
    assert at.toggle(key="memory_inputs").value is True
    assert at.number_input(key="seq_len").value == 8192
    assert _memory_text(at) == _memory_expected(seq_len=8192, zero=3) != _memory_expected()


def test_switching_the_memory_inputs_on_draws_them_and_off_restores_the_defaults():
    at = open_app(SMALL)
    at.toggle(key="memory_inputs").set_value(True).run()
    assert MEMORY_WIDGETS <= {n.key for n in at.number_input}
    at.number_input(key="seq_len").set_value(16384).run()
    assert _memory_text(at) == _memory_expected(seq_len=16384)
    at.toggle(key="memory_inputs").set_value(False).run()
    assert not MEMORY_WIDGETS & {n.key for n in at.number_input}
    assert _memory_text(at) == _memory_expected()


def test_a_presets_time_label_reaches_every_download():
    """AlphaGo's preset is one game, not a training run: the app's Markdown and LaTeX say so, as the CLI's do."""
    result = api.run(preset_id="alphago-vs-brain")
    files = {d.label: d.text for d in exports.downloads(result, {"preset_id": "alphago-vs-brain"}, load_sources())}
    assert "| One game | 4.00 hours |" in files["Markdown"] and "Training time" not in files["Markdown"]
    assert "One game took 4.00 hours" in files["LaTeX paragraph"]
