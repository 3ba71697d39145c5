"""Every declared input of `estimate`, `inference` and `plan` moves a figure: changing it from a valid base scenario to
another valid value changes at least one number of the command's JSON that is not the input echoed back.

The declarations (``estimator/services/inputs.py``: ``TRAINING``, ``SERVING``, ``PLAN``) are iterated, so an input
added to a table is checked here at once; the other value is derived from its declared bound or choices. The plumbing
tests (tests/services/test_inputs_declared_once.py) hold that each input reaches the CLI, the app and the API; this
holds that the core uses it: an input accepted and echoed into the JSON that changes no figure fails here, by name.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from estimator.io.datafiles import load_utilization_model
from estimator.services import inputs as I

# The command whose JSON is read, and the declarations of its inputs.
TABLES = {"estimate": I.TRAINING, "inference": I.SERVING, "plan": I.PLAN}

# A small transformer given by its architecture, every layout part stated: no planner search runs (the whole file
# takes a few seconds), and each input of the shape and the layout has a stated value to move from. An input left out
# moves from the default the command states for it (the JSON's assumption of that name), else from its bound.
SHAPE = dict(layers=8, d_model=1024, heads=16, kv_heads=4, head_dim=64, vocab=32000, ffn=4096, mlp="plain")
LAYOUT = dict(tp=1, pp=1, cp=1, ep=1, zero=1, micro_batch=1, activation_recompute="none", vp=1,
              attention_kernel="flash", seq_len=2048, global_batch_tokens=1048576)
BASE: dict[str, dict[str, Any]] = {
    "estimate": dict(SHAPE, n_ctx=2048, tokens=1e9, devices=8, hardware="h100-sxm", **LAYOUT),
    "inference": dict(SHAPE, tokens=1e9, prompt_tokens=512, tokens_per_query=256, batch_size=8, devices=2, tp=1,
                      beams=1, hardware="h100-sxm"),
    "plan": dict(SHAPE, tokens=1e9, devices=8, hardware="h100-sxm", **LAYOUT),
}

# Free text has no declared choices: the values such an input takes, the first that is not the base's.
TEXT_VALUES = {"hardware": ("a100-sxm-80gb", "h100-sxm"), "model": ("gpt-3-125m", "gpt-3-350m"),
               "preset": ("lambda-gpt3-v100", "gpt3-175b"), "country": ("France",), "region": ("usa:california",),
               "cloud": ("gcp:europe-west1",)}

# The base's changes an input needs beside it (None: left out), each with why.
STEP_INPUTS = {name: None for name in (*SHAPE, "n_ctx", *LAYOUT)}
BY_PARAMS = {**STEP_INPUTS, "params": 1e8}
MOE = dict(experts=4, experts_per_token=2)
COMPANIONS: dict[tuple[str, str], tuple[dict[str, Any], str]] = {
    ("estimate", "flops"): ({**STEP_INPUTS, "tokens": None, "flops": 1e21}, "the FLOPs alone are the workload"),
    ("estimate", "params"): (BY_PARAMS, "the parameters with tokens (6·N·D) are the workload, not the architecture"),
    ("estimate", "recompute"): (BY_PARAMS, "8·N·D applies to parameters with tokens"),
    ("estimate", "active_params"): (BY_PARAMS, "active parameters go with a parameter count"),
    ("estimate", "hours"): (BY_PARAMS, "a known run's time replaces the step model's"),
    ("estimate", "device_hours"): (BY_PARAMS, "a known run's time replaces the step model's"),
    ("estimate", "preset"): ({**STEP_INPUTS, "tokens": None, "devices": None, "hardware": None, "preset": "gpt3-175b"},
                             "a preset is the workload, its devices and hardware; moved from one to another"),
    **{("estimate", n): ({**STEP_INPUTS, "tokens": None, "forward_flops_per_example": 1e9, "examples": 1e6,
                          "epochs": 2}, "a generic network is its forward FLOPs × examples × epochs")
       for n in ("forward_flops_per_example", "examples", "epochs")},
    **{(c, "model"): ({**{n: None for n in (*SHAPE, "n_ctx")}, "model": "gpt-3-125m"},
                      "a catalog model is the shape; moved from one to another")
       for c in TABLES},
    **{(c, n): (MOE, "a mixture of experts' inputs") for c in ("estimate", "plan")
       for n in ("experts", "experts_per_token")},
    **{(c, "ep"): (MOE, "expert parallelism splits a mixture of experts") for c in ("estimate", "plan")},
    **{(c, "etp"): ({**MOE, "ep": 2, "tp": 2, "etp": 2}, "the experts' TP is 1 or the run's TP, in expert parallelism")
       for c in ("estimate", "plan")},
    **{(c, "expert_overlap"): ({**MOE, "ep": 2}, "the all-to-all it hides is expert parallelism's")
       for c in ("estimate", "plan")},
    ("plan", "active_params"): ({**MOE, "active_params": lambda doc: 0.75 * doc["params"]},
                                "a mixture of experts' (given by its architecture), between k/E of its parameters "
                                "and all of them"),
    **{(c, "vp"): ({"pp": 2}, "interleaving splits two or more pipeline stages") for c in ("estimate", "plan")},
    ("inference", "acceptance"): ({"draft_tokens": 2}, "the chance a draft token is accepted"),
    **{("inference", n): ({"batch_size": None}, "a bound picks the largest batch that meets it (a batch given is "
                                                "only checked against it)") for n in ("ttft_ms", "tpot_ms")},
    ("inference", "ep"): ({**{n: None for n in SHAPE}, "model": "mixtral-8x7b", "tp": None, "devices": 4, "ep": 2},
                          "expert parallelism splits a mixture of experts (a catalog one: serving takes no experts)"),
    ("plan", "params"): ({"ffn": None}, "the parameters set the MLP's width where it is not given"),
    # a deadline or a budget instead of a count: from the base plan's own time or cost (the fewest devices meeting it
    # are the base's; a budget above every plan's cost moves nothing: the fewest devices are then one, the fastest
    # plan the most the batch feeds)
    ("plan", "deadline_days"): ({"devices": None, "deadline_days": lambda doc: doc["layouts"][0]["wall_clock_days"]},
                                "the fewest devices for a deadline, from the base plan's time"),
    ("plan", "budget_usd"): ({"devices": None, "budget_usd": lambda doc: doc["layouts"][0]["cost_usd"]},
                             "the fewest devices for a budget, and the fastest plan it pays for, from the base plan's cost"),
}

# (command, input) -> why changing it alone moves no figure of the JSON: kept out of the check.
ALLOWED_STILL: dict[tuple[str, str], str] = {
    ("estimate", "year"): "the utilisation fit takes the years since the chip's release only where cross-validation "
                          "keeps that covariate; the shipped fit keeps log FLOPs alone (held below)",
}

# top-level keys of the JSON that echo the inputs (the scenario as given, each assumption's value and source)
ECHO_KEYS = ("scenario", "assumptions", "tool")
_RESULTS: dict[tuple[str, ...], tuple[int, Any]] = {}


def _argv(command: str, scenario: dict[str, Any]) -> list[str]:
    """``scenario`` (API name -> value; a switch's True: its flag given) as the command line's words."""
    table, argv = TABLES[command], [command, "--format", "json"]
    for name, value in scenario.items():
        i = table[name]
        if i.action in ("store_true", "store_false"):
            argv += [i.flag] if value is True else []
        else:
            argv += [i.flag, str(value)]  # a float's shortest exact digits: its echo in the JSON is the same number
    return argv


def _run(cli, command: str, scenario: dict[str, Any]) -> tuple[int, Any]:
    """The command's JSON (exit 0), else its exit status and its error's first line; each scenario run once."""
    argv = tuple(_argv(command, scenario))
    if argv not in _RESULTS:
        code, out, err = cli(*argv)
        _RESULTS[argv] = (code, json.loads(out) if code == 0 else (err.strip().splitlines() or [""])[0])
    return _RESULTS[argv]


def _figures(doc: Any, path: str = "") -> dict[str, float | None]:
    """Every number (and null) of the JSON by its path, the echoing top-level keys left out."""
    if isinstance(doc, dict):
        return {k: v for key, value in doc.items() if not (path == "" and key in ECHO_KEYS)
                for k, v in _figures(value, f"{path}.{key}" if path else key).items()}
    if isinstance(doc, list):
        return {k: v for n, value in enumerate(doc) for k, v in _figures(value, f"{path}[{n}]").items()}
    if isinstance(doc, (int, float)) and not isinstance(doc, bool) and math.isfinite(doc):
        return {path: float(doc)}
    return {path: None} if doc is None else {}


def _moved(before: Any, after: Any, value: Any) -> list[str]:
    """The paths of the base's figures that the change moves: to another number, not the value given (its echo), or
    to null (--no-embodied leaves the embodied CO₂e out). A figure that only appears (a bound's report of itself)
    moves none."""
    a, b = _figures(before), _figures(after)
    echo = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    return sorted(p for p in a.keys() & b.keys() if a[p] is not None and (
        b[p] is None or (not math.isclose(a[p], b[p], rel_tol=1e-9) and b[p] != echo)))


def _in_bound(i: I.Input, x: float) -> bool:
    b = i.bound
    return (b.low < x if b.low_open else b.low <= x) and x <= b.high and (not b.whole or x == int(x))


def _stated(doc: dict[str, Any], name: str) -> Any:
    """The value the command took for input ``name`` where none was given: its assumption's, in the JSON."""
    said = doc.get("assumptions", {}).get(name)
    if not isinstance(said, dict):
        return None
    if "value_at" not in said:
        return said.get("value")
    at: Any = doc
    for key in said["value_at"].split("."):
        at = at.get(key) if isinstance(at, dict) else None
    return at


def _candidates(i: I.Input, given: Any, stated: Any) -> list[Any]:
    """Other valid values of ``i`` than the one the base gives (``given``; None: none given, the command took
    ``stated``), from its declaration, best first."""
    start = given if given is not None else stated
    if i.action in ("store_true", "store_false"):
        return [True]
    if i.choices is not None:
        at = i.choices.index(start) + 1 if start in i.choices else 0
        return [c for c in i.choices[at:] + i.choices[:at] if c != start and (start is not None or c != i.default)]
    if i.bound is None:
        return [v for v in TEXT_VALUES.get(i.name, ()) if v != start]
    b = i.bound
    if isinstance(start, (int, float)) and not isinstance(start, bool):
        near = [start * 2, start / 2, start * 1.25, start * 0.8, start + 1, start - 1]
    else:  # nothing to move from: the bound's middle, on a log scale where it is positive
        near = [math.sqrt(b.low * b.high), (b.low * b.low * b.high) ** (1 / 3)] if b.low > 0 else [b.high / 2]
    out: list[Any] = []
    for x in near:
        x = round(x) if b.whole else x
        if _in_bound(i, x) and x != start and x not in out:
            out.append(x)
    return out


CASES = [pytest.param(command, name, id=f"{command}-{name}") for command, table in TABLES.items() for name in table
         if (command, name) not in ALLOWED_STILL]


@pytest.mark.parametrize("command, name", CASES)
def test_a_declared_input_moves_a_figure_of_its_command(cli, command, name):
    i = TABLES[command][name]
    assert i.flag, f"{command}: input {name!r} has no CLI flag; this check drives the command line"
    changes, why = COMPANIONS.get((command, name), ({}, ""))
    base = {k: v for k, v in {**BASE[command], **changes}.items() if v is not None and k in TABLES[command]}
    derived = {k: v for k, v in changes.items() if callable(v)}
    if derived:  # from the figures of the base with the companions it adds (none taken away)
        added = {**BASE[command], **{k: v for k, v in changes.items() if v is not None and k not in derived}}
        code, doc = _run(cli, command, added)
        assert code == 0, f"{command}: the scenario {i.flag} ({name}) is derived from is refused: {doc}"
        base = {k: v(doc) if k in derived else v for k, v in base.items()}
    code, before = _run(cli, command, base)
    assert code == 0, f"{command}: the base scenario for {i.flag} ({name}) is refused: {before} ({_argv(command, base)})"
    tried = []
    candidates = _candidates(i, base.get(name), _stated(before, name))
    assert candidates, (f"{command} {i.flag} ({name}): no other valid value to try: give it choices or a bound, or a "
                        "value in TEXT_VALUES")
    for value in candidates:
        code, after = _run(cli, command, {**base, name: value})
        if code != 0:
            tried.append(f"{value!r}: refused ({after})")
            continue
        if _moved(before, after, value):
            return
        tried.append(f"{value!r}: accepted, no figure moved")
    pytest.fail(f"{command} {i.flag} ({name}) moves no figure of the JSON from the base scenario "
                f"({' '.join(_argv(command, base))}{'; ' + why if why else ''}): " + "; ".join(tried)
                + ". Use it in the core, or, where it rightly moves nothing alone, put it on ALLOWED_STILL with why")


def test_the_lists_name_declared_inputs_of_their_command():
    """An entry left behind by a renamed or removed input would check nothing."""
    stale = [key for key in (*ALLOWED_STILL, *COMPANIONS) if key[1] not in TABLES[key[0]]]
    stale += [name for name in TEXT_VALUES if not any(name in t and t[name].bound is None for t in TABLES.values())]
    assert stale == []


def test_the_year_moves_no_figure_while_the_shipped_utilisation_fit_leaves_its_covariate_out(cli):
    """Why --year is on ALLOWED_STILL: held, so that a fit that keeps the years since the chip's release (or a core
    that uses the year otherwise) takes it off."""
    assert "maturity_years" not in {c.name for c in load_utilization_model().covariates}, \
        "the shipped fit keeps the years since release: take ('estimate', 'year') off ALLOWED_STILL"
    runs = [_run(cli, "estimate", {**BASE["estimate"], "year": year}) for year in (2024, 2026)]
    assert [code for code, _ in runs] == [0, 0]
    assert _moved(runs[0][1], runs[1][1], 2026) == []
