r"""The paper statement's utilisation clause (estimator/report/statement.py): what the time assumes, and
where it comes from. Pure: an Estimate and its citations in, LaTeX text out.

The utilisation is the fit's (its family's runs, or for a device without runs a neighbouring family's
fit, the pooled fit or the flat rule, as the fit chose), the published run's, the user's, or a
calibrated profile's measurement. A calibrated profile (one with a ``[calibration]`` table) measured
a throughput on its own machine; its peak is its base profile's (a datasheet figure, perhaps of
another machine: a 96-core server for a 2-vCPU VM), so the clause leads with the measured throughput
and names the peak as the base profile's, never as the measured machine's. Where the estimate's notes say the
fit does not vouch for the run (beyond its runs' FLOPs or devices, a share of another precision's peak), the
paragraph says so after the clause (``fit_caveats``, from the estimate's ``fit_caveats``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from estimator.core.base.number_text import gfmt
from estimator.core.hardware.utilization_model import POOLED, RULE, RULE_UTILIZATION, family_label
from estimator.core.training.estimate import Estimate
from estimator.core.training.fit_caveats import BeyondData, MoreDevices, OtherPeak, UnlikeHeldOut
from estimator.core.training.words import DEVICE_NOT_IN_FIT, OUTSIDE_FIT_START, unfitted_precision_note
from estimator.report import humanize as hz
from estimator.report.latex_text import latex_escape
from estimator.report.statement_parts import measured_throughput, measured_where


def fit_caveats(est: Estimate) -> str:
    """Sentences, LaTeX, on where the utilisation is not vouched for, in the order of the estimate's notes: " The
    utilisation is a share of the bf16 peak, …", " The run lies beyond the fit's data (…)", " Its 20,000 devices are more
    than …"; "" when there is none. The facts are the estimate's (``Estimate.fit_caveats``, core/training/fit_caveats.py)."""
    text = ""
    for c in est.fit_caveats:
        if isinstance(c, OtherPeak):
            fit, used = latex_escape(c.fit_precision), latex_escape(c.used_precision)
            why = ("as the published figure gives it" if c.preset else
                   "as the rule for devices without runs takes it" if c.rule else "as the fitted runs were measured")
            if c.lowered is not None:
                text += (f" The utilisation is {latex_escape(c.lowered)}; the range around it is the {fit} runs' "
                         f"(its coverage at {used} is not measured).")
            else:
                text += (f" The utilisation is a share of the {fit} peak, {why}; here it is "
                         f"applied to the {used} peak ({latex_escape(gfmt(c.ratio, 3))}~$\\times$ the {fit} peak), "
                         "as if the run reached the same share of it.")
        elif isinstance(c, BeyondData):
            text += (f" The run lies beyond the fit's data ({latex_escape(c.where)}): the utilisation is held at "
                     "the fit's edge there, not extrapolated, and no published run checks it.")
        elif isinstance(c, UnlikeHeldOut):
            text += (f" The range's coverage is not measured on this device: it is {latex_escape(c.what)}, unlike every "
                     f"family held out whole to calibrate it ({latex_escape(', '.join(c.families))}).")
        elif isinstance(c, MoreDevices):
            text += (f" Its {latex_escape(hz.whole(c.devices))} devices are more than any fitted run used (at most "
                     f"{latex_escape(hz.whole(c.most))}): the time assumes it falls in proportion to the devices, which "
                     "nothing measured vouches for at this size.")
    return text


def _fit_text(est: Estimate, cite: str) -> str:
    """Where the fitted utilisation comes from: its family's runs, or, for a device without runs,
    a neighbouring family's fit (or all runs pooled), widened by the between-family spread, or the
    flat rule, as the fit chose on families held out whole."""
    u = est.utilization
    # the runs: Epoch AI's database and the papers and model cards of estimator/data/published_runs.csv
    runs = f"{u.n_runs} published training runs (from Epoch AI's database{cite} and from papers and model cards)"
    if not u.borrowed:  # a neighbouring family's fit (the pooled one, the flat rule): the device has no runs
        return f", fitted on {runs}"
    # as the table's utilisation line: "no runs on <device>: the H100 family fit (25 runs), widened by …"
    if u.family == RULE:
        flat = latex_escape(f"{RULE_UTILIZATION:.0%}")
        why = (f" (its nearest family, the {latex_escape(family_label(u.passed_over))}, is passed over)"
               if u.passed_over else "")
        return (f", taken as a flat {flat} of dense peak: no published runs on {latex_escape(est.hardware_name)} "
                f"are in the data, and with each hardware family of the {runs} held out whole, a flat {flat} "
                "predicted the held-out family's runs better, on average, than a neighbouring family's fit or the "
                f"pooled fit; the interval is calibrated on those held-out families{why}")
    name = latex_escape(family_label(u.family))
    whose, fit = (("the fit pooled over all families", "the fit on all") if u.family == POOLED else
                  ("its chip's family's fit", f"the {name} family's fit (the same chip) on") if u.same_chip else
                  ("a neighbouring family's fit", f"the {name} family's fit on"))
    why = (f" (its nearest family, the {latex_escape(family_label(u.passed_over))}, is passed over: with each fitted "
           "family held out whole, a nearest family's fit predicted it less well than the pooled fit, on average)"
           if u.passed_over else "")
    return (f", from {whose}: no published runs on {latex_escape(est.hardware_name)} are in the data, so it is "
            f"{fit} {runs}, widened by the between-family spread{why}")


