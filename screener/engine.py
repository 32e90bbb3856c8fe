"""The one module that imports durable-rules.

durable-rules traps (measured, see engineering notes) and how this module avoids them:
- ``Host()`` starts timer threads that race with synchronous calls: ``_QuietHost``
  turns them off. One host per process; rulesets are registered on it once.
- At most 1,024 live sessions per ruleset: every screening deletes its session in a
  ``finally``.
- durable swallows exceptions raised in actions: we never run Python actions. A fired
  rule's id is read from its action message; durable errors become EngineError and the
  session is deleted as always.
- A fact matching no rule raises MessageNotHandledException: that just means no rule
  of the layer fired.

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
from contextlib import contextmanager

import durable_rules_engine as _native
from durable import engine as _durable

from . import conditions
from .compiler import LAYER, compile_ruleset, rule_layers, single_code_names
from .errors import EngineError
from .models import RuleSet


class _QuietHost(_durable.Host):
    """A host without the background dispatch timers: we only call it synchronously."""

    def _run(self):
        pass


#: Screenings sharing one durable session (see Engine.session); each leaves ~7 small
#: facts in it until it is deleted.
SESSION_REUSE = 200
SERIAL = "screening_serial"  # attribute of every asserted fact; never a question id

_host: _QuietHost | None = None
_engines: dict[str, "Engine"] = {}
_session_ids = itertools.count(1)


def _get_host() -> _QuietHost:
    global _host
    if _host is None:
        _host = _QuietHost()
    return _host


def engine_for(ruleset: RuleSet) -> "Engine":
    """The process-wide engine for a ruleset (rulesets cannot be registered twice)."""
    key = ruleset.content_hash
    if key not in _engines:
        _engines[key] = Engine(ruleset)
    return _engines[key]


class Engine:
    def __init__(self, ruleset: RuleSet):
        self.ruleset = ruleset
        self.name = "screener_" + ruleset.content_hash[:16]
        self.layers = rule_layers(ruleset)
        self.depth = max(self.layers.values(), default=0)
        self.live: set[str] = set()  # durable sessions not yet deleted (at most one)
        self._sid: str | None = None
        self._uses = 0
        self._serials = itertools.count(1)
        definition = copy.deepcopy(compile_ruleset(ruleset))  # durable mutates it
        for rule in definition.values():
            # durable wants an action per rule; ours never runs: _fire reads the fired
            # rule's id from the action message and records it itself
            rule["run"] = _never_called
        host = _get_host()
        self._handle = self._register(host, definition)
        # layer -> the names its rules read: the only attributes its fact needs, each
        # with whether it goes as a one-item list (compiler.single_code_names)
        as_lists = single_code_names(ruleset)
        reads: dict[int, dict[str, None]] = {}
        for rule in ruleset.rules:
            reads.setdefault(self.layers[rule.id], {}).update(
                dict.fromkeys(conditions.names(rule.when)))
        self.reads = {layer: tuple((name, name in as_lists) for name in names)
                      for layer, names in reads.items()}

    def _register(self, host, definition: dict):
        """Register the compiled rules with durable; its handle.

        durable has been seen, rarely and never on demand, to refuse a ruleset it
        accepts on the next try ("Could not create ruleset, error code: 102", a parse
        error in its C code); a second try under a fresh name (a refused name may be
        half-registered) is cheap, and a second refusal is an EngineError, not a
        traceback.
        """
        for attempt in (1, 2):
            name = self.name if attempt == 1 else f"{self.name}_{next(_session_ids)}"
            try:
                host.set_rulesets({name: copy.deepcopy(definition)})
                self.name = name
                return host.get_ruleset(name)._handle
            except Exception as exc:  # durable raises bare Exceptions and C errors
                failure = exc
        raise EngineError(f"the rule engine could not load the rules: {failure}")

    @contextmanager
    def session(self):
        """One screening: yields a function firing one layer.

        A durable session is shared by up to SESSION_REUSE screenings: creating one
        costs more than all of a screening's rules (durable clears a large state table),
        while keeping it costs nothing. Every fact carries its screening's serial, so a
        fact is never a copy of an earlier screening's (durable would ignore it), and
        every rule reads one fact, so facts of different screenings never meet. After a
        failure the session is deleted at once.
        """
        if self._sid is None:
            self._sid = str(next(_session_ids))
            self.live.add(self._sid)
        sid, serial = self._sid, next(self._serials)
        ok = False
        try:
            yield lambda layer, facts: self._fire(sid, serial, layer, facts)
            ok = True
        finally:
            self._uses += 1
            if not ok or self._uses >= SESSION_REUSE:
                self.close()

    def close(self) -> None:
        """Delete the current durable session (its facts go with it)."""
        sid, self._sid, self._uses = self._sid, None, 0
        if sid is None:
            return
        self.live.discard(sid)
        try:
            _get_host().delete_state(self.name, sid)
        except Exception:  # a session with no fact yet has no state to delete
            pass

    def _fire(self, sid: str, serial: int, layer: int, facts: dict) -> list[str]:
        """Assert the layer's fact; the ids of the rules that fired, in firing order."""
        reads = self.reads.get(layer)
        if reads is None:  # a layer without rules: nothing can fire
            return []
        # unknown facts are left out: a test on a missing attribute never matches
        fact = {}
        for name, as_list in reads:
            value = facts.get(name)
            if value is not None:
                fact[name] = [value] if as_list else value
        fact["sid"] = sid
        fact[SERIAL] = serial
        fact[LAYER] = layer
        handle = self._handle
        fired: list[str] = []
        try:
            code, state = _native.assert_fact(handle, _encode(fact))
            if code == 1:  # MessageNotHandled: no rule of this layer matched
                return fired
            if code == 2:
                raise _durable.MessageObservedException(fact)
            if code == 3:  # queued (durable's Python layer then dispatches state 0)
                state = 0
            result = _native.start_action_for_state(handle, state)
            message = result[1] if result else None
            while message:
                fired.append(message[2:message.index('"', 2)])  # '{"RULE-ID":{"m":{...}}}'
                message = _native.complete_and_start_action(handle, state)
        except Exception as exc:  # durable raises bare Exceptions and C errors
            raise EngineError(f"the rule engine failed at layer {layer}: {exc}") from exc
        return fired


def _never_called(c):  # pragma: no cover - see Engine.__init__
    raise AssertionError("screener dispatches durable's actions itself")


# ASCII like the rules durable was given (its Python layer encodes them with json.dumps)
_encode = json.JSONEncoder(separators=(",", ":")).encode
