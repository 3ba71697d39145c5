"""A re-runnable mutation audit: single-bug mutants of the core and the services, each applied to a
throw-away copy of a revision's tree, and the quick test loop run against it.

    .venv/bin/python benchmarks/mutation_audit.py --rev faa2e3e --rev HEAD --report benchmarks/mutation_audit.md

Each mutant is a file (its path in the tree cut by subject, ``estimator/core/<subject>/*.py``, and in the
flat tree before the cut, ``estimator/core/*.py``), an exact source snippet found once in the file, its
replacement, and what it breaks (``older``: the same bug in an earlier form of the code, tried where the
snippet is not found; a revision without the file does not hold the mutant). For each revision the tree is
exported (``git archive``, never the shared working tree) to ``/tmp/mut_<sha>/base``; each mutant is applied to a
fresh copy of it and

1. the test files most likely to catch it are run (``targets``: file names, looked up anywhere under the
   copy's ``tests/``, so one list serves both layouts; a name a revision lacks is skipped);
2. if it survives them, the whole quick loop (``-m "not slow and not browser" -x``) is run to confirm it
   survives (``--no-full`` skips this stage: the mutant is then reported as surviving its targets only).

Every run is ``python -m pytest -q -x -p no:cacheprovider -m "not slow and not browser"`` with the copy's
root as the working directory, ``PYTHONPATH=.`` and no bytecode written (a mutant of the same size in
the same second would otherwise be read from a stale .pyc). Kill rate = killed / total. The results go
to ``/tmp/mut_<sha>/results.json`` per revision; ``--report`` writes the Markdown table of all revisions
given. Sequential by design (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTEST_ARGS = ["-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-m", "not slow and not browser"]
TARGET_TIMEOUT_S = 600
FULL_TIMEOUT_S = 2400


@dataclass(frozen=True)
class Mutant:
    id: str
    path: str            # in the tree cut by subject (HEAD)
    before: str          # the same file in the flat tree (faa2e3e)
    snippet: str
    replacement: str
    breaks: str
    targets: tuple[str, ...]
    # the same bug planted in an older form of the code: (snippet, replacement) pairs tried in turn where
    # ``snippet`` is not in the revision's file (training memory before its rewrite for FlashAttention/CP/EP)
    older: tuple[tuple[str, str], ...] = ()

    def forms(self) -> tuple[tuple[str, str], ...]:
        return ((self.snippet, self.replacement), *self.older)


M = Mutant
# The test files a mutant's run tries first (then, unless --no-full, the whole quick loop); the files that killed a
# mutant of that code in an earlier audit's whole-loop stage are among them, so --no-full gives the same verdicts.
MEMORY_TESTS = ("test_memory.py", "test_memory_chart.py", "test_training_memory_kernels.py",
                "test_mutation_survivors.py", "test_mutation_audit.py", "test_mutants.py")
STEP_TESTS = ("test_step_model.py", "test_step_run_and_planner.py", "test_step_times.py", "test_mutation_survivors.py")
SERVING_LAYOUT_TESTS = ("test_serving_layout_wall_footprint.py", "test_serving_engines_paged.py",
                        "test_inference_batch_max.py", "test_compression_same_devices.py", "test_mutation_survivors.py")
MUTANTS: tuple[Mutant, ...] = (
    # workload
    M("flops-6-to-4", "estimator/core/workload/flops.py", "estimator/core/workload.py",
      "FLOPS_PER_PARAM_TOKEN_TRAIN = 6.0", "FLOPS_PER_PARAM_TOKEN_TRAIN = 4.0",
      "training FLOPs 4·N·D instead of Kaplan's 6·N·D",
      ("test_workload.py", "test_estimate.py", "test_mutation_audit.py", "test_mutants.py")),
    M("kaplan-12-to-8", "estimator/core/workload/flops.py", "estimator/core/workload.py",
      "return 12.0 * layers * d_model ** 2", "return 8.0 * layers * d_model ** 2",
      "non-embedding parameters 8·L·d² instead of 12·L·d²",
      ("test_workload.py", "test_workload_inputs.py", "test_mutation_audit.py", "test_mutants.py")),
    M("train-3x-forward", "estimator/core/workload/flops.py", "estimator/core/workload.py",
      "TRAIN_TO_FORWARD_RATIO = 3.0", "TRAIN_TO_FORWARD_RATIO = 2.0",
      "generic training = 2 × forward instead of 3 ×",
      ("test_workload.py", "test_workload_inputs.py", "test_mutation_audit.py", "test_mutants.py")),
    M("kv-bytes-no-k-and-v", "estimator/core/workload/architecture.py", "estimator/core/architecture.py",
      "return 2.0 * self.layers * self.kv_heads * self.head_size * kv_bits / BITS_PER_BYTE",
      "return 1.0 * self.layers * self.kv_heads * self.head_size * kv_bits / BITS_PER_BYTE",
      "KV cache bytes per token count K only (factor 2 lost)",
      ("test_serving.py", "test_serving_by_hand.py", "test_inference.py", "test_mutation_audit.py", "test_mutants.py")),
    # training
    M("compute-no-utilization", "estimator/core/training/compute.py", "estimator/core/compute.py",
      "device_seconds = flops / (peak_flops_per_s * utilization)", "device_seconds = flops / peak_flops_per_s",
      "time from FLOPs at the full peak (utilisation ignored)",
      ("test_estimate.py", "test_properties.py", "test_mutation_audit.py", "test_mutants.py")),
    M("compute-drop-pue", "estimator/core/training/compute.py", "estimator/core/compute.py",
      "energy_kwh = it_energy_kwh * pue", "energy_kwh = it_energy_kwh",
      "facility energy without the PUE multiply",
      ("test_estimate.py", "test_properties.py", "test_mutation_audit.py", "test_mutants.py")),
    M("compute-hours-as-minutes", "estimator/core/training/compute.py", "estimator/core/compute.py",
      "dev_hours = device_seconds / S_PER_HOUR", "dev_hours = device_seconds / 60.0",
      "device-hours with the wrong unit constant (60 s an hour)",
      ("test_estimate.py", "test_properties.py", "test_mutation_audit.py", "test_mutants.py")),
    M("compute-carbon-g-to-kg", "estimator/core/training/compute.py", "estimator/core/compute.py",
      "co2e_kg = energy_kwh * carbon_intensity_g_per_kwh / G_PER_KG",
      "co2e_kg = energy_kwh * carbon_intensity_g_per_kwh / 1e6",
      "CO₂e with the g→kg factor 1e6 (tonnes labelled kg)",
      ("test_estimate.py", "test_properties.py", "test_mutation_audit.py", "test_mutants.py")),
    M("memory-no-pipeline", "estimator/core/training/memory.py", "estimator/core/memory.py",
      "psi = (shape.params - shape.expert_params) / (st.tp * st.pp)",
      "psi = (shape.params - shape.expert_params) / st.tp",
      "training memory: pipeline stages do not split the (dense) parameters",
      MEMORY_TESTS, older=(("psi = shape.params / (st.tp * st.pp)", "psi = shape.params / st.tp"),)),
    M("memory-zero2-grads", "estimator/core/training/memory.py", "estimator/core/memory.py",
      "shard_g = group if st.zero >= 2 else 1", "shard_g = 1",
      "training memory: ZeRO-2/3 leave the gradients unsharded",
      MEMORY_TESTS, older=(("shard_g = dp if st.zero >= 2 else 1", "shard_g = 1"),)),
    M("memory-zero1-bound", "estimator/core/training/memory.py", "estimator/core/memory.py",
      "shard_o = group if st.zero >= 1 else 1", "shard_o = group if st.zero > 1 else 1",
      "training memory: `>=`→`>`, ZeRO-1 no longer shards the optimizer states",
      MEMORY_TESTS, older=(("shard_o = dp if st.zero >= 1 else 1", "shard_o = dp if st.zero > 1 else 1"),)),
    # the step model (estimator/core/training/step.py; none before it)
    M("step-bubble-no-interleave", "estimator/core/training/step.py", "estimator/core/training/step.py",
      "return (pp - 1) / (vp * micro_batches)", "return (pp - 1) / micro_batches",
      "step model: interleaved stages (v chunks) no longer shrink the pipeline bubble (p − 1)/(v·m)",
      STEP_TESTS),
    M("step-bubble-one-microbatch", "estimator/core/training/step.py", "estimator/core/training/step.py",
      "bubble = bubble_fraction(p, v, m) * m * mb_time", "bubble = bubble_fraction(p, v, m) * mb_time",
      "step model: the bubble a fraction of one micro-batch's time instead of the m micro-batches'",
      STEP_TESTS),
    # serving
    M("serving-kv-halved", "estimator/core/serving/step.py", "estimator/core/serving.py",
      "seqs * context * kv_tok * kv_replication(arch, tp)) / (tp * bw)",
      "seqs * context * kv_tok / 2 * kv_replication(arch, tp)) / (tp * bw)",
      "the decode step reads half the KV cache's bytes",
      ("test_serving.py", "test_serving_by_hand.py", "test_inference.py", "test_mutation_audit.py", "test_mutants.py"),
      # before beam search was modelled (8e336dc): b sequences a step
      older=(("b * context * kv_tok * kv_replication(arch, tp)) / (tp * bw)",
              "b * context * kv_tok / 2 * kv_replication(arch, tp)) / (tp * bw)"),)),
    M("serving-kv-replication", "estimator/core/serving/step.py", "estimator/core/serving.py",
      "return max(1.0, tp / arch.kv_heads)", "return 1.0",
      "KV heads never replicated when tp exceeds the KV heads",
      ("test_serving.py", "test_serving_by_hand.py", "test_inference.py", "test_mutation_audit.py", "test_mutants.py")),
    M("serving-range-low-swapped", "estimator/core/serving/ranges.py", "estimator/core/inference_ranges.py",
      "low = x / math.exp(h)", "low = x * math.exp(h)",
      "a serving figure's low end taken at the high quantile",
      ("test_inference.py", "test_inference_edges.py", "test_tpot_check.py", "test_mutation_audit.py", "test_mutants.py")),
    M("serving-tokens-bound", "estimator/core/serving/checks.py", "estimator/core/inference_checks.py",
      "if tokens >= batch * tokens_per_query:", "if tokens > batch * tokens_per_query:",
      "`>=`→`>` in the serving tokens-vs-batch check",
      ("test_inference.py", "test_inference_edges.py", "test_serving_batch_pruning_words.py", "test_mutation_audit.py",
       "test_mutants.py")),
    M("serving-one-replica-throughput", "estimator/core/serving/throughput.py",
      "estimator/core/serving/throughput.py",
      "found = Throughput(t, replicas, size, limit, s, replicas * size / s.tpot_s,",
      "found = Throughput(t, replicas, size, limit, s, size / s.tpot_s,",
      "serving layout: tokens/s of one replica taken for all the devices' (the choice of degree favours large tp)",
      SERVING_LAYOUT_TESTS),
    M("serving-batch-no-engine-cap", "estimator/core/serving/throughput.py", "estimator/core/serving/throughput.py",
      'size, limit = (room, "memory") if room <= max_batch else (max_batch, "engine")',
      'size, limit = (room, "memory")',
      "serving layout: the largest batch in memory taken beyond the engine's batch cap",
      SERVING_LAYOUT_TESTS),
    M("serving-weights-fit-bound", "estimator/core/serving/memory_fit.py", "estimator/core/inference_memory.py",
      "if weights_gb >= usable_gb:", "if weights_gb > usable_gb:",
      "`>=`→`>`: weights that fill the usable memory exactly are taken to fit",
      ("test_inference.py", "test_inference_edges.py", "test_mutation_survivors.py", "test_mutation_audit.py",
       "test_mutants.py")),
    # footprint
    M("embodied-no-lifetime", "estimator/core/footprint/embodied.py", "estimator/core/embodied.py",
      "center = device_hours * figure.kg_co2e / (years * HOURS_PER_YEAR * lifetime_utilization)",
      "center = device_hours * figure.kg_co2e / (HOURS_PER_YEAR * lifetime_utilization)",
      "embodied carbon not divided by the lifetime's years",
      ("test_embodied_water.py", "test_estimate.py", "test_mutation_audit.py", "test_mutants.py")),
    M("water-wue-no-pue", "estimator/core/footprint/water.py", "estimator/core/water.py",
      "per_kwh = f.wue_l_per_kwh / pue + f.ewif_l_per_kwh", "per_kwh = f.wue_l_per_kwh + f.ewif_l_per_kwh",
      "on-site water per facility kWh not divided by the PUE",
      ("test_embodied_water.py", "test_estimate.py", "test_mutation_audit.py", "test_mutants.py")),
    M("units-joules-per-kwh", "estimator/core/base/units.py", "estimator/core/units.py",
      "J_PER_KWH = 3.6e6", "J_PER_KWH = 3.6e3",
      "a wrong unit constant: 3,600 J per kWh",
      ("test_unit_literals.py", "test_track.py", "test_measure_mean_power.py", "test_mutation_audit.py", "test_mutants.py")),
    # hardware
    M("reader-negative-peak", "estimator/core/hardware/schema.py", "estimator/core/profile_fields.py",
      "PEAK_FLOPS_PER_S_BOUNDS = (B.PEAK_FLOPS_PER_S.low, B.PEAK_FLOPS_PER_S.high)",
      "PEAK_FLOPS_PER_S_BOUNDS = (-B.PEAK_FLOPS_PER_S.high, B.PEAK_FLOPS_PER_S.high)",
      "the profile reader accepts a negative peak",
      ("test_profile_edges.py", "test_profile_all_errors.py", "test_profiles.py", "test_mutation_survivors.py",
       "test_mutation_audit.py", "test_mutants.py")),
    # the bound the reader holds a GPU's peak to (reader-negative-peak's schema bound is never read: the reader takes
    # the kind's limits, and refuses a peak that is not positive before any bound)
    M("reader-gpu-peak-limit", "estimator/core/hardware/plausibility.py", "estimator/core/hardware/plausibility.py",
      "(B.PEAK_FLOPS_PER_S.low, 2e17), (2.0, 2e4)", "(B.PEAK_FLOPS_PER_S.low, B.PEAK_FLOPS_PER_S.high), (2.0, 2e4)",
      "the profile reader holds a GPU's peak to the shared bound (1e18 FLOP/s), not the GPU's limit (2e17; 1e17 before)",
      ("test_profile_plausibility.py", "test_profile_edges.py", "test_profile_all_errors.py", "test_profiles.py",
       "test_mutation_survivors.py"),
      older=(("(B.PEAK_FLOPS_PER_S.low, 1e17), (2.0, 2e4)",
              "(B.PEAK_FLOPS_PER_S.low, B.PEAK_FLOPS_PER_S.high), (2.0, 2e4)"),)),
    M("utilization-quantile-swapped", "estimator/core/hardware/utilization_model.py",
      "estimator/core/utilization_model.py",
      "low=min(math.exp(center_log - q * sigma), 1.0)", "low=min(math.exp(center_log + q * sigma), 1.0)",
      "the utilisation prediction's low quantile taken on the high side",
      ("test_fitted_families.py", "test_grouped_conformal.py", "test_estimate_ranges.py", "test_mutation_audit.py",
       "test_mutants.py")),
    # calibration
    M("calibrate-devices-ignored", "estimator/core/calibration/calibrate.py", "estimator/core/calibrate.py",
      "return flops / (seconds * n)", "return flops / seconds",
      "measured FLOP/s per device not divided by the devices",
      ("test_calibrate_core.py", "test_calibrate_cli.py", "test_mutation_audit.py", "test_mutants.py")),
    M("calibration-miss-inverted", "estimator/core/calibration/checks.py", "estimator/core/calibration_checks.py",
      "return tuple(c for c in checks if c.miss_factor > factor)",
      "return tuple(c for c in checks if c.miss_factor < factor)",
      "the calibration's misses: the checks within the factor reported instead of those beyond it",
      ("test_calibrate_core.py", "test_calibrate_cli.py", "test_calibrate_engineer_path.py", "test_mutation_audit.py",
       "test_mutants.py")),
    # services
    M("services-model-match", "estimator/services/training/memory.py", "estimator/services/training/memory.py",
      "if params is None or abs(params / n - 1) <= MODEL_MATCH_TOLERANCE:",
      "if params is None or abs(params / n - 1) > MODEL_MATCH_TOLERANCE:",
      "the training memory's preset shape taken for a model of another size (and refused for its own)",
      MEMORY_TESTS),
)


def rev_sha(rev: str) -> str:
    return subprocess.run(["git", "rev-parse", "--short", rev], cwd=REPO, check=True, capture_output=True,
                          text=True).stdout.strip()


def export(rev: str, dest: Path) -> None:
    """The revision's committed tree at ``dest`` (``git archive``: the shared working tree is not touched)."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev], cwd=REPO, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)


