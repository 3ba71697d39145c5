"""What the paper-statement tests share (tests/report/, tests/app/): the statement of a run as the CLI
writes it, and a calibrated profile as `calibrate` writes it. Compiling them: tests/latex_batch.py."""

from __future__ import annotations

from pathlib import Path

from estimator import __version__
from estimator.core.calibration.calibrate import Throughput, calibrated_profile_data
from estimator.device.base import Measurement
from estimator.io.calibration_io import write_profile
from estimator.io.datafiles import default_profiles, load_sources
from estimator.report.statement import Statement, statement
from estimator.services import api

SOURCES = load_sources()
HOST, AT = "lab-box", "2026-03-04T05:06:07Z"
METHOD = "built-in matmul workload (numpy 2.4.6, fp32, sizes 256–1024, codecarbon backend)"


def statement_of(**run) -> tuple[api.Result, Statement]:
    """``api.run(**run)`` and its statement, citing the preset's source where a preset was given."""
    r = api.run(**run)
    keys = (r.preset.source,) if r.preset else ()
    return r, statement(r.estimate, SOURCES, version=__version__, extra_keys=keys)


def calibrated(folder: Path, base_id, flops_per_s, power_w, meter, estimate, device) -> str:
    """A profile as `python -m estimator calibrate` writes it (the same function), in ``folder``."""
    base = default_profiles().get(base_id)
    details = {"estimate_note": "CodeCarbon's cpu_load model, not a meter"} if estimate else {}
    m = Measurement(2.0, 2.0 * power_w, power_w, meter, estimate, device, "codecarbon", details)
    data, _ = calibrated_profile_data(base, [Throughput(base.default_precision, flops_per_s, seconds=1.0)], m,
                                      host=HOST, measured_at=AT, method=METHOD)
    path = folder / f"{base_id}-cal.toml"
    write_profile(data, path)
    return str(path)
