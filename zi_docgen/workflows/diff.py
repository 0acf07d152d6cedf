"""`zi-docgen diff OLD NEW`: what changed between two years, or between two .docx files.

Two years: both years are resolved for one office and compared item by item
(compare.decrees). Two .docx files: paragraphs and table cells compared in
order (compare.documents). Output: text, HTML or JSON (compare.output). Exit
status like diff(1): 0 identical, 1 different, 2 trouble (ZiError).

--redline FILE.docx writes NEW with Word tracked changes against OLD
(compare.redline; author "zi-docgen", a fixed date, so the bytes depend on the
inputs only). For two .docx files that is FILE.docx. For two years the office's
documents of both years are rendered and the decree is delivered as the two
documents it is signed as: FILE.docx is the Keputusan and FILE-lampiran.docx the
Lampiran, both with tracked changes. Both are written or neither.
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

from rich.console import Console

from ..compare.decrees import compare_decrees
from ..compare.documents import diff_documents
from ..compare.output import emit, print_text, to_html, to_json
from ..compare.redline import write_redlines
from ..compare.report import Report
from ..errors import Src, ZiError
from ..i18n import _

DEFAULT_OFFICE = "prov-kalbar"


def lampiran_path(redline: Path) -> Path:
    """Where the Lampiran's redline goes when FILE.docx holds the Keputusan's."""
    return redline.with_name(f"{redline.stem}-lampiran{redline.suffix}")


def redline_decrees(d0, d1, templates: Path, redline: Path) -> list[dict]:
    """Render one office's documents of both years; FILE.docx = Keputusan, FILE-lampiran.docx = Lampiran."""
    from ..render.renderer import Renderer

    renderer = Renderer(Path(templates))
    with tempfile.TemporaryDirectory(prefix="zi-docgen-redline-") as tmp:
        pairs = []
        for name, out in (("keputusan", redline), ("lampiran", lampiran_path(redline))):
            paths = []
            for side, d in (("old", d0), ("new", d1)):
                p = Path(tmp) / f"{name}-{side}.docx"
                p.write_bytes(renderer.render(d, name))
                paths.append(p)
            pairs.append((paths[0], paths[1], out))
        written = write_redlines(pairs)
    for w, name in zip(written, ("keputusan", "lampiran")):
        w["document"] = name
    return written


def _resolve_pair(data: Path, old: int, new: int, office_id: str | None):
    """Both years' decrees for one office (default prov-kalbar, else the registry's first)."""
    from ..load.dataset import load_dataset
    from ..resolve.decree import resolve

    ds = load_dataset(Path(data))
    oid = office_id or (DEFAULT_OFFICE if DEFAULT_OFFICE in ds.offices else next(iter(ds.offices)))
    ds.office(oid)  # an unknown --satker is a DataError with a suggestion
    return ds, resolve(ds, old, oid), resolve(ds, new, oid)


def _year_report(ds, d0, d1) -> Report:
    return Report("years", str(d0.year), str(d1.year), compare_decrees(d0, d1),
                  office=d1.office.id, office_name=d1.office.short_name)


def diff_years(data: Path, old: int, new: int, office_id: str | None) -> Report:
    return _year_report(*_resolve_pair(data, old, new, office_id))


_YEAR_ARG = re.compile(r"^\d{4}$")


def _arg_kind(arg: str) -> str:
    if arg.lower().endswith(".docx"):
        return "docx"
    if _YEAR_ARG.match(arg):
        return "year"
    raise ZiError(_("'{arg}' is neither a year nor a .docx file").format(arg=arg), None,
                  _("e.g. zi-docgen diff 2026 2027, or zi-docgen diff old.docx new.docx"))


def run_diff(old: str, new: str, *, data: Path, satker: str | None, fmt: str, redline: Path | None,
             templates: Path, console: Console) -> int:
    """Compare two years or two .docx files; print the report in `fmt`; 0 identical, 1 different."""
    kinds = {_arg_kind(old), _arg_kind(new)}
    if len(kinds) != 1:
        raise ZiError(_("cannot compare '{old}' with '{new}'").format(old=old, new=new), None,
                      _("give two years or two .docx files"))
    if fmt not in ("text", "html", "json"):
        raise ZiError(_("unknown format '{fmt}'").format(fmt=fmt), None, _("use text, html or json"))
    if redline is not None and redline.suffix.lower() != ".docx":
        raise ZiError(_("the redline file must end in .docx"), Src.of(redline),
                      _("e.g. {example}").format(example="--redline perubahan.docx"))
    if kinds == {"year"}:
        ds, d0, d1 = _resolve_pair(data, int(old), int(new), satker)
        report = _year_report(ds, d0, d1)
        if redline is not None:
            report.redlines = redline_decrees(d0, d1, templates, redline)
    else:
        report = diff_documents(Path(old), Path(new))
        if redline is not None:
            report.redlines = write_redlines([(Path(old), Path(new), redline)])
            report.redlines[0]["document"] = "document"
    if fmt == "json":
        emit(console, to_json(report))
    elif fmt == "html":
        emit(console, to_html(report))
    else:
        print_text(report, console)
    return 0 if report.identical else 1