def peak_words(est: Estimate, a: Mapping) -> str:
    """The peak a utilisation is a fraction of, with its precision (audit: the H100's fp64 34.0 TFLOP/s and the
    default bf16 989 both read "of peak"): "the fp64 peak (34.0 TFLOP/s per device)"; a calibrated profile's is
    its base profile's (journeys R5: a 2-vCPU VM read as running at 0.4% of its own peak): "the fp32 peak of
    the base profile cpu-server-2s-epyc (7.07 TFLOP/s per device)"."""
    rate = latex_escape(hz.flops_rate(a["peak_flops_per_s"].value))
    precision = latex_escape(est.precision)
    cal = est.calibration
    if cal is None or not cal.base_profile:
        return f"the {precision} peak ({rate} per device)"
    base = latex_escape(cal.base_profile)
    if cal.peak_raised:  # the measured throughput exceeded the base's peak: the calibration raised it
        return f"the {precision} peak ({rate} per device: the base profile {base}'s, raised to the measured throughput)"
    return f"the {precision} peak of the base profile {base} ({rate} per device)"


def _util_source(est: Estimate, util, cite: str) -> str:
    """Where a utilisation that is not the fit's comes from: the profile's calibration (what it measured,
    where, when and how: audit, it read as the vendor's; from its [calibration] table), the preset's
    paper, or the user."""
    if util.origin == "user":
        return ", as given"
    if util.origin.startswith("preset:"):
        return ", the published run's own figure" + cite
    measured = measured_throughput(est)
    if measured is None:
        return ""
    rate, at = measured
    other = "" if at == est.precision else f" at {latex_escape(at)}, applied here to the {latex_escape(est.precision)} peak"
    return (f", measured {measured_where(est.calibration)}: a throughput of {latex_escape(hz.flops_rate(rate))} "
            f"per device{other}")


# ``services.training.step_notes.batch_rounded_note`` on a global batch given
BATCH_ROUNDED = re.compile(r"global batch: (?P<whose>given|[^,;]+'s in pretraining), (?P<asked>[\d,]+) tokens; the layout's step holds (?P<used>[\d,]+) "
                          r"\([^)]*?, (?P<share>[+-][\d.]+%)\)")


def model_publications(est: Estimate) -> tuple[str, ...]:
    """The publications a catalog model's pretraining sequence and global batch come from, as the statement names
    them (the catalog's source text before its words: "Llama Team 2024, The Llama 3 Herd of Models, arXiv:2407.21783
    §3.4.1"); the statement cites those that are among its sources (``statement.cited_keys``)."""
    return tuple(a.source.split("'s in pretraining: ", 1)[-1].split(": ", 1)[0] for a in est.assumptions
                 if a.name in ("seq_len", "global_batch_tokens") and str(a.origin).startswith("model:"))


def _publication(where: str, cites: Mapping[str, str] | None) -> str:
    """A catalog model's publication beside a figure it gives: its \\cite where it is among the statement's sources
    (researcher review 2026-12-02: the Llama 3 paper stood in plain text beside its own \\cite), else its words."""
    return (cites or {}).get(where) or f" ({latex_escape(where)})"


