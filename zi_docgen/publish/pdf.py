"""DOCX -> PDF through LibreOffice, and PNG previews of PDFs through poppler.

LibreOffice pays 1-3 s of start-up per process, so documents are converted
in a few batches (one soffice process per batch) rather than one process per
document.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

__all__ = [
    "PdfError",
    "find_soffice",
    "convert_to_pdf",
    "preview",
    "pdf_page_count",
    "install_hint",
    "finish_pdf",
]

_FONTCONFIG_FILE = Path(__file__).resolve().parent.parent / "fontconfig" / "fonts.conf"
_SYSTEM_FONTCONFIG = Path("/etc/fonts/fonts.conf")


from ..errors import PdfError, os_reason
from ..i18n import _


def install_hint() -> str:
    return _(
        "Install LibreOffice: on Debian/Ubuntu run "
        "'sudo apt-get install libreoffice-writer-nogui fonts-texgyre'; "
        "on Windows download it from https://www.libreoffice.org/download/ "
        "or run 'winget install TheDocumentFoundation.LibreOffice'."
    )


def _poppler_hint() -> str:
    return _(
        "Install Poppler: on Debian/Ubuntu run 'sudo apt-get install poppler-utils'; "
        "on Windows download a Poppler build, unpack it and add its 'bin' folder to PATH."
    )


def _candidate_locations() -> list[Path]:
    if sys.platform == "win32":
        roots = [
            os.environ.get("ProgramFiles", r"C:\Program Files"),
            os.environ.get("ProgramFiles(x86)", r"C:\Program Files (x86)"),
            os.environ.get("ProgramW6432", r"C:\Program Files"),
            os.path.join(os.environ.get("LOCALAPPDATA", ""), "Programs"),
        ]
        return [Path(r) / "LibreOffice" / "program" / "soffice.exe" for r in roots if r]
    if sys.platform == "darwin":
        return [
            Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
            Path.home() / "Applications/LibreOffice.app/Contents/MacOS/soffice",
        ]
    # Tarball installs from libreoffice.org land in /opt and are not on PATH.
    return [
        Path("/usr/lib/libreoffice/program/soffice"),
        *sorted(Path("/opt").glob("libreoffice*/program/soffice"), reverse=True),
        Path("/snap/bin/libreoffice"),
    ]


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in _candidate_locations():
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def _soffice_env() -> dict[str, str]:
    env = dict(os.environ)
    # Only Linux/BSD LibreOffice resolves fonts through fontconfig; Windows and
    # macOS users normally have the real Bookman Old Style. A user's own
    # FONTCONFIG_FILE is respected, and without the system config ours would
    # leave LibreOffice with almost no fonts.
    if (
        sys.platform not in ("win32", "darwin")
        and "FONTCONFIG_FILE" not in env
        and _FONTCONFIG_FILE.is_file()
        and _SYSTEM_FONTCONFIG.is_file()
    ):
        env["FONTCONFIG_FILE"] = str(_FONTCONFIG_FILE)
    return env


def _is_complete_pdf(path: Path) -> bool:
    # A batch killed on timeout can leave a half-written PDF behind; LibreOffice
    # writes the %%EOF marker last.
    try:
        size = path.stat().st_size
        if size < 64:
            return False
        with path.open("rb") as fh:
            if fh.read(5) != b"%PDF-":
                return False
            fh.seek(max(0, size - 1024))
            return b"%%EOF" in fh.read()
    except OSError:
        return False


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def _move_into_place(src: Path, dst: Path) -> None:
    """Put src at dst so a reader never sees a partial dst."""
    try:
        os.replace(src, dst)
        return
    except OSError:
        pass
    # The temp dir is often on another filesystem (tmpfs); copy next to the
    # target first so the final rename stays atomic.
    tmp = dst.with_name(f".{dst.name}.{uuid.uuid4().hex}.tmp")
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise PdfError(_("Could not write {path}: {reason}. Check that the folder is writable and the PDF is not open "
                         "in another program.").format(path=dst, reason=os_reason(exc))) from exc


# LibreOffice processes now running, so that Ctrl-C can end them at once.
_LIVE: set[subprocess.Popen] = set()
_LIVE_LOCK = threading.Lock()
_STOP = threading.Event()

# The guard: LibreOffice runs in a session of its own (so that a Ctrl-C meant for us reaches it only
# through stop_conversions, which kills its whole tree) and so does not die with us on kill -9: it
# would finish its batch, for a minute or more, into a folder nobody reads. A tiny process is told
# the process group of each conversion as it starts and ends; when its input reaches end of file
# (we ended, however we ended, and the operating system closed our end of the pipe) it kills the
# groups still listed. Its pipe is inherited by no other process (close_fds), so the end of file
# comes exactly when we are gone.
_GUARD_CODE = r"""
import os, signal, subprocess, sys
live = set()
for line in sys.stdin:
    line = line.strip()
    if line[:1] == "+" and line[1:].isdigit():
        live.add(int(line[1:]))
    elif line[:1] == "-" and line[1:].isdigit():
        live.discard(int(line[1:]))
