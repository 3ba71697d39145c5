"""Argument parsing and the error contract: exit 0 on success, 2 on bad input with one
line ``error: …`` on stderr, never a traceback."""

from __future__ import annotations

import argparse
import re
import signal
import sys
import threading
import unicodedata
from functools import lru_cache

from estimator.cli import accuracy_cmds, calibrate_cmd, estimate_cmds, inference_cmd, plan_cmd, scaling_cmds
from estimator.cli.output import stdout_to_devnull
from estimator.core.base.errors import (
    MAX_QUOTED_CHARS,
    EstimatorError,
    InputError,
    Terminated,
    UnknownHardwareError,
    on_sigterm,
    quoted,
)
from estimator.core.base.tool import TOOL_NAME, __version__

# Each module adds its subcommands with register(subparsers).
COMMAND_MODULES = [estimate_cmds, accuracy_cmds, calibrate_cmd, scaling_cmds, inference_cmd, plan_cmd]


class UsageError(InputError):
    pass


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors, and negative numbers in scientific notation
    (``--flops -1e20``) read as values, so that the core can reject them by name."""

    def __init__(self, *args, **kwargs):
        # a misspelt or shortened flag is an error, never read as the flag it begins (--flop)
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-(inf|nan)$", re.I)

    def error(self, message):  # argparse would print usage and exit; we want one line
        # a value argparse quotes is cut as the library cuts names (a 100,000-character --format was echoed whole)
        message = re.sub(rf"'([^']{{{MAX_QUOTED_CHARS + 1},}})'", lambda m: quoted(m.group(1)), message)
        # self.prog is "python -m estimator" or "python -m estimator <command> [<subcommand>]"
        raise UsageError(f"{message} (see `{self.prog} --help`)")


@lru_cache(maxsize=1)
def build_parser() -> Parser:
    """The command line's parser, built once per process: it is the same every time (its flags, defaults and
    choices come from declarations, never from files), argparse does not change it while parsing, and building it
    (about 200 arguments) cost about 10 ms of each in-process call (``main`` in the tests and the docs' examples)."""
    parser = Parser(prog="python -m estimator",
                    description=f"{TOOL_NAME}: time, energy, cost and CO₂e of training and running models.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


PROFILES_HINT = "see `python -m estimator profiles list`"


def flag_map(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Each argument's dest → its first option string (``price_usd_per_device_hour`` →
    ``--price-usd-per-hour``), over the parser and every subcommand's, from argparse itself."""
    out: dict[str, str] = {}
    todo = [parser]
    while todo:
        p = todo.pop(0)
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                todo.extend(action.choices.values())
            elif action.option_strings and action.dest not in ("help", argparse.SUPPRESS):
                out.setdefault(action.dest, action.option_strings[-1] if action.option_strings[-1].startswith("--")
                               else action.option_strings[0])
    return out


def with_hint(exc: EstimatorError, flags: dict[str, str]) -> str:
    """The library's message (neutral words) with the CLI's flags for the inputs it names
    (``InputError.field``), on one line: "… (--price-usd-per-hour, --electricity-usd-per-kwh)"."""
    message = " ".join(str(exc).split())
    names = [flags[f] for f in getattr(exc, "fields", ()) if f in flags]
    names = [n for n in dict.fromkeys(names) if n not in message]
    hints = ([", ".join(names)] if names else []) + ([PROFILES_HINT] if isinstance(exc, UnknownHardwareError)
                                                      or {"hardware", "base"} & set(getattr(exc, "fields", ())) else [])
    hints = [h for h in hints if h not in message]
    return f"{message} ({'; '.join(hints)})" if hints else message


# Arguments whose text is passed on as it is (the command to measure after `--`): may be empty.
VERBATIM_ARGS = ("cmd",)


def command_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The (sub)parser of the command that was run (``scaling chinchilla``: the chinchilla parser)."""
    p = parser
    while True:
        sub = next((a for a in p._actions if isinstance(a, argparse._SubParsersAction)), None)
        name = getattr(args, sub.dest, None) if sub else None
        if name not in (sub.choices if sub else {}):
            return p
        p = sub.choices[name]


def refuse_repeated(parser: argparse.ArgumentParser, argv) -> None:
    """An option that takes one value given twice is refused by name, not read as its last (input fuzz 2026-12-01:
    `--price-usd-per-hour 2 --price-usd-per-hour 3` priced at 3, two prices the contract refuses); an option that adds
    (`compare --hardware a --hardware b`) and a flag without a value are not; nothing after `--` (a command calibrate
    runs) is read."""
    seen: dict[str, str] = {}
    for token in argv:
        if token == "--":
            break
        name = str(token).split("=", 1)[0]
        action = parser._option_string_actions.get(name) if name.startswith("--") else None
        if action is None or action.nargs == 0 or isinstance(action, argparse._ExtendAction):
            continue
        if action.dest in seen:
            parser.error(f"{name} given twice: give it once" if seen[action.dest] == name else
                         f"{seen[action.dest]} and {name} set the same input: give one of them")
        seen[action.dest] = name


def refuse_empty_text(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """An option given as empty text (``--region ''``) is refused by name, never read as "not
    given" (which would silently fall back to a default)."""
    for action in command_parser(parser, args)._actions:
        # positional arguments (`profiles show ID`) are checked by their command, which knows what they mean
        if not action.option_strings or action.dest in VERBATIM_ARGS or action.dest in ("help", argparse.SUPPRESS):
            continue
        value = getattr(args, action.dest, None)
        values = value if isinstance(value, list) else [value]
        if any(isinstance(x, str) and not x.strip() for x in values):
            name = next((o for o in action.option_strings if o.startswith("--")), action.option_strings[0])
            raise UsageError(f"{name} is empty: give a value, or leave {name} out")


def note_region_read_as_country(args: argparse.Namespace) -> str | None:
    """`--region FRA` (a country, the meaning --region had before --country) still means that country, and
    stderr says so once the command has succeeded (a refusal stays one line), so that old commands and links keep
    their meaning and stdout stays as it was."""
    if getattr(args, "region", None) and hasattr(args, "country") and not args.country:
        from estimator.services.grid import region_read_as_country
        read = region_read_as_country(None, args.region)
        if read:
            label, code = read
            return (f"note: --region {args.region.strip()} read as the country {label}; a region is now a state or "
                    f"province inside a country, as in CodeCarbon: give the country as --country {code}")
        from estimator.services.grid import region_read_with_country
        whole = region_read_with_country(None, args.region)
        if whole:  # a region of one country only (researcher review 2026-11-30: it was refused, its reading named)
            return f"note: --region {args.region.strip()} read as {whole}, the one country's region of that name"
    return None


# Exit status when the output itself cannot be written (stdout closed, a full disk, an encoding
# that cannot hold the text): 1, not 2, since the input was fine and the failure is the
# environment's; a reader that stops reading (`| head`) is not a failure (0, as before).
OUTPUT_FAILED = 1
# Exit statuses after a signal, as a shell reports a process the signal killed: 128 + its number
# (Ctrl-C, SIGINT 2: 130; SIGTERM 15: 143).
EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_TERMINATED = 128 + signal.SIGTERM


def terminal_safe(text: str) -> str:
    """``text`` with every control or format character written as its escape (``\\x1b``), so that an input quoted in
    an error cannot colour, move or hide what the terminal shows (contract review 2026-11-29: `--country
    $'ab\\e[31mred'` was echoed with its escape sequence intact)."""
    return "".join(ch if unicodedata.category(ch) not in ("Cc", "Cf") else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)


def _output_error(message: str) -> int:
    if sys.stderr is not None:
        try:
            print(f"error: {message}", file=sys.stderr)
        except (OSError, ValueError):
            pass  # stderr cannot be written either: the exit status (OUTPUT_FAILED) is all that can say it
    return OUTPUT_FAILED


def main(argv=None) -> int:
    previous = None
    if threading.current_thread() is threading.main_thread():  # a handler can only be set there
        previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        return _main(argv)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main(argv=None) -> int:
    parser = build_parser()
    args = None
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:  # named by the command they were given to: its --help lists what it takes
            command_parser(parser, args).error(f"unrecognized arguments: {' '.join(extra)}")
        refuse_empty_text(parser, args)
        refuse_repeated(command_parser(parser, args), sys.argv[1:] if argv is None else argv)
        region_note = note_region_read_as_country(args)
        for key, value in vars(args).items():  # "-0" is 0: a result is never printed as -0.0
            if isinstance(value, float) and value == 0:
                setattr(args, key, 0.0)
        if sys.stdout is None:  # started with stdout closed (`>&-`): nothing could be shown
            return _output_error("standard output is closed: nothing can be written (redirect it to a file instead)")
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a write error surfaces here, not in the interpreter's flush at exit
        if region_note and code == 0:
            print(region_note, file=sys.stderr)
        return code
    except EstimatorError as exc:
        # the flags of the command that ran (another command's flag of the same name would mislead)
        flags = flag_map(command_parser(parser, args) if args is not None else parser)
        print(f"error: {terminal_safe(with_hint(exc, flags))}", file=sys.stderr)
        return 2
    except Terminated:
        print("error: terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        stdout_to_devnull()
        return 0
    except UnicodeEncodeError as exc:
        encoding = getattr(sys.stdout, "encoding", None) or exc.encoding
        return _output_error(f"the output holds characters that the output encoding '{encoding}' cannot write; "
                             "set PYTHONIOENCODING=utf-8")
    except OSError as exc:
        if exc.filename is not None:  # a file the command opened, not the output
            raise
        stdout_to_devnull()
        return _output_error(f"cannot write the output: {exc.strerror or exc}")
