"""The build: load → resolve → (check) → render → publish, for one year and many offices.

Rendering is the expensive part, so it runs in a process pool (both cores);
each worker process compiles the templates once. All documents are rendered
before any is written, so bad data or a broken template writes nothing.
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .errors import DataError, Src, ZiError
from .load import DataSet, load_dataset
from .model import Id
from .publish import ManifestEntry, atomic_write, ensure_dir, sha256, update_manifest
from .render import TEMPLATE_NAMES, Renderer
from .resolve import Decree, resolve


class BuildRefused(ZiError):
    """The build would produce something the user asked not to get (exit status 1)."""


@dataclass
class BuildResult:
    year: int
    out_dir: Path
    entries: list[ManifestEntry] = field(default_factory=list)
    decrees: list[Decree] = field(default_factory=list)

    @property
    def drafts(self) -> list[str]:
        return sorted({e.office for e in self.entries if e.status == "draft"})


def select_offices(ds: DataSet, satkers: Sequence[str]) -> list[str]:
    if not satkers:
        return list(ds.offices)
    out = []
    for sid in satkers:
        ds.office(sid)  # raises a DataError naming the registry, with a suggestion
        if sid not in out:
            out.append(sid)
    return out


def resolve_all(ds: DataSet, year: int, offices: Iterable[str]) -> list[Decree]:
    return [resolve(ds, year, oid) for oid in offices]


# ---------------------------------------------------------------- rendering

_worker_renderer: Renderer | None = None


def _init_worker(templates_dir: str) -> None:
    global _worker_renderer
    _worker_renderer = Renderer(Path(templates_dir))


def _render_one(decree: Decree) -> dict[str, bytes]:
    assert _worker_renderer is not None
    return {name: _worker_renderer.render(decree, name) for name in TEMPLATE_NAMES}


def render_all(decrees: list[Decree], templates_dir: Path, jobs: int,
               on_done: Callable[[Decree], None] | None = None) -> list[dict[str, bytes]]:
    """Render every decree; in a process pool when it pays off."""
    if jobs <= 1 or len(decrees) < 3:
        renderer = Renderer(templates_dir)
        out = []
        for d in decrees:
            out.append({name: renderer.render(d, name) for name in TEMPLATE_NAMES})
            if on_done:
                on_done(d)
        return out
    # Fail fast on a broken template in this process, before starting workers.
    Renderer(templates_dir)._template("keputusan")
    Renderer(templates_dir)._template("lampiran")
    chunk = max(1, min(8, len(decrees) // (jobs * 4)))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                             initargs=(str(templates_dir),)) as pool:
        out = []
        for d, docs in zip(decrees, pool.map(_render_one, decrees, chunksize=chunk)):
            out.append(docs)
            if on_done:
                on_done(d)
        return out


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def build(data_dir: Path, out_dir: Path, templates_dir: Path, *, year: int | None = None,
          satkers: Sequence[str] = (), jobs: int | None = None, final: bool = False,
          draft: bool = False, pdf: bool = False,
          on_start: Callable[[int], None] | None = None,
          on_done: Callable[[Decree], None] | None = None,
          dataset: DataSet | None = None) -> BuildResult:
    ds = dataset or load_dataset(data_dir)
    year = year or ds.latest_year
    if year not in ds.years:
        known = ", ".join(map(str, ds.years)) or "none"
        raise DataError(f"unknown year {year}", Src.of(data_dir), f"years in the data folder: {known}")
    offices = select_offices(ds, satkers)
    decrees = resolve_all(ds, year, offices)
    if final:
        pending = [(d.office.id, p) for d in decrees for p in d.placeholders]
        if pending:
            oid, p = pending[0]
            raise BuildRefused(f"{len(pending)} placeholder(s) remain, e.g. [{p.text}] for {oid}", p.src,
                               "fill them in, or build without --final to get DRAFT documents")
    year_dir = Path(out_dir) / str(year)
    ensure_dir(year_dir)
    if on_start:
        on_start(len(decrees))
    rendered = render_all(decrees, templates_dir, jobs or default_jobs(), on_done)
    result = BuildResult(year, year_dir, decrees=decrees)
    for d, docs in zip(decrees, rendered):
        for name, data in docs.items():
            rel = f"{d.office.id}/{name}.docx"
            atomic_write(year_dir / rel, data)
            result.entries.append(ManifestEntry(d.office.id, name, rel, sha256(data),
                                                "draft" if d.is_draft else "final", len(d.placeholders)))
    if pdf:
        result.entries.extend(_publish_pdfs(year_dir, result.entries, jobs or default_jobs()))
    update_manifest(year_dir, year, result.entries)
    return result


def _publish_pdfs(year_dir: Path, entries: list[ManifestEntry], workers: int) -> list[ManifestEntry]:
    from .errors import OutputError
    from .pdf import PdfError, convert_to_pdf

    docx = [year_dir / e.file for e in entries]
    try:
        pdfs = convert_to_pdf(docx, workers=workers)
    except PdfError as exc:
        raise OutputError(str(exc), Src.of(year_dir)) from None
    out = []
    for e, path in zip(entries, pdfs):
        rel = path.relative_to(year_dir).as_posix()
        out.append(ManifestEntry(e.office, f"{e.document}.pdf", rel, sha256(path.read_bytes()), e.status,
                                 e.placeholders))
    return out
