"""The rule engine interface, and which engine a screening uses.

An engine answers one question per layer (compiler.py): which rules of this layer fire
on the facts concluded so far? screening.run_engine asks it layer by layer and turns
the answers into facts for the next layer. Two engines answer it, identically
(tests/test_engine_parity.py compares whole results):

- ``durable``: durable-rules, the product's engine (engine/durable.py, the one module
  that imports it): the compiled JSON matched by its C code.
- ``python``: the three-valued evaluator of conditions.py, long the oracle the durable
  engine is tested against (engine/python.py). It is the cross-check of
  ``screener rules test --engine python`` and the way out should durable-rules ever
  stop building.

Which one: ``engine_for(ruleset, kind)``; without a kind, the one chosen with
``using(kind)`` (tests, ``rules test --engine``), else the environment variable
``SCREENER_ENGINE``, else durable. ``using`` holds in its own thread only (a context
variable): batch worker processes and other threads take ``SCREENER_ENGINE``, which
child processes inherit. This module imports neither engine until asked (``screener
--help`` stays light).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Protocol

from ..errors import EngineError

if TYPE_CHECKING:
    from ..ruleset.models import RuleSet

#: engine name -> (module, class), imported when a screening first asks for it
ENGINES = {"durable": ("durable", "DurableEngine"),
           "python": ("python", "PythonEngine")}
KINDS = tuple(ENGINES)
DEFAULT = "durable"
ENV = "SCREENER_ENGINE"

#: fire(layer, facts) -> ids of the layer's rules that fired (facts are not changed)
Fire = Callable[[int, dict], "list[str]"]


class RuleEngine(Protocol):
    depth: int  # the deepest layer: run_engine fires layers 1..depth

    def session(self) -> AbstractContextManager[Fire]:
        """One screening: yields the function that fires one layer."""

    def close(self) -> None:
        """Release what open sessions hold (nothing to do for some engines)."""


_chosen: ContextVar[str | None] = ContextVar("screener_engine", default=None)
_engines: dict[tuple[str, str], RuleEngine] = {}


def _known(kind: str, given_as: str = "") -> str:
    if kind not in ENGINES:
        raise EngineError(f"{given_as}{kind!r} is not an engine: use {' or '.join(KINDS)}")
    return kind


def chosen_kind() -> str:
    """The engine a screening uses when none is named (see the module docstring)."""
    chosen = _chosen.get()
    if chosen:
        return chosen
    from_env = os.environ.get(ENV)
    return _known(from_env, f"{ENV}=") if from_env else DEFAULT


@contextmanager
def using(kind: str | None) -> Iterator[None]:
    """Screenings inside the block use this engine (None: keep the current choice)."""
    token = _chosen.set(_known(kind) if kind is not None else _chosen.get())
    try:
        yield
    finally:
        _chosen.reset(token)


def engine_for(ruleset: RuleSet, kind: str | None = None) -> RuleEngine:
    """The process-wide engine of this kind for a ruleset (durable cannot register a
    ruleset twice, and building either engine costs more than a screening)."""
    kind = kind or chosen_kind()
    key = (kind, ruleset.content_hash)
    engine = _engines.get(key)
    if engine is None:
        module, name = ENGINES[_known(kind)]
        make = getattr(importlib.import_module(f".{module}", __package__), name)
        engine = _engines[key] = make(ruleset)
    return engine
