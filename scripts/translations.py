"""Keep the gettext catalogues of the program's own words up to date (uses Babel).

    python scripts/translations.py extract   # code + templates -> screener/locale/screener.pot
    python scripts/translations.py update    # merge the .pot into every <lang>/.../screener.po
    python scripts/translations.py compile   # every .po -> its .mo (committed, see below)
    python scripts/translations.py check     # exit 1 if the .pot, a .po or a .mo is stale
    python scripts/translations.py init fr   # start a new language's .po from the .pot

The compiled .mo files are committed beside their .po: an editable install
(`pip install -e .`) runs no build step, so a catalogue compiled at install time would
be missing from a fresh clone; at run time only the standard library's gettext reads
them, and Babel is needed only here (it comes with the `test` extra). The tests run
`check`, so a forgotten `compile` or an untranslated text fails them.

A new language: `init <lang>` writes screener/locale/<lang>/LC_MESSAGES/screener.po
(empty msgstrs, the language's plural rule in the header); translate every msgstr (the
Spanish .po beside it shows each text in context), then run `compile`.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "screener"
LOCALE = PACKAGE / "locale"
POT = LOCALE / "screener.pot"
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
METHODS = [("**/templates/**.j2", "jinja2.ext:babel_extract"), ("**.py", "python")]
OPTIONS = {"**/templates/**.j2": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}


def extract():
    """The catalogue of every marked text in the package, in source order."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="screener", domain="screener", charset="utf-8",
                      fuzzy=False, header_comment="# The program's own words (screener).")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PACKAGE), METHODS, OPTIONS, KEYWORDS, comment_tags=("TRANSLATORS:",)):
        if filename.startswith("locale"):
            continue
        catalog.add(message, None, [(f"screener/{filename}", lineno)],
                    auto_comments=comments, context=context)
    return catalog


def po_files() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/screener.po"))


def _pot_bytes(catalog) -> bytes:
    from babel.messages.pofile import write_po

    out = io.BytesIO()
    # file names without line numbers: an edit that only moves a text does not make
    # the catalogues stale
    write_po(out, catalog, omit_header=True, sort_output=False, width=88, include_lineno=False)
    return out.getvalue()


def _mo_bytes(po_path: Path) -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=po_path.parent.parent.name)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def problems() -> list[str]:
    """What is stale or missing: the .pot against the code, each .po against the .pot
    (untranslated, fuzzy, obsolete) and each .mo against its .po."""
    from babel.messages.pofile import read_po

    found = []
    template = extract()
    if not POT.is_file() or POT.read_bytes() != _pot_bytes(template):
        found.append(f"{POT.relative_to(ROOT)} is stale: run `python scripts/translations.py "
                     "extract` (then update, translate, compile)")
    wanted = {m.id for m in template if m.id}
    for po in po_files():
        rel = po.relative_to(ROOT)
        with po.open("rb") as fh:
            catalog = read_po(fh)
        have = {m.id: m for m in catalog if m.id}
        for msgid in sorted(wanted - have.keys(), key=str):
            found.append(f"{rel}: no entry for {msgid!r} (run update)")
        for msgid, message in have.items():
            if msgid not in wanted:
                found.append(f"{rel}: {msgid!r} is no longer in the code (run update)")
            elif not message.string or (isinstance(message.string, tuple)
                                        and not all(message.string)):
                found.append(f"{rel}: {msgid!r} is not translated")
            elif message.fuzzy:
                found.append(f"{rel}: {msgid!r} is marked fuzzy: check and unmark it")
        mo = po.with_suffix(".mo")
        if not mo.is_file() or mo.read_bytes() != _mo_bytes(po):
            found.append(f"{mo.relative_to(ROOT)} is stale: run `python scripts/translations.py "
                         "compile`")
    return found


def main(argv: list[str]) -> int:
    from babel.messages.pofile import read_po, write_po

    command = argv[0] if argv else "check"
    if command == "extract":
        POT.parent.mkdir(parents=True, exist_ok=True)
        POT.write_bytes(_pot_bytes(extract()))
        print(f"wrote {POT.relative_to(ROOT)}")
    elif command == "update":
        template = extract()
        for po in po_files():
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=po.parent.parent.name)
            catalog.update(template, update_header_comment=False)
            out = io.BytesIO()
            write_po(out, catalog, sort_output=False, width=88, ignore_obsolete=True,
                     include_lineno=False)
            po.write_bytes(out.getvalue())
            print(f"updated {po.relative_to(ROOT)}")
    elif command == "compile":
        for po in po_files():
            po.with_suffix(".mo").write_bytes(_mo_bytes(po))
            print(f"compiled {po.with_suffix('.mo').relative_to(ROOT)}")
    elif command == "init":
        from babel.messages.catalog import Catalog

        if len(argv) != 2:
            print("usage: python scripts/translations.py init LANG   (e.g. fr)")
            return 2
        lang = argv[1]
        po = LOCALE / lang / "LC_MESSAGES" / "screener.po"
        if po.exists():
            print(f"{po.relative_to(ROOT)} already exists: use update")
            return 2
        catalog = Catalog(locale=lang, domain="screener", project="screener", fuzzy=False)
        catalog.update(extract(), update_header_comment=False)
        po.parent.mkdir(parents=True)
        out = io.BytesIO()
        write_po(out, catalog, sort_output=False, width=88, include_lineno=False)
        po.write_bytes(out.getvalue())
        print(f"wrote {po.relative_to(ROOT)}: translate every msgstr, then run compile")
    elif command == "check":
        found = problems()
        for line in found:
            print(line)
        print(f"{len(found)} problem(s)" if found else "catalogues up to date")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
