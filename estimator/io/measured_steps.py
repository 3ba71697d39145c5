"""Training steps this project measured on a real GPU (``estimator/data/measured_training_steps.csv``),
read and checked at the edge; never fitted: ``estimator.services.training.measured_steps`` predicts each with the
step model as shipped.

Each row is one GPT-shaped model trained on one GPU (``benchmarks/gpu_train_step.py``): its shape, the
sequence and micro-batch, the median step time and the tokens per second it gives, and the GPU's mean
power and energy per token over the timed steps (NVML). A row whose tokens/s is not its tokens per step
over its step time, or whose energy per token is not its power over its tokens/s, is refused as mistyped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from estimator.io import safe_read
from estimator.io.datafiles import DATA_DIR, default_profiles

MEASURED_STEPS_PATH = DATA_DIR / "measured_training_steps.csv"
COLUMNS = ("name", "mode", "hardware_id", "layers", "d_model", "heads", "kv_heads", "ffn", "ffn_matrices", "vocab",
           "seq_len", "micro_batch", "params", "precision", "attention", "how", "measured_step_s",
           "measured_tokens_per_s_per_device", "measured_power_w", "measured_j_per_token", "mean_sm_clock_mhz",
           "peak_memory_gb", "citation", "run")
WHOLE = ("layers", "d_model", "heads", "kv_heads", "ffn", "ffn_matrices", "vocab", "seq_len", "micro_batch", "params")
POSITIVE = ("measured_step_s", "measured_tokens_per_s_per_device", "measured_power_w", "measured_j_per_token",
            "mean_sm_clock_mhz", "peak_memory_gb")
# tokens/s = tokens per step ÷ step time and J/token = power ÷ tokens/s are two readings of one run: the first is
# exact (the script divides), the second agrees to the timing's spread (the energy window holds every timed step
# and the host's gaps between them; the step time is their median): 10% refuses a mistyped column, not the spread.
EXACT_AGREEMENT = 1e-9
MODES = ("eager", "torch.compile")  # kernel by kernel, or Inductor's fused kernels
ENERGY_AGREEMENT = 0.10


@dataclass(frozen=True)
class MeasuredStep:
    name: str
    mode: str                  # how PyTorch ran the model: MODES
    hardware_id: str
    layers: int
    d_model: int
    heads: int
    kv_heads: int
    ffn: int
    ffn_matrices: int
    vocab: int
    seq_len: int
    micro_batch: int
    params: int
    precision: str
    attention: str
    how: str
    step_s: float
    tokens_per_s_per_device: float
    power_w: float
    j_per_token: float
    mean_sm_clock_mhz: float   # NVML's SM clock over the timed steps: below the boost clock where power caps it
    peak_memory_gb: float
    citation: str
    run: str


def load_measured_steps(path: Path | None = None) -> tuple[MeasuredStep, ...]:
    """The training steps measured on a real GPU (default: the shipped file)."""
    return _load(Path(path or MEASURED_STEPS_PATH).resolve())


@lru_cache(maxsize=2)
def _load(path: Path) -> tuple[MeasuredStep, ...]:
    rows, fail = safe_read.read_data_csv(path, COLUMNS)
    profiles = default_profiles()
    out = []
    for line, r in rows:
        values = safe_read.positive_numbers(r, WHOLE + POSITIVE, WHOLE, line, fail, "write what was measured")
        if r["mode"] not in MODES:
            fail(f"line {line}: mode {r['mode']!r} is not one of {', '.join(MODES)}", "write how the model ran")
        for key in ("name", "hardware_id", "precision", "attention", "how", "citation", "run"):
            if not (r[key] or "").strip():
                fail(f"line {line} has no {key}", "every measurement says what ran, where and who measured it")
        if r["hardware_id"] not in profiles.profiles:
            fail(f"line {line}: hardware {r['hardware_id']!r} has no profile", "use a shipped profile's id")
        tokens_per_s = values["seq_len"] * values["micro_batch"] / values["measured_step_s"]
        if abs(tokens_per_s / values["measured_tokens_per_s_per_device"] - 1) > EXACT_AGREEMENT:
            fail(f"line {line}: measured_tokens_per_s_per_device is not seq_len × micro_batch ÷ measured_step_s",
                 "write the script's figures as it printed them")
        j = values["measured_power_w"] / values["measured_tokens_per_s_per_device"]
        if abs(j / values["measured_j_per_token"] - 1) > ENERGY_AGREEMENT:
            fail(f"line {line}: measured_j_per_token is not measured_power_w ÷ the tokens/s", "check the columns")
        out.append(MeasuredStep(
            name=r["name"], mode=r["mode"], hardware_id=r["hardware_id"], **{k: values[k] for k in WHOLE},
            precision=r["precision"], attention=r["attention"], how=r["how"], step_s=values["measured_step_s"],
            tokens_per_s_per_device=values["measured_tokens_per_s_per_device"], power_w=values["measured_power_w"],
            j_per_token=values["measured_j_per_token"], mean_sm_clock_mhz=values["mean_sm_clock_mhz"],
            peak_memory_gb=values["peak_memory_gb"],
            citation=r["citation"], run=r["run"]))
    return tuple(out)


__all__ = ["MEASURED_STEPS_PATH", "MODES", "MeasuredStep", "load_measured_steps"]
