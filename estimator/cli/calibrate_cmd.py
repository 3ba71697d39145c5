"""Subcommand: calibrate (measure throughput and power here; write a calibrated profile).

    python -m estimator calibrate [--backend auto|nvml|cpu] [--seconds S] [--out PATH.toml]
                                  [--base PROFILE] [--format table|json]
    python -m estimator calibrate --flops F [--backend …] -- python train.py …
        (a command that uses estimator.monitor.track is measured over its steady-state steps only; with
        --format json its own stdout goes to stderr, so stdout holds only the JSON)
    python -m estimator calibrate --from-codecarbon emissions.csv --flops F --base PROFILE
    python -m estimator calibrate --backends [--format json]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from estimator.cli.input_args import add_input_args
from estimator.core.base import bounds as B
from estimator.core.base.errors import InputError
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import FLOPS_PER_GFLOP, FLOPS_PER_TFLOP
from estimator.core.base.validation import require_whole
from estimator.core.calibration.measurement import metered_alone_note
from estimator.core.hardware.base_profile import check_base_kind
from estimator.device.matmul_bench import check_seconds
from estimator.io.calibration_io import read_codecarbon_csv, select_run, write_profile
from estimator.io.datafiles import default_profiles
from estimator.io.paths import CALIBRATED_DIR
from estimator.report import export
from estimator.report import humanize as hz
from estimator.report.provenance import tool_info
from estimator.services.inputs import CALIBRATE

PROGRESS_AFTER_S = 3.0  # runs longer than this get a progress line on stderr
# In a log (stderr not a terminal): a line every 2 s, or a tenth of the run's known length, at most every 30 s (a design
# choice; measuring reviewer 2026-12-02: a 259-s command's log held about 130 "measuring…" lines, one each 2 s)
LOG_EVERY_MIN_S, LOG_EVERY_MAX_S, LOG_LINES = 2.0, 30.0, 10


class ProgressLine:
    """A one-line progress bar on stderr, redrawn at most 10 times a second on a terminal;
    in a log file (not a terminal) a plain line every few seconds instead of a redraw, about ten a run at most
    (``LOG_EVERY_MIN_S``…``LOG_EVERY_MAX_S``)."""

    def __init__(self, total_s: float | None, stream=None, width: int = 30):
        self.total_s, self.width = total_s, width
        self.stream = sys.stderr if stream is None else stream  # looked up now: sys.stderr may be replaced
        self.tty = self.stream.isatty()
        self.interval_s = 0.1 if self.tty else (LOG_EVERY_MAX_S if total_s is None else
                                                min(LOG_EVERY_MAX_S, max(LOG_EVERY_MIN_S, total_s / LOG_LINES)))
        self.t0: float | None = None  # set at the first update: start-up time is not workload time
        self.last = 0.0
        self.shown = False

    def __call__(self, value: float, final: bool = False) -> None:
        """``final``: the run is over, drawn whatever the interval (once something was drawn, or the run was long
        enough to draw)."""
        now = time.monotonic()
        if self.t0 is None:
            self.t0 = now
        if now - self.last < self.interval_s and not final:
            return
        self.last = now
        elapsed = now - self.t0
        if self.total_s is None:  # a user command: time elapsed, no known end
            if elapsed < PROGRESS_AFTER_S:
                return
            line = f"measuring… {elapsed:5.0f} s"
        else:
            frac = max(0.0, min(1.0, value))
            done = int(frac * self.width)
            shown_s = min(elapsed, self.total_s)  # never "11/10 s" (issue 55): the workload stops at the time asked
            if final:  # the workload ran its time: its end as asked, not the clock's last read before it
                frac, done, shown_s = 1.0, self.width, self.total_s
            line = f"calibrating [{'#' * done}{'.' * (self.width - done)}] {frac:4.0%} {shown_s:4.0f}/{self.total_s:.0f} s"
        self.stream.write("\r" + line if self.tty else line + "\n")
        self.stream.flush()
        self.shown = self.tty

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
            self.shown = False


def _out_path(args, profile_id: str, base_id: str, workload: str) -> Path:
    """Where to write: see :func:`estimator.monitor.calibration_run.checked_out_path`, its messages
    in this command's flags; a profile already there is replaced only with --force (``refuse_replacing``:
    one rule, never a file beside it to move by hand)."""
    from estimator.monitor.calibration_run import checked_out_path, refuse_replacing
    out = checked_out_path(args.out, profile_id, args.force, out_name="--out", force_name="--force", id_name="--id",
                           id_example=lambda v: f"e.g. --id {v}")
    if not args.force:
        refuse_replacing(out, base_id, workload, out_name="--out", force_name="--force", id_name="--id",
                         out_given=args.out is not None)
    return out


def _base(args, kind: str, device_name: str):
    from estimator.monitor.calibration_run import base_profile
    return base_profile(default_profiles(), args.base, kind, device_name)


def _named_base(args, backend) -> str | None:
    """Where --base is not the profile the measured GPU's own name gives (measuring engineer's review 2026-11-28: an
    H100 calibrated on an a100-sxm-80gb base took the A100's peak and memory without a word): what is taken from it."""
    from estimator.core.hardware.base_profile import guess_base_profile
    from estimator.io.datafiles import bundled_names
    if args.base is None or backend.kind != "gpu" or not backend.device_name:
        return None
    ps = default_profiles()
    try:
        own = guess_base_profile(backend.device_name, "gpu", bundled_names(ps))
    except InputError:  # no bundled profile names this GPU: the base given is the user's closest
        return None
    given = ps.profiles.get(args.base)
    given_base = (given.calibration or {}).get("base_profile") if given is not None else None
    if own in (args.base, given_base):  # the GPU's own profile, or a calibration of it
        return None
    return (f"the GPU measured, {backend.device_name}, is the {own} profile's; the base given, {args.base}, sets the "
            f"profile's peak, memory and price (leave --base out to take {own}'s)")


