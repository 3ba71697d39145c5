"""`inference --format csv|markdown`: the serving report as CSV (every number of its JSON, one row each, with its
range) and as Markdown (the table's rows for people). Pure: text in, text out.

The CSV's ``quantity`` is the number's path in the JSON (``per_query.cost_usd``, ``techniques.pruning.saved_per_query
.cost_usd``), its unit in its name as everywhere in the project; ``low``/``high`` are the range the JSON gives that
number (under the nearest ``range``, or ``<name>_range`` beside it), empty where it has none; ``range_basis`` what that range rests on (the JSON's
``range_basis``: "stated" for embodied CO₂e and water, as their sources state them). Then, the same on every
row, what the numbers were computed for: the hardware, devices, batch, bits, engine, range level and the tool.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from estimator.core.base.interval import STATED
from estimator.core.serving.result import range_basis
from estimator.report.csv_cells import safe_writer
from estimator.report.export import markdown_escape
from estimator.report.provenance import figures_from

# Subtrees of the JSON that are no quantities of their own: the ranges (read beside each number), the assumptions
# (each with its origin and source: the JSON and the table's rows give them), the notes.
NOT_QUANTITIES = frozenset({"range", "range_basis", "assumptions", "notes", "tool"})
# The CSV's columns after quantity, value, low and high: the same on every row.
CONTEXT = ("hardware", "devices", "tp", "ep", "replicas", "batch", "bits", "kv_bits", "precision", "engine", "range_level")


def _cell(x: Any) -> str:
    """A CSV cell: a number unformatted (``repr``), a bool as true/false, text as it is (the writer, csv_cells,
    quotes text a spreadsheet would run)."""
    if x is None:
        return ""
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, (int, float)):
        return repr(x) if isinstance(x, int) else repr(float(x))
    return str(x)


def _pair(rng: Any) -> tuple[Any, Any]:
    return (rng[0], rng[1]) if isinstance(rng, (list, tuple)) and len(rng) == 2 else (None, None)


def quantities(doc: Mapping[str, Any], prefix: str = "", rng: Mapping[str, Any] | None = None
               ) -> Iterable[tuple[str, float | None, Any, Any]]:
    """Every number of ``doc`` (nested mappings, the techniques by their id) as (path, value, low, high)."""
    own = doc.get("range") if isinstance(doc.get("range"), Mapping) else None
    rng = own if own is not None else (rng or {})
    for key, value in doc.items():
        if key in NOT_QUANTITIES or key.endswith("_range") or isinstance(value, (str, bool)):
            continue
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            beside = doc.get(f"{key}_range")
            sub = beside if isinstance(beside, Mapping) else rng.get(key) if isinstance(rng.get(key), Mapping) else {}
            yield from quantities(value, f"{path}.", sub)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, Mapping) and "technique" in item:
                    yield from quantities(item, f"{path}.{item['technique']}.")
        elif value is None or isinstance(value, (int, float)):
            yield (path, value, *_pair(rng.get(key)))


def to_csv(doc: Mapping[str, Any]) -> str:
    """The report's JSON (``InferenceReport.to_dict``) as CSV: one row per number (see the module's docstring)."""
    buf = io.StringIO()
    w = safe_writer(buf)  # formula-looking text cells neutralised (csv_cells)
    tool = doc.get("tool") or {}
    w.writerow(["quantity", "value", "low", "high", "range_basis", *CONTEXT, "tool", "tool_version"])
    same = [*(_cell(doc.get(k)) for k in CONTEXT), _cell(tool.get("name")), _cell(tool.get("version"))]
    # the serving quantities whose ranges the JSON marks stated (an engine's energy nobody measured; a cost per kWh
    # with it), for the serving's own rows: not training's, nor the break-even's (review 2026-11-29)
    basis_of = doc.get("range_basis") or {}
    stated = tuple(k for k in ("joules_per_output_token", "energy_kwh", "co2e_kg", "cost_usd")
                   if basis_of.get(k) == STATED)
    for path, value, low, high in quantities(doc):
        # what the range rests on, as training's CSV says it: "stated" for the footprint's (no measured coverage)
        own = not path.startswith(("training.", "break_even."))
        basis = "" if low is None else range_basis(path.rsplit(".", 1)[-1], stated if own else ())
        w.writerow([path, _cell(value), _cell(low), _cell(high), basis, *same])
    return buf.getvalue()


def to_markdown(title: str, rows: Iterable[tuple[str, str]], notes: Iterable[str], version: str) -> str:
    """The table's rows (quantity, the figure in words) as a Markdown table under ``title``, its notes as a list,
    and the tool that made them."""
    lines = [markdown_escape(title), "", "| Quantity | Estimate |", "|---|---|"]
    lines += [f"| {markdown_escape(k)} | {markdown_escape(v)} |" for k, v in rows]
    lines += ["", *(f"- {markdown_escape(n)}" for n in notes), "", figures_from(version)]
    return "\n".join(lines) + "\n"
