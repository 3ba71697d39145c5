"""docs/how-to/estimate-serving.md runs as written: each console example's shown lines are in the command's output
(the elided ones aside) and its Python examples pass as doctests."""

from __future__ import annotations

import doctest
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "how-to" / "estimate-serving.md"
CONSOLE = re.compile(r"```console\n\$ (?P<cmd>[^\n]+)\n(?P<out>.*?)```", re.S)


def _examples():
    return [(m["cmd"], [ln for ln in m["out"].splitlines() if ln.strip() and ln.strip() != "…"])
            for m in CONSOLE.finditer(DOC.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("cmd,shown", _examples())
def test_each_console_example_prints_what_the_page_shows(cmd, shown):
    args = shlex.split(cmd)
    assert args[:3] == [".venv/bin/python", "-m", "estimator"]
    out = subprocess.run([sys.executable, *args[1:]], capture_output=True, text=True, check=True,
                         cwd=DOC.parents[2]).stdout.splitlines()
    for line in shown:
        assert line in out, line


def test_the_python_examples_pass():
    # a fence closes an example, as a blank line would (doctest would read it as expected output)
    text = "\n".join("" if ln.startswith("```") else ln for ln in DOC.read_text(encoding="utf-8").splitlines())
    test = doctest.DocTestParser().get_doctest(text, {}, DOC.name, str(DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.tries >= 4 and runner.failures == 0
