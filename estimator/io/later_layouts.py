"""Published training layouts gathered after the step model was fitted (``estimator/data/training_layouts_later.csv``),
read and checked at the edge; never fitted: ``estimator.services.training.later_layouts`` predicts each with the step model as
shipped.

Each row is one configuration a paper or a framework's documentation published with its measured tokens/s per device:
the catalog model, the hardware profile, the layout (devices, tensor, pipeline and context parallelism, the interleaved
schedule's chunks per stage, ZeRO stage, micro-batch, the sequences each data-parallel rank takes a step, sequence) and
the activation recomputation as published. Where that recomputation is none of the step model's modes
(torchtitan's checkpointing of every Nth layer whole, or of the operations other than matrix multiplies, attention
and reduce-scatter, every second matrix multiply too: the row's ``citation``), ``recompute_less`` and
``recompute_more`` name the two modes that recompute less and more than it, and the row is checked against the bracket
they give. Where it is one of them, both name it, and the published word must say that mode (``PUBLISHED_AS``).

``device_as_profile`` says whether the devices measured are the profile's (``yes``) or a variant of it the profile does
not describe (``no``: torchtitan's H100s with 96 GB of HBM2e under a 500 W limit); a variant's rows are scored only
as ratios within their ``compare_group``: rows of one benchmark on the same machines that differ in one setting (the
sequence and context parallelism, the pipeline schedule, the precision, the devices: in one table, or the same run on
8 and 128 GPUs across two), each against the group's first row (not always a table's first), where what the device does not share with the profile cancels.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from estimator.core.base.errors import DataFileError
from estimator.core.training import memory as mem
from estimator.core.training.plan import RECOMPUTE_ORDER
from estimator.io import safe_read
from estimator.io.datafiles import DATA_DIR, default_profiles
from estimator.io.row_checks import check_run_row
from estimator.io.serving_data import load_catalog

LATER_LAYOUTS_PATH = DATA_DIR / "training_layouts_later.csv"
COLUMNS = ("row_id", "source", "model", "hardware_id", "devices", "tp", "pp", "cp", "vp", "zero", "micro_batch",
           "local_batch", "seq_len", "recompute_published", "recompute_less", "recompute_more", "precision",
           "measured_tokens_per_s_per_device", "reported_mfu_pct", "device_as_profile", "compare_group", "table",
           "citation")
WHOLE_NUMBER_COLUMNS = ("devices", "tp", "pp", "cp", "vp", "micro_batch", "local_batch", "seq_len")
NUMBER_COLUMNS = WHOLE_NUMBER_COLUMNS + ("measured_tokens_per_s_per_device",)
OPTIONAL_NUMBER_COLUMNS = ("reported_mfu_pct",)   # empty where the source reports none
TEXT_COLUMNS = ("row_id", "source", "recompute_published", "table", "citation")
ZERO_STAGES = tuple(str(z) for z in mem.ZERO_STAGES)  # as a CSV cell writes them
# A published recomputation that is one of the step model's modes, in the words sources print it ("no" activation
# checkpointing: torchtitan's table; "full": every layer's activations recomputed in the backward pass)
PUBLISHED_AS = {"no": "none", "none": "none", "full": "full"}
YES_NO = {"yes": True, "no": False}


@dataclass(frozen=True)
class LaterLayout:
    row_id: str
    source: str            # a short name of the source ("torchtitan docs/performance.md (2024)"); ``citation`` in full
    model: str
    hardware_id: str
    devices: int
    tp: int
    pp: int
    cp: int                # context-parallel degree
    vp: int                # the interleaved pipeline schedule's layer chunks per stage (1: not interleaved)
    zero: int
    micro_batch: int
    local_batch: int       # sequences each data-parallel rank takes a step (micro-batches × micro_batch)
    seq_len: int
    recompute_published: str
    recompute_less: str    # the step model's mode recomputing no more than the published one (RECOMPUTE_ORDER)
    recompute_more: str    # … no less; the same mode where the published one is the step model's
    precision: str
    tokens_per_s_per_device: float
    reported_mfu_pct: float | None   # as the source counts it; None where it reports none
    device_as_profile: bool          # the devices measured are the profile's, not a variant of it
    compare_group: str | None        # rows scored as ratios to the group's first row; None: in no group
    table: str
    citation: str

    @property
    def mode_is_modelled(self) -> bool:
        """The published recomputation is one of the step model's modes (no bracket)."""
        return self.recompute_less == self.recompute_more

    @property
    def dp(self) -> int:
        """Data-parallel replicas: the devices over the tensor-, pipeline- and context-parallel group."""
        return self.devices // (self.tp * self.pp * self.cp)

    @property
    def global_batch_tokens(self) -> int:
        """The tokens of one step: each data-parallel rank's sequences, whole (context parallelism splits each)."""
        return self.dp * self.local_batch * self.seq_len


def load_later_layouts(path: Path | None = None) -> tuple[LaterLayout, ...]:
    """The later published layouts (default: the shipped file)."""
    return _load(Path(path or LATER_LAYOUTS_PATH).resolve())


