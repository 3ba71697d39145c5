"""The downloads: the same text as ``python -m estimator estimate --format …`` (estimator.report.export)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from estimator.io.paths import tool_public_url
from estimator.report.export import render
from estimator.services import api
from estimator.services.coverage import coverage_words


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
    title = result.title
    cite = [preset.source] if preset else []
    stem = preset.id if preset else f"scenario-{result.profile.id}"
    common = dict(est=result.estimate, comparison=result.comparison, title=title,
                  scenario=scenario_dict(run_kwargs), cite_keys=cite, sources=sources,
                  time_label=preset.time_label if preset else None, changed=result.changed,
                  footprint_changed=result.footprint_changed, tool_url=tool_public_url(),
                  model_name=result.model_name, params=result.scenario.params,
                  coverage=coverage_words(result.estimate), said_as=preset.said if preset else None)
    return [
        Download("JSON", f"{stem}.json", "application/json", render("json", **common)),
        Download("CSV", f"{stem}.csv", "text/csv", render("csv", **common)),
        Download("Markdown", f"{stem}.md", "text/markdown", render("markdown", **common)),
        Download("LaTeX paragraph", f"{stem}.tex", "application/x-tex", render("latex", **common)),
        Download("BibTeX", f"{stem}.bib", "application/x-bibtex", render("bibtex", **common)),
    ]
