"""Extract the messages from zi_docgen/ and update + compile the catalogs (Babel).

    python tools/i18n.py            # extract, update locale/{id,en}/LC_MESSAGES/zi_docgen.po, compile .mo
    python tools/i18n.py --check    # exit 1 if a catalog is out of date or a message lacks a translation

Messages are English in the code. The English catalog is filled with the msgid
itself (edit it to reword the English without touching code); a new message
gets an empty Indonesian msgstr, which tests/test_i18n.py rejects until
someone translates it. Obsolete entries are dropped. The .po files carry no
line numbers so that two people adding messages rarely conflict.
"""
from __future__ import annotations

import argparse
import io
import sys
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "zi_docgen"
LOCALE_DIR = PACKAGE / "locale"
DOMAIN = "zi_docgen"
LANGUAGES = ("id", "en")
# Fixed header dates: a date that changes on every run would make every run a diff.
STAMP = datetime(2026, 1, 1, tzinfo=timezone.utc)
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}


def extract() -> Catalog:
    template = Catalog(domain=DOMAIN, project="zi-docgen", creation_date=STAMP, revision_date=STAMP)
    method_map = [("**/locale/**", "ignore"), ("**.py", "python")]
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PACKAGE), method_map=method_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True):
        if not message or (isinstance(message, tuple) and not message[0]):
            continue
        template.add(message, None, [(f"zi_docgen/{filename}", lineno)], auto_comments=comments,
                     context=context)
    return template


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def updated(lang: str, template: Catalog) -> Catalog:
    path = po_path(lang)
    if path.exists():
        with path.open("rb") as f:
            catalog = read_po(f, locale=lang, domain=DOMAIN)
    else:
        catalog = Catalog(locale=lang, domain=DOMAIN, project="zi-docgen", creation_date=STAMP)
    catalog.creation_date = STAMP
    catalog.revision_date = STAMP
    # Fuzzy matching would guess translations from similar English; a wrong guess in a
    # legal tool is worse than an empty string that the test catches.
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    if lang == "en":
        for msg in catalog:
            if not msg.id:
                continue
            if isinstance(msg.id, tuple):
                if not any(msg.string):
                    msg.string = tuple(msg.id)
            elif not msg.string:
                msg.string = msg.id
    return catalog


def po_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, no_location=True, sort_output=True, omit_header=False)
    return buf.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="change nothing; exit 1 if anything is out of date")
    args = ap.parse_args(argv)
    template = extract()
    stale = []
    for lang in LANGUAGES:
        catalog = updated(lang, template)
        po, mo = po_path(lang), po_path(lang).with_suffix(".mo")
        new_po, new_mo = po_bytes(catalog), mo_bytes(catalog)
        for path, data in ((po, new_po), (mo, new_mo)):
            if not path.exists() or path.read_bytes() != data:
                stale.append(path)
                if not args.check:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data)
        missing = [m.id for m in catalog if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)]
        for mid in missing:
            print(f"{po.relative_to(ROOT)}: untranslated: {mid!r}", file=sys.stderr)
    if args.check and stale:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)} (run: python tools/i18n.py)", file=sys.stderr)
        return 1
    print(f"{len(template)} messages; {'checked' if args.check else 'wrote'} {', '.join(LANGUAGES)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
