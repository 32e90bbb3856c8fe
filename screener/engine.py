"""The one module that imports durable-rules.

durable-rules traps (measured, see engineering notes) and how this module avoids them:
- ``Host()`` starts timer threads that race with synchronous calls: ``_QuietHost``
  turns them off. One host per process; rulesets are registered on it once.
- At most 1,024 live sessions per ruleset: every screening deletes its session in a
  ``finally``.
- Exceptions raised in actions are swallowed into the state: we check and re-raise.
- A fact matching no rule raises MessageNotHandledException: that just means no rule
  of the layer fired.
"""

from __future__ import annotations

import copy
import itertools
from contextlib import contextmanager

from durable import engine as _durable

from .compiler import LAYER, compile_ruleset, rule_layers
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
        definition = copy.deepcopy(compile_ruleset(ruleset))  # durable mutates it
        for rule_id, rule in definition.items():
            rule["run"] = self._recorder(rule_id)
        _get_host().set_rulesets({self.name: definition})

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
        fired = self._fired[sid]
        start = len(fired)
        fact = dict(facts)
        fact["sid"] = sid
        fact[LAYER] = layer
        try:
            state = host.assert_fact(self.name, fact)
        except _durable.MessageNotHandledException:
            return []
        except Exception as exc:  # durable raises bare Exceptions and C errors
            raise EngineError(f"the rule engine failed at layer {layer}: {exc}") from exc
        if isinstance(state, dict) and state.get("exception"):
            raise EngineError(f"a rule action failed at layer {layer}: {state['exception']}")
        return fired[start:]
