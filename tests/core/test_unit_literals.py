"""No bare unit factors in arithmetic (issue 12 §2): ``x / 1e12``, ``h * 3600`` or ``kg * 1000``
use the named constants of ``estimator/core/base/units.py`` (``FLOPS_PER_TFLOP``, ``S_PER_HOUR``,
``G_PER_KG``), each defined once with its definition. Data constants (tables, ``Bound`` figures,
display-prefix tables) are not arithmetic and are not flagged."""

from __future__ import annotations

import ast
from pathlib import Path

import source_trees

ROOT = Path(__file__).resolve().parents[2]
# Factors that are unit conversions when they multiply or divide (SI prefixes, time).
# (code audit: 8760 and 365, a year's hours and days, and 1024, a binary prefix, were not looked for, nor app.py)
UNIT_FACTORS = {60, 24, 365, 365.25, 3600, 8760, 86_400, 8766, 1000, 1024, 1e6, 1e9, 1e12, 1e15, 1e18, 1e-3, 1e-6, 1e-9,
                1e-12}
TIME_FACTORS = {60, 365, 365.25, 3600, 8760, 86_400, 8766}
KNOWN_LEFT: set[tuple[str, str]] = set()  # (file, expression) allowed to stay; none now


def _is_factor(node, factors) -> bool:
    return (isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
            and node.value in factors)


def unit_literals(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in source_trees.nodes(path):
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div, ast.FloorDiv)):
            if _is_factor(node.left, UNIT_FACTORS) or _is_factor(node.right, UNIT_FACTORS):
                found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Compare) and any(_is_factor(x, TIME_FACTORS) for x in [node.left, *node.comparators]):
            found.append((node.lineno, ast.unparse(node)))
    return found


def test_no_bare_unit_factors_in_the_code():
    bad = []
    paths = [ROOT / "app.py"] + [p for folder in ("estimator", "app_pages") for p in sorted((ROOT / folder).rglob("*.py"))]
    for path in paths:
        rel = path.relative_to(ROOT).as_posix()
        if rel == "estimator/core/base/units.py":
            continue
        bad += [f"{rel}:{line}: {expr}" for line, expr in unit_literals(path) if (rel, expr) not in KNOWN_LEFT]
    assert not bad, "use the constants of estimator/core/base/units.py:\n" + "\n".join(bad)


def test_the_scan_finds_a_unit_literal(tmp_path):
    f = tmp_path / "x.py"
    f.write_text("a = p / 1e12\nb = f'{s * 1e3:.3g} ms'\nc = t < 3600\nd = (1e9, 'billion')\ne = 2 * n\n"
                 "f = h / 8760\ng = b / 1024\n")
    assert sorted(line for line, _ in unit_literals(f)) == [1, 2, 3, 6, 7]
