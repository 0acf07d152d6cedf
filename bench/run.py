"""Benchmark of rendering and bulk builds (not a test: it times things).

    python bench/run.py                              # this working tree
    python bench/run.py --baseline-render cebf307    # and this tree with render.py as it was then
    python bench/run.py --baseline 5526e2a           # and a whole other revision, side by side
    python bench/run.py --baseline-file zi_docgen/figure.py@b0d1a24   # this tree with one file as it was
    python bench/run.py --no-pdf                     # skip the LibreOffice timings

Every measurement runs in a fresh Python process, so caches and imports of one
measurement never help another, and the bulk builds pay for worker start-up
exactly as `zi-docgen build` does. The machine may be noisy: each timing is the
median of --repeat runs, and ratios are only meaningful within one run of this
script (before and after are measured in the same run, interleaved).

Reported:
- **whole processes**, the figure of issue 10: `zi-docgen build --all` (15 offices;
  the original and the certified copy of both documents, 60 in all, and 15 JDIH
  records; a fresh output folder each time) against a process that opens and
  saves the two templates 15 times each with python-docx (issue 10's floor, kept
  as the issue defines it). Both are started as whole processes
  (`python -m zi_docgen build …`, `python -c …`), measured alternately
  --whole-repeat times, and the medians of their wall times are compared
  (`--only-whole` measures just this). `--whole-extra` adds, as rows marked
  extra, `build --jobs 1` (no worker: what Windows, macOS and the web editor
  get for 15 offices) and python-docx over 15 × 4 documents (as many as the
  build writes). The processes use Python's bytecode caches as an installed
  package does (`--no-bytecode` keeps PYTHONDONTWRITEBYTECODE from the
  environment: zi_docgen's sources are then compiled in every process);
- time per document (one process, warm: templates already compiled), documents/s;
- the 15-office bulk `build(...)` on the shipped data, with jobs=2 and jobs=1;
- the floor: python-docx `Document(template).save(BytesIO())` 15 times for each of
  the two templates, in ONE process; the jobs=2 ratio therefore compares two
  processes against one, the jobs=1 ratio is like for like;
- a synthetic national run of 552 offices (38 provinsi + 514 kabupaten/kota) with
  jobs=2: wall time, documents/s, peak memory (Linux/macOS only: the `resource`
  module does not exist on Windows);
- PDF (--pdf, on by default when LibreOffice is found, otherwise skipped with a
  note): the 30 DOCX of the 15-office bulk build through
  `zi_docgen.publish.pdf.convert_to_pdf(paths, workers=2)`, against ONE raw
  `soffice --headless --convert-to pdf --outdir DIR f1 ... f30` over the same
  files. Each side starts from a fresh LibreOffice profile (-env:UserInstallation),
  so both pay its creation, and the raw run gets the same FONTCONFIG_FILE as the
  library, so both set the same fonts (the page counts are reported to show it).
  The DOCX are built before the clock starts; one untimed conversion first
  loads LibreOffice into the OS file cache, so that the first timed run is not
  the only one to read it from disk.

The markdown table is printed and written to bench/results.md (--out).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
N_PROVINCES = 38
N_REGENCIES = 514          # kabupaten + kota: 416 + 98 in 2024
N_KOTA = 98


# ---------------------------------------------------------------- measurements (run in a child process)

def _rss() -> dict:
    try:
        import resource
    except ImportError:  # Windows
        return {}
    scale = 1 if sys.platform == "darwin" else 1024   # ru_maxrss: bytes on macOS, KiB on Linux
    return {"rss_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale,
            "rss_children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale}


def m_import(root: Path) -> dict:
    t = time.perf_counter()
    import zi_docgen.workflows.build  # noqa: F401
    import zi_docgen.render.renderer  # noqa: F401
    return {"import": time.perf_counter() - t, "module": zi_docgen.render.renderer.__file__}


def m_per_doc(root: Path, rounds: int = 3) -> dict:
    from zi_docgen.load.dataset import load_dataset
    from zi_docgen.render.renderer import Renderer
    from zi_docgen.resolve.decree import resolve

    ds = load_dataset(root / "data")
    year = ds.latest_year
    t = time.perf_counter()
    decrees = [resolve(ds, year, oid) for oid in ds.offices]
    t_resolve = (time.perf_counter() - t) / len(decrees)
    r = Renderer(root / "templates")
    t = time.perf_counter()
    first = {name: r.render(decrees[0], name) for name in ("keputusan", "lampiran")}
    t_first = time.perf_counter() - t
    times: dict[str, list[float]] = {"keputusan": [], "lampiran": []}
    sizes: dict[str, int] = {"keputusan": 0, "lampiran": 0}
    for _ in range(rounds):
        for d in decrees:
            for name in ("keputusan", "lampiran"):
                t = time.perf_counter()
                data = r.render(d, name)
                times[name].append(time.perf_counter() - t)
                sizes[name] = max(sizes[name], len(data))
    per = {k: statistics.median(v) for k, v in times.items()}
    per_doc = (per["keputusan"] + per["lampiran"]) / 2
    return {"resolve_per_office": t_resolve, "first_office": t_first, "keputusan": per["keputusan"],
            "lampiran": per["lampiran"], "per_doc": per_doc, "docs_per_s": 1 / per_doc,
            "size_keputusan": sizes["keputusan"], "size_lampiran": sizes["lampiran"],
            "size_first": sum(len(v) for v in first.values())}


def m_floor(root: Path) -> dict:
    import io

    from docx import Document

    t = time.perf_counter()
    for name in ("keputusan", "lampiran"):
        for _ in range(15):
            Document(str(root / "templates" / f"{name}.docx")).save(io.BytesIO())
    return {"floor": time.perf_counter() - t}


def m_bulk(root: Path, jobs: int, data: Path | None = None, check: bool = True) -> dict:
    import inspect

    from zi_docgen.workflows.build import build

    data = data or root / "data"
    kw = {} if check else {"check": False}
    if kw and "check" not in inspect.signature(build).parameters:
        return {}   # a build without checks: nothing to leave out
    with tempfile.TemporaryDirectory() as out:
        t = time.perf_counter()
        result = build(data, Path(out), root / "templates", jobs=jobs, **kw)
        wall = time.perf_counter() - t
        n = len(result.entries)
        size = sum((Path(out) / str(result.year) / e.file).stat().st_size for e in result.entries)
    return {"wall": wall, "documents": n, "bytes": size, **_rss()}


def m_national(root: Path, jobs: int, check: bool = True, workers: str = "") -> dict:
    if workers:   # how the build starts its workers: "spawn" (Windows, macOS) or the Linux default (fork)
        os.environ["ZI_DOCGEN_WORKERS"] = workers
    with tempfile.TemporaryDirectory() as tmp:
        data = make_national_data(root / "data", Path(tmp) / "data")
        return m_bulk(root, jobs, data, check)


def make_national_data(src: Path, dst: Path) -> Path:
    """A copy of the shipped data with 552 generated offices (placeholders for every person).

    The year folder is reused; its two office files are renamed onto generated
    offices so that a decree number/date and a patch are still exercised.
    """
    shutil.copytree(src, dst)
    year_dirs = [p for p in dst.iterdir() if p.is_dir() and p.name.isdigit()]
    offices = []

    def office(oid: str, level: str, kind: str, n: int, province: str) -> str:
        # The officials are data of the year (<year>/offices/<id>.yaml); an office without them
        # gets placeholders for every person, as the shipped kabupaten/kota do.
        region = f"{kind} Sintetis {n}"
        seat = f"Sintetis {n}"   # a KPU Kota must sit in its city (a check rule); all alike
        return (f"  - id: {oid}\n    level: {level}\n"
                f"    name: Komisi Pemilihan Umum {region}\n    short_name: KPU {region}\n"
                f"    seat: {seat}\n    province: {province}\n")

    for p in range(1, N_PROVINCES + 1):
        offices.append(office(f"prov-sintetis-{p}", "provinsi", "Provinsi", p, f"Sintetis {p}"))
    for k in range(1, N_REGENCIES + 1):
        is_kota = k > N_REGENCIES - N_KOTA
        level, kind = ("kota", "Kota") if is_kota else ("kabupaten", "Kabupaten")
        offices.append(office(f"{level[:4] if is_kota else 'kab'}-sintetis-{k}", level, kind, k,
                              f"Sintetis {1 + (k - 1) % N_PROVINCES}"))
    (dst / "offices.yaml").write_text("offices:\n" + "\n".join(offices), encoding="utf-8")
    renames = {"prov-kalbar": "prov-sintetis-1", "kab-sambas": "kab-sintetis-1"}
    for ydir in year_dirs:
        odir = ydir / "offices"
        for f in sorted(odir.glob("*.yaml")) if odir.is_dir() else []:
            if f.stem in renames:
                f.rename(odir / f"{renames[f.stem]}.yaml")
            else:
                f.unlink()
    return dst


def m_pdf(root: Path, how: str, soffice: str, limit: int = 0) -> dict:
    """Time DOCX -> PDF of the bulk build's documents: `how` is "lib" (convert_to_pdf) or "raw" (one soffice)."""
    try:
        from zi_docgen.publish.pdf import _soffice_env, convert_to_pdf, pdf_page_count
    except ImportError:
        return {}   # a revision without PDF output
    from zi_docgen.workflows.build import build

    with tempfile.TemporaryDirectory(prefix="zi-bench-pdf-") as tmp:
        tmp = Path(tmp)
        result = build(root / "data", tmp / "build", root / "templates", jobs=2)
        # Every office has a keputusan.docx and a lampiran.docx, and --outdir is one
        # folder: one flat folder of unique names serves both sides alike.
        flat = tmp / "docx"
        flat.mkdir()
        docs = []
        for e in result.entries[:limit or None]:
            dst = flat / f"{e.office}-{e.document}.docx"
            shutil.copyfile(tmp / "build" / str(result.year) / e.file, dst)
            docs.append(dst)
        if how == "lib":
            t = time.perf_counter()
            pdfs = convert_to_pdf(docs, workers=2)
            wall = time.perf_counter() - t
        else:
            outdir = tmp / "pdf"
            profile = tmp / "profile"   # does not exist yet: soffice creates it inside the timing
            cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                   "--convert-to", "pdf", "--outdir", str(outdir), *map(str, docs)]
            t = time.perf_counter()
            proc = subprocess.run(cmd, env=_soffice_env(), capture_output=True, timeout=1800,
                                  stdin=subprocess.DEVNULL)
            wall = time.perf_counter() - t
            pdfs = [outdir / f"{d.stem}.pdf" for d in docs]
            missing = [p.name for p in pdfs if not p.is_file()]
            if proc.returncode or missing:
                raise SystemExit(f"raw soffice: exit {proc.returncode}, missing {missing[:3]}: "
                                 f"{proc.stderr.decode(errors='replace')[-500:]}")
        pages = sum(pdf_page_count(p) for p in pdfs)
    return {"wall": wall, "documents": len(docs), "pages": pages}