for pid in live:
    try:
        if os.name == "nt":
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(pid)], capture_output=True)
        else:
            os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
"""


class _Guard:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        kw: dict = {}
        if sys.platform == "win32":
            kw["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP | getattr(subprocess, "CREATE_NO_WINDOW", 0)
        else:
            kw["start_new_session"] = True   # a Ctrl-C for us must not end it before it has done its job
        try:
            self.proc: subprocess.Popen | None = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _GUARD_CODE], stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True, **kw)
        except OSError:
            self.proc = None  # no guard: conversions still end on Ctrl-C, only not on kill -9

    def tell(self, line: str) -> None:
        with self.lock:
            if self.proc is None or self.proc.stdin is None:
                return
            try:
                self.proc.stdin.write(line + "\n")
                self.proc.stdin.flush()
            except (OSError, ValueError):
                pass

    def close(self) -> None:
        with self.lock:
            if self.proc is None:
                return
            try:
                if self.proc.stdin is not None:
                    self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (OSError, ValueError, subprocess.TimeoutExpired):
                self.proc.kill()
            self.proc = None



def stop_conversions() -> None:
    """Kill every running LibreOffice conversion and start no new one (until the next convert_to_pdf)."""
    _STOP.set()
    with _LIVE_LOCK:
        procs = list(_LIVE)
    for proc in procs:
        _kill_tree(proc, wait=False)


def _kill_tree(proc: subprocess.Popen, wait: bool = True) -> None:
    # soffice is a launcher (shell script / oosplash / soffice.exe) that starts
    # soffice.bin; killing only the launcher would leave the converter running.
    try:
        if sys.platform == "win32":
            subprocess.run(
                ["taskkill", "/F", "/T", "/PID", str(proc.pid)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        else:
            os.killpg(proc.pid, signal.SIGKILL)
    except (OSError, ProcessLookupError):
        pass
    try:
        proc.kill()
    except OSError:
        pass
    if not wait:
        return
    try:
        proc.communicate(timeout=10)
    except (subprocess.TimeoutExpired, OSError, ValueError):
        pass


@dataclass
class _Job:
    index: int  # position among the unique inputs; also the temp file name
    docx: Path
    pdf: Path


@dataclass
class _BatchResult:
    done: list[_Job] = field(default_factory=list)
    failed: list[_Job] = field(default_factory=list)
    reason: str = ""


def _run_soffice(soffice: str, jobs: list[_Job], workdir: Path, attempt: int, timeout: float,
                 pdfa: bool = False, guard: "_Guard | None" = None) -> tuple[set[int], str]:
    """One soffice process over all jobs; returns indexes converted and a failure note."""
    indir = workdir / f"in{attempt}"
    outdir = workdir / f"out{attempt}"
    # A fresh profile per attempt: a process killed on timeout can leave the
    # previous profile locked or half-initialised.
    profile = workdir / f"profile{attempt}"
    indir.mkdir()
    outdir.mkdir()
    inputs = []
    for job in jobs:
        # Unique names, because different folders often hold the same
        # basename (keputusan.docx) and --outdir is one folder per process.
        tmp_in = indir / f"{job.index:05d}.docx"
        _link_or_copy(job.docx, tmp_in)
        inputs.append(str(tmp_in))

    cmd = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--invisible",
        "--nologo",
        "--nodefault",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        _PDFA_FILTER if pdfa else "pdf:writer_pdf_Export",
        "--outdir",
        str(outdir),
        *inputs,
    ]
    popen_kw: dict = {}
    if sys.platform == "win32":
        popen_kw["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP | getattr(subprocess, "CREATE_NO_WINDOW", 0)
    else:
        popen_kw["start_new_session"] = True
    note = ""
    try:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_soffice_env(),
            cwd=str(workdir),
            **popen_kw,
        )
    except OSError as exc:
        return set(), _("LibreOffice could not be started ({reason}). {hint}").format(reason=os_reason(exc),
                                                                                hint=install_hint())
    if guard is not None:
        guard.tell(f"+{proc.pid}")
    with _LIVE_LOCK:
        _LIVE.add(proc)
        stopping = _STOP.is_set()
    if stopping:  # the build was stopped while this one was starting
        _kill_tree(proc)
    try:
        _out, err = proc.communicate(timeout=timeout)
        if proc.returncode != 0:
            note = _("LibreOffice stopped with exit code {code}").format(code=proc.returncode)
        else:
            note = _summarise_stderr(err)
    except subprocess.TimeoutExpired:
        _kill_tree(proc)
        note = _("LibreOffice took longer than {seconds} s").format(seconds=f"{timeout:g}")
    finally:
        with _LIVE_LOCK:
            _LIVE.discard(proc)
        if guard is not None:
            guard.tell(f"-{proc.pid}")

    converted = set()
    for job in jobs:
        out = outdir / f"{job.index:05d}.pdf"
        if _is_complete_pdf(out):
            _move_into_place(out, job.pdf)
            converted.add(job.index)
    return converted, note


def _summarise_stderr(err: bytes) -> str:
    # LibreOffice exits 0 even when a document fails to load; its stderr
    # line is the only clue, minus start-up noise about Java.
    for line in err.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if line.lower().startswith("error"):
            return _("LibreOffice said: {line}").format(line=line)
    return ""


def _convert_batch(soffice: str, jobs: list[_Job], timeout: float, retries: int, scratch: Path | None = None,
                   pdfa: bool = False, guard: "_Guard | None" = None) -> _BatchResult:
    result = _BatchResult()
    pending = list(jobs)
    workdir = Path(tempfile.mkdtemp(prefix="zi-docgen-pdf-", dir=scratch))
    try:
        for attempt in range(retries + 1):
            if _STOP.is_set():
                break
            converted, note = _run_soffice(soffice, pending, workdir, attempt, timeout, pdfa, guard)
            result.done.extend(j for j in pending if j.index in converted)
            remaining = [j for j in pending if j.index not in converted]
            if not remaining:
                return result
            result.reason = note or _("LibreOffice produced no PDF")
            # soffice works through its arguments in order, so the first
            # missing one is the likely crash/hang culprit: retry it last so
            # it cannot take the rest of the batch down with it again.
            pending = remaining[1:] + remaining[:1]
        result.failed = pending
        return result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def convert_to_pdf(
    docx_files: Sequence[Path],
    *,
    workers: int = 2,
    timeout: float = 180,
    retries: int = 1,
    workdir: Path | None = None,
    pdfa: bool = False,
) -> list[Path]:
    """Convert each DOCX to a PDF next to it (same stem). Returns the PDF paths, in input order.

    workdir: where LibreOffice works (default: the system's temporary folder);
    pdfa: write PDF/A-2b. On Ctrl-C or any other exception every LibreOffice
    process this started is killed before it is passed on.
    """
    paths = [Path(p) for p in docx_files]
    if not paths:
        return []
    for p in paths:
        if not p.is_file():
            raise PdfError(_("Cannot make a PDF of {path}: the file does not exist.").format(path=p))
    soffice = find_soffice()
    if soffice is None:
        raise PdfError(_("LibreOffice is needed to make PDFs but was not found. {hint}").format(hint=install_hint()))

    # The same document listed twice is converted once.
    jobs: list[_Job] = []
    by_path: dict[Path, _Job] = {}
    order: list[_Job] = []
    for p in paths:
        key = p.resolve()
        job = by_path.get(key)
        if job is None:
            job = _Job(index=len(jobs), docx=key, pdf=key.with_suffix(".pdf"))
            by_path[key] = job
            jobs.append(job)
        order.append(job)

    n = max(1, min(int(workers), len(jobs)))
    # Contiguous chunks of near-equal size keep documents of one folder
    # (similar size) spread evenly enough and the arguments in input order.
    size, extra = divmod(len(jobs), n)
    batches: list[list[_Job]] = []
    start = 0
    for i in range(n):
        end = start + size + (1 if i < extra else 0)
        batches.append(jobs[start:end])
        start = end

    _STOP.clear()
    guard = _Guard()
    pool = ThreadPoolExecutor(max_workers=n, thread_name_prefix="soffice")
    try:
        futures = [pool.submit(_convert_batch, soffice, b, timeout, retries, workdir, pdfa, guard) for b in batches]
        results = [f.result() for f in futures]
    except BaseException:
        stop_conversions()
        raise
    finally:
        try:
            pool.shutdown(wait=True)
        finally:
            guard.close()

    failed = [(job, r.reason) for r in results for job in r.failed]
    if failed:
        failed.sort(key=lambda fr: fr[0].index)
        job, reason = failed[0]
        more = _(" (and {n} more)").format(n=len(failed) - 1) if len(failed) > 1 else ""
        raise PdfError(_(
            "Could not convert {path}{more} to PDF: {reason}. "
            "Check that the file opens in LibreOffice or Word, then try again."
        ).format(path=job.docx, more=more, reason=reason))
    return [job.pdf for job in order]


# ---------------------------------------------------------------- reproducible PDF/A

# qpdf with static_id=True keeps the first half of an /ID and writes this fixed second half.
_ID_RE = re.compile(rb"/ID\s*\[\s*<[0-9A-Fa-f]*>\s*<31415926535897932384626433832795>\s*\]")
_PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'  # 2 = PDF/A-2b


def _docx_core(docx: Path) -> dict[str, str]:
    """Title, subject, keywords, author and modified date of a DOCX (docProps/core.xml)."""
    import zipfile
    from xml.etree import ElementTree

    ns = {"dc": "http://purl.org/dc/elements/1.1/",
          "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
          "dcterms": "http://purl.org/dc/terms/"}
    try:
        with zipfile.ZipFile(docx) as zf:
            info = zf.getinfo("docProps/core.xml")
            if info.file_size > 1 << 20:
                return {}
            root = ElementTree.fromstring(zf.read(info))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return {}
    out = {}
    for key, path in (("title", "dc:title"), ("subject", "dc:subject"), ("keywords", "cp:keywords"),
                      ("author", "dc:creator"), ("modified", "dcterms:modified"), ("language", "dc:language")):
        el = root.find(path, ns)
        if el is not None and el.text and el.text.strip():
            out[key] = el.text.strip()
    return out


def _fixed_time(core: dict[str, str]):
    """The one time the PDF states: SOURCE_DATE_EPOCH if set, else the document's own date."""
    from datetime import datetime, timezone

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            pass
    modified = core.get("modified", "")
    try:
        return datetime.fromisoformat(modified.replace("Z", "+00:00")).astimezone(timezone.utc)
    except ValueError:
        return datetime(1980, 1, 1, tzinfo=timezone.utc)


def _fix_icc_dates(doc, when) -> None:
    """LibreOffice's PDF/A output intent embeds an sRGB profile stamped with the current time."""
    import hashlib
    import struct

    import pikepdf

    for intent in doc.Root.get("/OutputIntents", pikepdf.Array()):
        profile = intent.get("/DestOutputProfile")
        if not isinstance(profile, pikepdf.Stream):
            continue
        data = bytearray(profile.read_bytes())
        if len(data) < 128 or data[36:40] != b"acsp":
            continue
        data[24:36] = struct.pack(">6H", when.year, when.month, when.day, when.hour, when.minute, when.second)
        if any(data[84:100]):
            # The profile ID is the MD5 of the profile with flags, intent and ID zeroed (ICC.1:2010 7.2.18).
            probe = bytearray(data)
            probe[44:48] = probe[64:68] = b"\0" * 4
            probe[84:100] = b"\0" * 16
            data[84:100] = hashlib.md5(probe).digest()
        profile.write(bytes(data))


def finish_pdf(pdf: Path, docx: Path | None = None, *, title: str | None = None, subject: str | None = None,
               author: str | None = None, keywords: str | None = None, default_keywords: str | None = None) -> None:
    """Make a LibreOffice PDF reproducible and give it its document properties.

    The dates come from SOURCE_DATE_EPOCH (else the DOCX's own date) and the
    document ID is derived from the content, so identical input gives identical
    bytes. Properties not given are taken from the DOCX's core properties. The
    PDF/A identification LibreOffice wrote stays; XMP and the document info are
    kept in step, as PDF/A requires.
    """
    import pikepdf

    pdf = Path(pdf)
    core = _docx_core(Path(docx)) if docx else {}
    props = {"dc:title": title or core.get("title"), "dc:description": subject or core.get("subject"),
             "dc:creator": [author or core.get("author")] if (author or core.get("author")) else None,
             "pdf:Keywords": keywords or core.get("keywords") or default_keywords}
    when = _fixed_time(core).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    tmp = pdf.with_name(f".{pdf.name}.{uuid.uuid4().hex}.tmp")
    try:
        with pikepdf.open(pdf) as doc:
            with doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=True) as meta:
                for key, value in props.items():
                    if value:
                        meta[key] = value
                if core.get("language"):
                    meta["dc:language"] = [core["language"]]
                for key in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
                    meta[key] = when
            _fix_icc_dates(doc, _fixed_time(core))
            # qpdf keeps the first half of an existing /ID, and LibreOffice's is random: write qpdf's
            # fixed placeholder ID, then put in its place a digest of everything else.
            if "/DocChecksum" in doc.trailer:   # LibreOffice's, over its random ID and the time
                del doc.trailer["/DocChecksum"]
            doc.save(tmp, static_id=True, fix_metadata_version=False)
        data = tmp.read_bytes()
        ids = list(_ID_RE.finditer(data))
        if len(ids) != 1:
            raise PdfError(_("Could not give {path} its document ID. Convert the document again.").format(path=pdf))
        m = ids[0]
        blank = data[: m.start()] + b"/ID [<><>]" + data[m.end():]
        digest = hashlib.md5(blank).hexdigest().encode("ascii")
        # The trailer follows the cross-reference table, so a new length there moves no object.
        tmp.write_bytes(data[: m.start()] + b"/ID [<" + digest + b"><" + digest + b">]" + data[m.end():])
        os.replace(tmp, pdf)
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        tmp.unlink(missing_ok=True)
        reason = os_reason(exc) if isinstance(exc, OSError) else _("the PDF is damaged")
        raise PdfError(_("Could not finish {path}: {reason}. Convert the document again.").format(
            path=pdf, reason=reason)) from exc
    finally:
        tmp.unlink(missing_ok=True)


