"""Stage 3, check: catch typos, drafting-rule breaks and inconsistencies before a decree is signed.

    check_decree(decree, ds) -> [Finding]     one resolved office-year; findings point into the YAML
    check_text(text, path)   -> [Finding]     the text rules on a raw text (e.g. a hand-typed decree)
    run_check(data, ...)     -> exit code     the `zi-docgen check` command

Rules (rule ids as printed; findings.RULES describes each one):

words (decree texts and raw text)
    spelling            Hunspell id_ID + project lexicon + the registry's names; *italic* words skipped
    confusion           known confusions and non-KBBI forms (tables.CONFUSIONS)
    undang-undang       "Undang-Undang" exactly; "Undang Undang", "Undang-undang", "UU Nomor …", split words
    term, term-case     fixed terms (Zona Integritas, Wilayah Bebas dari Korupsi, …) and their capitals
    spacing             a space before . , ; :
    date, day-name      dates exist; "hari Rabu tanggal 9 Maret 2022" names the right day
    area-name           outdated names of the six areas of PermenPANRB 90/2021
    rahmat              no "DENGAN RAHMAT TUHAN YANG MAHA ESA" in a Keputusan
    end-punct           a paragraph or list item of the Lampiran ends with punctuation
drafting (Lampiran II UU 12/2011 and KPU practice)
    menimbang-bahwa, menimbang-end, menimbang-refs, decree-title, diktum-berlaku, title-year, seat,
    date-order, mengingat-gazette, mengingat-gazette-year, mengingat-amendment, mengingat-date,
    mengingat-id, mengingat-duplicate
consistency
    area-name, area-order, area-intro, target-order, target-cumulative, target-missing, duplicate
raw text only (hand-typed text, where people type what the tool computes)
    foreign-text, mengingat-end, mengingat-order, menetapkan, lampiran-header, date-agree,
    heading-dash, area-consistency, target-range
placeholders
    placeholder         not an error: a value not known yet (listed separately)
"""
from __future__ import annotations

import dataclasses

import json
import time
from pathlib import Path

from ..errors import DataError, ZiError
from ..i18n import _
from .decree import check_decree
from .findings import Finding
from .placeholders import report as placeholder_report


def check_text(text: str, path: str, *, extra_words=()) -> list[Finding]:
    """The text rules on a raw text (check/raw.py); imported on use, since a build never needs them."""
    from .raw import check_text as run

    return run(text, path, extra_words=extra_words)


__all__ = ["Finding", "check_decree", "check_text", "run_check", "check_offices"]


def check_offices(ds, year: int, offices: list[str]) -> list[Finding]:
    """Findings of several offices; a finding in text they share is reported once (office=None)."""
    from ..resolve.decree import resolve

    merged: dict[tuple, list] = {}
    for oid in offices:
        try:
            found = check_decree(resolve(ds, year, oid), ds)  # shared text: computed once (RunCache)
        except ZiError as exc:  # a data mistake that stops this office: report it with the rest
            found = data_findings([exc])
        for f in found:
            merged.setdefault(f.key(), [f, []])[1].append(oid)
    out = []
    for f, oids in merged.values():
        office = None if len(oids) == len(offices) and len(offices) > 1 else ",".join(oids)
        out.append(dataclasses.replace(f, office=office))
    return sorted(out, key=Finding.sort_key)


def data_findings(errors) -> list[Finding]:
    """Mistakes found while loading the data, as error findings (rule "data")."""
    out = []
    for e in errors:
        for one in getattr(e, "errors", [e]):
            out.append(Finding(one.src, "error", "data", one.message, one.hint))
    return out


def run_check(data: Path, *, year: int | None, satkers: list[str], fmt: str, console) -> int:
    """`zi-docgen check`: 0 no errors (warnings allowed), 1 errors, 2 mistakes in the data (listed with the
    findings: every one, in one run) or a ZiError (could not run)."""
    from ..load.dataset import load_dataset

    if fmt not in ("text", "json"):
        raise DataError(_("unknown format '{fmt}'").format(fmt=fmt), None, _("use text or json"))
    started = time.perf_counter()
    ds = load_dataset(Path(data), tolerant=True)  # data mistakes are reported with the findings
    year = ds.require_year(year)
    offices = list(dict.fromkeys(satkers)) or list(ds.offices)
    for oid in offices:
        ds.office(oid)  # an unknown id is a DataError with a suggestion
    # A mistake that stops an office is found twice (loading, then resolving that office):
    # reported once, with the office it stopped.
    unique: dict[tuple, Finding] = {}
    for f in (*check_offices(ds, year, offices), *data_findings(ds.errors)):
        unique.setdefault(f.key(), f)
    findings = sorted(unique.values(), key=Finding.sort_key)
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity == "warning"]
    placeholders = [f for f in findings if f.severity == "placeholder"]
    notes = [f for f in findings if f.severity == "note"]
    if fmt == "json":
        console.out(json.dumps([f.to_json() for f in findings], ensure_ascii=False, indent=2), highlight=False)
    else:
        for f in (*errors, *warnings):
            console.out(_line(f), highlight=False)
        if notes:  # one line: the catalogue entries whose numbers nobody has checked yet
            where = sorted({f.src.file for f in notes if f.src})
            console.out(_("{n} legal base(s) unverified (no source in {file}): {names}").format(
                n=len(notes), file=", ".join(where) or "regulations.yaml",
                names="; ".join(f.message.split(":")[0] for f in notes)), highlight=False)
        names = {oid: ds.offices[oid].name for oid in offices}
        for text in placeholder_report(placeholders, names, year):
            console.out(text, highlight=False)
        elapsed = time.perf_counter() - started
        console.out("\n" + _("{errors} error(s), {warnings} warning(s), {placeholders} placeholder(s) in {offices} "
                             "satker, {year} ({seconds:.1f} s)").format(
            errors=len(errors), warnings=len(warnings), placeholders=len(placeholders), offices=len(offices),
            year=year, seconds=elapsed), highlight=False)
    # 2: the data has mistakes that kept parts of it from being checked (reported above)
    return 2 if ds.errors else 1 if errors else 0


def _line(f: Finding) -> str:
    line = f.format()
    if f.office and "," not in f.office and f.severity != "placeholder":
        line += f" [{f.office}]"
    elif f.office:
        n = f.office.count(",") + 1
        line += (" [" + _("{n} satker").format(n=n) + "]") if n > 1 else ""
    return line
