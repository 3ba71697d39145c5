"""CSV cells a spreadsheet will not run: a text cell that starts with = + - @ a tab or a carriage return is
written with a leading apostrophe, as OWASP's "CSV Injection" page advises
(https://owasp.org/www-community/attacks/CSV_Injection), so that a profile named "=cmd|' /C calc'!A0" reaches
the sheet as text. A number ("-0.5", "1e+23") is left as it is: a spreadsheet reads it as a number. Pure.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP: the characters a spreadsheet starts a formula with
NEUTRAL_PREFIX = "'"


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def neutral(cell: object) -> object:
    """``cell`` as a CSV cell a spreadsheet shows as text when it could start a formula; a float zero unsigned (a zero
    input times anything negative stays -0.0, which the JSON already writes as 0.0: contract review 2026-11-29); other
    cells as they are."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and not _number(cell):
        return NEUTRAL_PREFIX + cell
    if isinstance(cell, float) and cell == 0.0:
        return 0.0
    if isinstance(cell, str) and cell.startswith("-") and _number(cell) and float(cell) == 0.0:
        return cell[1:]
    return cell


class SafeWriter:
    """``csv.writer`` whose rows go through ``neutral`` (every CSV export writes with it)."""

    def __init__(self, stream, **options):
        self._w = csv.writer(stream, **options)

    def writerow(self, row: Iterable[object]):
        return self._w.writerow([neutral(c) for c in row])

    def writerows(self, rows: Iterable[Iterable[object]]):
        for row in rows:
            self.writerow(row)


def safe_writer(stream, lineterminator: str = "\n") -> SafeWriter:
    return SafeWriter(stream, lineterminator=lineterminator)
