"""Library messages are in neutral words: no CLI flag outside ``estimator/cli/`` (issue 12,
audit §3). The CLI adds the flag (from argparse's own actions) and the app a widget label, both
from ``InputError.field``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import source_trees

from estimator.cli import main
from estimator.cli.main import build_parser, flag_map
from estimator.core.base.errors import InputError, UnknownHardwareError

PKG = Path(__file__).resolve().parents[2] / "estimator"
FLAG = re.compile(r"(?<![\w-])--[a-z]")
# Text that names a flag of another program, or a whole maintainer command (not an input flag).
ALLOWED = (
    re.compile(r"python -m estimator [a-z-]+( --[a-z-]+)*"),   # a command to run, e.g. `validate --inference`
    re.compile(r"vLLM's default --gpu-memory-utilization"),    # vLLM's flag, not ours
)
# Files allowed to name some flags: none (estimator/measure/ speaks in neutral words too).
KNOWN_LEFT: dict[str, set[str]] = {}
# Where the flags themselves are declared, once, for the CLI to derive its arguments from (not messages).
FLAG_HOMES = {"services/inputs.py"}


def _docstrings(tree) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _literals(path: Path):
    """Each string literal (an f-string's text parts joined), docstrings left out."""
    tree = source_trees.parsed(path)
    skip = _docstrings(tree)
    for node in source_trees.nodes(path):
        if isinstance(node, ast.JoinedStr):
            for part in node.values:
                skip.add(id(part))
            yield node.lineno, "".join(p.value for p in node.values
                                       if isinstance(p, ast.Constant) and isinstance(p.value, str))
    for node in source_trees.nodes(path):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.lineno, node.value


def _flags_in(text: str) -> list[str]:
    for pattern in ALLOWED:
        text = pattern.sub("", text)
    return [m.group(0) + text[m.end():].split()[0].split("`")[0] if text[m.end():].split() else m.group(0)
            for m in FLAG.finditer(text)]


def test_no_cli_flags_in_library_strings():
    found = []
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG).as_posix()
        if rel.startswith("cli/") or rel in FLAG_HOMES:
            continue
        left = KNOWN_LEFT.get(rel, set())
        for line, text in _literals(path):
            flags = [f for f in _flags_in(text) if not any(f.startswith(k) for k in left)]
            if flags:
                found.append(f"estimator/{rel}:{line}: {flags} in {text[:80]!r}")
    assert not found, "\n".join(found)


def test_the_grep_finds_a_flag():
    assert _flags_in("no price: give --price-usd-per-hour") == ["--price-usd-per-hour"]
    assert _flags_in("re-create it with `python -m estimator fit-utilization --check`") == []
    assert _flags_in("a range – and an em—dash, x--y") == []


def test_input_error_carries_its_field():
    assert InputError("x").field is None and InputError("x").fields == ()
    assert InputError("x", field="pue").fields == ("pue",)
    assert InputError("x", field=("a", "b")).fields == ("a", "b")
    assert UnknownHardwareError("x").field == "hardware"


def test_flag_map_comes_from_argparse():
    flags = flag_map(build_parser())
    assert flags["price_usd_per_device_hour"] == "--price-usd-per-hour"
    assert flags["carbon_intensity_g_per_kwh"] == "--carbon-intensity"
    assert flags["hardware"] == "--hardware"


def test_missing_price_error_names_the_flag_in_the_cli(capsys):
    code = main(["scaling", "trend", "--hardware", "gaudi3"])  # gaudi3's profile has no price
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert "--price-usd-per-hour" in lines[0] and "--electricity-usd-per-kwh" in lines[0]


@pytest.mark.parametrize("args, flag", [
    (["estimate", "--hardware", "h100-sxm"], "--flops"),
    (["estimate", "--flops", "1e23", "--hardware", "nope"], "--hardware"),
    (["estimate", "--flops", "1e23", "--hardware", "h100-sxm", "--pue", "-1"], "--pue"),
    (["estimate", "--flops", "1e23", "--hardware", "h100-sxm", "--region", "XXX"], "--region"),
])
def test_cli_errors_name_the_flag_on_one_line(capsys, args, flag):
    code = main(args)
    _, err = capsys.readouterr()
    assert code == 2 and len(err.splitlines()) == 1 and err.startswith("error: ")
    assert flag in err


def test_library_errors_name_no_flag():
    from estimator.services import api
    for kwargs in ({"hardware": "h100-sxm"}, {"flops": 1e23, "hardware": "nope"},
                   {"flops": 1e23, "hardware": "h100-sxm", "pue": -1},
                   {"flops": 1e23, "hardware": "h100-sxm", "region": "FRA", "cloud": "gcp:us-central1"}):
        with pytest.raises(InputError) as e:
            api.run(**kwargs)
        assert not FLAG.search(str(e.value)), str(e.value)
        assert e.value.fields, "the error names its input for the CLI and the app"


def test_app_hint_names_the_widget():
    pytest.importorskip("streamlit")
    from app_pages.ui.common import error_text
    text = error_text(InputError("no price", field=("price_usd_per_device_hour",)))
    assert text == "no price (inputs: Price (USD per device-hour))"
    assert not FLAG.search(text)


def test_the_measurement_messages_are_neutral_and_the_cli_adds_its_flags(tmp_path):
    from estimator.cli.main import with_hint
    from estimator.core.base.errors import BackendUnavailable
    from estimator.device.matmul_bench import check_seconds
    from estimator.monitor import calibration_run as cr

    flags = flag_map(build_parser())
    with pytest.raises(InputError) as e:
        check_seconds(0.0)
    assert not FLAG.search(str(e.value)) and with_hint(e.value, flags).endswith("(--seconds)")
    missing = BackendUnavailable("NVML finds no GPU; the CPU backend still works", field="backend")
    assert with_hint(missing, flags) == "NVML finds no GPU; the CPU backend still works (--backend)"
    with pytest.raises(InputError) as e:
        cr.checked_out_path(str(tmp_path / "x.json"), "some-id")
    assert "the output file must name a .toml file" in str(e.value)
    with pytest.raises(InputError) as e:
        cr.checked_out_path(str(tmp_path / "x.json"), "some-id", out_name="--out")
    assert str(e.value).startswith("--out must name a .toml file")


def test_a_bundled_id_gets_a_way_out_that_works_in_every_caller():
    """The app, ``track`` and the CLI share ``checked_out_path``: an id a bundled profile has is
    refused with another id, wherever it would be written, never "set the output to the bundled file"
    (which is refused next) nor "a file outside profiles/" (where it would stand for the bundled device)."""
    from estimator.monitor import calibration_run as cr
    with pytest.raises(InputError) as e:
        cr.checked_out_path(None, "h100-sxm")  # the app: neutral words
    msg = str(e.value)
    assert "never stands for" in msg and "give the profile id another value (e.g. h100-sxm-cal)" in msg
    assert "outside profiles/" not in msg and "to replace it" not in msg and e.value.field == "id"
    with pytest.raises(InputError) as e:
        cr.checked_out_path("./elsewhere.toml", "h100-sxm", id_name="profile_id", out_name="path",
                            id_example=lambda v: f"e.g. profile_id={v!r}")
    assert "profile_id='h100-sxm-cal'" in str(e.value)
    assert cr.checked_out_path(None, "h100-sxm-cal").name == "h100-sxm-cal.toml"  # the suggested id is free
