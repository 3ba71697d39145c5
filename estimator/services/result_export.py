"""An estimate's result in one export format, as ``estimate --format …`` prints it and the Estimate page's downloads
hold it: one home for what the exports are given (code review 2026-11-28: the CLI and the page each built the same
thirteen arguments of ``report.export.render``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from estimator.io.datafiles import load_sources
from estimator.io.paths import tool_public_url
from estimator.report.export import render
from estimator.services.accuracy.coverage import coverage_words
from estimator.services.result import Result


def render_result(fmt: str, result: Result, scenario: Mapping[str, Any] | None = None,
                  sources: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """``result`` in ``fmt`` (table, json, csv, markdown, latex, bibtex); ``scenario``: the inputs as given, recorded in
    the JSON and read by the paper statement (unset ones left out); ``sources``: the sources file (default: loaded)."""
    preset = result.preset
    return render(fmt, result.estimate, result.comparison, title=result.title, scenario=dict(scenario or {}),
                  cite_keys=[preset.source] if preset else [], sources=load_sources() if sources is None else sources,
                  time_label=preset.time_label if preset else None, changed=result.changed,
                  footprint_changed=result.footprint_changed, tool_url=tool_public_url(),
                  model_name=result.model_name, params=result.scenario.params,
                  # the tokens the run took, a catalog model's published ones too (researcher review 2026-11-30: without
                  # --tokens the statement had named "the model" alone, not Llama 3.1 8B on its 15.6T tokens)
                  tokens=result.scenario.tokens,
                  coverage=coverage_words(result.estimate) if fmt in ("latex", "bibtex") else None,
                  said_as=preset.said if preset else None)


__all__ = ["render_result"]