def cmd_backends(args) -> int:
    """`calibrate --backends`: which meters this machine has (the Calibrate page shows the same)."""
    from estimator.device.backends import backend_status
    status = backend_status()
    if args.format == "json":
        print(export.dump_json({"tool": tool_info(), "backends": [{"backend": s.backend, "available": s.available, "detail": s.detail}
                                              for s in status]}))
    else:
        for s in status:
            print(s.line)
    return 0


def cmd_calibrate(args):
    from estimator.monitor import calibration_command
    from estimator.monitor import calibration_run as cr
    cmd = list(args.cmd or [])
    if cmd and cmd[0] == "--":
        cmd = cmd[1:]
        if not cmd:  # `calibrate --` alone ran the built-in workload (calibrate audit)
            raise InputError("nothing follows `--`: give the command to measure after it, or leave `--` out to run "
                             "the built-in workload")
    if args.backends:
        given = [flag for flag, value in (("--seconds", args.seconds), ("--out", args.out), ("--base", args.base),
                                          ("--id", args.id), ("--flops", args.flops), ("--precision", args.precision),
                                          ("--from-codecarbon", args.from_codecarbon), ("--run-id", args.run_id),
                                          ("--region", args.region), ("--backend", args.backend),
                                          ("--device", args.device)) if value is not None]
        if cmd or given or args.force:
            raise InputError(f"--backends only lists the meters; give it alone (not with "
                             f"{', '.join(given + ['--force'] * args.force) or 'a command'})")
        return cmd_backends(args)
    if args.device is not None:
        require_whole("device index", args.device, B.DEVICE_INDEX, field="device")
        if args.backend == "cpu":  # exports audit: the GPU number was ignored and the CPU measured
            raise InputError("--device picks an NVIDIA GPU, and --backend cpu measures the CPU: give one of them")
    if args.run_id is not None and not args.from_codecarbon:
        raise InputError("--run-id picks a run in the CodeCarbon log given with --from-codecarbon: give that file, or "
                         "leave --run-id out")
    if args.precision is not None and not (cmd or args.from_codecarbon):
        raise InputError("--precision is the precision of a measured command or an imported run; the built-in "
                         "workload measures the precisions it can and keeps the base profile's default (or the measured one with the highest peak): leave it out")
    if args.seconds is not None and not args.from_codecarbon:
        if cmd:
            raise InputError("--seconds sets the built-in workload's duration; a command after `--` runs as long as it "
                             "runs: give one of them")
        check_seconds(args.seconds)  # before opening a backend
    if args.from_codecarbon:
        if cmd:
            raise InputError("give either --from-codecarbon or a command after `--`, not both")
        # these set a measurement made here; an imported log has its own duration and country
        for given, flag, what in ((args.seconds is not None, "--seconds", "the built-in workload's duration"),
                                  (args.region is not None, "--region", "the country of a measurement made here"),
                                  (args.backend is not None, "--backend", "the meter of a measurement made here"),
                                  (args.device is not None, "--device", "the GPU of a measurement made here")):
            if given:
                raise InputError(f"{flag} sets {what}; the imported CodeCarbon log has its own: give --from-codecarbon "
                                 f"or {flag}, not both")
        if args.flops is None or args.base is None:
            raise InputError("--from-codecarbon needs --flops (the run's FLOPs) and --base (the profile of its hardware)")
        run = select_run(read_codecarbon_csv(args.from_codecarbon), args.run_id)
        result = cr.calibrate_from_codecarbon(run, default_profiles().get(args.base), args.flops,
                                              precision=args.precision, profile_id=args.id)
    else:
        if cmd and args.flops is None:
            raise InputError("measuring a command needs --flops (the FLOPs the command performs)")
        if args.flops is not None and not cmd:
            raise InputError("--flops needs the command to measure after `--` (or --from-codecarbon FILE)")
        if cmd:
            calibration_command.check_command(cmd, args.flops)  # before the backend's notes and the run
        country = None
        if args.region:  # CodeCarbon only logs an unknown country and goes on: checked first, and given to it as the
            # ISO 3166 alpha-3 code it reads (measuring engineer's review 2026-11-29: "France", "FR" and "usa:california"
            # passed the check and reached CodeCarbon as "FRANCE", "FR", "USA:CALIFORNIA", which it refused mid-run)
            from estimator.services.grid import place
            country = place(None, args.region).country
        from estimator.device.backends import meter_to_open, open_backend
        chosen = args.backend or "auto"
        if args.base is not None and args.device is None:  # a GPU asked for by number is measured as asked
            from estimator.core.base.errors import EstimatorError
            try:
                base_kind = default_profiles().get(args.base).kind
            except EstimatorError:
                base_kind = None  # an unknown or broken base: refused below, in its own words (``_base``)
            chosen = meter_to_open(chosen, base_kind)
        backend = open_backend(chosen, country_iso_code=country, device_index=args.device)
        try:
            if args.device is not None and getattr(backend, "fallback_reason", None):  # GPU 3 asked for, CPU measured
                raise InputError(f"--device {args.device} asks for a GPU, and {backend.fallback_reason}: leave "
                                 "--device out to measure the CPU")
            base = _base(args, backend.kind, backend.device_name)
            check_base_kind(base, backend.kind)  # before the fallback note: a refused run's stderr is one line
            cr.check_power_measured(backend, base)  # a time-only meter on a CPU: refused before its fallback note
            if cmd:  # a precision the base has no peak for: refused before the note too (measure review 2026-11-29)
                calibration_command.check_precision(base, args.precision)
            from estimator.core.calibration.calibrate import default_profile_id
            _out_path(args, args.id or default_profile_id(base.id, cr.host_name()), base.id,  # fail before measuring
                      cr.command_workload(cmd) if cmd else cr.BUILTIN_WORKLOAD)
        except BaseException:
            backend.close()
            raise
        # said once the run is measured: a refused input's or a failed run's stderr is its one error line (measuring
        # engineer's review 2026-11-29: `-- false` printed this note, then the error)
        fallback = getattr(backend, "fallback_reason", None)
        said_after = ([f"note: {fallback}; measuring the CPU instead"] if fallback and args.format == "table" else []) \
            + ([f"note: {named}"] if (named := _named_base(args, backend)) is not None else [])
        if cmd:
            bar = ProgressLine(None)
            try:
                result = calibration_command.calibrate_command(backend, base, cmd, args.flops, precision=args.precision,
                                              progress=bar, profile_id=args.id,
                                              stdout_to_stderr=args.format == "json")
            finally:
                bar.close()
        else:
            seconds = args.seconds if args.seconds is not None else B.DEFAULT_CALIBRATION_SECONDS
            bar = ProgressLine(seconds) if seconds > PROGRESS_AFTER_S else None
            try:
                result = cr.calibrate_builtin(backend, base, seconds, bar, profile_id=args.id)
                if bar:
                    bar(1.0, final=True)  # its end drawn (lecturer review 2026-11-27: a log's last line read 80%)
            finally:
                if bar:
                    bar.close()
        for line in said_after:
            print(line, file=sys.stderr)
    cal = result.data["calibration"]
    # again after the run: a profile that appeared meanwhile is not replaced either
    out = _out_path(args, result.profile.id, cal["base_profile"], cr.workload_words(cal))
    earlier = cr.earlier_profile(out)  # what --force replaces, said in one line
    replaced = out.exists()
    written = write_profile(result.data, out)  # atomic: a temporary file in the same folder, then os.replace
    summary = {**result.summary(), "profile_path": str(written), "replaced_existing_file": replaced,
               "replaced_profile": None if earlier is None else _values(earlier)}
    if args.format == "json":
        print(export.dump_json({"tool": tool_info(), **summary}))
    else:
        _print_table(result, written)
        if earlier is not None:
            print(f"note          replaced the profile that was in {out}, {cr.profile_values(earlier)}")
        elif replaced:
            print(f"note          replaced the file that was in {out}, which held no valid profile")
    return 0


