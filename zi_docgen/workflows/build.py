"""The build: load → resolve → check → render → publish, for one year and many offices.

Each office is resolved, checked and rendered in a worker process (both cores);
a worker loads the data and compiles the templates once. All documents are
rendered before any is written, so bad data, check errors or a broken template
write nothing.
"""
from __future__ import annotations

import contextlib
import dataclasses
import gc
import multiprocessing
import multiprocessing.connection
import os
import pickle
import shutil
import signal
import sys
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from ..errors import BuildInterrupted, BuildRefused, OutputError, PdfError, Src, ZiError, display_path
from ..i18n import _
from ..load.dataset import DataSet, load_dataset
from ..publish.jdih import jdih_json
from ..publish.transaction import ManifestEntry, Publication
from ..render.renderer import TEMPLATE_NAMES, Renderer
from ..resolve.decree import PlaceholderUse, resolve


@dataclass
class OfficeResult:
    """What a worker sends back for one office (small: no models, just bytes and facts)."""

    office: str
    draft: bool
    placeholders: list[PlaceholderUse]
    errors: list            # check findings of severity "error"
    docs: dict[str, bytes] | None


@dataclass
class BuildResult:
    year: int
    out_dir: Path
    offices: list[str] = field(default_factory=list)
    entries: list[ManifestEntry] = field(default_factory=list)
    kept: int = 0                        # manifest entries of other offices, kept as they were
    set_aside: Path | None = None        # where files the build did not write were moved
    set_aside_files: list[str] = field(default_factory=list)

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
        if docs is not None:
            docs["jdihn.json"] = jdih_json(decree)   # the JDIH record, published with the documents
        return OfficeResult(office_id, decree.is_draft, list(decree.placeholders), errors, docs)


_worker: _Worker | None = None
_results_dir: Path | None = None


def _die_with_parent(parent_pid: int) -> None:
    """Make this worker process end when the build that started it ends, even on kill -9."""
    if sys.platform.startswith("linux"):
        try:  # the kernel kills us the moment the parent dies
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid and os.name == "posix":
        os._exit(1)  # the parent died before we got here
    # Everywhere (Windows, macOS): the parent's sentinel becomes ready when it ends.
    parent = multiprocessing.parent_process()
    sentinel = getattr(parent, "sentinel", None)
    if sentinel is not None:
        def watch() -> None:
            multiprocessing.connection.wait([sentinel])
            os._exit(1)

        threading.Thread(target=watch, name="zi-docgen-parent-watch", daemon=True).start()


def _init_worker(data_dir: str, templates_dir: str, parent_pid: int, results_dir: str) -> None:
    global _worker, _results_dir
    _die_with_parent(parent_pid)
    _results_dir = Path(results_dir)
    # Ctrl-C reaches the whole process group: the parent alone decides, and stops us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker = _Worker(Path(data_dir), Path(templates_dir))


def _init_forked(parent_pid: int, results_dir: str) -> None:
    """A forked worker already holds the parent's _Worker: its data, templates and warm caches."""
    global _results_dir
    _die_with_parent(parent_pid)
    _results_dir = Path(results_dir)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_in_worker(args: tuple[_Job, str]) -> str:
    """Render one office and hand back the name of a file holding the result.

    The result itself (hundreds of kilobytes of DOCX) does not go through the
    pool's pipe: a worker killed in the middle of writing it (Ctrl-C stops the
    workers at once) would leave half a message there, and the pool's own thread
    would wait for the rest forever, so the process could never exit (CPython's
    ProcessPoolExecutor, seen on 3.11). A file name is one short write, which a
    pipe takes whole or not at all.
    """
    assert _worker is not None and _results_dir is not None
    try:
        res: object = _worker.run(*args)
    except Exception as exc:  # noqa: BLE001 - travels to the parent, which raises it
        res = exc
    fd, name = tempfile.mkstemp(dir=_results_dir, suffix=".pickle")
    with os.fdopen(fd, "wb") as f:
        pickle.dump(res, f, protocol=pickle.HIGHEST_PROTOCOL)
    return name


