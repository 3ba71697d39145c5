"""Argument parsing and the error contract: exit 0 on success, 2 on bad input with one
line ``error: …`` on stderr, never a traceback."""

from __future__ import annotations

import argparse
import re
import sys

from estimator.cli import accuracy_cmds, calibrate_cmd, estimate_cmds, inference_cmd, scaling_cmds
from estimator.core.errors import EstimatorError, InputError

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


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return int(args.func(args) or 0)
    except EstimatorError as exc:
        message = " ".join(str(exc).split())
        print(f"error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
