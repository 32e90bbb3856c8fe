"""Jinja2 set-up shared by the template-based formats (imported only by them).

Templates are data: they live in ``screener/templates/``; their words are marked
``{{ _("...") }}`` for the gettext catalogues (see screener/i18n.py). HTML is autoescaped;
Markdown text goes through the ``md`` filter so answers or rule text cannot break
the layout. Undefined names are errors, so a typo in a template fails the tests.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


#: where GitHub-flavoured Markdown would start a link by itself (its "autolink"
#: extension): 'www.' and '://'. Escaping the '.' or the ':' stops it.
_AUTOLINK = re.compile(r"(?i)(?<=www)\.|:(?=//)")


#: a line break with the spaces around it: inside one Markdown paragraph a break reads
#: as a space, so it becomes one (a text can never start a line, a heading or a list)
_BREAK = re.compile(r"[ \t]*[\r\n\v\f\x85\u2028\u2029][\s]*")


def md_escape(text) -> str:
    """Escape the characters Markdown would read as markup, and the starts of the
    links GFM makes by itself: a respondent id such as 'www.example.com' is text,
    never a live link. (Addresses with '@' cannot be escaped that way; ids cannot
    hold one.) A line break becomes a space: a text is laid out where the template
    puts it, and a '#' after a break cannot start a heading (one-line texts such as
    titles are refused at load when they break; prose may, and reads the same)."""
    text = _BREAK.sub(" ", str(text))
    return _AUTOLINK.sub(r"\\\g<0>", _MD_SPECIAL.sub(r"\\\1", text))


def refs_md(numbers) -> str:
    return "".join(f"[{n}]" for n in numbers)


@cache
def environment(html: bool):
    import jinja2

    from .. import i18n

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=html, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"])
    # _("...") in a template: the program's words in the current language (i18n.py)
    # (a method the i18n extension adds at run time: jinja2's types do not declare it)
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True)
    env.filters["md"] = md_escape
    env.filters["refs_md"] = refs_md
    return env


def render_template(name: str, html: bool, **context) -> str:
    text = environment(html).get_template(name).render(**context)
    # collapse the blank lines left by skipped blocks: stable, tidy output
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