def _need_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise PdfError(_("The program '{name}' is needed but was not found. {hint}").format(
            name=name, hint=_poppler_hint()))
    return found


def preview(pdf: Path, out_dir: Path, *, dpi: int = 60) -> list[Path]:
    """Render every page of pdf to PNG in out_dir; returns the PNGs in page order.

    Only the pages' own files (<stem>-<n>.png) are written in out_dir; nothing
    there is deleted. pdftoppm works in a temporary folder first.
    """
    pdf = Path(pdf)
    out_dir = Path(out_dir)
    if not pdf.is_file():
        raise PdfError(_("Cannot preview {path}: the file does not exist.").format(path=pdf))
    pdftoppm = _need_tool("pdftoppm")
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = pdf.stem
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)\.png$")
    with tempfile.TemporaryDirectory(prefix="zi-docgen-pages-") as tmp:
        try:
            proc = subprocess.run(
                [pdftoppm, "-png", "-r", str(int(dpi)), str(pdf), str(Path(tmp) / prefix)],
                capture_output=True,
                timeout=300,
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfError(_("Making the preview of {path} took too long; try a lower dpi.").format(path=pdf)) from exc
        if proc.returncode != 0:
            msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            detail = msg[-1] if msg else _("exit code {code}").format(code=proc.returncode)
            raise PdfError(_("Could not make a preview of {path}: {detail}. Check that the PDF opens in a PDF "
                             "viewer.").format(path=pdf, detail=detail))
        pages = []
        for png in Path(tmp).iterdir():
            m = pattern.match(png.name)
            if m:
                target = out_dir / png.name
                _move_into_place(png, target)
                pages.append((int(m.group(1)), target))
    return [p for _, p in sorted(pages)]


def pdf_page_count(pdf: Path) -> int:
    pdf = Path(pdf)
    if not pdf.is_file():
        raise PdfError(_("Cannot count the pages of {path}: the file does not exist.").format(path=pdf))
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        proc = subprocess.run([pdfinfo, str(pdf)], capture_output=True, timeout=60)
        if proc.returncode != 0:
            raise PdfError(_("Could not read {path}; the PDF may be damaged. Convert the document again.").format(
                path=pdf))
        m = re.search(rb"^Pages:\s+(\d+)", proc.stdout, re.MULTILINE)
        if m:
            return int(m.group(1))
    # Without poppler, count page objects; good enough for LibreOffice's
    # output, which does not hide pages in compressed object streams.
    data = pdf.read_bytes()
    count = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    if count == 0:
        raise PdfError(_("Could not count the pages of {path}. {hint}").format(path=pdf, hint=_poppler_hint()))
    return count