# ---------------------------------------------------------------- whole processes

FLOOR_CODE = """
import io, sys
from pathlib import Path
from docx import Document
for name in ("keputusan", "lampiran"):
    for _ in range(15 * int(sys.argv[2])):
        Document(str(Path(sys.argv[1]) / f"{name}.docx")).save(io.BytesIO())
"""

#: The two processes of issue 10's goal, then the extra rows (--whole-extra).
WHOLE_KINDS = ("build", "floor")
WHOLE_EXTRA = ("build_j1", "floor60")


def whole_process_commands(root: Path, out: Path) -> dict[str, list[str]]:
    build = [sys.executable, "-m", "zi_docgen", "build", "--all", "--data", str(root / "data"),
             "--templates", str(root / "templates"), "--out", str(out)]
    return {
        "build": build,
        "build_j1": build + ["--jobs", "1"],
        "floor": [sys.executable, "-c", FLOOR_CODE, str(root / "templates"), "1"],
        "floor60": [sys.executable, "-c", FLOOR_CODE, str(root / "templates"), "2"],
    }


def measure_whole(root: Path, pythonpath: str | None, repeat: int, extra: bool = False,
                  bytecode: bool = True) -> dict[str, list[float]]:
    """Wall times of the whole processes, alternating (build, floor, floor, build, …).

    bytecode: the processes may read and write Python's bytecode caches (__pycache__),
    as an installed package does (pip compiles it at install); without it (an environment
    with PYTHONDONTWRITEBYTECODE) every process compiles zi_docgen's sources again,
    while python-docx's come compiled from its installation.
    """
    env = dict(os.environ)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath + os.pathsep + env.get("PYTHONPATH", "")
    kinds = WHOLE_KINDS + (WHOLE_EXTRA if extra else ())
    times: dict[str, list[float]] = {k: [] for k in kinds}
    with tempfile.TemporaryDirectory(prefix="zi-bench-whole-") as tmp:
        for i in range(repeat + 1):   # the first round is a warm-up: it fills the OS file cache
            for kind in kinds if i % 2 else kinds[::-1]:
                cmd = whole_process_commands(root, Path(tmp) / f"out-{i}-{kind}")[kind]
                t = time.perf_counter()
                proc = subprocess.run(cmd, env=env, cwd=root, capture_output=True, text=True,
                                      stdin=subprocess.DEVNULL)
                wall = time.perf_counter() - t
                if proc.returncode:
                    raise SystemExit(f"{kind} failed ({proc.returncode}): {proc.stderr[-2000:]}")
                if i:
                    times[kind].append(wall)
    return times