def _take_result(name: str) -> OfficeResult:
    path = Path(name)
    try:
        res = pickle.loads(path.read_bytes())
    finally:
        path.unlink(missing_ok=True)
    if isinstance(res, BaseException):
        raise res
    return res


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


@contextlib.contextmanager
def _sigint_ignored():
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    # SIG_IGN, not a handler: only an ignored disposition survives exec into the child. A Ctrl-C
    # in these few milliseconds of starting processes is lost; the next one is not.
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now (Ctrl-C, an error): do not wait for the offices they are on."""
    procs = list((getattr(pool, "_processes", None) or {}).values())  # no public API before Python 3.14
    for p in procs:
        try:
            p.kill()
        except (OSError, ValueError, AttributeError):
            pass
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        try:
            p.join(1)
        except (OSError, ValueError, AttributeError, AssertionError):
            pass


# Offices; below this the build runs in this process alone. The fault tests lower it
# (ZI_DOCGEN_SPAWN_FROM) so that a 15-office build has workers to kill.
SPAWN_FROM = int(os.environ.get("ZI_DOCGEN_SPAWN_FROM", "40") or 40)
# Offices from which a forked worker pays off: forking costs milliseconds, an office about 0.1 s.
FORK_FROM = 4


def _can_fork() -> bool:
    """Whether a worker may be forked from this process instead of spawned.

    A forked worker starts with everything this process has made (the data, the
    compiled templates, the spelling dictionary), so it costs milliseconds where a
    spawned one costs an interpreter start and a second of loading. Only on Linux,
    where fork is the usual way (macOS's system libraries do not survive it, Windows
    has none), and only with no other thread running: a lock another thread holds at
    the fork would stay locked forever in the child. The web editor builds from a
    thread, so it never forks. ZI_DOCGEN_WORKERS=spawn turns forking off (the fault
    tests try both kinds of worker).
    """
    return (sys.platform.startswith("linux") and os.environ.get("ZI_DOCGEN_WORKERS", "") != "spawn"
            and threading.current_thread() is threading.main_thread() and threading.active_count() == 1)


def _warm_up(args: tuple[_Job, str]) -> float:
    """One office rendered and thrown away: the spelling dictionary, figure and template caches are
    filled before the worker is handed real work, so that it never holds the last office for long."""
    import time

    assert _worker is not None
    t = time.perf_counter()
    _worker.run(*args)
    return time.perf_counter() - t


def run_offices(ds: DataSet, data_dir: Path, templates_dir: Path, job: _Job, offices: list[str], jobs: int,
                on_done: Callable[[str], None] | None = None) -> list[OfficeResult]:
    """Resolve, check and render every office: here and, when it pays off, in spawned workers.

    Workers are started with the ``spawn`` method everywhere (Windows and macOS
    have nothing else), so each one imports, loads the data and compiles the
    templates itself, which takes a second or more. This process does not wait
    for them: it works through the offices from the end of the list, and a
    worker is handed the next office from the front only once it is up and
    has finished its previous one. A small set is thus done before the workers
    are even up (they are then stopped), and a large one is shared.
    """
    done: dict[str, OfficeResult] = {}
    todo = list(offices)
    lock = threading.Lock()
    outstanding: dict[str, object] = {}

    def finish(oid: str, res: OfficeResult) -> None:
        done[oid] = res
        if on_done:
            on_done(oid)

    def take(front: bool) -> str | None:
        with lock:
            if not todo:
                return None
            return todo.pop(0) if front else todo.pop()

    global _worker
    pool = None
    results_dir: str | None = None
    n_workers = min(jobs - 1, len(offices) - 1)
    # A forked worker costs milliseconds (see _can_fork). A spawned one costs an interpreter
    # start, the data and the templates, and one office to warm up (seconds on a busy machine):
    # for a province's 15 offices that is more than it saves (bench/), so spawned workers are
    # only started for large sets.
    fork = n_workers >= 1 and len(offices) >= FORK_FROM and _can_fork()
    if fork:
        results_dir = tempfile.mkdtemp(prefix="zi-docgen-results-")
    elif n_workers >= 1 and len(offices) >= SPAWN_FROM:
        results_dir = tempfile.mkdtemp(prefix="zi-docgen-results-")
        with _sigint_ignored():  # it may start multiprocessing's resource tracker process
            pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_init_worker,
                                       initargs=(str(data_dir), str(templates_dir), os.getpid(), results_dir))

    def feed(_prev=None) -> None:
        # Runs in the pool's thread when a worker has become ready or finished an office.
        if _prev is not None and (_prev.cancelled() or _prev.exception() is not None):
            return
        oid = take(front=True)
        if oid is None or pool is None:
            return
        try:
            fut = pool.submit(_run_in_worker, (job, oid))
        except RuntimeError:  # the pool is shutting down: do it here
            with lock:
                todo.insert(0, oid)
            return
        with lock:
            outstanding[oid] = fut
        fut.add_done_callback(feed)

    try:
        if pool is not None:
            # Submitting starts the workers. Each warm worker is kept two offices ahead
            # (feed runs once per warm-up and once per finished office), so it never waits
            # for this busy process to hand it the next one. A spawned process inherits an ignored SIGINT through
            # exec, so Ctrl-C cannot reach it even while it is still importing (before
            # _init_worker runs); this process alone handles Ctrl-C, and stops them.
            with _sigint_ignored():
                for _ in range(n_workers):
                    warm = pool.submit(_warm_up, (job, offices[0]))
                    warm.add_done_callback(feed)
                    warm.add_done_callback(feed)
        # The first office runs here first: a broken template fails fast.
        worker = _Worker(data_dir, templates_dir, ds)
        first = take(front=True)
        if first is not None:
            finish(first, worker.run(job, first))
        if fork and todo:
            # Forked now, after the first office: the workers start with its warm caches.
            assert results_dir is not None
            _worker = worker
            gc.freeze()   # objects the children never free stay out of their collector (no copy on write)
            try:
                pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=multiprocessing.get_context("fork"),
                                           initializer=_init_forked, initargs=(os.getpid(), results_dir))
                with _sigint_ignored():   # the first submit forks; the children keep SIGINT ignored
                    # One office each at a time: a forked worker needs no cushion (the next office
                    # reaches it in a millisecond), and at the end this process waits for at
                    # most the one office a worker holds.
                    for _ in range(n_workers):
                        feed()
            finally:
                gc.unfreeze()
                _worker = None
        while (oid := take(front=False)) is not None:
            finish(oid, worker.run(job, oid))
        if pool is not None:
            with lock:
                waiting = dict(outstanding)
            for oid, fut in waiting.items():
                try:
                    res = _take_result(fut.result())
                except BrokenProcessPool:
                    # A worker could not start or was killed (out of memory): do its share here.
                    res = worker.run(job, oid)
                finish(oid, res)
    finally:
        # On Ctrl-C or an error, and also when this process has done the rest itself while
        # the workers were still starting up: nothing is left for them.
        if pool is not None:
            _stop_pool(pool)
        if results_dir is not None:
            shutil.rmtree(results_dir, ignore_errors=True)
    missing = [oid for oid in offices if oid not in done]
    for oid in missing:  # defensive: an office a failed hand-over left behind
        finish(oid, worker.run(job, oid))
    return [done[oid] for oid in offices]


def _file_name(name: str) -> str:
    # A rendered name without an extension is a Word document (keputusan -> keputusan.docx).
    return name if "." in name else f"{name}.docx"


def build(data_dir: Path, out_dir: Path, templates_dir: Path, *, year: int | None = None,
          satkers: Sequence[str] = (), jobs: int | None = None, final: bool = False,
          draft: bool = False, pdf: bool = False, check: bool = True,
          on_start: Callable[[int], None] | None = None,
          on_done: Callable[[str], None] | None = None,
          on_note: Callable[[str], None] | None = None,
          dataset: DataSet | None = None) -> BuildResult:
    """Build the documents of one year and publish them into ``<out_dir>/<year>`` as one transaction.

    Nothing is written before every office is rendered; then everything goes
    into a staging folder that replaces the year folder in one step (see
    publish/transaction.py). On any error or Ctrl-C the year folder is left as
    it was, and the message says so.
    """
    if str(out_dir).strip() == "":
        raise OutputError(_("the output folder is empty"), None, _("give a folder with --out, e.g. --out output"))
    note = on_note or (lambda msg: print(msg, file=sys.stderr, flush=True))
    data_dir = Path(data_dir)
    ds = dataset or load_dataset(data_dir)
    year = ds.require_year(year)
    offices = select_offices(ds, satkers)
    ds.year(year)  # a broken year file fails here, before any worker starts
    year_dir = Path(os.path.abspath(out_dir)) / str(year)
    if on_start:
        on_start(len(offices))
    job = _Job(year, check, draft, final)
    nothing = _("nothing was changed in {folder}").format(folder=display_path(year_dir))
    again = _("{nothing}; run the build again").format(nothing=nothing)
    try:
        results = run_offices(ds, data_dir, Path(templates_dir), job, offices, jobs or default_jobs(), on_done)
    except KeyboardInterrupt:
        raise BuildInterrupted(_("interrupted"), Src.of(year_dir), again) from None

    errors = [(r.office, f) for r in results for f in r.errors]
    if errors and not draft:
        oid, f = errors[0]
        raise BuildRefused(_("{n} check error(s), e.g. {rule}: {message} ({satker})").format(
            n=len(errors), rule=f.rule, message=f.message, satker=oid), f.src,
            _("run 'zi-docgen check' for the list; fix them, or build with --draft") + "; " + nothing)
    if final:
        pending = [(r.office, p) for r in results for p in r.placeholders]
        if pending:
            oid, p = pending[0]
            raise BuildRefused(_("{n} placeholder(s) remain, e.g. [{text}] for {satker}").format(
                n=len(pending), text=p.text, satker=oid), p.src,
                _("fill them in, or build without --final to get DRAFT documents") + "; " + nothing)

    result = BuildResult(year, year_dir, offices=offices)
    pub = Publication(out_dir, year, note=note)
    try:
        with pub:
            for r in results:
                assert r.docs is not None
                for name, data in r.docs.items():
                    rel = f"{r.office}/{_file_name(name)}"
                    digest = pub.write(rel, data)
                    result.entries.append(ManifestEntry(r.office, name, rel, digest,
                                                        "draft" if r.draft else "final", len(r.placeholders)))
            if pdf:
                authors = {oid: ds.office(oid).name for oid in offices}
                result.entries.extend(_publish_pdfs(pub, result.entries, jobs or default_jobs(), authors, year))
            done = pub.commit(result.entries, offices)
    except KeyboardInterrupt:
        if pub.committed:
            raise BuildInterrupted(_("interrupted after publishing"), Src.of(year_dir),
                                   _("the folder holds the complete new build")) from None
        raise BuildInterrupted(_("interrupted"), Src.of(year_dir), again) from None
    result.kept = done.kept
    result.set_aside = done.set_aside
    result.set_aside_files = list(done.set_aside_files)
    return result


def _publish_pdfs(pub: Publication, entries: list[ManifestEntry], workers: int, authors: dict[str, str],
                  year: int) -> list[ManifestEntry]:
    from ..publish.pdf import convert_to_pdf, finish_pdf

    docx = [e for e in entries if e.file.endswith(".docx")]
    try:
        pdfs = convert_to_pdf([pub.path(e.file) for e in docx], workers=workers, workdir=pub.scratch(),
                              pdfa=True)
        out = []
        for e, path in zip(docx, pdfs):
            author = authors.get(e.office)
            finish_pdf(path, pub.path(e.file), author=author,
                       default_keywords=f"Keputusan, Zona Integritas, {author or e.office}, {year}")
            rel = e.file[: -len(".docx")] + ".pdf"
            out.append(ManifestEntry(e.office, f"{e.document}.pdf", rel, pub.adopt(rel), e.status, e.placeholders))
    except PdfError as exc:
        hint = f"{exc.hint}; " if exc.hint else ""
        raise OutputError(exc.message, Src.of(pub.year_dir),
                          hint + _("nothing was changed in {folder}").format(folder=display_path(pub.year_dir))) from None
    return out
