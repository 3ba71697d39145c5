"""`compare --model` (and the Python API's compare(model=…)) times each profile as `estimate --model` times it there:
the step model over that profile's planned layout (researcher review 2026-11-27: compare took no model, so it could
not reproduce estimate's figures), as the app's Compare page does with a catalog model chosen."""

from __future__ import annotations

import json

import pytest

from estimator import compare, estimate
from estimator.cli.main import main

RUN = dict(model="llama-3.1-8b", tokens=15e12, devices=1024)


def _cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_compare_model_gives_each_profile_estimates_own_figures(capsys):
    code, out, _ = _cli(capsys, "compare", "--model", "llama-3.1-8b", "--tokens", "15e12", "--devices", "1024",
                        "--seq-len", "8192", "--hardware", "h100-sxm", "b200", "--format", "json")
    assert code == 0
    rows = {r["hardware"]: r for r in json.loads(out)}
    api = {r.profile.id: r.estimate for r in compare(["h100-sxm", "b200"], **RUN, seq_len=8192).results}
    for hw in ("h100-sxm", "b200"):
        alone = estimate(hardware=hw, **RUN, seq_len=8192)
        assert alone.stepped and rows[hw]["wall_clock_s"] == pytest.approx(alone.wall_clock_s, rel=1e-12)
        assert api[hw].wall_clock_s == pytest.approx(alone.wall_clock_s, rel=1e-12)
    assert rows["b200"]["wall_clock_s"] < rows["h100-sxm"]["wall_clock_s"]


def test_a_profile_the_step_model_does_not_time_is_said_to_differ_in_method(capsys):
    code, out, _ = _cli(capsys, "compare", "--model", "llama-3.1-8b", "--tokens", "15e12", "--devices", "1024",
                        "--hardware", "h100-sxm", "v100-sxm2")
    assert code == 0
    assert ("Note: time differs in method: h100-sxm timed by the step model over a planned layout (a tuned stack's "
            "time), v100-sxm2 by a whole run's utilisation (a family's fit to published runs") in " ".join(out.split())


@pytest.mark.parametrize("argv, said", [
    (("--seq-len", "4096", "--params", "8e9", "--tokens", "1e12"), "give the model with it"),
])
def test_compare_refuses_what_it_cannot_time_in_one_line_as_the_api_does(capsys, argv, said):
    code, out, err = _cli(capsys, "compare", *argv, "--hardware", "h100-sxm", "b200")
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1 and said in err and not out
    keywords = {"seq_len": 4096, "params": 8e9, "tokens": 1e12}
    from estimator import InputError
    with pytest.raises(InputError, match=said):
        compare(["h100-sxm", "b200"], **keywords)


def test_compare_of_a_model_that_publishes_no_tokens_takes_the_illustrative_count(capsys):
    """As estimate takes it (review 2026-11-30: refused had been the comparison of Mixtral 8x7B's step on two
    devices): each profile as with 2 × 10¹² tokens given, said once."""
    alone = compare(["h100-sxm", "b200"], model="mixtral-8x7b", devices=64)
    given = compare(["h100-sxm", "b200"], model="mixtral-8x7b", devices=64, tokens=2e12)
    assert [r.estimate.wall_clock_s for r in alone.results] == [r.estimate.wall_clock_s for r in given.results]
    code, out, _ = _cli(capsys, "compare", "--model", "mixtral-8x7b", "--devices", "64", "--hardware", "h100-sxm", "b200")
    assert code == 0 and "tokens: 2 × 10¹², illustrative (Llama 2's pretraining tokens" in out


def test_the_model_by_name_and_in_memory_together_are_refused():
    from estimator import InputError
    with pytest.raises(InputError, match="by name or in memory, not both"):
        compare(["h100-sxm", "b200"], model="llama-3.1-8b", tokens=1e12, memory={"model": "llama-3.1-70b"})