MEASURES = {"import": m_import, "per_doc": m_per_doc, "floor": m_floor, "bulk": m_bulk, "national": m_national,
            "pdf": m_pdf}


# ---------------------------------------------------------------- driver

def run_child(kind: str, root: Path, pythonpath: str | None, **kw) -> dict:
    env = dict(os.environ)
    if pythonpath:
        # Put the baseline checkout before the editable install of this tree.
        env["PYTHONPATH"] = pythonpath + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, str(Path(__file__).resolve()), "--_child", kind, "--_root", str(root),
           "--_kw", json.dumps(kw)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=root)
    if proc.returncode:
        raise SystemExit(f"{kind} failed for {root}:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


class Variant:
    def __init__(self, label: str, root: Path, pythonpath: str | None):
        self.label, self.root, self.pythonpath = label, root, pythonpath
        self.samples: dict[str, list[dict]] = {}

    def measure(self, key: str, kind: str, **kw) -> None:
        self.samples.setdefault(key, []).append(run_child(kind, self.root, self.pythonpath, **kw))

    def median(self, key: str, field: str) -> float:
        values = [s[field] for s in self.samples.get(key, []) if field in s]
        return statistics.median(values) if values else float("nan")

    def first(self, key: str, field: str):
        return self.samples[key][0].get(field)


def soffice_version(soffice: str) -> str:
    try:
        out = subprocess.run([soffice, "--version"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "LibreOffice (version unknown)"
    return " ".join(out.split()[:2]) or "LibreOffice (version unknown)"


def fmt_s(v: float) -> str:
    if v != v:
        return "–"
    return f"{v * 1000:.1f} ms" if v < 1 else f"{v:.2f} s"


def fmt_n(v: float, fmt: str = "{:.0f}") -> str:
    return "–" if v != v else fmt.format(v)   # nan: a revision that cannot measure it


def fmt_mb(v) -> str:
    return "n/a" if v is None else f"{v / 2**20:.0f} MB"


def table(variants: list[Variant], args) -> str:
    rows: list[tuple[str, list[str]]] = []

    def row(label, fn):
        rows.append((label, [fn(v) for v in variants]))

    if any("whole" in v.samples for v in variants):
        def whole(kind):
            return lambda v: fmt_s(statistics.median(v.samples["whole"][0][kind]))

        def ratio(a, b):
            return lambda v: (f"{statistics.median(v.samples['whole'][0][a]) / statistics.median(v.samples['whole'][0][b]):.2f} ×"
                              if v.samples["whole"][0].get(a) and v.samples["whole"][0].get(b) else "n/a")

        def whole(kind):
            return lambda v: (fmt_s(statistics.median(v.samples["whole"][0][kind]))
                              if v.samples["whole"][0].get(kind) else "n/a")

        row("**whole process** `zi-docgen build --all` (15 offices)", whole("build"))
        row("**whole process** python-docx open + save, 15 × 2 templates", whole("floor"))
        row("  **ratio build / python-docx** (medians of whole processes; issue 10's goal: ≤ 1.5 ×)",
            ratio("build", "floor"))
        if args.whole_extra:
            row("*extra:* whole process `zi-docgen build --all --jobs 1` (one process: no worker)", whole("build_j1"))
            row("*extra:* whole process python-docx open + save, 15 × 4 (as many documents as the build writes)",
                whole("floor60"))
            row("  *extra:* ratio build / python-docx 15 × 4", ratio("build", "floor60"))
            row("  *extra:* ratio build --jobs 1 / python-docx 15 × 2", ratio("build_j1", "floor"))
    if args.only_whole:
        head = "| | " + " | ".join(v.label for v in variants) + " |\n|---|" + "---|" * len(variants) + "\n"
        return head + "".join(f"| {label} | " + " | ".join(cells) + " |\n" for label, cells in rows)
    row("import zi_docgen (fresh process)", lambda v: fmt_s(v.median("import", "import")))
    row("resolve, per office", lambda v: fmt_s(v.median("per_doc", "resolve_per_office")))
    row("first office, both documents (parse + compile)", lambda v: fmt_s(v.median("per_doc", "first_office")))
    row("render keputusan, per document (warm, 1 process)", lambda v: fmt_s(v.median("per_doc", "keputusan")))
    row("render lampiran, per document (warm, 1 process)", lambda v: fmt_s(v.median("per_doc", "lampiran")))
    row("render, per document (mean of the two)", lambda v: fmt_s(v.median("per_doc", "per_doc")))
    row("render, documents/s (1 process)", lambda v: f"{v.median('per_doc', 'docs_per_s'):.0f}")
    row("document size keputusan / lampiran",
        lambda v: f"{v.first('per_doc', 'size_keputusan') / 1024:.0f} / {v.first('per_doc', 'size_lampiran') / 1024:.0f} KiB")
    row("**floor**: python-docx open + save, 15 × 2 templates, **1 process**",
        lambda v: fmt_s(v.median("floor", "floor")))
    row("**bulk** 15 offices, `build(jobs=2)`, **2 processes**", lambda v: fmt_s(v.median("bulk2", "wall")))
    row("  ratio bulk(jobs=2) / floor (2 processes vs 1)",
        lambda v: f"{v.median('bulk2', 'wall') / v.median('floor', 'floor'):.2f} ×")
    row("**bulk** 15 offices, `build(jobs=1)`, 1 process", lambda v: fmt_s(v.median("bulk1", "wall")))
    row("  ratio bulk(jobs=1) / floor (1 process vs 1)",
        lambda v: f"{v.median('bulk1', 'wall') / v.median('floor', 'floor'):.2f} ×")
    row("  bulk(jobs=2) without the check (`check=False`)", lambda v: fmt_s(v.median("bulk2nc", "wall")))
    row("  bulk documents/s (jobs=2)",
        lambda v: f"{v.first('bulk2', 'documents') / v.median('bulk2', 'wall'):.0f}")
    if args.national:
        row(f"**national** {args.offices} offices, `build(jobs=2)`", lambda v: fmt_s(v.median("national", "wall")))
        row("  without the check (`check=False`)", lambda v: fmt_s(v.median("national_nc", "wall")))
        row("  documents/s", lambda v: f"{v.first('national', 'documents') / v.median('national', 'wall'):.0f}")
        row("  output size", lambda v: f"{v.first('national', 'bytes') / 2**20:.0f} MB")
        row("  peak RSS parent (RUSAGE_SELF)", lambda v: fmt_mb(v.first("national", "rss_self")))
        row("  peak RSS largest worker (RUSAGE_CHILDREN)", lambda v: fmt_mb(v.first("national", "rss_children")))
    if args.pdf:
        def per_doc(key):
            return lambda v: fmt_s(v.median(key, "wall") / v.median(key, "documents"))

        n = variants[-1].first("pdf_lib", "documents")
        row(f"**PDF** {n} DOCX of the bulk build, `convert_to_pdf(workers=2)`, **2 soffice processes**",
            lambda v: fmt_s(v.median("pdf_lib", "wall")))
        row(f"  raw `soffice --headless --convert-to pdf`, same {n} files, **1 soffice process**",
            lambda v: fmt_s(v.median("pdf_raw", "wall")))
        row("  ratio convert_to_pdf / raw soffice (2 processes vs 1)",
            lambda v: fmt_n(v.median("pdf_lib", "wall") / v.median("pdf_raw", "wall"), "{:.2f} ×"))
        row("  per document: convert_to_pdf", per_doc("pdf_lib"))
        row("  per document: raw soffice", per_doc("pdf_raw"))
        row(f"  PDF pages of the {n}: convert_to_pdf / raw (same fonts: equal)",
            lambda v: f"{fmt_n(v.median('pdf_lib', 'pages'))} / {fmt_n(v.median('pdf_raw', 'pages'))}")
    head = "| | " + " | ".join(v.label for v in variants) + " |\n|---|" + "---|" * len(variants) + "\n"
    return head + "".join(f"| {label} | " + " | ".join(cells) + " |\n" for label, cells in rows)


def national_only(args, v: "Variant") -> None:
    """The 552-office build in its three ways, interleaved so that a noisy moment hits each alike."""
    ways = [("national_spawn", "`build(jobs=2)`, workers spawned (Windows, macOS; ZI_DOCGEN_WORKERS=spawn)",
             {"jobs": 2, "workers": "spawn"}),
            ("national_fork", "`build(jobs=2)`, workers forked (the Linux default)", {"jobs": 2, "workers": "fork"}),
            ("national_1", "`build(jobs=1)`, no worker", {"jobs": 1})]
    loads = []
    for i in range(args.national_repeat):
        for key, label, kw in ways:
            print(f"[{i + 1}/{args.national_repeat}] national {args.offices} offices: {label}", file=sys.stderr)
            loads.append(os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan"))
            v.measure(key, "national", **kw)
    lines = ["| | wall (median) | documents/s | peak RSS parent / largest worker |", "|---|---|---|---|"]
    for key, label, _kw in ways:
        wall = v.median(key, "wall")
        lines.append(f"| **national** {args.offices} offices, {label} | {fmt_s(wall)} "
                     f"(runs: {', '.join(fmt_s(s['wall']) for s in v.samples[key])}) | "
                     f"{v.first(key, 'documents') / wall:.0f} | {fmt_mb(v.first(key, 'rss_self'))} / "
                     f"{fmt_mb(v.first(key, 'rss_children'))} |")
    docs = v.first("national_1", "documents")
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    note = (f"\nMachine: {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}, {sys.platform}. Each run is one "
            f"fresh process calling `build()` on synthetic data ({docs} documents and JDIH records into a fresh "
            f"folder; times exclude Python start-up). 1-minute load average when each run started: "
            f"{', '.join(f'{x:.2f}' for x in loads)}; at the end (1/5/15 min): {load}.\n")
    md = "\n".join(lines) + "\n"
    print(md + note)
    args.out.write_text(f"`python bench/run.py {' '.join(sys.argv[1:])}`\n\n" + md + note, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline", metavar="REV", help="also measure this git revision (its own code, data and templates)")
    ap.add_argument("--baseline-render", metavar="REV",
                    help="also measure this tree with zi_docgen/render.py as it was at REV (isolates render changes)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per timing; the median is reported (default 3)")
    ap.add_argument("--no-national", dest="national", action="store_false", help="skip the 552-office run")
    ap.add_argument("--national-repeat", type=int, default=1)
    ap.add_argument("--pdf", action=argparse.BooleanOptionalAction, default=None,
                    help="time DOCX -> PDF with LibreOffice (default: on when soffice is found)")
    ap.add_argument("--baseline-file", metavar="PATH@REV", action="append", default=[],
                    help="also measure this tree with PATH (e.g. zi_docgen/figure.py) as it was at REV; repeatable, "
                         "all such files go into one variant")
    ap.add_argument("--whole-repeat", type=int, default=7,
                    help="alternating runs of the two whole processes (default 7; plus one warm-up)")
    ap.add_argument("--only-whole", action="store_true", help="measure only the whole-process ratio")
    ap.add_argument("--only-national", action="store_true",
                    help="measure only the 552-office run: jobs=2 with spawned and with forked workers, and jobs=1, "
                         "interleaved --national-repeat times")
    ap.add_argument("--whole-extra", action="store_true",
                    help="also time `build --jobs 1` and python-docx over 15 × 4 documents (extra rows)")
    ap.add_argument("--bytecode", action=argparse.BooleanOptionalAction, default=True,
                    help="whole processes use Python's bytecode caches, as an installed package does "
                         "(default); --no-bytecode keeps PYTHONDONTWRITEBYTECODE if the environment sets it")
    ap.add_argument("--out", type=Path, default=HERE / "results.md")
    for internal in ("--_child", "--_root", "--_kw"):   # how the driver calls itself in a child
        ap.add_argument(internal, help=argparse.SUPPRESS, default="{}" if internal == "--_kw" else None)
    args = ap.parse_args()
    args.offices = N_PROVINCES + N_REGENCIES
    if args._child:
        print(json.dumps(MEASURES[args._child](Path(args._root), **json.loads(args._kw))))
        return

    soffice = None
    pdf_note = ""
    if args.pdf is not False and not args.only_whole:
        from zi_docgen.publish.pdf import find_soffice   # the very soffice convert_to_pdf will use

        soffice = find_soffice()
        if soffice is None:
            pdf_note = "PDF rows skipped: LibreOffice (soffice) not found. "
            if args.pdf:
                print(f"warning: --pdf: {pdf_note}", file=sys.stderr)
        args.pdf = soffice is not None

    variants: list[Variant] = []
    tmp = None
    if args.baseline:
        tmp = tempfile.mkdtemp(prefix="zi-bench-")
        wt = Path(tmp) / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(wt), args.baseline], check=True)
        rev = subprocess.run(["git", "-C", str(wt), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True).stdout.strip()
        variants.append(Variant(f"before ({rev})", wt, str(wt)))
    if args.baseline_render:
        args.baseline_file.insert(0, f"zi_docgen/render.py@{args.baseline_render}")
    if args.baseline_file:
        # This tree's package with the named files as they were; data and templates stay this tree's.
        tmp = tmp or tempfile.mkdtemp(prefix="zi-bench-")
        pkg = Path(tmp) / "file-baseline" / "zi_docgen"
        shutil.copytree(ROOT / "zi_docgen", pkg, ignore=shutil.ignore_patterns("__pycache__"))
        labels = []
        for spec in args.baseline_file:
            path, _, rev = spec.rpartition("@")
            parts = Path(path).parts
            if not path or not rev or not parts or parts[0] != "zi_docgen":
                raise SystemExit(f"--baseline-file {spec}: expected zi_docgen/FILE@REV")
            old = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{path}"],
                                 capture_output=True, check=True).stdout
            pkg.joinpath(*parts[1:]).write_bytes(old)
            labels.append(f"{Path(path).name} of {rev}")
        variants.append(Variant(f"before ({', '.join(labels)})", ROOT, str(pkg.parent)))
    variants.append(Variant("after (this tree)" if len(variants) else "this tree", ROOT, None))
    if args.only_whole:
        args.national = args.pdf = False
    if args.only_national:
        return national_only(args, variants[-1])
    try:
        for v in variants:
            print(f"whole processes: {v.label}", file=sys.stderr)
            v.samples["whole"] = [measure_whole(v.root, v.pythonpath, args.whole_repeat, args.whole_extra,
                                                args.bytecode)]
        for v in variants if not args.only_whole else ():
            v.measure("import", "import")
            print(f"{v.label}: zi_docgen from {v.first('import', 'module')}", file=sys.stderr)
        # Interleave the variants so that a noisy moment hits both alike.
        for i in range(0 if args.only_whole else args.repeat):
            for v in variants:
                print(f"[{i + 1}/{args.repeat}] {v.label}", file=sys.stderr)
                if i:
                    v.measure("import", "import")
                v.measure("per_doc", "per_doc")
                v.measure("floor", "floor")
                v.measure("bulk2", "bulk", jobs=2)
                v.measure("bulk1", "bulk", jobs=1)
                v.measure("bulk2nc", "bulk", jobs=2, check=False)
        if args.national:
            for i in range(args.national_repeat):
                for v in variants:
                    print(f"national {args.offices} offices: {v.label}", file=sys.stderr)
                    v.measure("national", "national", jobs=2)
                    v.measure("national_nc", "national", jobs=2, check=False)
        if args.pdf:
            # Untimed: reads LibreOffice into the file cache (see the module docstring).
            run_child("pdf", ROOT, None, how="raw", soffice=soffice, limit=1)
            for i in range(args.repeat):
                for v in variants:
                    print(f"[{i + 1}/{args.repeat}] PDF: {v.label}", file=sys.stderr)
                    v.measure("pdf_lib", "pdf", how="lib", soffice=soffice)
                    v.measure("pdf_raw", "pdf", how="raw", soffice=soffice)
    finally:
        if tmp:
            if args.baseline:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(Path(tmp) / "baseline")])
            shutil.rmtree(tmp, ignore_errors=True)

    md = table(variants, args)
    cpu = os.cpu_count()
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    bytecode = ("with Python's bytecode caches, as an installed package has them"
                if args.bytecode or not os.environ.get("PYTHONDONTWRITEBYTECODE")
                else "without bytecode caches for zi_docgen (PYTHONDONTWRITEBYTECODE; python-docx's come "
                     "compiled from its installation)")
    whole_note = (f"Whole processes: {args.whole_repeat} alternating runs of each after one warm-up round, "
                  f"wall time of the process as started by subprocess.run (interpreter start-up and imports "
                  f"included, {bytecode}), median; `build` uses its default jobs (all cores; on Linux a "
                  f"second worker is forked after the first office). Load average at the end (1/5/15 min): "
                  f"{load}. ")
    argv = sys.argv[1:]
    if "--out" in argv:   # where it was written is not part of how it was measured
        i = argv.index("--out")
        del argv[i:i + 2]
    if args.only_whole:
        note = f"\nMachine: {cpu} CPU(s), Python {sys.version.split()[0]}, {sys.platform}. " + whole_note + "\n"
        print(md + note)
        args.out.write_text(f"# zi-docgen benchmark\n\n`python bench/run.py {' '.join(argv)}`\n\n" + md + note,
                            encoding="utf-8")
        return
    note = (f"\nMachine: {cpu} CPU(s), Python {sys.version.split()[0]}, {sys.platform}; median of {args.repeat} "
            f"runs, each in a fresh process. Times exclude Python start-up and imports (reported separately). "
            f"The floor is single-process; the jobs=2 bulk uses 2 worker processes. "
            f"Peak RSS: `resource.getrusage` ru_maxrss (largest single worker, not a sum); "
            f"not available on Windows. ")
    if args.pdf:
        note += (f"PDF: {soffice_version(soffice)}; DOCX built before the clock starts; convert_to_pdf splits the "
                 f"files over 2 soffice processes, each with its own fresh profile; the raw batch is one "
                 f"`soffice -env:UserInstallation=<fresh dir> --headless --convert-to pdf --outdir DIR f1 ... fN` "
                 f"with the library's FONTCONFIG_FILE, so it also creates a profile and sets the same fonts. ")
    note = (note + whole_note + pdf_note).rstrip() + "\n"
    print(md + note)
    cmd = " ".join(["python bench/run.py"] + argv)
    args.out.write_text(f"# zi-docgen benchmark\n\n`{cmd}`\n\n" + md + note, encoding="utf-8")


if __name__ == "__main__":
    main()
