"""This machine's CPU by name, as a meter's measurements name their device: apart from ``device.cpu`` (which opens
CodeCarbon's backend) so that the backend names its device from its first window (API review 2026-12-01: "CPU" until
CodeCarbon's first reading, "AMD EPYC (2 CPUs)" after)."""

from __future__ import annotations

import os
import platform


def cpu_model_name() -> str:
    """The CPU's model name from /proc/cpuinfo (Linux), else platform.processor()."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass  # not Linux: fall through to platform's name
    return platform.processor() or platform.machine() or "CPU"


def cpu_device_name() -> str:
    return f"{cpu_model_name()} ({os.cpu_count()} CPUs)"
