"""The one module that imports durable-rules.

durable-rules traps (measured, see engineering notes) and how this module avoids them:
- ``Host()`` starts timer threads that race with synchronous calls: ``_QuietHost``
  turns them off. One host per process; rulesets are registered on it once.
- At most 1,024 live sessions per ruleset: every screening deletes its session in a
  ``finally``.
- durable swallows exceptions raised in actions: we dispatch actions ourselves (below)
  and raise EngineError, abandoning the action; the session is deleted as always.
- A fact matching no rule raises MessageNotHandledException: that just means no rule
  of the layer fired.

Speed (see benchmarks/README.md): each layer's fact carries only the names that layer's
rules read (plus sid and layer), and actions are dispatched by a lean loop over the C
engine instead of durable's Python dispatcher, which JSON-decoded the whole matched fact
and re-encoded the session state for every fired rule. The rule id is the key of the
action message, so nothing else needs decoding. Same engine, same matches;
engine time per screening went from ~1.1 ms to ~0.22 ms.
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
        self._fired: dict[str, list[str]] = {}
        self.as_lists = single_code_names(ruleset)
        definition = copy.deepcopy(compile_ruleset(ruleset))  # durable mutates it
        for rule_id, rule in definition.items():
            rule["run"] = self._recorder(rule_id)
        host = _get_host()
        host.set_rulesets({self.name: definition})
        self._ruleset = host.get_ruleset(self.name)
        # layer -> the names its rules read: the only attributes its fact needs
        reads: dict[int, dict[str, None]] = {}
        for rule in ruleset.rules:
            reads.setdefault(self.layers[rule.id], {}).update(
                dict.fromkeys(conditions.names(rule.when)))
        self.reads = {layer: tuple(names) for layer, names in reads.items()}

    def _recorder(self, rule_id: str):
        def record(c):
            self._fired[c.m["sid"]].append(rule_id)
        return record

    @contextmanager
    def session(self):
        """One screening: yields a function firing one layer; always cleaned up."""
        sid = str(next(_session_ids))
        self._fired[sid] = []
        host = _get_host()
        try:
            yield lambda layer, facts: self._fire(host, sid, layer, facts)
        finally:
            self._fired.pop(sid, None)
            try:
                host.delete_state(self.name, sid)
            except Exception:  # a session with no fact yet has no state to delete
                pass

    def _fire(self, host, sid: str, layer: int, facts: dict) -> list[str]:
        names = self.reads.get(layer)
        if names is None:  # a layer without rules: nothing can fire
            return []
        fired = self._fired[sid]
        start = len(fired)
        # unknown facts are left out: a test on a missing attribute never matches;
        # single-code answers go as one-item lists (compiler.single_code_names)
        as_lists = self.as_lists
        fact = {name: [facts[name]] if name in as_lists else facts[name]
                for name in names if facts.get(name) is not None}
        fact["sid"] = sid
        fact[LAYER] = layer
        handle = self._ruleset._handle
        try:
            code, state = _native.assert_fact(handle, json.dumps(fact, ensure_ascii=False))
            if code == 1:  # MessageNotHandled: no rule of this layer matched
                return []
            if code == 2:
                raise _durable.MessageObservedException(fact)
            if code == 3:  # queued (durable's Python layer then dispatches state 0)
                state = 0
            result = _native.start_action_for_state(handle, state)
            message = result[1] if result else None
            while message:
                rule_id = message[2:message.index('"', 2)]  # '{"RULE-ID":{"m":{...}}}'
                try:
                    self._ruleset._actions[rule_id]._func(_Match(sid))
                except Exception as exc:
                    _native.abandon_action(handle, state)
                    raise EngineError(
                        f"a rule action failed at layer {layer}: {exc}") from exc
                message = _native.complete_and_start_action(handle, state)
        except EngineError:
            raise
        except Exception as exc:  # durable raises bare Exceptions and C errors
            raise EngineError(f"the rule engine failed at layer {layer}: {exc}") from exc
        return fired[start:]


class _Match:
    """What an action receives (durable's closure, reduced to what ours read)."""

    __slots__ = ("m",)

    def __init__(self, sid: str):
        self.m = {"sid": sid}
