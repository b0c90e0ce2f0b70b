"""A disk cache of compiled ``regex`` patterns, so that a new process does not recompile the rules.

``regex`` parses and optimises a pattern in Python: about 3 s per process for the claim and number
patterns (``{COUNT}`` is nested many times), 0.6 s for attribution's. ``compile_cached`` keeps the
compiled program (``Pattern._pickled_data``, what ``regex`` itself pickles) in a cache directory,
one file per pattern, keyed by the pattern, its flags and named lists and the ``regex`` and Python
versions, with a checksum; the next process rebuilds the pattern from it in well under a
millisecond (``_regex.compile``, as unpickling does). The directory is
``$QUOTETRACK_REGEX_CACHE``, else ``$XDG_CACHE_HOME/quotetrack/regex``
(``~/.cache/quotetrack/regex``); ``QUOTETRACK_REGEX_CACHE=off`` turns it off. A file that is
missing, damaged or unwritable just means compiling as before. Entries of edited rules are not
pruned: deleting the directory is always safe.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import regex


def compile_cached(
    pattern: str, flags: int, lists: dict[str, frozenset[str]] | None = None
) -> regex.Pattern[str]:
    """``regex.compile(pattern, flags, **lists)``, through the cache (see the module docstring)."""
    lists = lists or {}
    folder = regex_cache_dir()
    if folder is None:
        return regex.compile(pattern, flags, **lists)
    path = folder / (_cache_key(pattern, flags, lists) + ".bin")
    cached = _load_compiled(path, pattern)
    if cached is not None:
        return cached
    compiled = regex.compile(pattern, flags, **lists)
    _store_compiled(path, compiled)
    return compiled


REGEX_CACHE_ENV = "QUOTETRACK_REGEX_CACHE"
CACHE_FORMAT = 1  # bump when the file layout changes
OFF = frozenset({"", "0", "off", "no", "false"})


def regex_cache_dir() -> Path | None:
    """The directory of the compiled-pattern cache, or None when it is turned off."""
    setting = os.environ.get(REGEX_CACHE_ENV)
    if setting is not None:
        return None if setting.strip().lower() in OFF else Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "quotetrack" / "regex"


def _cache_key(pattern: str, flags: int, lists: dict[str, frozenset[str]]) -> str:
    described = json.dumps(
        [
            CACHE_FORMAT,
            regex.__version__,
            sys.version,
            pattern,
            int(flags),
            sorted((name, sorted(words)) for name, words in lists.items()),
        ],
        ensure_ascii=True,
    )
    return hashlib.sha256(described.encode("ascii")).hexdigest()


def _load_compiled(path: Path, pattern: str) -> regex.Pattern[str] | None:
    """The pattern rebuilt from its cache file, or None (no file, damaged, or for another
    pattern)."""
    try:
        blob = path.read_bytes()
        digest, payload = blob[:32], blob[32:]
        if hashlib.sha256(payload).digest() != digest:
            return None
        data = marshal.loads(payload)
        if not isinstance(data, tuple) or not data or data[0] != pattern:
            return None
        compiled: regex.Pattern[str] = _regex_engine().compile(*data)
        return compiled
    except Exception:  # a cache must never be the reason a run fails
        return None


def _store_compiled(path: Path, compiled: regex.Pattern[str]) -> None:
    """Write the compiled program of ``compiled`` to ``path`` atomically (silently skipped on
    failure)."""
    try:
        payload = marshal.dumps(compiled._pickled_data)  # type: ignore[attr-defined]
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(hashlib.sha256(payload).digest() + payload)
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
    except Exception:
        return


def _regex_engine() -> Any:
    """The C engine module of ``regex`` (its ``compile`` takes a compiled program)."""
    from regex import _regex  # type: ignore[attr-defined]

    return _regex
