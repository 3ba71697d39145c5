"""Argument parsing and the error contract: exit 0 on success, 2 on bad input with one
line ``error: …`` on stderr, never a traceback."""

from __future__ import annotations

import argparse
import re
import sys

from estimator.cli import accuracy_cmds, calibrate_cmd, estimate_cmds, inference_cmd, scaling_cmds
from estimator.core.errors import EstimatorError, InputError, UnknownHardwareError

# Each module adds its subcommands with register(subparsers).
COMMAND_MODULES = [estimate_cmds, accuracy_cmds, calibrate_cmd, scaling_cmds, inference_cmd]


class UsageError(InputError):
    pass


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors, and negative numbers in scientific notation
    (``--flops -1e20``) read as values, so that the core can reject them by name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-(inf|nan)$", re.I)

    def error(self, message):  # argparse would print usage and exit; we want one line
        # self.prog is "python -m estimator" or "python -m estimator <command> [<subcommand>]"
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def build_parser() -> Parser:
    parser = Parser(prog="python -m estimator",
                    description="Compute Cost Estimator: time, energy, cost and CO₂e of training and running models.")
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
                                                      or "hardware" in getattr(exc, "fields", ()) else [])
    hints = [h for h in hints if h not in message]
    return f"{message} ({'; '.join(hints)})" if hints else message


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return int(args.func(args) or 0)
    except EstimatorError as exc:
        print(f"error: {with_hint(exc, flag_map(parser))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
