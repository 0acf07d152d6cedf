"""`zi-docgen import` and `zi-docgen check FILE.docx`: an office's hand-typed decree → its data."""
from __future__ import annotations

import json
from pathlib import Path

from ..check import check_text
from ..check.findings import Finding
from ..errors import Src
from ..ingest.docxread import as_lines, read_docx


# ---------------------------------------------------------------- check FILE.docx

def registry_words(data: Path) -> set[str]:
    """Names of offices and people in the registry: right although no dictionary has them."""
    import re

    from ..load.dataset import load_dataset

    words: set[str] = set()
    for o in load_dataset(data).offices.values():
        for value in (o.name, o.short_name, o.province, o.seat, o.ketua.name, o.salinan.name):
            if isinstance(value, str):
                words.update(re.findall(r"[\w'-]+", value))
    return words


def check_docx_findings(paths: list[Path], extra_words: tuple[str, ...] = ()) -> list[tuple[str, int, Finding]]:
    """The raw-text rules over hand-typed documents: (file, ¶N, finding) in document order."""
    docs = [read_docx(p) for p in paths]
    text, where = as_lines(docs)
    out = []
    for f in check_text(text, "<docx>", extra_words=extra_words):
        line = f.src.line if f.src else 0
        file, n = where[line - 1] if 0 < line <= len(where) else (docs[0].file, 0)
        out.append((file, n, f))
    return out


def run_check_docx(paths: list[Path], *, fmt: str, console, data: Path | None = None) -> int:
    """Print `FILE.docx:¶N: severity rule: message`; exit 1 when there are errors."""
    extra: tuple[str, ...] = ()
    if data is not None and (Path(data) / "offices.yaml").is_file():
        extra = tuple(registry_words(data))
    found = check_docx_findings(paths, extra)
    if fmt == "json":
        rows = []
        for file, n, f in found:
            d = f.to_json()
            d.update(file=file, paragraph=n)
            d.pop("line", None)
            d.pop("col", None)
            rows.append(d)
        console.print(json.dumps(rows, ensure_ascii=False, indent=1), markup=False)
    else:
        for file, n, f in found:
            tail = f" ({f.suggestion})" if f.suggestion else ""
            console.print(f"{file}:¶{n}: {f.severity} {f.rule}: {f.message}{tail}", markup=False)
        errors = sum(1 for *_, f in found if f.severity == "error")
        console.print(f"{len(found)} finding(s), {errors} error(s)", markup=False)
    return 1 if any(f.severity == "error" for *_, f in found) else 0


__all__ = ["check_docx_findings", "run_check_docx", "Src"]
