"""The CLI's error boundary: operating-system, SQLite, encoding and JSON failures as one-line
``Error: ... Hint: ...`` messages that name the path and the cause.

``explain`` turns such an exception into a ``QuotetrackError`` (or returns None for anything
else, which stays an internal error with a traceback). ``handled`` in ``quotetrack.cli.shell``
calls it for every command.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
from pathlib import Path
from types import FrameType

from quotetrack.errors import QuotetrackError

WRITABLE_HINT = "choose a location you can write to, or fix its permissions"

# errno -> (what the path is, hint)
OS_CAUSES: dict[int, tuple[str, str]] = {
    errno.EEXIST: (
        "exists and is not a folder",
        "give a new folder name, or remove the file first",
    ),
    errno.ENOTDIR: (
        "a part of this path is a file, not a folder",
        "give a path whose parent folders are folders",
    ),
    errno.EISDIR: ("is a folder", "give a file name, not a folder"),
    errno.EACCES: ("permission denied", WRITABLE_HINT),
    errno.EPERM: ("operation not permitted", WRITABLE_HINT),
    errno.EROFS: ("read-only file system", WRITABLE_HINT),
    errno.ENOSPC: (
        "disk full",
        "free some space (also in $TMPDIR) or write to another disk",
    ),
    errno.EDQUOT: ("disk quota exceeded", "free some space or write to another disk"),
    errno.ENOENT: ("no such file or folder", "check the path"),
    errno.EBADF: (
        "output closed",
        "run the command with its output open (or use --out/-o to write a file)",
    ),
    errno.ENAMETOOLONG: ("file name too long", "give a shorter path"),
}

# lower-cased fragment of a sqlite3 message -> (cause, hint)
SQLITE_CAUSES: tuple[tuple[str, str, str], ...] = (
    (
        "locked",
        "the store is busy (another program holds its lock)",
        "try again when the other add or program has finished",
    ),
    ("busy", "the store is busy", "try again when the other add or program has finished"),
    (
        "readonly",
        "the store is read-only",
        "give a store you can write to, or fix its permissions",
    ),
    (
        "malformed",
        "the store is corrupt (malformed database image)",
        "restore it from a backup, or start a new store",
    ),
    (
        "not a database",
        "not a SQLite database",
        "give a file made by quotetrack add, or a new file name",
    ),
    ("disk i/o", "disk I/O error", "check the disk (and free space) and try again"),
    ("full", "disk full", "free some space (also in $TMPDIR) or write to another disk"),
    (
        "unable to open",
        "cannot open the store",
        "check that its folder exists and is writable",
    ),
)


def _os_path(exc: OSError) -> str | None:
    """The path an OSError is about: the target of a rename (what the user named) first."""
    for name in (exc.filename2, exc.filename):
        if name is not None:
            return name.decode(errors="replace") if isinstance(name, bytes) else str(name)
    return None


def explain_os(exc: OSError) -> QuotetrackError:
    """An OSError as a message naming the path and the cause."""
    path = _os_path(exc)
    cause, hint = OS_CAUSES.get(
        exc.errno or 0, (exc.strerror or type(exc).__name__, "check the path and try again")
    )
    where = f"{path}: " if path else ""
    return QuotetrackError(f"{where}{cause} ({exc.strerror or exc})", hint=hint)


def explain_sqlite(exc: sqlite3.Error, db: Path | None) -> QuotetrackError:
    """A sqlite3 error as a message naming the store and the cause."""
    text = str(exc)
    lower = text.lower()
    where = f"{db}: " if db is not None else "store: "
    for fragment, cause, hint in SQLITE_CAUSES:
        if fragment in lower:
            return QuotetrackError(f"{where}{cause} ({text})", hint=hint)
    return QuotetrackError(f"{where}SQLite error ({text})", hint="check the store file")


def explain(exc: BaseException, db: Path | None = None) -> QuotetrackError | None:
    """The handled form of an OS, SQLite, encoding or JSON failure; None for anything else."""
    if isinstance(exc, OSError):
        return explain_os(exc)
    if isinstance(exc, sqlite3.Error):
        return explain_sqlite(exc, db)
    if isinstance(exc, UnicodeError):
        return QuotetrackError(
            f"text could not be encoded or decoded ({exc})",
            hint="check the input's encoding; set PYTHONIOENCODING=utf-8 for the terminal",
        )
    if isinstance(exc, json.JSONDecodeError):
        return QuotetrackError(
            f"invalid JSON at line {exc.lineno} column {exc.colno} ({exc.msg})",
            hint="check the JSON file",
        )
    return None


class ClosedOutput:
    """Stands in for a closed stdout: flushing is harmless, writing data is an EBADF error (so a
    command that prints a table fails with a message instead of losing its rows silently)."""

    encoding = "utf-8"
    errors = "strict"

    def write(self, _text: str) -> int:
        """Fail: there is nowhere to write to."""
        raise OSError(errno.EBADF, "standard output is closed", "<stdout>")

    def flush(self) -> None:
        """Nothing to flush."""

    def isatty(self) -> bool:
        """Not a terminal."""
        return False


def guard_streams() -> None:
    """Give a closed stdout or stderr a stand-in (Python sets them to None when fd 1 or 2 is
    closed, and every later print would raise AttributeError)."""
    import sys

    if sys.stdout is None:
        sys.stdout = ClosedOutput()  # type: ignore[assignment]
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115  (for the process)


#: exit status of a command stopped by SIGTERM (128 + the signal number, as shells report it).
SIGTERM_STATUS = 128 + 15


def _in_finaliser(frame: FrameType | None) -> bool:
    """True inside a ``__del__`` (where Python prints and ignores any exception)."""
    while frame is not None:
        if frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


def exit_on_sigterm() -> None:
    """Make SIGTERM unwind the command like an error (``SystemExit``), so every ``with`` block and
    ``finally`` runs: staging folders and spill files are removed, a store's transaction rolls
    back, and the old tables stay as they were. A second SIGTERM ends the process at once."""
    import signal
    import sys
    import threading

    def stop(signum: int, frame: FrameType | None) -> None:
        if _in_finaliser(frame):  # an exception raised there would be ignored: try again soon
            threading.Timer(0.05, os.kill, (os.getpid(), signum)).start()
            return
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        print(
            "Error: stopped by SIGTERM; temporary files removed, earlier output left as it was",
            file=sys.stderr,
        )
        raise SystemExit(SIGTERM_STATUS)

    signal.signal(signal.SIGTERM, stop)
