"""argparse's own words ("usage:", "the following arguments are required: ...") in the
person's language, from our catalogue.

argparse looks its messages up with the standard library's ``gettext`` in the default
domain, where no catalogue of ours is bound, so under ``--lang es`` a usage error came
out half English. ``speak_through_catalogue`` points argparse's two lookup functions at
``screener.i18n`` (English stays English: no catalogue is opened for it). The messages
are marked here, spelled exactly as argparse writes them, so that
``scripts/translations.py extract`` puts them in our catalogue; a message a later
Python spells differently is simply shown in English.

Some of them ("positional arguments", "options", the help option's text) are looked up
when a parser is built, so the language is set before the parser is (cli.main).
"""

from __future__ import annotations

from ..i18n import N_, ngettext

#: the messages argparse shows to a person who typed a command (not those for a
#: programmer who built a parser wrongly)
MESSAGES = (
    N_("usage: "),
    N_("%(prog)s: error: %(message)s\n"),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("the following arguments are required: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unrecognized arguments: %s"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("one of the arguments %s is required"),
    N_("can't open '%(filename)s': %(error)s"),
)


def _plural_messages(n: int) -> str:
    """Marks argparse's one plural message for extraction (never called)."""
    return ngettext("expected %s argument", "expected %s arguments", n)


def speak_through_catalogue() -> None:
    """From now on argparse says its words in ``screener.i18n``'s current language."""
    import argparse

    from .. import i18n

    # the names argparse imported from gettext (typeshed declares only its public API)
    argparse._ = i18n.gettext  # type: ignore[attr-defined]
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]
