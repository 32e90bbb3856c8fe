"""Parsed YAML files kept for a process that reads the same files again: a lint loads
the rules folder, then rereads its files for their lines; the test suite loads and lints
many copies of the folder that differ in one file.

Only inside ``parse_once()`` (or after ``keep_parsed_files()``, for the tests) is
anything kept, under the SHA-256 of the file's bytes, so a changed file is always read
and checked again. A screening process loads its rules once: keeping their pickles there
cost a batch worker 12 MB of peak memory (benchmarks/versus.py: 85.5 -> 99.1 MB) for no
gain, so nothing is kept by default.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

#: parsed files kept (their pickles' bytes, all together): the shipped rules folder's
#: files take about 0.6 MB, so several variants of it fit
CACHE_BYTES = 8_000_000


def parsed(data: bytes, parse: Callable[[], Any]) -> Any:
    """``parse()`` of these bytes, or a copy of what it gave before while files are kept.
    Each call returns a value of its own (a caller may change it)."""
    if not _Parsed.keeping:
        return parse()
    digest = hashlib.sha256(data).digest()
    kept = _Parsed.get(digest)
    if kept is not None:
        return pickle.loads(kept)
    value = parse()  # raises for a refused file: only checked files are kept
    _Parsed.keep(digest, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    return value


@contextmanager
def parse_once() -> Iterator[None]:
    """Within it, each file's parse is kept for the files read again (a lint); what was
    kept is let go at the end unless keeping was already on (``keep_parsed_files``)."""
    was = _Parsed.keeping
    _Parsed.keeping = True
    try:
        yield
    finally:
        _Parsed.keeping = was
        if not was:
            _Parsed.clear()


def keep_parsed_files() -> None:
    """Keep parsed files for the rest of the process: for the test suite, which loads and
    lints many copies of the rules folder that differ in one file."""
    _Parsed.keeping = True


class _Parsed:
    """The files read_yaml has parsed, by the SHA-256 of their bytes; the least recently
    read are dropped beyond ``CACHE_BYTES``. Only a file that passed every check of
    yaml_source's parse is kept (a refused one raises before), so a kept file is as checked as a
    fresh one. Kept pickled: bytes nobody can change, and each reader gets a copy of its
    own from ``pickle.loads`` (about 12x faster than parsing). The pickles are made here
    from parsed values, never read from outside, so unpickling them trusts nothing."""

    keeping = False  # see parse_once
    _files: OrderedDict[bytes, bytes] = OrderedDict()
    _size = 0
    _lock = threading.Lock()  # a program using the package may read from several threads

    @classmethod
    def get(cls, digest: bytes) -> bytes | None:
        with cls._lock:
            kept = cls._files.get(digest)
            if kept is not None:
                cls._files.move_to_end(digest)
            return kept

    @classmethod
    def clear(cls) -> None:
        with cls._lock:
            cls._files.clear()
            cls._size = 0

    @classmethod
    def keep(cls, digest: bytes, pickled: bytes) -> None:
        if len(pickled) > CACHE_BYTES:
            return
        with cls._lock:
            if digest in cls._files:
                return
            cls._files[digest] = pickled
            cls._size += len(pickled)
            while cls._size > CACHE_BYTES:
                cls._size -= len(cls._files.popitem(last=False)[1])