@lru_cache(maxsize=2)
def _load(path: Path) -> tuple[LaterLayout, ...]:
    rows, fail = safe_read.read_data_csv(path, COLUMNS)
    profiles, catalog = default_profiles(), load_catalog()
    out, seen = [], set()
    for line, r in rows:
        values = safe_read.positive_numbers(r, NUMBER_COLUMNS, WHOLE_NUMBER_COLUMNS, line, fail, "write what was published")
        values["reported_mfu_pct"] = None
        if (r["reported_mfu_pct"] or "").strip():
            values.update(safe_read.positive_numbers(r, OPTIONAL_NUMBER_COLUMNS, (), line, fail, "write the percentage"))
            if not values["reported_mfu_pct"] < 100:
                fail(f"line {line}: reported_mfu_pct {r['reported_mfu_pct']!r} is 100 or more", "write the percentage")
        profile = check_run_row(r, line, fail, id_key="row_id", text_keys=TEXT_COLUMNS, seen=seen, catalog=catalog,
                                profiles=profiles)
        if r["precision"] not in profile.peak_flops_per_s:
            fail(f"line {line}: precision {r['precision']!r} has no peak in {r['hardware_id']}'s profile "
                 f"({', '.join(profile.peak_flops_per_s)})", "write the precision the run computed in")
        if r["zero"] not in ZERO_STAGES:
            fail(f"line {line}: zero {r['zero']!r} is not one of {', '.join(ZERO_STAGES)}", "write the ZeRO stage")
        for key in ("recompute_less", "recompute_more"):
            if r[key] not in RECOMPUTE_ORDER:
                fail(f"line {line}: {key} {r[key]!r} is not one of {', '.join(RECOMPUTE_ORDER)}",
                     "name the step model's mode")
        if RECOMPUTE_ORDER.index(r["recompute_less"]) > RECOMPUTE_ORDER.index(r["recompute_more"]):
            fail(f"line {line}: recompute_less {r['recompute_less']!r} recomputes more than recompute_more "
                 f"{r['recompute_more']!r}", "name the lesser mode first")
        if r["recompute_less"] == r["recompute_more"] and PUBLISHED_AS.get(r["recompute_published"]) != r["recompute_less"]:
            fail(f"line {line}: recompute_published {r['recompute_published']!r} is not the step model's "
                 f"{r['recompute_less']!r}", "give the two modes around it, or the mode it is")
        if values["devices"] % (values["tp"] * values["pp"] * values["cp"]):
            fail(f"line {line}: tp × pp × cp does not divide the devices", "write the published layout")
        if values["vp"] > 1 and values["pp"] == 1:
            fail(f"line {line}: vp {values['vp']} without pipeline stages", "write vp 1 where pp is 1")
        if values["local_batch"] % values["micro_batch"]:
            fail(f"line {line}: micro_batch {values['micro_batch']} does not divide local_batch "
                 f"{values['local_batch']}", "write the sequences a data-parallel rank takes a step")
        if r["device_as_profile"] not in YES_NO:
            fail(f"line {line}: device_as_profile {r['device_as_profile']!r} is not yes or no",
                 "say whether the devices measured are the profile's")
        out.append(LaterLayout(
            row_id=r["row_id"], source=r["source"], model=r["model"], hardware_id=r["hardware_id"],
            **{k: values[k] for k in WHOLE_NUMBER_COLUMNS}, zero=int(r["zero"]),
            recompute_published=r["recompute_published"], recompute_less=r["recompute_less"],
            recompute_more=r["recompute_more"], precision=r["precision"],
            tokens_per_s_per_device=values["measured_tokens_per_s_per_device"],
            reported_mfu_pct=values["reported_mfu_pct"], device_as_profile=YES_NO[r["device_as_profile"]],
            compare_group=(r["compare_group"] or "").strip() or None, table=r["table"], citation=r["citation"]))
    _check_groups(out, path)
    return tuple(out)


def _check_groups(rows: list[LaterLayout], path: Path) -> None:
    """A compare_group holds two rows or more, of one model on one hardware profile at one recomputation (what a ratio
    within it compares is the one setting its rows differ in)."""
    groups: dict[str, list[LaterLayout]] = {}
    for r in rows:
        if r.compare_group:
            groups.setdefault(r.compare_group, []).append(r)
    for name, members in groups.items():
        problem = "has one row" if len(members) < 2 else next(
            (f"mixes {key}s ({', '.join(sorted({getattr(m, key) for m in members}))})"
             for key in ("model", "hardware_id", "recompute_less", "recompute_more")
             if len({getattr(m, key) for m in members}) > 1), None)
        if problem:
            raise DataFileError(f"{path}: compare_group {name!r} {problem}; a group's rows differ in one setting of one "
                                "model on one hardware profile")


__all__ = ["LATER_LAYOUTS_PATH", "LaterLayout", "PUBLISHED_AS", "load_later_layouts"]
