"""Numbers in text read as people write them: never Python's e-notation (audit: notes read "N = 7e+10",
"shape: 1.75e+11 parameters", "weights 2e+03 GB", "7.17e+04 ms", "at 3.14e+23 FLOPs")."""

from __future__ import annotations

import json
import math
import re

import pytest
from apptest_pages import shared_page

from estimator.core.base.number_text import gfmt
from estimator.core.serving.step_notes import fmt_ms

E_NOTATION = re.compile(r"\d(?:\.\d+)?e[+-]\d\d")  # what :g writes (1e+22, 2.5e-07), not a typed 1e22


@pytest.mark.parametrize(("x", "digits", "text"), [
    (0.18, 3, "0.18"), (175, 3, "175"), (2024, 6, "2024"), (12345.6, 6, "12345.6"),  # as :g writes them
    (2000, 3, "2,000"), (12345, 3, "12,300"), (123456, 6, "123,456"), (131072, 6, "131,072"), (-2e5, 3, "-200,000"),
    (7e10, 4, "7 × 10¹⁰"), (3.14e23, 3, "3.14 × 10²³"), (1e32, 6, "10³²"), (1e-6, 6, "10⁻⁶"), (-1e16, 3, "-10¹⁶"),
    (2.5e-7, 3, "2.5 × 10⁻⁷"), (0, 3, "0"), (math.inf, 3, "inf"),
    (999999, 3, "10⁶"), (999999.5, 6, "10⁶"), (9.6e5, 1, "10⁶"),  # the notation of the number as rounded (review)
])
def test_gfmt_is_g_without_its_e_notation(x, digits, text):
    assert gfmt(x, digits) == text
    g = f"{x:.{digits}g}"
    if "e" not in g and not 1e4 <= abs(x) < 1e6:
        assert gfmt(x, digits) == g  # a no-op wherever :g is plain, but for the commas of 10⁴–10⁶


@pytest.mark.parametrize(("seconds", "text"), [
    (71.7, "71.7 s"), (7.17e4, "71,700 s"), (2e6, "2 × 10⁶ s"), (0.9996, "1 s"), (0.0123, "12.3 ms"), (0.999, "999 ms"), (0.0, "0 ms"),
    (2.5e-7, "2.5 × 10⁻⁴ ms"),
])
def test_an_inference_note_writes_a_time_in_ms_or_s(seconds, text):
    assert fmt_ms(seconds) == text


COMMANDS = [
    ("estimate", "--preset", "gpt3-175b"),
    ("estimate", "--preset", "llama2-70b", "--tokens", "4e12"),
    ("estimate", "--params", "7e9", "--tokens", "2e12", "--hardware", "h100-sxm", "--devices", "64"),
    ("estimate", "--preset", "lambda-gpt3-v100"),
    ("estimate", "--flops", "1e30", "--hardware", "h100-sxm", "--devices", "1000"),
    ("estimate", "--params", "1e15", "--tokens", "1e12"),
    ("inference", "--model", "llama-3.1-8b", "--tokens", "1e9"),
    ("inference", "--params", "1e12", "--tokens", "1e9"),
    ("inference", "--model", "llama-3.1-8b", "--tokens", "1e6", "--hardware", "gtx-580", "--prompt-tokens", "100000",
     "--batch-size", "1"),
    ("compare", "--preset", "gpt3-175b"),
    ("contrasts",),
    ("profiles", "show", "brain"),
    ("profiles", "list"),
]


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a))
def test_no_command_writes_e_notation_in_its_text(cli, argv):
    res = cli(*argv)
    assert res.code == 0, res.err
    assert not E_NOTATION.findall(res.out), [m.group(0) for m in
                                             re.finditer(r".{0,40}" + E_NOTATION.pattern + r".{0,10}", res.out)]


def test_json_keeps_its_numbers_as_numbers_and_its_notes_in_words(cli):
    res = cli("estimate", "--params", "7e9", "--tokens", "2e12", "--hardware", "h100-sxm", "--format", "json")
    doc = json.loads(res.out)
    assert doc["flops"] == pytest.approx(8.4e22)  # a number, for programs
    texts = list(doc["notes"]) + [a["source"] for a in doc["assumptions"].values()]
    assert not [t for t in texts if E_NOTATION.search(t)]
    assert "N = 7 × 10⁹, D = 2 × 10¹²" in doc["assumptions"]["flops"]["source"]


