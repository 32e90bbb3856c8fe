"""The durable-rules engine: the one module that imports durable-rules.

durable-rules traps (measured, see engineering notes) and how this module avoids them:
- ``Host()`` starts timer threads that race with synchronous calls: ``_QuietHost``
  turns them off. One host per process; rulesets are registered on it once.
- At most 1,024 live sessions per ruleset: every screening deletes its session in a
  ``finally``.
- durable swallows exceptions raised in actions: we never run Python actions. A fired
  rule's id is read from its action message (``rule_id_of``); durable errors become
  EngineError and the session is deleted as always.
- A fact matching no rule is ``Asserted.NOT_HANDLED``: that just means no rule of the
  layer fired.

Speed (see benchmarks/README.md): each layer's fact carries only the names that layer's
rules read (plus sid and layer), and fired rules are collected by a lean loop over the
C engine instead of durable's Python dispatcher, which JSON-decoded the whole matched
fact, built a closure and re-encoded the session state for every fired rule. The rule
id is the key of the action message, so nothing else needs decoding. Same engine, same
matches.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import IntEnum

import durable_rules_engine as _native
from durable import engine as _durable

from ..errors import EngineError
from ..ruleset import conditions
from ..ruleset.compiler import LAYER, compile_ruleset, rule_layers, single_code_names
from ..ruleset.condition_code import fact_function
from ..ruleset.models import RuleSet
from ..types import ID_PATTERN
from . import Fire


class Asserted(IntEnum):
    """What ``assert_fact`` of durable's C module returns first (durable's rules.h)."""

    MATCHED = 0  # RULES_OK: the fired rules' actions wait in the returned state
    NOT_HANDLED = 1  # ERR_EVENT_NOT_HANDLED: no rule matched the fact
    OBSERVED = 2  # ERR_EVENT_OBSERVED: an identical fact is already in the session
    DEFERRED = 3  # ERR_EVENT_DEFERRED: queued; its actions are started from state 0


def rule_id_of(message: str) -> str:
    """The id of the rule a durable action message is for.

    durable's C code writes the message as ``{"`` + the rule's name, verbatim, + ``":``
    and the matched facts (state.c, no escaping), e.g. ``{"VD-SUN":{"m":{...}}}``. Our
    rule names are the rule ids, which types.ID_PATTERN limits to letters, digits,
    ``_`` and ``-``: no quote can occur inside one, so the id is everything from the
    third character to the next quote. CompiledRules refuses any other name, and
    tests/test_engine.py checks every shipped id against messages durable wrote.
    """
    return message[2:message.index('"', 2)]


_SLICEABLE = re.compile(ID_PATTERN)


class AlreadyObserved(Exception):
    """durable took a fact for one already in the session (see DurableEngine._fire)."""


class _QuietHost(_durable.Host):
    """A host without the background dispatch timers: we only call it synchronously."""

    def _run(self):
        pass


#: The rule CompiledRules adds to every ruleset, and the fact that fires it. durable
#: leaves two pointers of a new session unset (state.c createStateNode: context.messages
#: and context.stateFact) until an action first runs in it, and deleting the session
#: frees them: deleting a session in which no rule ever fired crashed the process
#: ("double free or corruption") whenever the heap held garbage there. delete_session
#: fires this rule first, so an action has always run (measured with valgrind: no read
#: of unset memory is left in a screening; tests/test_engine.py).
SESSION_END = "screener-session-end"
SESSION_END_FACT = "screener_session_end"

#: Screenings sharing one durable session (see DurableEngine.session); each leaves ~7
#: small facts in it until it is deleted.
SESSION_REUSE = 200
SERIAL = "screening_serial"  # attribute of every asserted fact; never a question id

_host: _QuietHost | None = None
_session_ids = itertools.count(1)
_engines = itertools.count(1)  # DurableEngines made in this process


def _get_host() -> _QuietHost:
    global _host
    if _host is None:
        _host = _QuietHost()
    return _host


class CompiledRules:
    """durable-rules JSON registered on this process's host under a name of its own:
    assert a fact, get the ids of the rules it fired."""

    def __init__(self, name: str, definition: dict[str, dict]):
        odd = [rule_id for rule_id in definition if not _SLICEABLE.fullmatch(rule_id)]
        if odd:  # rule_id_of could not read them back
            raise EngineError(f"rule ids the engine cannot use: {', '.join(odd)}")
        if SESSION_END in definition:
            raise EngineError(f"the rule id {SESSION_END} is reserved for the engine")
        definition = copy.deepcopy(definition)  # durable mutates it
        definition[SESSION_END] = {"all": [{"m": {SESSION_END_FACT: 1}}]}
        for rule in definition.values():
            # durable wants an action per rule; ours never runs: fire reads the fired
            # rule's id from the action message and records it itself
            rule["run"] = _never_called
        self.name = name
        self._handle = self._register(_get_host(), definition)

    def _register(self, host, definition: dict):
        """Register the rules with durable; its handle. A refusal is an EngineError
        naming the way out, never a traceback.

        durable reads memory it never set when a ``$iany`` / ``$iall`` wraps an ``$or``
        (rete.c checks the type of the ``$or``'s forward node, which createForwardAlpha
        leaves unset): when the heap happened to hold 0x09 or 0x0C there, it refused the
        rules with "Could not create ruleset, error code: 102". The compiler never writes
        that shape (conditions.compile_condition); tests/test_engine.py fills fresh heap
        memory with those bytes (glibc's MALLOC_PERTURB_) to keep it so.
        """
        try:
            host.set_rulesets({self.name: definition})
            return host.get_ruleset(self.name)._handle
        except Exception as exc:  # durable raises bare Exceptions and C errors
            raise EngineError(
                f"the rule engine could not load the rules: {exc}. SCREENER_ENGINE=python "
                "screens with the built-in engine, which gives the same results (the tests "
                "compare them)") from exc

    def fire(self, fact: dict) -> list[str]:
        """Assert a fact (it names its session, ``sid``); the ids of the rules that
        fired, in firing order, each once (durable splits an ``$or`` into branches and
        fires a rule once per branch that matches). durable's own errors are raised as
        they come."""
        handle = self._handle
        fired: list[str] = []
        code, state = _native.assert_fact(handle, _encode(fact))
        if code == Asserted.NOT_HANDLED:
            return fired
        if code == Asserted.OBSERVED:
            raise AlreadyObserved(fact)
        if code == Asserted.DEFERRED:
            state = 0
        result = _native.start_action_for_state(handle, state)
        message = result[1] if result else None
        while message:
            fired.append(rule_id_of(message))
            message = _native.complete_and_start_action(handle, state)
        return list(dict.fromkeys(fired)) if len(fired) > 1 else fired

    def delete_session(self, sid: str) -> None:
        """Delete a session and its facts (see SESSION_END)."""
        try:
            self.fire({"sid": sid, SESSION_END_FACT: 1})
            _get_host().delete_state(self.name, sid)
        except Exception:  # durable's errors here leave nothing to clean up
            pass


def fact_for(reads: Iterable[tuple[str, bool]], facts: dict) -> dict:
    """The attributes of the fact asserted for rules reading ``reads`` ((name, as a
    one-item list) pairs, see compiler.single_code_names). Unknown facts are left out:
    a test on a missing attribute never matches, which is "unknown never fires"."""
    fact = {}
    for name, as_list in reads:
        value = facts.get(name)
        if value is not None:
            fact[name] = [value] if as_list else value
    return fact


class DurableEngine:
    def __init__(self, ruleset: RuleSet):
        self.ruleset = ruleset
        self.layers = rule_layers(ruleset)
        self.depth = max(self.layers.values(), default=0)
        self.live: set[str] = set()  # durable sessions not yet deleted (at most one)
        self._sid: str | None = None
        self._uses = 0
        self._serials = itertools.count(1)
        # durable registers a name once per process: a second engine for the same rules
        # (a test, `rules test` beside a screening) gets a name of its own
        self.rules = CompiledRules(f"screener_{ruleset.content_hash[:16]}_{next(_engines)}",
                                   compile_ruleset(ruleset))
        # layer -> the names its rules read: the only attributes its fact needs, each
        # with whether it goes as a one-item list (compiler.single_code_names)
        as_lists = single_code_names(ruleset)
        reads: dict[int, dict[str, None]] = {}
        for rule in ruleset.rules:
            reads.setdefault(self.layers[rule.id], {}).update(
                dict.fromkeys(conditions.names(rule.runs_when)))
        self.reads = {layer: tuple((name, name in as_lists) for name in names)
                      for layer, names in reads.items()}
        self.fact_at = {layer: fact_function(list(names)) for layer, names in self.reads.items()}

    @property
    def name(self) -> str:
        """The name the rules are registered under."""
        return self.rules.name

    @contextmanager
    def session(self) -> Iterator[Fire]:
        """One screening: yields a function firing one layer.

        A durable session is shared by up to SESSION_REUSE screenings: creating one
        costs more than all of a screening's rules (durable clears a large state table),
        while keeping it costs nothing. Every fact carries its screening's serial, so a
        fact is never a copy of an earlier screening's (durable would ignore it), and
        every rule reads one fact, so facts of different screenings never meet. After a
        failure the session is deleted at once.
        """
        if self._sid is None:
            self._open()
        serial = next(self._serials)
        ok = False
        try:
            yield lambda layer, facts: self._fire(serial, layer, facts)
            ok = True
        finally:
            self._uses += 1
            if not ok or self._uses >= SESSION_REUSE:
                self.close()

    def _open(self) -> None:
        self._sid = str(next(_session_ids))
        self.live.add(self._sid)

    def close(self) -> None:
        """Delete the current durable session (its facts go with it)."""
        sid, self._sid, self._uses = self._sid, None, 0
        if sid is None:
            return
        self.live.discard(sid)
        self.rules.delete_session(sid)

    def _fire(self, serial: int, layer: int, facts: dict) -> list[str]:
        """Assert the layer's fact; the ids of the rules that fired, in firing order.

        durable knows a fact by a 32-bit hash of its id (a hash of its content) and takes
        two facts with the same hash for one (state.c storeMessage: no comparison),
        refusing the second as "observed". With ~1,400 facts in a shared session this
        happened about once in 20,000 batch records. Every rule reads one fact, so the
        fact is asserted again in a fresh session, where it cannot meet a twin: the
        same rules fire. A fact refused by a fresh session is an error."""
        fact_for_layer = self.fact_at.get(layer)
        if fact_for_layer is None:  # a layer without rules: nothing can fire
            return []
        # fact_for, generated for the layer (ruleset/condition_code.py)
        fact = fact_for_layer(facts)
        fact[SERIAL] = serial
        fact[LAYER] = layer
        try:
            return self._assert(fact, layer)
        except AlreadyObserved:
            self.close()  # a hash twin is in this session: the next one is empty
        try:
            return self._assert(fact, layer)
        except AlreadyObserved as exc:
            raise EngineError(f"the rule engine refused a fact at layer {layer} as one it "
                              "had already seen, even in a new session") from exc

    def _assert(self, fact: dict, layer: int) -> list[str]:
        if self._sid is None:
            self._open()
        fact["sid"] = self._sid
        try:
            return self.rules.fire(fact)
        except AlreadyObserved:
            raise
        except Exception as exc:  # durable raises bare Exceptions and C errors
            raise EngineError(f"the rule engine failed at layer {layer}: {exc}") from exc


def _never_called(c):  # pragma: no cover - see CompiledRules.__init__
    raise AssertionError("screener dispatches durable's actions itself")


# ASCII like the rules durable was given (its Python layer encodes them with json.dumps)
_encode = json.JSONEncoder(separators=(",", ":")).encode
