"""The one guarded way user-supplied files are read: profiles, imports, data files.

- regular files only: a FIFO, a device (``/dev/zero``) or a directory is refused before it is
  opened, and the file is opened non-blocking, so nothing can hang the reader;
- the size is checked while reading (at most ``max_bytes`` + 1 bytes are read), so a file that
  lies about its size, or grows, cannot exhaust memory;
- text must be UTF-8; TOML that fails to parse, or nests deeper than Python can follow, is an
  error naming the file, never a traceback.

Errors are raised through the caller's ``fail(problem, fix)``, so a profile gets a
``ProfileError`` and an import an ``InputError``.
"""

from __future__ import annotations

import math
import os
import stat
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from estimator.core.base.number_text import gfmt
from estimator.core.base.units import BYTES_PER_MB

Fail = Callable[[str, str], NoReturn]

MAX_PROFILE_BYTES = 1_000_000  # the largest bundled profile is ~3 kB; a calibrated one ~10 kB
# A data file (estimator/data/, CodeCarbon's data): the largest bundled one is ~22 kB
# (published_runs.csv), CodeCarbon's global_energy_mix.json ~130 kB.
MAX_DATA_BYTES = 1_000_000


def read_bytes(path: str | Path, max_bytes: int, fail: Fail) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        fail("no such file", "check the path")
    except OSError as exc:
        fail(f"cannot be read ({exc.strerror or exc})", "check the path and its permissions")
    if not stat.S_ISREG(st.st_mode):
        kind = ("a directory" if stat.S_ISDIR(st.st_mode) else "a named pipe (FIFO)" if stat.S_ISFIFO(st.st_mode)
                else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "not a regular file")
        fail(f"is {kind}, not a regular file", "give the path of an ordinary file")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        fail(f"cannot be opened ({exc.strerror or exc})", "check the file's permissions")
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced between the check and the open
            fail("is not a regular file", "give the path of an ordinary file")
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 16, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        fail(f"cannot be read ({exc.strerror or exc})", "check the file")
    finally:
        os.close(fd)
    if size > max_bytes:
        fail(f"is larger than {gfmt(max_bytes / BYTES_PER_MB)} MB", "give a smaller file (keep only what is needed)")
    return b"".join(chunks)


def read_text(path: str | Path, max_bytes: int, fail: Fail) -> str:
    data = read_bytes(path, max_bytes, fail)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        fail("is not UTF-8 text", "save the file as UTF-8")


def read_data_text(path: str | Path, fix: str = "reinstall the package or restore the file from the repository",
                   max_bytes: int = MAX_DATA_BYTES) -> str:
    """The text of a data file; a DataFileError naming the file, the problem and ``fix`` otherwise."""
    from estimator.core.base.errors import DataFileError

    def fail(problem, default_fix):
        raise DataFileError(f"{path}: {problem}; {fix or default_fix}")
    return read_text(path, max_bytes, fail)


def read_data_csv(path: str | Path, columns: tuple[str, ...], max_bytes: int = MAX_DATA_BYTES):
    """A CSV data file's rows, (line number, dict), under a header held to ``columns``, and the ``fail`` that raises
    a DataFileError naming the file, the problem and its fix (for the caller's own checks of each row)."""
    import csv
    import io

    from estimator.core.base.errors import DataFileError

    def fail(problem, fix) -> NoReturn:
        raise DataFileError(f"{path}: {problem}; {fix}")
    reader = csv.DictReader(io.StringIO(read_text(path, max_bytes, fail)))
    if tuple(reader.fieldnames or ()) != tuple(columns):
        fail(f"columns {reader.fieldnames} are not {list(columns)}", "keep the header as shipped")
    rows = list(enumerate(reader, start=2))
    if not rows:
        fail("no rows", "restore the shipped file")
    return rows, fail


def positive_numbers(row: dict, keys, whole: tuple[str, ...], line: int, fail: Fail, what: str) -> dict:
    """The row's ``keys`` as positive finite numbers (``whole`` of them whole numbers, as ints), each refused through
    ``fail`` by its line and column otherwise (``what``: the fix's words, e.g. "write what was measured")."""
    values = {}
    for key in keys:
        try:
            x = float(row[key])
        except (TypeError, ValueError):
            fail(f"line {line}: {key} {row[key]!r} is not a number", "write a plain number")
        if not math.isfinite(x) or x <= 0 or (key in whole and x != int(x)):
            fail(f"line {line}: {key} {row[key]!r} is not a positive {'whole ' if key in whole else ''}number", what)
        values[key] = int(x) if key in whole else x
    return values


def read_data_json(path: str | Path, fix: str = "reinstall the package or restore the file from the repository",
                   max_bytes: int = MAX_DATA_BYTES) -> Any:
    """A JSON data file, parsed; a DataFileError naming the file, the problem and ``fix`` otherwise."""
    import json

    from estimator.core.base.errors import DataFileError
    text = read_data_text(path, fix, max_bytes)
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise DataFileError(f"{path}: cannot be read ({exc}); {fix}") from None


def parse_toml(text: str, fail: Fail) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        fail(f"not valid TOML ({exc})", "fix the line named in the message")
    except RecursionError:
        fail("nests tables or arrays too deeply to read", "write the file with flat tables, as profiles/README.md shows")


def read_toml(path: str | Path, max_bytes: int, fail: Fail) -> dict[str, Any]:
    return parse_toml(read_text(path, max_bytes, fail), fail)
