"""Where a fresh fit differs from the shipped file, number by number within a relative tolerance: the optimisers'
last digits move between machines (2026-11-28: the step fit's gemm_half_dim 535.19983 shipped, 535.199398 refitted
on another CPU, 8 × 10⁻⁷ apart), so the fits' checks compare numbers, not text. Pure."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

# Two fits' numbers within this share of each other are one: the optimisers' last digits move by up to ~3 × 10⁻⁶ of a
# small figure between runs (2026-11-29: the latency engine's 8.9133 × 10⁻⁶ s per sequence refitted 2.5 × 10⁻⁶ apart)
REL_TOL = 1e-5
# Below this, two numbers are one (a residual that is zero in one fit and 10⁻¹⁵ in another)
ABS_TOL = 1e-12


def stale_fields(document: Mapping[str, Any], shipped: Mapping[str, Any], rel_tol: float = REL_TOL) -> list[str]:
    """Where a fresh fit differs from the shipped file (empty: the shipped fit is current)."""
    out: list[str] = []

    def walk(a, b, where):
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            for k in set(a) | set(b):
                if k == "about":
                    continue
                if k not in a or k not in b:
                    out.append(f"{where}{k}")
                else:
                    walk(a[k], b[k], f"{where}{k}.")
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                out.append(where.rstrip("."))
            else:
                for i, (x, y) in enumerate(zip(a, b)):
                    walk(x, y, f"{where}{i}.")
        elif (isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool)
              and not isinstance(b, bool) and math.isfinite(a) and math.isfinite(b)):
            # relative to the numbers themselves (evidence audit 2026-11-29: × max(1, |a|, |b|) let a 0.4% change of a
            # 1.9 × 10⁻⁴ s engine cost pass), with an absolute floor for figures at zero
            if not math.isclose(a, b, rel_tol=rel_tol, abs_tol=ABS_TOL):
                out.append(where.rstrip("."))
        elif isinstance(a, bool) != isinstance(b, bool) or a != b:  # NaN, infinities, a bool: equal only as themselves
            out.append(where.rstrip("."))

    walk(document, shipped, "")
    return sorted(out)
