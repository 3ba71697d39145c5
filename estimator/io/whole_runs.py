"""Published whole training runs of catalog models, timed as `estimate --model` times them
(``estimator/data/whole_runs_step_path.csv``), read and checked at the edge; never fitted:
``estimator.services.training.whole_runs`` checks the step path's time and its range against each run's published device-hours.

Each row: the catalog model, the tokens, the devices (``devices_published``: yes where the developer published them; no
where a count is assumed, said in the row's citation), the hardware profile, the published device-hours, and the
sequence, the global batch and the precision where the developer stated them (empty: the tool's defaults);
``step_fit_source``: the step model's fit source whose layouts include this run's (its step throughput is then
in sample: the row is listed apart, not scored).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from estimator.io import safe_read
from estimator.io.datafiles import DATA_DIR, default_profiles, load_sources
from estimator.io.layouts_data import load_step_fit
from estimator.io.row_checks import check_run_row
from estimator.io.serving_data import load_catalog

WHOLE_RUNS_PATH = DATA_DIR / "whole_runs_step_path.csv"
COLUMNS = ("run_id", "model", "tokens", "devices", "devices_published", "hardware_id", "published_device_hours",
           "seq_len", "global_batch_tokens", "precision", "step_fit_source", "source", "citation")
YES_NO = {"yes": True, "no": False}


@dataclass(frozen=True)
class WholeRun:
    run_id: str
    model: str
    tokens: float
    devices: int
    devices_published: bool
    hardware_id: str
    published_device_hours: float
    seq_len: int | None             # None: the tool's default
    global_batch_tokens: int | None
    precision: str | None
    step_fit_source: str            # "": not among the step model's fitted layouts
    source: str                     # a key of estimator/data/sources.toml
    citation: str

    def stated(self) -> dict:
        """What the developer stated, as `estimate`'s keywords (the rest the tool's defaults)."""
        return {k: v for k, v in (("seq_len", self.seq_len), ("global_batch_tokens", self.global_batch_tokens),
                                  ("precision", self.precision)) if v is not None}


def load_whole_runs(path: Path | None = None) -> tuple[WholeRun, ...]:
    """The published whole runs (default: the shipped file)."""
    return _load(Path(path or WHOLE_RUNS_PATH).resolve())


@lru_cache(maxsize=2)
def _load(path: Path) -> tuple[WholeRun, ...]:
    rows, fail = safe_read.read_data_csv(path, COLUMNS)
    profiles, catalog, sources = default_profiles(), load_catalog(), load_sources()
    fitted_sources = set(load_step_fit()["sources_used"])
    out, seen = [], set()
    for line, r in rows:
        values = safe_read.positive_numbers(r, ("tokens", "devices", "published_device_hours"), ("devices",), line,
                                            fail, "write what was published")
        optional = {}
        for key in ("seq_len", "global_batch_tokens"):
            if (r[key] or "").strip():
                optional.update(safe_read.positive_numbers(r, (key,), (key,), line, fail, "write what was stated"))
        profile = check_run_row(r, line, fail, id_key="run_id", text_keys=("run_id", "source", "citation"), seen=seen,
                                catalog=catalog, profiles=profiles)
        precision = (r["precision"] or "").strip() or None
        if precision is not None and precision not in profile.peak_flops_per_s:
            fail(f"line {line}: precision {precision!r} has no peak in {r['hardware_id']}'s profile",
                 "write the precision the run computed in")
        if r["devices_published"] not in YES_NO:
            fail(f"line {line}: devices_published {r['devices_published']!r} is not yes or no", "write yes or no")
        if (r["step_fit_source"] or "").strip() and r["step_fit_source"].strip() not in fitted_sources:
            fail(f"line {line}: step_fit_source {r['step_fit_source']!r} is not a source of the step fit "
                 f"({', '.join(sorted(fitted_sources))})", "name the fit's source, or leave it empty")
        if r["source"] not in sources:
            fail(f"line {line}: source {r['source']!r} is not a key of estimator/data/sources.toml", "cite a source key")
        out.append(WholeRun(r["run_id"], r["model"], values["tokens"], int(values["devices"]),
                            YES_NO[r["devices_published"]], r["hardware_id"], values["published_device_hours"],
                            optional.get("seq_len"), optional.get("global_batch_tokens"), precision,
                            (r["step_fit_source"] or "").strip(), r["source"], r["citation"]))
    return tuple(out)


__all__ = ["WHOLE_RUNS_PATH", "WholeRun", "load_whole_runs"]
