"""screener: a rule-based nutrition screening questionnaire.

It maps answers to *possible contributing factors* (never a diagnosis, never a dose)
and always points to a clinician. The public API is small and imported lazily so that
``screener --help`` stays fast::

    from screener import load_ruleset, screen
    result = screen({"age_years": 70, ...})

Exception tree (all in ``screener.errors``)::

    ScreenerError
     ├── RulesError        a rules/ or questions file is broken (names file, line, field)
     ├── AnswersError      an answers file or record is invalid (names field and line)
     ├── OutputError       an output file cannot be written (OutputExistsError: no --force)
     ├── EngineError       the rule engine failed during a screening
     └── SafetyError       generated text looked like a dose or a diagnosis
"""

from .version import __version__

__all__ = ["__version__", "load_ruleset", "screen", "validate_answers"]


def __getattr__(name):  # lazy: keep pydantic and durable out of `--help`
    if name == "load_ruleset":
        from .ruleset.loading import load_ruleset

        return load_ruleset
    if name == "screen":
        from .screening import screen

        return screen
    if name == "validate_answers":
        from .answers import validate_answers

        return validate_answers
    raise AttributeError(name)