def _values(profile) -> dict:
    """The JSON's ``replaced_profile``: the figures of the profile --force replaced."""
    from estimator.monitor.calibration_run import workload_words
    cal = profile.calibration or {}
    return {"profile_id": profile.id, "achieved_flops_per_s": cal.get("achieved_flops_per_s"),
            "precision": cal.get("precision"), "mean_power_w": cal.get("mean_power_w"),
            "measured_at": cal.get("measured_at"), "base_profile": cal.get("base_profile"),
            "workload": workload_words(cal) if cal else None}


def _print_table(result, out: Path) -> None:
    s = result.summary()
    m = result.measurement
    print(f"device        {s['device_name']}  ({s['backend']} backend)")
    print(f"throughput    {gfmt(s['achieved_flops_per_s'] / FLOPS_PER_TFLOP, 4)} TFLOP/s at {s['precision']} "
          f"= {hz.sig(100 * s['utilization'])}% of the base profile's peak ({s['base_profile']})")  # 0.0068%, not 0.0%
    for t in result.points:
        if t.size is not None:
            print(f"  size {t.size:6.0f} {t.precision:<5} {t.flops_per_s / FLOPS_PER_GFLOP:10.1f} GFLOP/s")
    if m.mean_power_w is not None:
        est = " (estimate)" if m.power_is_estimate else ""
        alone = metered_alone_note(m.power_source)
        print(f"power         {hz.power(m.mean_power_w)} mean, {gfmt(m.energy_j, 4)} J over {m.duration_s:.2f} s "
              f"per device [{m.power_source}]{est}" + (f"; {alone}" if alone else ""))
    else:
        print(f"power         not measured [{m.power_source}]; the base profile's power is kept")
    for note in result.notes:
        print(f"note          {note}")
    # the id names the profile only where profiles load from (profiles/calibrated/); elsewhere, the file
    loads = Path(out).resolve().parent == CALIBRATED_DIR.resolve()
    use = f"use --hardware {result.profile.id} or --hardware {out}" if loads else f"use --hardware {out}"
    print(f"profile       {out}  (id {result.profile.id}; {use})")
    if result.checks:
        print("prediction check (calibrated profile vs measured wall time, each on a workload it was not fitted on):")
    for c in result.checks:
        at_size = ("" if c.at_size_s is None else
                   f"; at its problem size {gfmt(c.at_size_s, 3)} s, error {hz.signed_percent(c.error_at_size)} [{c.at_size_how}]")
        print(f"  {c.label}: predicted {gfmt(c.predicted_s, 3)} s (as estimate would), measured {gfmt(c.measured_s, 3)} s, "
              f"error {hz.signed_percent(c.error)}{at_size}")
    # last, where it is read: the profile was written, but is likely unreliable (a busy machine, checks far off)
    for warning in result.warnings:
        print(f"warning       {warning}")


def register(sub):
    p = sub.add_parser("calibrate", help="measure throughput and power on this machine; write a calibrated profile",
                       description="Measure achieved FLOP/s and power here (built-in matmuls, your own command "
                                   "after `--`, or a CodeCarbon log) and write a calibrated profile.")
    add_input_args(p, CALIBRATE, ("backend", "seconds", "out", "force", "base", "id"))
    p.add_argument("--format", choices=("table", "json"), default="table")
    add_input_args(p, CALIBRATE, ("flops", "precision", "from_codecarbon", "run_id", "region", "device", "backends"))
    p.add_argument("cmd", nargs=argparse.REMAINDER,
                   help="-- COMMAND …: measure your own run (only its steady-state steps if it uses estimator's track())")
    p.set_defaults(func=cmd_calibrate)
