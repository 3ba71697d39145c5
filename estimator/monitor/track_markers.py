"""The marker file between ``calibrate -- CMD`` and a tracked run inside the command (edge, files).

The parent sets ``ESTIMATOR_TRACK_FILE`` (and the backend and device it measures with); a run
inside the command (``estimator.monitor.track``) appends one JSON object a line: ``start``, a
``steps`` marker at most every ``MARKER_EVERY_S``, and ``end`` with its final report. The parent
reads the file back with :func:`read_track_file`, which counts the tracked runs: a command that
runs two tracked loops (training then evaluation, or the same loop twice) writes two ``start``
and two ``end`` events, and its FLOPs cannot be put on the last one alone (track audit: twice the
throughput). Writing never stops the training: a failure is recorded and the markers stop.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, NamedTuple

from estimator.core.base.errors import MeasurementError

ENV_TRACK_FILE = "ESTIMATOR_TRACK_FILE"        # set by `calibrate -- CMD`: where the markers go
ENV_TRACK_BACKEND = "ESTIMATOR_TRACK_BACKEND"  # set by `calibrate -- CMD`: the parent's --backend
ENV_TRACK_DEVICE = "ESTIMATOR_TRACK_DEVICE"    # set by `calibrate -- CMD`: the parent's --device
MARKER_EVERY_S = 1.0     # a step marker for the parent at most once a second: ~60 B/s of file


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


class TrackFile(NamedTuple):
    """What a marker file says: the last tracked run's final report (None when no run ended), the
    step markers, and how many tracked runs the command ran (starts or ends, whichever is more)."""

    report: dict | None
    markers: int
    runs: int
    # the statuses of the tracked runs an exception or an interrupt ended ("failed (RuntimeError)", "interrupted"),
    # every run's, not the last one's alone; a loop that stopped early of its own accord is "stopped", not among them
    broken: tuple[str, ...] = ()


def read_track_file(path: str | os.PathLike) -> TrackFile:
    """The marker file read line by line (a 72-hour run writes ~16 MB of markers; only the last
    report is kept); TrackFile(None, 0, 0) when it was never written."""
    path = Path(path)
    report, markers, starts, ends, broken = None, 0, 0, 0, []
    try:
        with open(path, "rb") as f:
            for raw in f:
                try:
                    event = json.loads(raw.decode("utf-8", errors="replace"))
                except json.JSONDecodeError:
                    continue  # a line cut by a child killed mid-write
                if not isinstance(event, dict):
                    continue
                kind = event.get("event")
                if kind == "steps":
                    markers += 1
                elif kind == "start":
                    starts += 1
                elif kind == "end":
                    ends += 1
                    if isinstance(event.get("report"), dict):
                        report = event["report"]
                        status = str(report.get("status") or "")
                        if status.startswith("failed") or status == "interrupted":
                            broken.append(status)
    except FileNotFoundError:
        return TrackFile(None, 0, 0)
    except OSError as exc:
        raise MeasurementError(f"cannot read the step markers {path}: {exc}") from None
    return TrackFile(report, markers, max(starts, ends), tuple(broken))
