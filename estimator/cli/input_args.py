"""The CLI's arguments for declared inputs (``estimator.services.inputs``): each flag's options, help, type and
default come from its declaration, so that a flag is declared once for every command that takes it."""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping

from estimator.core.serving.scenario import MAX_BATCH_WORD
from estimator.services.inputs import UNSET, ZERO, Input


def count(text: str) -> int | float:
    """An argument that counts (devices, years): a whole number as an int, so that ``--devices 8``
    reads 8, not 8.0, in the JSON; anything else as a float, for the core to refuse by name. Text that is
    no number is refused here in words (CLI audit: argparse said "invalid count value: 'abc'")."""
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    return int(x) if x.is_integer() else x


def zero_stage(text: str) -> int | str:
    """``--zero``: a stage number, or fsdp (= 3), read as the number (the JSON echo is a number)."""
    stage = 3 if text.lower() == "fsdp" else int(text) if text.isdigit() else None
    if stage not in ZERO.choices:  # argparse's own words would list the numbers and leave fsdp out (review 2026-11-27)
        raise argparse.ArgumentTypeError(f"expected one of {', '.join(map(str, ZERO.choices))} or fsdp, got {text!r}")
    return stage


def batch(text: str) -> int | float | str:
    """``--batch-size``: a count, or the word for the largest batch that fits (``serving.MAX_BATCH_WORD``)."""
    return MAX_BATCH_WORD if text.strip().lower() == MAX_BATCH_WORD else count(text)


# How each kind of value is read (``inputs.CliValue``); text is taken as typed.
TYPES = {"number": float, "count": count, "int": int, "zero_stage": zero_stage, "batch": batch, "text": None}


def argument(i: Input) -> dict:
    """``add_argument``'s keywords for ``i``."""
    kw: dict = {"dest": i.cli_dest, "help": i.help}
    if i.action in ("store_true", "store_false"):
        kw["action"] = i.action
    else:
        if i.action == "extend":
            kw["action"] = "extend"
        if TYPES[i.value] is not None:
            kw["type"] = TYPES[i.value]
        if i.choices is not None:
            kw["choices"] = i.choices
        for key in ("metavar", "nargs"):
            if getattr(i, key) is not None:
                kw[key] = getattr(i, key)
        if i.required:
            kw["required"] = True
    if i.default is not UNSET:
        kw["default"] = i.default
    return kw


def add_input_args(parser, inputs: Mapping[str, Input], names: Iterable[str]) -> None:
    """Add the flags of ``names`` (declared in ``inputs``) to ``parser`` (a parser, group or exclusive group), in
    that order."""
    for name in names:
        i = inputs[name]
        parser.add_argument(*i.flags, **argument(i))
