"""The marker file between ``calibrate -- CMD`` and a tracked run inside the command (edge, files).

The parent sets ``ESTIMATOR_TRACK_FILE`` (and the backend and device it measures with); a run
inside the command (``estimator.measure.track``) appends one JSON object a line: ``start``, a
``steps`` marker at most every ``MARKER_EVERY_S``, and ``end`` with its final report. The parent
reads the file's tail back with :func:`read_track_file`. Writing never stops the training: a
failure is recorded and the markers stop.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO

from estimator.core.errors import MeasurementError

ENV_TRACK_FILE = "ESTIMATOR_TRACK_FILE"        # set by `calibrate -- CMD`: where the markers go
ENV_TRACK_BACKEND = "ESTIMATOR_TRACK_BACKEND"  # set by `calibrate -- CMD`: the parent's --backend
ENV_TRACK_DEVICE = "ESTIMATOR_TRACK_DEVICE"    # set by `calibrate -- CMD`: the parent's --device
MARKER_EVERY_S = 1.0     # a step marker for the parent at most once a second: ~60 B/s of file
MARKER_TAIL_BYTES = 8_000_000  # the parent reads the last 8 MB of the marker file: the end event is there


def open_marker(failures: list[str]) -> IO[str] | None:
    """The marker file named by ``ESTIMATOR_TRACK_FILE``, opened to append (None: not set, or it
    could not be opened, which is added to ``failures``)."""
    path = os.environ.get(ENV_TRACK_FILE)
    if not path:
        return None
    try:
        return open(path, "a", encoding="utf-8", buffering=1)
    except OSError as exc:
        failures.append(f"opening the marker file {path} ({ENV_TRACK_FILE}): {exc}")
        return None


def write_marker(marker: IO[str] | None, event: dict, failures: list[str]) -> IO[str] | None:
    """Append ``event`` as one JSON line; the file to write to next (None once writing failed)."""
    if marker is None:
        return None
    try:
        marker.write(json.dumps(event, allow_nan=False) + "\n")
    except (OSError, ValueError) as exc:
        failures.append(f"writing the marker file: {exc}")
        return None
    return marker


def read_track_file(path: str | os.PathLike) -> tuple[dict | None, int]:
    """(the last run's final report, the number of step markers) from a marker file; (None, n) when
    the command never ended a tracked run."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(size - MARKER_TAIL_BYTES, 0))
            data = f.read()
    except FileNotFoundError:
        return None, 0
    except OSError as exc:
        raise MeasurementError(f"cannot read the step markers {path}: {exc}") from None
    report, markers = None, 0
    for line in data.decode("utf-8", errors="replace").splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut by the tail read, or by a child killed mid-write
        if not isinstance(event, dict):
            continue
        if event.get("event") == "steps":
            markers += 1
        elif event.get("event") == "end" and isinstance(event.get("report"), dict):
            report = event["report"]
    return report, markers
