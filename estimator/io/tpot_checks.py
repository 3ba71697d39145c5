"""Independent small-batch TPOT measurements at the edge: read, checked, and judged by the shipped fit.

Edge module: reads ``estimator/data/small_batch_tpot.csv`` and ``small_batch_tpot_later.csv`` (each
row cited; the sources and their caveats are in ``estimator/data/README.md``) through the guarded
reader, joins each row to the catalog's architecture and the hardware profile, and hands plain rows
to the pure check (``estimator.fit.tpot_check``). The online engine never sees the first file's rows;
the latency engine is fitted to them, and judged on them leave-one-benchmark-out. Neither engine is
fitted to the second file: both are only checked on it.
"""

from __future__ import annotations

import csv
import io
import json
import math
from functools import lru_cache
from pathlib import Path

from estimator.core.errors import DataFileError, InputError
from estimator.core.inference import peak_for_bits
from estimator.core.interval import LEVEL
from estimator.core.serving import WEIGHT_BITS, ServingFit
from estimator.core.units import MS_PER_S
from estimator.fit.tpot_check import TpotCheck, TpotRow, check, fit_latency, median_ratio
from estimator.io import safe_read
from estimator.io.datafiles import DATA_DIR, default_profiles
from estimator.io.serving_data import SERVING_FIT_PATH, catalog_model, device_for, load_serving_fit

TPOT_CHECKS_PATH = DATA_DIR / "small_batch_tpot.csv"
# Published decode times gathered after both engines were fitted, from nine other benchmarks
# (TensorRT-LLM, PPL.LLM, SGLang, NIM, MLC, ExLlamaV2, AutoAWQ, TinyChat, llama.cpp): never fitted,
# only checked. NVIDIA NeMo's table was left out whole, before any prediction was looked at: its
# 13B rows are faster than reading the weights at full bandwidth allows, so its labels are suspect.
LATER_CHECKS_PATH = DATA_DIR / "small_batch_tpot_later.csv"
COLUMNS = ("source", "engine", "model", "hardware_id", "tensor_parallel", "batch", "bits", "prompt_tokens",
           "output_tokens", "measured_tpot_s", "published", "how", "prefill_included", "note", "citation")


def _number(row: dict, key: str, line: int, whole: bool, path: Path) -> float:
    try:
        x = float(row[key])
    except (KeyError, TypeError, ValueError):
        raise DataFileError(f"{path}: line {line}: '{key}' is missing or not a number") from None
    if not math.isfinite(x) or x <= 0 or (whole and x != int(x)):
        raise DataFileError(f"{path}: line {line}: '{key}' must be a positive "
                            f"{'whole number' if whole else 'number'}, got {row[key]!r}")
    return x


def load_rows(path: Path | None = None) -> tuple[TpotRow, ...]:
    """The published decode times in ``path`` (default: the fitted set; or the later one, only checked)."""
    return _load(Path(path or TPOT_CHECKS_PATH).resolve())


@lru_cache(maxsize=4)
def _load(path: Path) -> tuple[TpotRow, ...]:
    def fail(problem, fix):
        raise DataFileError(f"{path}: {problem}; {fix}")

    def number(r, key, line, whole=False):
        return _number(r, key, line, whole, path)
    text = safe_read.read_text(path, safe_read.MAX_DATA_BYTES, fail)
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        fail(f"columns {reader.fieldnames} are not {list(COLUMNS)}", "keep the header as shipped")
    profiles = default_profiles()
    out = []
    for line, r in enumerate(reader, start=2):
        if not (r["citation"] or "").strip():
            fail(f"line {line} has no citation", "every measurement names where it was published")
        bits = int(number(r, "bits", line, whole=True))
        if bits not in WEIGHT_BITS:
            fail(f"line {line}: bits {bits} is not one of {WEIGHT_BITS}", "use 16, 8 or 4")
        try:
            m = catalog_model(r["model"])
            profile = profiles.get(r["hardware_id"])
        except InputError as exc:
            raise DataFileError(f"{path}: line {line}: {exc}") from None
        if r["prefill_included"] not in ("yes", "no"):
            fail(f"line {line}: prefill_included is {r['prefill_included']!r}",
                 "write yes where the published time spreads the prompts' prefill over the tokens, else no")
        precision, _, _ = peak_for_bits(profile, bits)
        out.append(TpotRow(
            source=r["source"], engine=r["engine"], model=m.id, hardware_id=profile.id,
            device=device_for(profile, precision), params=m.params, arch=m.arch,
            tp=int(number(r, "tensor_parallel", line, whole=True)), batch=int(number(r, "batch", line, whole=True)),
            bits=bits, prompt_tokens=number(r, "prompt_tokens", line), output_tokens=number(r, "output_tokens", line),
            tpot_s=number(r, "measured_tpot_s", line), prefill_included=r["prefill_included"] == "yes",
            note=r["note"], citation=r["citation"],
            previous_utilization=profile.utilization.default))
    if not out:
        fail("no rows", "restore the shipped file")
    return tuple(out)


@lru_cache(maxsize=1)
def tpot_check() -> TpotCheck:
    return check(load_rows(), load_serving_fit())


def _summary(model, previous, ps) -> dict:
    return {"model": model.to_dict(), "previous": previous.to_dict(), "median_predicted_over_measured": median_ratio(ps)}


