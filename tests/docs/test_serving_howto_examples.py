"""docs/how-to/estimate-serving.md runs as written: each console example's shown lines are in the command's output
(the elided ones aside) and its Python examples pass as doctests. The commands run in this process (the ``cli``
fixture: ``python -m estimator``'s ``main`` with the same arguments); what a fresh process adds is tested in
tests/cli/test_cli_contract.py."""

from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "estimate-serving.md"
CONSOLE = re.compile(r"```console\n\$ (?P<cmd>[^\n]+)\n(?P<out>.*?)```", re.S)


def _examples():
    return [(m["cmd"], [ln for ln in m["out"].splitlines() if ln.strip() and ln.strip() != "…"])
            for m in CONSOLE.finditer(DOC.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("cmd,shown", _examples())
def test_each_console_example_prints_what_the_page_shows(cmd, shown, cli, monkeypatch):
    args = shlex.split(cmd)
    assert args[:3] == [".venv/bin/python", "-m", "estimator"]
    monkeypatch.chdir(DOC.parents[2])
    code, out, err = cli(*args[3:])
    assert code == 0, err
    out = out.splitlines()
    for line in shown:
        assert line in out, line


def test_the_python_examples_pass():
    # a fence closes an example, as a blank line would (doctest would read it as expected output)
    text = "\n".join("" if ln.startswith("```") else ln for ln in DOC.read_text(encoding="utf-8").splitlines())
    test = doctest.DocTestParser().get_doctest(text, {}, DOC.name, str(DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.tries >= 4 and runner.failures == 0
