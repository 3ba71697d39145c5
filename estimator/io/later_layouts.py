"""Published training layouts gathered after the step model was fitted (``estimator/data/training_layouts_later.csv``),
read and checked at the edge; never fitted: ``estimator.services.later_layouts`` predicts each with the step model as
shipped.

Each row is one configuration a paper or a framework's documentation published with its measured tokens/s per device:
the catalog model, the hardware profile, the layout (devices, tensor and pipeline parallelism, ZeRO stage, micro-batch,
sequence) and the activation recomputation as published. Where that recomputation is none of the step model's modes
(torchtitan's "selective layer" checkpoints every second layer whole; its "selective op" recomputes every second
matrix multiply and the element-wise operations), ``recompute_less`` and ``recompute_more`` name the two modes that
recompute less and more than it: the row is checked against the bracket they give. Where it is one of them, both name it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from estimator.core.training.plan import RECOMPUTE_ORDER
from estimator.io import safe_read
from estimator.io.datafiles import DATA_DIR, default_profiles
from estimator.io.serving_data import load_catalog

LATER_LAYOUTS_PATH = DATA_DIR / "training_layouts_later.csv"
COLUMNS = ("row_id", "model", "hardware_id", "devices", "tp", "pp", "zero", "micro_batch", "seq_len",
           "recompute_published", "recompute_less", "recompute_more", "precision", "measured_tokens_per_s_per_device",
           "reported_mfu_pct", "table", "citation")
WHOLE = ("devices", "tp", "pp", "micro_batch", "seq_len")
ZERO_STAGES = ("0", "1", "2", "3")


@dataclass(frozen=True)
class LaterLayout:
    row_id: str
    model: str
    hardware_id: str
    devices: int
    tp: int
    pp: int
    zero: int
    micro_batch: int
    seq_len: int
    recompute_published: str
    recompute_less: str    # the step model's mode recomputing no more than the published one (RECOMPUTE_ORDER)
    recompute_more: str    # … no less; the same mode where the published one is the step model's
    precision: str
    tokens_per_s_per_device: float
    reported_mfu_pct: float
    table: str
    citation: str

    @property
    def exact(self) -> bool:
        """The published recomputation is one of the step model's modes."""
        return self.recompute_less == self.recompute_more


def load_later_layouts(path: Path | None = None) -> tuple[LaterLayout, ...]:
    """The later published layouts (default: the shipped file)."""
    return _load(Path(path or LATER_LAYOUTS_PATH).resolve())


@lru_cache(maxsize=2)
def _load(path: Path) -> tuple[LaterLayout, ...]:
    rows, fail = safe_read.read_data_csv(path, COLUMNS)
    profiles, catalog = default_profiles(), load_catalog()
    out, seen = [], set()
    for line, r in rows:
        values = {}
        for key in WHOLE + ("measured_tokens_per_s_per_device", "reported_mfu_pct"):
            try:
                x = float(r[key])
            except (TypeError, ValueError):
                fail(f"line {line}: {key} {r[key]!r} is not a number", "write a plain number")
            if not math.isfinite(x) or x <= 0 or (key in WHOLE and x != int(x)):
                fail(f"line {line}: {key} {r[key]!r} is not a positive {'whole ' if key in WHOLE else ''}number",
                     "write what was published")
            values[key] = int(x) if key in WHOLE else x
        if not values["reported_mfu_pct"] < 100:
            fail(f"line {line}: reported_mfu_pct {r['reported_mfu_pct']!r} is 100 or more", "write the percentage")
        for key in ("row_id", "recompute_published", "table", "citation"):
            if not (r[key] or "").strip():
                fail(f"line {line} has no {key}", "every row says what was published and where")
        if r["row_id"] in seen:
            fail(f"line {line}: row_id {r['row_id']!r} is used twice", "give each row its own id")
        seen.add(r["row_id"])
        if r["model"] not in catalog:
            fail(f"line {line}: model {r['model']!r} is not in the catalog", "use an id of estimator/data/open_models.toml")
        if r["hardware_id"] not in profiles.profiles:
            fail(f"line {line}: hardware {r['hardware_id']!r} has no profile", "use a shipped profile's id")
        if r["zero"] not in ZERO_STAGES:
            fail(f"line {line}: zero {r['zero']!r} is not one of {', '.join(ZERO_STAGES)}", "write the ZeRO stage")
        for key in ("recompute_less", "recompute_more"):
            if r[key] not in RECOMPUTE_ORDER:
                fail(f"line {line}: {key} {r[key]!r} is not one of {', '.join(RECOMPUTE_ORDER)}",
                     "name the step model's mode")
        if RECOMPUTE_ORDER.index(r["recompute_less"]) > RECOMPUTE_ORDER.index(r["recompute_more"]):
            fail(f"line {line}: recompute_less {r['recompute_less']!r} recomputes more than recompute_more "
                 f"{r['recompute_more']!r}", "name the lesser mode first")
        if values["devices"] % (values["tp"] * values["pp"]):
            fail(f"line {line}: tp × pp does not divide the devices", "write the published layout")
        out.append(LaterLayout(
            row_id=r["row_id"], model=r["model"], hardware_id=r["hardware_id"], **{k: values[k] for k in WHOLE},
            zero=int(r["zero"]), recompute_published=r["recompute_published"], recompute_less=r["recompute_less"],
            recompute_more=r["recompute_more"], precision=r["precision"],
            tokens_per_s_per_device=values["measured_tokens_per_s_per_device"],
            reported_mfu_pct=values["reported_mfu_pct"], table=r["table"], citation=r["citation"]))
    return tuple(out)


__all__ = ["LATER_LAYOUTS_PATH", "LaterLayout", "load_later_layouts"]
