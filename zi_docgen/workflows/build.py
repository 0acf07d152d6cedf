"""The build: load → resolve → check → render → publish, for one year and many offices.

Each office is resolved, checked and rendered in a worker process (both cores);
a worker loads the data and compiles the templates once. All documents are
rendered before any is written, so bad data, check errors or a broken template
write nothing.
"""
from __future__ import annotations

import dataclasses
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from ..i18n import _
from ..errors import BuildRefused, OutputError, PdfError, Src, ZiError
from ..load.dataset import DataSet, load_dataset
from ..publish.files import ManifestEntry, atomic_write, ensure_dir, sha256, update_manifest
from ..publish.jdih import jdih_json
from ..render.renderer import Renderer
from ..resolve.decree import PlaceholderUse, resolve


@dataclass
class OfficeResult:
    """What a worker sends back for one office (small: no models, just bytes and facts)."""

    office: str
    draft: bool
    placeholders: list[PlaceholderUse]
    errors: list            # check findings of severity "error"
    docs: dict[str, bytes] | None
    jdih: bytes | None = None   # jdihn.json: the JDIH record (publish/jdih.py)


@dataclass
class BuildResult:
    year: int
    out_dir: Path
    offices: list[str] = field(default_factory=list)
    entries: list[ManifestEntry] = field(default_factory=list)

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


# ---------------------------------------------------------------- per office

@dataclass(frozen=True)
class _Job:
    year: int
    check: bool
    draft: bool      # --draft: render despite check errors, marked DRAFT
    final: bool      # --final: placeholders are refused, so rendering them is wasted


class _Worker:
    """Everything one process needs, made once: the data set and the compiled templates."""

    def __init__(self, data_dir: Path, templates_dir: Path, ds: DataSet | None = None):
        self.ds = ds or load_dataset(data_dir)
        self.renderer = Renderer(templates_dir)

    def run(self, job: _Job, office_id: str) -> OfficeResult:
        decree = resolve(self.ds, job.year, office_id)
        errors = []
        if job.check:
            from ..check import check_decree

            errors = [f for f in check_decree(decree, self.ds) if f.severity == "error"]
            if errors and job.draft:
                decree = dataclasses.replace(decree, forced_draft=True)
        render = not (errors and not job.draft) and not (job.final and decree.placeholders)
        docs = self.renderer.render_all(decree) if render else None
        jdih = jdih_json(decree) if render else None
        return OfficeResult(office_id, decree.is_draft, list(decree.placeholders), errors, docs, jdih)


_worker: _Worker | None = None


def _init_worker(data_dir: str, templates_dir: str) -> None:
    global _worker
    if _worker is None:  # spawned (Windows, macOS): nothing inherited, load here
        _worker = _Worker(Path(data_dir), Path(templates_dir))


def _run_in_worker(args: tuple[_Job, str]) -> OfficeResult:
    assert _worker is not None
    return _worker.run(*args)


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _fork_context():
    """Fork where the OS has it: workers then start with the parent's warm worker."""
    try:
        return multiprocessing.get_context("fork")
    except ValueError:
        return None


def run_offices(ds: DataSet, data_dir: Path, templates_dir: Path, job: _Job, offices: list[str], jobs: int,
                on_done: Callable[[str], None] | None = None) -> list[OfficeResult]:
    """Resolve, check and render every office; in a process pool when it pays off."""
    global _worker
    # The first office runs here: it fails fast on a broken template, and it
    # warms what every worker needs (compiled templates, the spelling
    # dictionary, the figure), which forked workers then inherit for free.
    worker = _Worker(data_dir, templates_dir, ds)
    out = [worker.run(job, offices[0])] if offices else []
    if on_done and offices:
        on_done(offices[0])
    rest = offices[1:]
    fork = _fork_context()
    # Spawned workers each load everything again (about a second): only worth it for many offices.
    if jobs <= 1 or len(rest) < (3 if fork else 40):
        for oid in rest:
            out.append(worker.run(job, oid))
            if on_done:
                on_done(oid)
        return out
    chunk = max(1, min(8, len(rest) // (jobs * 4)))
    _worker = worker if fork else None
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=fork, initializer=_init_worker,
                                 initargs=(str(data_dir), str(templates_dir))) as pool:
            for oid, res in zip(rest, pool.map(_run_in_worker, [(job, o) for o in rest], chunksize=chunk)):
                out.append(res)
                if on_done:
                    on_done(oid)
    finally:
        _worker = None
    return out


def build(data_dir: Path, out_dir: Path, templates_dir: Path, *, year: int | None = None,
          satkers: Sequence[str] = (), jobs: int | None = None, final: bool = False,
          draft: bool = False, pdf: bool = False, check: bool = True,
          on_start: Callable[[int], None] | None = None,
          on_done: Callable[[str], None] | None = None,
          dataset: DataSet | None = None) -> BuildResult:
    data_dir = Path(data_dir)
    ds = dataset or load_dataset(data_dir)
    year = ds.require_year(year)
    offices = select_offices(ds, satkers)
    ds.year(year)  # a broken year file fails here, before any worker starts
    year_dir = Path(out_dir) / str(year)
    ensure_dir(year_dir)
    if on_start:
        on_start(len(offices))
    job = _Job(year, check, draft, final)
    results = run_offices(ds, data_dir, Path(templates_dir), job, offices, jobs or default_jobs(), on_done)

    errors = [(r.office, f) for r in results for f in r.errors]
    if errors and not draft:
        oid, f = errors[0]
        raise BuildRefused(_("{n} check error(s), e.g. {rule}: {message} ({satker})").format(
            n=len(errors), rule=f.rule, message=f.message, satker=oid), f.src,
            _("run 'zi-docgen check' for the list; fix them, or build with --draft"))
    if final:
        pending = [(r.office, p) for r in results for p in r.placeholders]
        if pending:
            oid, p = pending[0]
            raise BuildRefused(_("{n} placeholder(s) remain, e.g. [{text}] for {satker}").format(
                n=len(pending), text=p.text, satker=oid), p.src,
                _("fill them in, or build without --final to get DRAFT documents"))

    result = BuildResult(year, year_dir, offices=offices)
    for r in results:
        assert r.docs is not None
        for name, data in r.docs.items():
            rel = f"{r.office}/{name}.docx"
            atomic_write(year_dir / rel, data)
            result.entries.append(ManifestEntry(r.office, name, rel, sha256(data),
                                                "draft" if r.draft else "final", len(r.placeholders)))
        if r.jdih is not None:
            atomic_write(year_dir / r.office / "jdihn.json", r.jdih)
    if pdf:
        result.entries.extend(_publish_pdfs(year_dir, result.entries, jobs or default_jobs()))
    update_manifest(year_dir, year, result.entries)
    return result


def _publish_pdfs(year_dir: Path, entries: list[ManifestEntry], workers: int) -> list[ManifestEntry]:
    from ..publish.pdf import convert_to_pdf

    docx = [year_dir / e.file for e in entries]
    try:
        pdfs = convert_to_pdf(docx, workers=workers)
    except PdfError as exc:
        raise OutputError(exc.message, Src.of(year_dir), exc.hint) from None
    out = []
    for e, path in zip(entries, pdfs):
        rel = path.relative_to(year_dir).as_posix()
        out.append(ManifestEntry(e.office, f"{e.document}.pdf", rel, sha256(path.read_bytes()), e.status,
                                 e.placeholders))
    return out