@lru_cache(maxsize=1)
def tpot_check_document() -> dict:
    """What `validate --inference` reports on the independent measurements, as plain numbers."""
    c = tpot_check()
    ps = c.predictions
    return {
        "data": f"estimator/data/{TPOT_CHECKS_PATH.name}",
        "method": (f"{len(ps)} published small-batch measurements ({', '.join(sorted(c.by_source))}), none of them "
                   "seen by the online engine's fit: each predicted by it, its stated interval checked"),
        **_check_document(c),
        "latency_engine": latency_fit_document(load_serving_fit())["validation"],
        "rows": [{"source": p.row.source, "model": p.row.model, "hardware": p.row.hardware_id,
                  "tensor_parallel": p.row.tp, "batch": p.row.batch, "bits": p.row.bits,
                  "measured_tpot_ms": p.row.tpot_s * MS_PER_S, "predicted_tpot_ms": p.tpot_s * MS_PER_S,
                  "interval_tpot_ms": [p.tpot_s / math.exp(p.half) * MS_PER_S, p.tpot_s * math.exp(p.half) * MS_PER_S],
                  "inside": p.inside, "previous_tpot_ms": p.previous_tpot_s * MS_PER_S,
                  "note": p.row.note, "citation": p.row.citation} for p in ps],
    }


def _check_document(c: TpotCheck) -> dict:
    ps = c.predictions
    return {
        "overall": _summary(c.model, c.previous, ps),
        "by_source": {s: {**_summary(m, p, [x for x in ps if x.row.source == s]),
                          "engine": next(x.row.engine for x in ps if x.row.source == s)}
                      for s, (m, p) in c.by_source.items()},
    }


@lru_cache(maxsize=1)
def later_check_document() -> dict:
    """Both engines, as shipped, on the published decode times gathered after they were fitted
    (``LATER_CHECKS_PATH``): a check neither fit saw, by benchmark, the previous model beside."""
    rows = load_rows(LATER_CHECKS_PATH)
    checks = {engine: check(rows, load_serving_fit(engine)) for engine in ("latency", "online")}
    return {
        "data": f"estimator/data/{LATER_CHECKS_PATH.name}",
        "method": (f"{len(rows)} published small-batch decode times from {len({r.source for r in rows})} benchmarks "
                   f"({', '.join(sorted({r.source for r in rows}))}), gathered after both engines were fitted and "
                   "never fitted: each predicted by each engine as shipped, its stated interval checked"),
        **{engine: _check_document(c) for engine, c in checks.items()},
    }


def latency_fit_document(online: ServingFit, level: float = LEVEL) -> dict:
    """The "latency" engine's section of serving_fit.json: its fit and its leave-one-benchmark-out
    validation (written by ``fit-serving`` beside the online fit; ``--check`` compares both)."""
    fit, cv = fit_latency(load_rows(), online, level)
    return {
        "about": ("The latency-optimised engine: the time constants fitted to the published small-batch decode "
                  f"times in estimator/data/{TPOT_CHECKS_PATH.name}, the power factor the online fit's (no energy was "
                  "measured: the energy's interval is the time's). Method: estimator/fit/tpot_check.py."),
        "fit": fit.to_dict(),
        "validation": {"method": ("leave-one-benchmark-out: each benchmark's rows predicted by a fit of the other "
                                  "benchmarks', its interval from their out-of-sample residuals, each benchmark once"),
                       **_check_document(cv)},
    }


@lru_cache(maxsize=1)
def shipped_latency_validation() -> dict:
    """The latency engine's leave-one-benchmark-out figures as serving_fit.json holds them (written by
    ``fit-serving``, which ``--check`` compares with a fresh run)."""
    return json.loads(safe_read.read_data_text(SERVING_FIT_PATH))["latency_engine"]["validation"]


def latency_note() -> tuple[str, ...]:
    """What the latency engine is fitted to and how it did on benchmarks it was not fitted to."""
    v = shipped_latency_validation()["overall"]["model"]
    later = later_check_document()["latency"]["overall"]
    c = tpot_check()
    batches = [p.row.batch for p in c.predictions]
    return (f"engine: latency-optimised, its costs fitted to {v['n']} published decode times at batches "
            f"{min(batches)}–{max(batches)} ({', '.join(sorted(c.by_source))}); each benchmark predicted by a fit of "
            f"the others, its time per output token was off by a median {v['median_factor']:.2f}× and the "
            f"{LEVEL:.0%} interval held {v['interval_coverage']:.0%} (the serving validation); on "
            f"{later['model']['n']} later published times from other benchmarks that no fit saw, "
            f"{later['model']['median_factor']:.2f}× and {later['model']['interval_coverage']:.0%}; its energy is the "
            "modelled power × that time, and no measured energy checks it",)


def small_batch_note(batch: int) -> tuple[str, ...]:
    """For a batch within the independent measurements' batches, what they showed of the TPOT."""
    c = tpot_check()
    batches = [p.row.batch for p in c.predictions]
    if batch > max(batches):
        return ()
    return (f"batch {batch}: on {len(batches)} published measurements at batches {min(batches)}–{max(batches)} from "
            f"latency benchmarks this engine's fit never saw ({', '.join(sorted(c.by_source))}), the predicted time per "
            f"output token was a median {median_ratio(c.predictions):.2g}× the measured one and the stated interval "
            f"held {c.model.interval_coverage:.0%} of them (the serving validation): this estimates an online serving "
            "engine under load; the latency engine, fitted to those benchmarks, estimates a latency-optimised engine "
            "at a fixed batch",)


__all__ = ["LATER_CHECKS_PATH", "TPOT_CHECKS_PATH", "later_check_document", "latency_fit_document", "latency_note", "load_rows", "shipped_latency_validation",
           "small_batch_note", "tpot_check", "tpot_check_document"]