def _step_text(est: Estimate, step_cite: str, goodput_cite: str,
               publication_cites: Mapping[str, str] | None = None) -> str:
    """Where the step model's utilisation comes from: the layout (given or the planner's), the model fitted to
    published layouts and how far it was off held out by source, and the goodput (researcher review 2026-11-26: the
    statement had named no method, no layout and no goodput for the step model's time)."""
    run = est.step
    r = run.step_range
    tight = est.memory is not None and est.memory.fits and est.memory.tight
    # a layout at the memory's edge called so (researcher review 2026-11-27: 85.0 of 85.9 GB "fits memory")
    fits = "that fits memory, tightly," if tight else "that fits memory,"
    by = "as given" if run.chosen_by == "given" else f"the fastest layout {fits} as the tool plans it"
    if run.chosen_by != "given" and run.kept:
        by += f", keeping the {latex_escape(run.kept)} given"
    elif run.kept:  # a layout given in part: the rest are the tool's defaults (researcher review 2026-11-28)
        by = f"with the {latex_escape(run.kept)} given and the tool's defaults for the rest"
    checked = ""
    if r.median_factor is not None and r.rows:
        # the naive baseline beside it, cross-validated the same way (accuracy audit 2026-11-27: the statement gave the
        # step model's 1.09x alone)
        flat = (f" (a flat MFU fitted the same way: {latex_escape(gfmt(r.baseline_median_factor, 3))}~$\\times$)"
                if r.baseline_median_factor is not None else "")
        checked = (f", its throughput per device off by a median {latex_escape(gfmt(r.median_factor, 3))}~$\\times$ on "
                   f"{latex_escape(hz.whole(r.rows))} published layouts held out by source{flat}")
    # a precision no published layout in the fit ran: its coverage is not measured, said (researcher review 2026-11-28:
    # fp4 on GB200 read "held out by source" and nothing else)
    if (unfitted := unfitted_precision_note(run.layout.precision)) is not None:
        checked += f" ({latex_escape(unfitted)})"
    # a device or a kind of model the fit data hold none or one of (MoE review 2026-11-30), as the notes say it
    if outside := next((n for n in est.notes if n.startswith(OUTSIDE_FIT_START)), None):
        checked += f" ({latex_escape(outside.split(', but ', 1)[1])})"
    # a device whose best matmul holds the step down: its note names the device in place of the one above, and says
    # its range is not measured there (researcher review 2026-11-30: on GB200s, MI300Xs, Gaudi 3s and MI355Xs the
    # statement had said only that the range held 80% of the published layouts)
    if held := next((n for n in est.notes if DEVICE_NOT_IN_FIT in n), None):
        checked += f" ({latex_escape(held)})"
    # the sequence the tool chose, said as its choice (researcher review 2026-11-27: 2,048 read as the user's plan)
    default_seq = any(n.startswith(f"sequence {run.layout.seq_len:,}: the tool's default") for n in est.notes)
    seq = f"; the sequence of {run.layout.seq_len:,} tokens is the tool's default" if default_seq else ""
    # and the model's own, where the catalog gave it, named as such (newcomer-to-tests review 2026-11-30: 8,192 stood
    # in the paragraph with nothing to say it was Llama 3.1 70B's published pretraining sequence)
    own = next((a for a in est.assumptions if a.name == "seq_len" and str(a.origin).startswith("model:")), None)
    if own is not None and not seq:
        # the publication, before its words (the catalog's train_seq_len_source: "<publication>: <what it says>")
        where = own.source.split("'s in pretraining: ", 1)[-1].split(": ", 1)[0]
        seq = (f"; the sequence of {run.layout.seq_len:,} tokens is the model's in pretraining"
               f"{_publication(where, publication_cites)}")
    # the model's published global batch, where the catalog gave it, named as its sequence is
    batch = next((a for a in est.assumptions if a.name == "global_batch_tokens" and str(a.origin).startswith("model:")),
                 None)
    # a global batch given, or the model's, that the layout's step holds otherwise (``services.training.step_setup.
    # batch_rounded_note``), said (researcher review 2026-11-28: 62,914,560 tokens given read as 67,108,864 with no word)
    rounded = next((m for n in est.notes if (m := BATCH_ROUNDED.match(n))), None)
    run_as = ("" if rounded is None else
              f", run as {rounded['used']} ({latex_escape(rounded['share'])}), a whole number of micro-batches on every data-parallel "
              "replica")
    if batch is not None:
        where = batch.source.split("'s in pretraining: ", 1)[-1].split(": ", 1)[0]
        seq += (f"; the global batch of {int(batch.value):,} tokens is the model's in pretraining"
                f"{_publication(where, publication_cites)}{run_as}")
    elif rounded is not None and rounded["whose"] == "given":
        seq += (f"; the global batch given, {rounded['asked']} tokens, runs as {rounded['used']} ({latex_escape(rounded['share'])}), a "
                "whole number of micro-batches on every data-parallel replica")
    # the FLOPs convention of the step's own figure beside the utilisation of 6·N·D (researcher review 2026-11-27)
    # each symbol named (researcher review 2026-11-28: $a$ undefined, and Megatron's papers' $a$ is the heads' count)
    # N as the step model counts it, and the FLOPs a token that gives (paper-statement review 2026-12-03: "N parameters"
    # read as the model's 8.03 billion gave 58.6%, not the 55.6% printed, which leaves the input embedding out)
    mfu = (f"; its model FLOPs utilisation (MFU, attention included: 6$N$ + 12$Lsa$ FLOPs a token, for $N$ parameters "
           "that multiply each token (the layers' active matrices and the output projection, not the input embedding), "
           "$L$ layers, a sequence of $s$ tokens and an attention width $a$ of heads $\\times$ head dimension, "
           # the square, as CONVENTIONS says it (researcher review 2026-12-03: at 32k tokens Mixtral's 50.3% read beside
           # MFUs that count the causal half, about 40% for the same run)
           "attention counted over the whole $s \\times s$ square (a windowed layer's band within its window) as "
           "Megatron-LM counts it, not its causal half; "
           f"{latex_escape(gfmt(run.step.model_flops_per_token, 4))} FLOPs a token here) "
           f"{latex_escape(f'{run.step.mfu:.1%}')}")
    # the MFU's FLOPs against the utilisation's, where MFU × goodput alone would not read as the utilisation printed
    # (researcher review 2026-11-28: 49.4% × 90% = 0.445 beside 0.392; the table said the 1.135×, the statement not)
    shown, u = est.utilization.value, run.step.mfu * run.goodput
    if shown and gfmt(u, 3) != gfmt(shown, 3):
        mfu += (f", counting {latex_escape(gfmt(u / shown, 4))}~$\\times$ the FLOPs the utilisation counts (attention's "
                "among them)")
    return (f", from a step-time model of the run's layout ({latex_escape(run.layout_words())}; {by}{seq}){step_cite}"
            f"{checked}{mfu}, over a goodput of {latex_escape(f'{run.goodput:.0%}')} of the wall-clock time for "
            f"restarts, failures, checkpoints and evaluation{goodput_cite}")