def test_a_refusal_states_its_bound_in_powers_of_ten(cli):
    res = cli("estimate", "--flops", "1e40")
    assert res.code == 2 and "at most 10³² FLOPs" in res.err
    assert "3.8 × 10²⁵ FLOPs" in res.err  # the bound's reason too (it read 3.8e25)
    assert res.err.rstrip().endswith("got 10⁴⁰ (--flops)")  # and the value it refused (it read "got 1e+40")


@pytest.mark.parametrize(("argv", "got"), [
    (("--flops", "1e22", "--utilization", "1.5e-7"), "got 1.5 × 10⁻⁷ (--utilization)"),
    (("--flops", "1e22", "--power-w", "-1e-06"), "got -10⁻⁶ (--power-w)"),
    (("--flops", "1.0000000001e40"), "got 1.0000000001 × 10⁴⁰ (--flops)"),  # every digit given, none rounded away
    (("--flops", "1e22", "--devices", "2.5"), "got 2.5 (--devices)"),
    (("--flops", "1e22", "--hours", "1e9"), "got 1000000000 (--hours)"),  # a whole number: its digits
])
def test_a_refused_value_is_echoed_exactly_without_e_notation(cli, argv, got):
    res = cli("estimate", *argv)
    assert res.code == 2 and res.err.rstrip().endswith(got), res.err


def test_no_profile_writes_e_notation_in_its_text():
    """A profile's sources and notes are read by people (``profiles show``, the Profiles page, the statement): a
    figure in them in powers of ten (CLI audit: "1e13–1e17", "≈ 8.5e14 FLOP/s", "3.53e12 FP64"); its numbers
    (``fp32 = 8.5e14``) are data and may be written as TOML allows."""
    import tomllib

    from estimator.io.datafiles import PROFILES_DIR

    def texts(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for v in node.values():
                yield from texts(v)
        elif isinstance(node, list):
            for v in node:
                yield from texts(v)
    typed = re.compile(r"\d(?:\.\d+)?e[+-]?\d")
    found = [(path.name, t) for path in sorted(PROFILES_DIR.glob("*.toml"))
             for t in texts(tomllib.loads(path.read_text(encoding="utf-8"))) if typed.search(t)]
    assert not found, found


@pytest.mark.parametrize(("page", "params"), [
    ("estimate", {"preset": "llama2-70b", "tokens": "4e12"}),
    ("estimate", {"flops": "1e30", "hardware": "h100-sxm"}),
    ("inference", {"inf_model": "llama-3.1-8b", "inf_hw": "gtx-580", "inf_prompt": "100000"}),
    ("profiles", {}),
    ("compare", {"preset": "gpt3-175b"}),
    ("limits", {}),
    ("lecture", {}),
    ("accuracy", {}),
])
def test_no_page_writes_e_notation(page, params):
    at = shared_page(page, params)
    texts = [x.value for kind in ("markdown", "caption", "info", "warning", "error", "metric", "code")
             for x in getattr(at, kind) if isinstance(getattr(x, "value", None), str)]
    texts = [t for t in texts if not t.startswith("http")]  # a link holds what was typed (?tokens=4e12)
    found = [t[:200] for t in texts if E_NOTATION.search(t)]
    assert not found, found


def test_a_presets_flops_placeholder_and_texts_in_powers_of_ten():
    """Browser audit: the Training FLOPs field read "3.140e+23 (preset)", the Lambda preset's subtitle and the GPT-3
    slide's source "3.14e23 FLOPs"."""
    from app_pages.inputs import preset_workload
    from estimator.services import api
    assert preset_workload.placeholder(api.get_preset("gpt3-175b"), "flops") == "3.14 × 10²³ (preset)"
    assert api.get_preset("lambda-gpt3-v100").description.startswith("3.14 × 10²³ FLOPs on a single V100")
    at = shared_page("lecture", {"claim": "gpt3-v100"})
    assert any("3.14 × 10²³ FLOPs at a theoretical 28 TFLOPS" in h.value for h in at.get("html"))  # its source line


def test_the_accuracy_pages_run_notes_have_no_workshop_words():
    """Browser audit: a run's notes read "checked in: copies of the paper's text read (helper and lead, verbatim)"."""
    at = shared_page("accuracy", {})
    texts = " ".join(x.value for kind in ("markdown", "caption") for x in getattr(at, kind))
    assert "source check: copies of the paper's text read (quoted verbatim)" in texts.replace("\\", "")
    assert "helper" not in texts and "checked in:" not in texts
