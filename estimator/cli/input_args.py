"""The CLI's arguments for declared inputs (``estimator.services.inputs``): each flag's options, help, type and
default come from its declaration, so that a flag is declared once for every command that takes it."""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Iterable, Mapping

from estimator.core.hardware.profile import precision_name
from estimator.core.serving.scenario import MAX_BATCH_WORD
from estimator.services.inputs import UNSET, ZERO, Input

# A number written with a size's suffix, as people say them ("7B", "2T", "4M", "8k"): read as none (a "B" could be
# bytes, a "G" giga- or a GPU count), but the refusal writes it in the form the CLI reads (researcher review
# 2026-11-27: "invalid float value: '7B'", with no word of 7e9).
_SUFFIXED = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*([kKmMbBgGtT])\s*$")
_SUFFIX_EXPONENTS = {"k": 3, "m": 6, "b": 9, "g": 9, "t": 12}


def _not_a_number(text: str, what: str) -> argparse.ArgumentTypeError:
    suffixed = _SUFFIXED.match(text)
    hint = (f" (for {text.strip()}, write {suffixed[1]}e{_SUFFIX_EXPONENTS[suffixed[2].lower()]})" if suffixed else "")
    return argparse.ArgumentTypeError(f"expected {what}, got {text!r}{hint}")


def number(text: str) -> float:
    """An argument that is a number: a float, or refused in words, with the form to write a suffixed size in."""
    try:
        return float(text)
    except ValueError:
        raise _not_a_number(text, "a number") from None


def count(text: str) -> int | float:
    """An argument that counts (devices, years): a whole number as an int, so that ``--devices 8``
    reads 8, not 8.0, in the JSON; anything else as a float, for the core to refuse by name. Text that is
    no number is refused here in words (CLI audit: argparse said "invalid count value: 'abc'")."""
    try:
        x = float(text)
    except ValueError:
        raise _not_a_number(text, "a whole number") from None
    if math.isinf(x) and re.fullmatch(r"\s*[+-]?\d+\s*", text):
        return int(text)  # whole digits past any float: the core refuses it by its bound, as the API does
    return int(x) if x.is_integer() else x


def zero_stage(text: str) -> int | str:
    """``--zero``: a stage number, or fsdp (= 3), read as the number (the JSON echo is a number)."""
    word = text.strip().lower()  # as the API reads it (core.training.memory.zero_stage: " 3" is 3)
    try:  # a whole number written as the API takes it ("3.0" as 3: API review 2026-11-29)
        number = float(word)
    except ValueError:
        number = None
    stage = 3 if word == "fsdp" else int(number) if number is not None and number.is_integer() else None
    if stage not in ZERO.choices:  # argparse's own words would list the numbers and leave fsdp out (review 2026-11-27)
        raise argparse.ArgumentTypeError(f"expected one of {', '.join(map(str, ZERO.choices))} or fsdp, got {text!r}")
    return stage


def batch(text: str) -> int | float | str:
    """``--batch-size``: a count, or the word for the largest batch that fits (``serving.MAX_BATCH_WORD``)."""
    return MAX_BATCH_WORD if text.strip().lower() == MAX_BATCH_WORD else count(text)


def word(text: str) -> str:
    """A name among lower-case choices, in any case ("vLLM-2024" for vllm-2024), as the API reads it (serving
    engineer's review 2026-12-01: the model and hardware were read in any case, the engine refused)."""
    return text.strip().lower()


# How each kind of value is read (``inputs.CliValue``); text is taken as typed; a precision by its name or an alias
# ("BF16", "MXFP8": ``core.hardware.profile.precision_name``), as the API takes it; a word in any case.
TYPES = {"number": number, "count": count, "int": int, "zero_stage": zero_stage, "batch": batch, "text": None,
         "precision": precision_name, "word": word}


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
