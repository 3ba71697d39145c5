"""The examples in README.md and docs/**/*.md run as tests (Sybil, https://sybil.readthedocs.io).

- ```python blocks run in order, one namespace per page (``from estimator import ...``: the public face);
- ```console blocks of the command line run: each ``$ python -m estimator …`` line (or
  ``$ .venv/bin/python -m estimator …``) runs as ``python -m estimator …`` would, in the repository's
  root (in this process: ``estimator.cli.main``), and every output line shown under it must come in the command's output (stdout, then stderr),
  in the order shown; a line ``…`` stands for lines left out, and a line that ends in `` …`` for the rest
  of a long line (the printed line starts with the text before it). The command must exit 0, or as a last
  line ``[exit N]`` says;
- ```bash blocks are shown, never run (installs, servers, a GPU);
- ``<!-- skip: next -->`` before a block skips it (``<!-- skip: next "why" -->`` with the reason).

Calibrated profiles are read from an empty folder of the run's own, as in ``tests/conftest.py``, so that a
developer's calibrations cannot change what the examples print.
"""

from __future__ import annotations

import atexit
import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

from sybil import Example, Sybil
from sybil.parsers.markdown import CodeBlockParser, PythonCodeBlockParser, SkipParser

# The test run caches its compiled modules and pytest's rewritten test modules in __pycache__ (gitignored) even
# where PYTHONDONTWRITEBYTECODE is set, as this project's development containers set it: without the cache every
# run compiled the package again and rewrote the asserts of ~190 test modules, about 10 s of the quick loop's CPU
# (docs/how-to/run-the-tests.md). Set here, before pytest collects a test module; the app and the CLI are untouched.
sys.dont_write_bytecode = False

ROOT = Path(__file__).resolve().parent
# what a console line may start with to call the tool, as a reader of the docs types it
CLI_PREFIXES = (("python", "-m", "estimator"), (".venv/bin/python", "-m", "estimator"), ("python3", "-m", "estimator"))
GAP_LINES = {"…", "..."}
# the shell's own (reader's) prompt in a console block
PROMPT = "$ "

# set before anything imports the estimator; tests/conftest.py, where it is loaded, sets its own the same way
_CALIBRATED = tempfile.mkdtemp(prefix="cce-docs-calibrated-")
atexit.register(shutil.rmtree, _CALIBRATED, ignore_errors=True)
os.environ["ESTIMATOR_CALIBRATED_DIR"] = _CALIBRATED


def _commands(source: str) -> list[tuple[str, list[str]]]:
    """The block's commands, each with the output lines shown under it."""
    runs: list[tuple[str, list[str]]] = []
    for line in source.splitlines():
        if line.startswith(PROMPT):
            runs.append((line[len(PROMPT):], []))
        elif runs:
            runs[-1][1].append(line.rstrip())
        elif line.strip():
            raise ValueError(f"a console block starts with {PROMPT!r}: {line!r}")
    return runs


def _argv(command: str) -> list[str]:
    """The arguments after ``python -m estimator``."""
    words = shlex.split(command, comments=True)
    for prefix in CLI_PREFIXES:
        if tuple(words[:len(prefix)]) == prefix:
            return words[len(prefix):]
    raise ValueError(f"a console example runs `python -m estimator …`; skip it otherwise: {command!r}")


def _find(printed: list[str], line: str, start: int) -> int | None:
    """Where the shown line is printed, from ``start`` on (a line cut with `` …`` matches by its start)."""
    cut = next((line[:-len(gap)].rstrip() for gap in GAP_LINES if line.endswith(" " + gap)), None)
    for i in range(start, len(printed)):
        if printed[i] == line or (cut is not None and printed[i].startswith(cut)):
            return i
    return None


def run_console(example: Example) -> str | None:
    """Run a console block's commands; a failure message, or None when the output holds what is shown.
    Each runs in this process (``estimator.cli.main``, as the tests' ``cli`` fixture does: a fresh
    interpreter would cost each example half a second of start-up), its output captured by pytest."""
    from estimator.cli import main

    capsys = example.namespace["capsys"]
    for command, shown in _commands(example.parsed):
        expected_code = 0
        if shown and shown[-1].startswith("[exit ") and shown[-1].endswith("]"):
            expected_code = int(shown.pop()[len("[exit "):-1])
        capsys.readouterr()
        cwd = os.getcwd()
        os.chdir(ROOT)  # as the reader runs it, from the repository's root
        try:
            code = main(_argv(command))
        finally:
            os.chdir(cwd)
        out, err = capsys.readouterr()
        if code != expected_code:
            return f"`{command}` exited {code}, the docs say {expected_code}\nstderr: {err[-2000:]}"
        printed = [line.rstrip() for line in (out + err).splitlines()]
        at = 0
        for line in shown:
            if line.strip() in GAP_LINES or not line.strip():
                continue
            found = _find(printed, line, at)
            if found is not None:
                at = found + 1
            else:
                return (f"`{command}` does not print this line where the docs show it:\n  {line!r}\n"
                        f"printed:\n" + "\n".join(printed[:60]))
    return None


_PARSERS = [PythonCodeBlockParser(), CodeBlockParser(language="console", evaluator=run_console), SkipParser()]

pytest_collect_file = (
    Sybil(parsers=_PARSERS, path="docs", patterns=["*.md"], fixtures=["capsys"], name="docs")
    # the top-level README only (not profiles/README.md nor estimator/data/README.md)
    + Sybil(parsers=_PARSERS, path=".", filenames=["README.md"], excludes=["*/README.md"], fixtures=["capsys"],
          name="readme")
).pytest()

