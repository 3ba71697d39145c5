"""The project's source files parsed once per test session: several tests read every module's syntax tree
(tests/test_layers.py's import graph and pure-floor check, tests/core/test_unit_literals.py,
tests/cli/test_messages.py), and parsing and walking ~300 files cost ~0.4 s of CPU each time. The trees are
shared: read them, never change them."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path


@cache
def _parsed(path: Path, mtime_ns: int) -> tuple[ast.Module, tuple[ast.AST, ...]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return tree, tuple(ast.walk(tree))


def parsed(path: Path) -> ast.Module:
    """The file's syntax tree (read-only: shared by every test that asks)."""
    return _parsed(Path(path), Path(path).stat().st_mtime_ns)[0]


def nodes(path: Path) -> tuple[ast.AST, ...]:
    """Every node of the file's tree, in ``ast.walk``'s order."""
    return _parsed(Path(path), Path(path).stat().st_mtime_ns)[1]
