"""The rules folder, turned into checked, compiled rules: the first stage of a screening.

In pipeline order: ``folder`` finds the folder and hashes it; ``yaml_source`` reads each
YAML file keeping its lines (``yaml_cache`` keeps parses while a lint rereads);
``loading`` (with ``loading_reader``, ``loading_items`` and
``cross_checks``) builds the pydantic ``models`` and checks what refers to what,
collecting ``problems`` worded for authors (``messages``, ``yaml_spelling``); ``locales``
lays a translation over the rules (``locale_checks`` checks it) and ``consistency`` the
confirmation questions; ``conditions`` is the condition language (``condition_syntax``
parses it, ``condition_code`` compiles it to Python, ``condition_json`` to durable JSON,
``condition_words`` says it in words); ``facts`` names what rules read besides answers,
``risk_reading`` the worse reading of a triage rule's risk, and ``compiler`` puts the
rules in layers for the engines.

Nothing here imports the engines or the screening: see docs/architecture.md.
"""
