"""Every paper statement the tests compile, compiled in one LaTeX run per test session.

A statement's compile check (pdflatex, BibTeX, pdflatex twice) took about half a second of CPU, and
the suite compiled some 30 of them. Test modules register the statements they want compiled at import
(``@to_compile("name")`` on a function that builds one, given a folder of its own); the session fixture
``compiled_statements`` (tests/conftest.py) builds every registered statement and compiles them
together, once: each statement a section of one document, its BibTeX keys prefixed with its own
``sN:`` so that two statements citing one key with different entries cannot collide. A test then
asserts that its statement's problems are none: ``assert compiled_statements[name] == []``.

The checks per statement are those of the old one-document compile: pdflatex and BibTeX succeed, no
BibTeX warning or error, no undefined citation, no missing character, every .bib entry cited and
every citation listed. Where the joint document does not compile at all, each statement is compiled
alone, so that the failure names the statement that causes it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from estimator.report.statement import Statement

# name → a function that builds the statement in a folder of its own (for the files it writes)
REGISTERED: dict[str, Callable[[Path], Statement]] = {}

PDFLATEX = ("pdflatex", "-interaction=nonstopmode", "-halt-on-error", "main")


def to_compile(name: str):
    """Register ``build(folder) -> Statement`` for the session's one compile, under a unique ``name``."""
    def register(build: Callable[[Path], Statement]) -> Callable[[Path], Statement]:
        if name in REGISTERED and REGISTERED[name] is not build:
            raise ValueError(f"two statements registered as {name!r}")
        REGISTERED[name] = build
        return build
    return register


def tex_available() -> None:
    """Skip without pdflatex and BibTeX; fail under CI=true, where they must be installed."""
    if shutil.which("pdflatex") and shutil.which("bibtex"):
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("pdflatex and bibtex are needed under CI=true (apt-get install texlive-latex-base)")
    pytest.skip("pdflatex/bibtex not installed: apt-get install texlive-latex-base")


def _cited(tex: str) -> list[str]:
    return [k for group in re.findall(r"\\cite(?:\[[^]]*\])?\{([^}]*)\}", tex) for k in group.split(",")]


def _prefixed(st: Statement, prefix: str) -> tuple[str, str]:
    """The statement's .tex and .bib with every key written ``prefix + key`` (citations and entries)."""
    # a place in the entry ("\\cite[§3.4.1]{key}") kept
    tex = re.sub(r"\\cite(\[[^]]*\])?\{([^}]*)\}",
                 lambda m: "\\cite" + (m.group(1) or "") + "{" + ",".join(prefix + k for k in m.group(2).split(",")) + "}",
                 st.tex)
    bib = st.bib
    for key in st.keys:
        bib = re.sub(r"(@\w+\{)" + re.escape(key) + ",", lambda m, k=key: m.group(1) + prefix + k + ",", bib)
    return tex, bib


def _run(folder: Path, *cmd: str) -> str | None:
    """None, or the failure's log tail."""
    p = subprocess.run(cmd, cwd=folder, capture_output=True, text=True, timeout=300)
    return None if p.returncode == 0 else f"{' '.join(cmd)} failed:\n{p.stdout[-3000:]}"


KEYED = re.compile(r"\bs\d+:")  # a line that names a prefixed key


def _compile(folder: Path, statements: dict[str, Statement]) -> tuple[dict[str, list[str]], bool]:
    """Compile the statements as one document in ``folder``: each one's problems, by name, and whether
    some problem could not be told to one statement (a failed run, a line that names no key)."""
    folder.mkdir(parents=True, exist_ok=True)
    prefixes = {name: f"s{i}:" for i, name in enumerate(statements)}
    body, bibs = [], []
    for i, (name, st) in enumerate(statements.items()):
        tex, bib = _prefixed(st, prefixes[name])
        (folder / f"s{i}.tex").write_text(tex)
        body.append(f"\\section*{{{i}}}\n\\input{{s{i}}}")
        bibs.append(bib)
    (folder / "statements.bib").write_text("\n\n".join(bibs))
    (folder / "main.tex").write_text("\\documentclass{article}\n\\begin{document}\n" + "\n".join(body)
                                     + "\n\\bibliographystyle{plain}\n\\bibliography{statements}\n\\end{document}\n")
    for cmd in (PDFLATEX, ("bibtex", "main"), PDFLATEX, PDFLATEX):
        if failed := _run(folder, *cmd):
            return {name: [failed] for name in statements}, True
    blg = (folder / "main.blg").read_text()
    log = (folder / "main.log").read_text(errors="replace")
    bbl = (folder / "main.bbl").read_text()
    listed = set(re.findall(r"\\bibitem\{([^}]*)\}", bbl))
    # BibTeX's warnings name their entry ("Warning--empty year in s3:hw-brain"), pdflatex's undefined
    # citations theirs ("Citation `s3:x' on page 1 undefined"); a line that names none is everyone's
    bad = [f"bibtex: {ln}" for ln in blg.splitlines() if "Warning--" in ln or "error" in ln.lower()]
    bad += [f"latex: {ln}" for ln in log.splitlines() if "undefined" in ln.lower()]
    bad += ["latex: Missing character"] * ("Missing character" in log)
    shared = [ln for ln in bad if not KEYED.search(ln)]
    pdf = folder / "main.pdf"
    if not pdf.exists() or pdf.stat().st_size <= 1000:
        shared.append("no PDF of more than 1000 bytes written")
    problems: dict[str, list[str]] = {}
    for name, st in statements.items():
        found = [ln for ln in bad if prefixes[name] in ln] + shared
        cited = set(_cited(st.tex))
        if cited != set(st.keys):  # every entry in the .bib is cited, and every citation has its entry
            found.append(f"cited {sorted(cited)} but the .bib holds {sorted(st.keys)}")
        if missing := sorted(k for k in cited if prefixes[name] + k not in listed):  # every entry cited is listed
            found.append(f"not listed in the bibliography: {missing}")
        problems[name] = found
    return problems, bool(shared)


def compile_registered(folder: Path) -> dict[str, list[str]]:
    """Build every registered statement and compile them all at once: each one's problems, by name.
    A statement whose building raised is reported as such (its test fails with the error). Where a
    problem of the joint document names no statement, each statement is compiled alone (only then),
    so that the failure is its own statement's."""
    statements, problems = {}, {}
    for name, build in REGISTERED.items():
        own = folder / "built" / re.sub(r"\W", "_", name)
        own.mkdir(parents=True)
        try:
            statements[name] = build(own)
        except Exception as exc:  # noqa: BLE001 (kept as that statement's problem: its test fails with it)
            problems[name] = [f"building the statement raised {exc!r}"]
    if statements:
        compiled, shared = _compile(folder / "joint", statements)
        if shared and len(statements) > 1:
            compiled = {name: _compile(folder / "alone" / f"s{i}", {name: st})[0][name]
                        for i, (name, st) in enumerate(statements.items())}
        problems.update(compiled)
    return problems
