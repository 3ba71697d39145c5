"""The ranges' legend says no range is a prediction interval where none is (researcher review 2026-12-02: "Unmarked
ranges are 80% prediction intervals …" was printed above a known run's exact figures and stated ranges alone)."""

from __future__ import annotations

import json

import pytest

from estimator.cli.main import main

NONE_PREDICTED = ("--hours", "100", "--devices", "8", "--power-w", "700")


def _out(capsys, *argv) -> str:
    assert main(["estimate", *argv]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("argv, predicted", [(NONE_PREDICTED, False), (("--hardware", "brain", "--flops", "1e18"), False),
                                             (("--hours", "100", "--devices", "8"), True), (("--flops", "1e22"), True)])
def test_the_legend_follows_the_ranges_shown(capsys, argv, predicted):
    text = _out(capsys, *argv)
    doc = json.loads(_out(capsys, *argv, "--format", "json"))
    md = _out(capsys, *argv, "--format", "markdown")
    assert any(b == "prediction" for b in doc["range_basis"].values()) is predicted
    said = "Unmarked ranges are 80% prediction intervals" if predicted else "No range here is a prediction interval: "
    assert said in text.replace("\n", " ") and said in md.replace("\n", " ")
    assert doc["range_meaning"].startswith(said[0].lower() + said[1:])
    if not predicted:
        assert "prediction intervals from" not in text.replace("\n", " ")
        assert 'a range marked "stated" is as its sources state it' in doc["range_meaning"]
