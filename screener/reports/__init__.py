"""Output formats, registered by name (one module each, imported only when used).

Each format module defines ``render(result, ruleset, view) -> str | bytes`` plus
``EXTENSION`` and ``BINARY``. Add a format by adding a module and a line here.
"""

from __future__ import annotations

import importlib

from ..i18n import N_, _

VIEWS = ("person", "clinician")
#: Formats for programs, not people: the same bytes whatever the language (ids and
#: codes, with the rules' own English texts), like the answers file.
MACHINE_FORMATS = ("json", "fhir")

#: format name -> module (relative to this package)
FORMATS: dict[str, str] = {
    "text": ".text",
    "json": ".json_format",
    "md": ".markdown",
    "html": ".html",
    "pdf": ".pdf",
    "fhir": ".fhir",
}

#: how a format is named to a person choosing one (menus), by format name
LABELS: dict[str, str] = {
    "text": N_("Plain text"),
    "json": N_("JSON (.json, for programs)"),
    "md": N_("Markdown (.md)"),
    "html": N_("Web page (.html)"),
    "pdf": N_("PDF (.pdf)"),
    "fhir": N_("HL7 FHIR (.fhir.json, for health record systems)"),
}


def get_format(name: str):
    """The module rendering ``name``; a clear error lists the valid ones."""
    if name not in FORMATS:
        raise ValueError(_("unknown format '{name}'; choose one of: {formats}").format(
            name=name, formats=", ".join(FORMATS)))
    return importlib.import_module(FORMATS[name], __name__)


def render(result, ruleset, fmt: str = "text", view: str = "person", **options):
    """Render a result, then check it for dose-like text before anyone sees it.

    ``options`` go to the format's ``render`` (e.g. ``paper="letter"`` for pdf); binary
    formats check their words themselves before laying them out."""
    from ..safety import ensure_safe_text

    if view not in VIEWS:
        raise ValueError(_("unknown view '{view}'; choose one of: {views}").format(
            view=view, views=", ".join(VIEWS)))
    module = get_format(fmt)
    if fmt in MACHINE_FORMATS:
        return _render_language_neutral(fmt, module, result, ruleset, view, **options)
    output = module.render(result, ruleset, view, **options)
    if isinstance(output, str):
        ensure_safe_text(output, f"the {fmt} output")
    return output


def _render_language_neutral(fmt, module, result, ruleset, view, **options):
    from ..i18n import language
    from ..ruleset.loading import load_ruleset
    from ..safety import ensure_safe_text
    from ..screening import in_language

    if ruleset.language != "en":
        ruleset = load_ruleset(ruleset.folder)
        result = in_language(result, ruleset)
    with language("en"):
        output = module.render(result, ruleset, view, **options)
    return ensure_safe_text(output, f"the {fmt} output")
