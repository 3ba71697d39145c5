"""The downloads: the same text as ``python -m estimator estimate --format …`` (estimator.report.export)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from estimator.services import api
from estimator.services.result_export import render_result


@dataclass(frozen=True)
class Download:
    label: str
    file_name: str
    mime: str
    text: str


def scenario_dict(run_kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs as the CLI records them (``--preset`` is ``preset``; unset inputs left out)."""
    out = {}
    for key, value in run_kwargs.items():
        if value is None:
            continue
        if key == "memory":
            out.update(value)  # the training-memory inputs, as the CLI's flags record them
            continue
        out["preset" if key == "preset_id" else key] = value
    return out


def downloads(result: api.Result, run_kwargs: Mapping[str, Any], sources: Mapping[str, Mapping[str, str]]) -> list[Download]:
    """JSON, CSV, Markdown, and the paper statement as a .tex paragraph with its .bib, as the CLI
    renders them (`--format json|csv|markdown|latex|bibtex`)."""
    preset = result.preset
    stem = preset.id if preset else f"scenario-{result.profile.id}"
    scenario = scenario_dict(run_kwargs)

    def text(fmt: str) -> str:
        return render_result(fmt, result, scenario, sources)
    return [
        Download("JSON", f"{stem}.json", "application/json", text("json")),
        Download("CSV", f"{stem}.csv", "text/csv", text("csv")),
        Download("Markdown", f"{stem}.md", "text/markdown", text("markdown")),
        Download("LaTeX paragraph", f"{stem}.tex", "application/x-tex", text("latex")),
        Download("BibTeX", f"{stem}.bib", "application/x-bibtex", text("bibtex")),
    ]
