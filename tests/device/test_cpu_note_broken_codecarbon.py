"""Where CodeCarbon is installed but cannot be imported, a GPU meter's refusal says the CPU is timed only, as the CPU's
own line says (measuring engineer's review 2026-11-30: the NVML line promised "its power through CodeCarbon", the next
line refused it)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_calibrate_backends_never_promises_a_cpu_meter_it_cannot_import(tmp_path):
    broken = tmp_path / "codecarbon"
    broken.mkdir()
    (broken / "__init__.py").write_text('raise ImportError("broken on purpose")\n')
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    proc = subprocess.run([sys.executable, "-m", "estimator", "calibrate", "--backends"], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)
    lines = proc.stdout.splitlines()
    assert any(x.startswith("CPU (CodeCarbon)") and "could not be imported" in x for x in lines), proc.stdout
    assert "its power through CodeCarbon" not in proc.stdout