def utilisation_clause(est: Estimate, a: Mapping, *, fitted: bool, epoch_cite: str, own_cite: str,
                       step_cites: tuple[str, str] = ("", ""), publication_cites: Mapping[str, str] | None = None) -> str:
    """What the time assumes: "a whole-run utilisation of 0.190 of the bf16 peak (989 TFLOP/s per device),
    fitted on …", or, for a calibrated profile that measured its throughput at the precision used, "a
    throughput of 33.2 GFLOP/s per device, measured by …, or 0.00470 of the fp32 peak of the base profile
    cpu-server-2s-epyc (7.07 TFLOP/s per device)". With full recomputation it says that the utilisation
    counts model FLOPs (6·N·D). ``epoch_cite``: the fit's data's citation; ``own_cite``: a preset's paper's;
    ``step_cites``: the step model's and the goodput's, where the step model timed the run; ``publication_cites``:
    a catalog model's publication (``model_publications``) → its citation, where it is among the sources."""
    u = est.utilization
    model_flops = est.time_flops  # with full recomputation: 6·N·D, what the utilisation counts
    counted = (f" counted in model FLOPs ($6ND$ = {latex_escape(hz.sci(model_flops))}, without the "
               "recomputation, as the fitted runs count it)" if model_flops is not None else "")
    fraction = f"{latex_escape(hz.sig(u.value))} of {peak_words(est, a)}"
    measured = None if fitted else measured_throughput(est)
    if measured is not None and measured[1] == est.precision:
        return (f"a throughput of {latex_escape(hz.flops_rate(measured[0]))} per device, measured "
                f"{measured_where(est.calibration)}, or {fraction}{counted}")
    if est.step is not None:
        # the step's MFU over the goodput, over the run: not the fitted whole runs' utilisation (researcher review
        # 2026-11-28: "a whole-run utilisation" read as the fit's, checked on whole runs)
        return (f"an average utilisation over the run of {fraction}{counted}"
                + _step_text(est, *step_cites, publication_cites=publication_cites))
    return (f"a whole-run utilisation of {fraction}{counted}"
            + (_fit_text(est, epoch_cite) if fitted else _util_source(est, a["utilization"], own_cite)))
