"""Where a fresh fit differs from the shipped file, number by number within a relative tolerance: the optimisers'
last digits move between machines (2026-11-28: the step fit's gemm_half_dim 535.19983 shipped, 535.199398 refitted
on another CPU, 8 × 10⁻⁷ apart), so the fits' checks compare numbers, not text. Pure."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


def stale_fields(document: Mapping[str, Any], shipped: Mapping[str, Any], rel_tol: float = 1e-6) -> list[str]:
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
            if abs(a - b) > rel_tol * max(1.0, abs(a), abs(b)):
                out.append(where.rstrip("."))
        elif isinstance(a, bool) != isinstance(b, bool) or a != b:  # NaN, infinities, a bool: equal only as themselves
            out.append(where.rstrip("."))

    walk(document, shipped, "")
    return sorted(out)