def mutant_file(root: Path, m: Mutant) -> Path:
    return root / (m.path if (root / m.path).exists() else m.before)


def apply(root: Path, m: Mutant) -> None:
    """The mutant planted in its file under ``root``: its first form whose snippet is found there exactly once."""
    f = mutant_file(root, m)
    text = f.read_text()
    for snippet, replacement in m.forms():
        if text.count(snippet) == 1:
            f.write_text(text.replace(snippet, replacement))
            return
    counts = ", ".join(str(text.count(snippet)) for snippet, _ in m.forms())
    raise SystemExit(f"{m.id}: snippet found {counts} times in {f.relative_to(root)} (each form), not once")


def test_files(root: Path, names) -> list[str]:
    found = []
    for name in names:
        found += sorted(str(p.relative_to(root)) for p in (root / "tests").rglob(name))
    return found


def pytest(root: Path, paths: list[str], timeout_s: int, python: str) -> dict:
    env = {**os.environ, "PYTHONPATH": ".", "PYTHONDONTWRITEBYTECODE": "1"}
    start = time.monotonic()
    try:
        proc = subprocess.run([python, *PYTEST_ARGS, *paths], cwd=root, env=env, capture_output=True, text=True,
                              timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return {"outcome": "timeout", "failed": [], "seconds": round(time.monotonic() - start), "tail": ""}
    out = proc.stdout + proc.stderr
    failed = re.findall(r"^(?:FAILED|ERROR) (.+?)(?: - .*)?$", out, re.M)  # a test id may hold spaces
    outcome = "pass" if proc.returncode == 0 else ("fail" if proc.returncode == 1 else f"rc{proc.returncode}")
    return {"outcome": outcome, "failed": failed, "seconds": round(time.monotonic() - start),
            "tail": "\n".join(out.strip().splitlines()[-3:])}


def run_rev(rev: str, mutants, *, full: bool, python: str, full_timeout_s: int) -> dict:
    sha = rev_sha(rev)
    work = Path(f"/tmp/mut_{sha}")
    base = work / "base"
    export(sha, base)
    results_path = work / "results.json"
    done = json.loads(results_path.read_text())["mutants"] if results_path.exists() else {}
    for m in mutants:
        if m.id in done and (done[m.id]["verdict"] in ("killed", "survived") or not full):
            print(f"[{sha}] {m.id}: {done[m.id]['verdict']} (kept from {results_path})", flush=True)
            continue
        if not mutant_file(base, m).exists():  # code newer than the revision: nothing to plant
            print(f"[{sha}] {m.id}: not in this revision ({m.path})", flush=True)
            continue
        copy = work / m.id
        if copy.exists():
            shutil.rmtree(copy)
        shutil.copytree(base, copy, symlinks=True)
        apply(copy, m)
        targets = test_files(copy, m.targets)
        rec = {"file": str(mutant_file(copy, m).relative_to(copy)), "targets": targets}
        first = pytest(copy, targets, TARGET_TIMEOUT_S, python) if targets else {"outcome": "no targets"}
        rec["targets_run"] = first
        if first["outcome"] == "fail" or first["outcome"].startswith("rc"):
            rec["verdict"], rec["killed_by"], rec["stage"] = "killed", first.get("failed", []), "targets"
        elif full:
            second = pytest(copy, [], full_timeout_s, python)
            rec["full_run"] = second
            if second["outcome"] == "pass":
                rec["verdict"], rec["killed_by"], rec["stage"] = "survived", [], "full"
            elif second["outcome"] == "timeout":
                rec["verdict"], rec["killed_by"], rec["stage"] = "unknown", [], "full (timed out)"
            else:
                rec["verdict"], rec["killed_by"], rec["stage"] = "killed", second["failed"], "full"
        else:
            rec["verdict"], rec["killed_by"], rec["stage"] = "survived targets", [], "targets"
        shutil.rmtree(copy)
        done[m.id] = rec
        print(f"[{sha}] {m.id}: {rec['verdict']} ({rec['stage']}) {' '.join(rec['killed_by'][:1])}", flush=True)
        results_path.write_text(json.dumps({"rev": sha, "mutants": done}, indent=1))
    return {"rev": sha, "mutants": done}


def cell(res: dict, mutant_id: str) -> str:
    rec = res["mutants"].get(mutant_id)
    if rec is None:
        return "not in this revision"
    who = rec["killed_by"][0] if rec["killed_by"] else ""
    return f"{rec['verdict']} ({rec['stage']}){': `' + who + '`' if who else ''}"


def rate(res: dict, ids) -> str:
    killed = sum(res["mutants"].get(i, {}).get("verdict") == "killed" for i in ids)
    total = sum(i in res["mutants"] for i in ids)
    return f"{killed}/{total} = {killed / total:.0%}" if total else "n/a"


def report(results: list[dict], mutants, path: Path, full: bool = True) -> None:
    ids = [m.id for m in mutants if any(m.id in r["mutants"] for r in results)]
    common = [i for i in ids if all(i in r["mutants"] for r in results)]
    lines = ["# Mutation audit", "",
             f"Revisions: {', '.join(r['rev'] for r in results)}. Mutants: {len(ids)}, run on every revision: "
             f"{len(common)} (the others plant bugs in code newer than a revision).", "",
             "Command (from the repository root):", "",
             "    .venv/bin/python benchmarks/mutation_audit.py " + " ".join(f"--rev {r['rev']}" for r in results)
             + ("" if full else " --no-full") + " --report benchmarks/mutation_audit.md", "",
             "Each run: `python -m pytest -q -x -p no:cacheprovider -m \"not slow and not browser\"` in a `git archive`"
             " copy of the revision with the mutant applied (`PYTHONPATH=.`, no bytecode), first on the mutant's"
             " target files, then, if it survives them, on the whole quick loop"
             + ("" if full else " (not with --no-full: a survivor then survived its target files only; verdicts kept"
                " from an earlier run of a revision stay as they were)") + ".", "",
             "| revision | kill rate (its mutants) | kill rate (the mutants of every revision) |", "|---|---|---|"]
    lines += [f"| {r['rev']} | {rate(r, ids)} | {rate(r, common)} |" for r in results]
    lines += ["", "| mutant | file (after) | breaks | " + " | ".join(r["rev"] for r in results) + " |",
              "|---|---|---|" + "---|" * len(results)]
    by_id = {m.id: m for m in mutants}
    for i in ids:
        m = by_id[i]
        lines.append(f"| {i} | `{m.path}` | {m.breaks} | " + " | ".join(cell(r, i) for r in results) + " |")
    if len(results) == 2:
        a, b = results
        lost = [i for i in common if a["mutants"][i]["verdict"] == "killed" and b["mutants"][i]["verdict"] != "killed"]
        lines += ["", f"Killed at {a['rev']} but not at {b['rev']}: "
                  + (", ".join(f"{i} (was caught by `{a['mutants'][i]['killed_by'][0] if a['mutants'][i]['killed_by'] else '?'}`)"
                               for i in lost) if lost else "none") + "."]
    path.write_text("\n".join(lines) + "\n")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rev", action="append", required=True, help="a revision to audit (repeat: before, after)")
    p.add_argument("--only", help="comma-separated mutant ids")
    p.add_argument("--no-full", action="store_true", help="skip the whole quick loop for survivors")
    p.add_argument("--full-timeout", type=int, default=FULL_TIMEOUT_S)
    p.add_argument("--python", default=str(REPO / ".venv/bin/python"))
    p.add_argument("--report", type=Path, help="write the Markdown report here")
    p.add_argument("--check", action="store_true", help="only check every snippet is found once in each revision")
    a = p.parse_args(argv)
    mutants = [m for m in MUTANTS if not a.only or m.id in a.only.split(",")]
    if a.check:
        for rev in a.rev:
            for m in mutants:
                for path in (m.path, m.before):
                    shown = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=REPO, capture_output=True, text=True)
                    if shown.returncode == 0:
                        n = [shown.stdout.count(snippet) for snippet, _ in m.forms()]
                        print(f"{rev} {m.id} {path}: {' / '.join(map(str, n))}")
                        break
                else:
                    print(f"{rev} {m.id}: no file")
        return 0
    results = [run_rev(rev, mutants, full=not a.no_full, python=a.python, full_timeout_s=a.full_timeout)
               for rev in a.rev]
    for r in results:
        print(f"{r['rev']}: kill rate {rate(r, [m.id for m in mutants])}")
    if a.report:
        report(results, mutants, a.report, full=not a.no_full)
    return 0


if __name__ == "__main__":
    sys.exit(main())
