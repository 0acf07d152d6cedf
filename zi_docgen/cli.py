"""The command line: `zi-docgen build | check | satker | new-year | diff | preview`.

Errors meant for the user print one line (file:line: error: what (what to do))
and exit with status 2; --debug shows the traceback instead.
"""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from .errors import ZiError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Build Indonesian decrees (Keputusan + Lampiran) for Zona Integritas work plans from YAML data.")
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DATA = typer.Option(Path("data"), "--data", help="Data folder.")
YEAR = typer.Option(None, "--year", help="Year to use (default: the latest year in the data folder).")
SATKER = typer.Option(None, "--satker", help="Office id (repeatable); default: every office.")
ALL = typer.Option(False, "--all", help="Every office in the registry (the default).")
TEMPLATES = typer.Option(Path("templates"), "--templates", help="Folder with keputusan.docx and lampiran.docx.")

_state = {"debug": False}


@app.callback()
def _main(debug: bool = typer.Option(False, "--debug", help="Show the full traceback on errors.")) -> None:
    _state["debug"] = debug


class OutFormat(str, Enum):
    text = "text"
    json = "json"


class DiffFormat(str, Enum):
    text = "text"
    html = "html"
    json = "json"


def _offices(satker: Optional[List[str]], all_: bool) -> list[str]:
    return [] if all_ or not satker else list(satker)


@app.command()
def build(
    data: Path = DATA,
    year: Optional[int] = YEAR,
    satker: Optional[List[str]] = SATKER,
    all_: bool = ALL,
    out_dir: Path = typer.Option(Path("output"), "--out", help="Output folder."),
    templates: Path = TEMPLATES,
    jobs: Optional[int] = typer.Option(None, "--jobs", min=1, help="Worker processes (default: all cores)."),
    final: bool = typer.Option(False, "--final", help="Refuse while any placeholder remains."),
    draft: bool = typer.Option(False, "--draft", help="Build even with check errors; every page is marked DRAFT."),
    pdf: bool = typer.Option(False, "--pdf", help="Also make PDFs with LibreOffice."),
) -> None:
    """Write <out>/<year>/<satker>/keputusan.docx and lampiran.docx, and <out>/<year>/manifest.json."""
    from .workflows.build import build as run_build

    show = sys.stderr.isatty()
    progress = None
    task = None
    if show:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        progress = Progress(TextColumn("[bold]Membuat dokumen"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=err, transient=True)

    def on_start(n: int) -> None:
        nonlocal task
        if progress is not None:
            progress.start()
            task = progress.add_task("build", total=n)

    def on_done(_office) -> None:
        if progress is not None and task is not None:
            progress.advance(task)

    try:
        result = run_build(data, out_dir, templates, year=year, satkers=_offices(satker, all_), jobs=jobs,
                           final=final, draft=draft, pdf=pdf, on_start=on_start, on_done=on_done)
    finally:
        if progress is not None:
            progress.stop()
    n = len(result.entries)
    drafts = result.drafts
    msg = f"wrote {n} documents for {len(result.offices)} office(s) to {result.out_dir}"
    if drafts:
        msg += f"; {len(drafts)} office(s) are DRAFT (placeholders or --draft): run 'zi-docgen check' to see why"
    out.print(msg)


@app.command()
def satker(data: Path = DATA) -> None:
    """List the office registry."""
    from rich.table import Table

    from .load.dataset import load_dataset

    ds = load_dataset(data)
    table = Table(show_edge=False, box=None, pad_edge=False)
    for col in ("id", "level", "name", "seat", "number style"):
        table.add_column(col)
    for o in ds.offices.values():
        table.add_row(o.id, o.level, o.name, o.seat, o.number_style)
    out.print(table)


@app.command()
def check(
    data: Path = DATA,
    year: Optional[int] = YEAR,
    satker: Optional[List[str]] = SATKER,
    all_: bool = ALL,
    fmt: OutFormat = typer.Option(OutFormat.text, "--format", help="text or json."),
) -> None:
    """Check a decree before signing: spelling, drafting rules, consistency. Exit 1 on errors."""
    from .check import run_check

    code = run_check(data, year=year, satkers=_offices(satker, all_), fmt=fmt.value, console=out)
    raise typer.Exit(code)


@app.command("new-year")
def new_year(
    old: int = typer.Argument(..., help="The year to copy, e.g. 2026."),
    new: int = typer.Argument(..., help="The new year, e.g. 2027."),
    data: Path = DATA,
) -> None:
    """Create data/<NEW> from data/<OLD>; print what must be filled in."""
    from .workflows.newyear import new_year as run_new_year

    for line in run_new_year(data, old, new):
        out.print(line)


@app.command()
def diff(
    old: str = typer.Argument(..., help="A year (e.g. 2026) or a .docx file."),
    new: str = typer.Argument(..., help="A year (e.g. 2027) or a .docx file."),
    data: Path = DATA,
    satker: Optional[str] = typer.Option(None, "--satker", help="Office to compare (default: prov-kalbar, the first)."),
    fmt: DiffFormat = typer.Option(DiffFormat.text, "--format", help="text, html or json."),
    redline: Optional[Path] = typer.Option(None, "--redline", help="Also write NEW with Word tracked changes against OLD. For two years: FILE.docx (Keputusan) and FILE-lampiran.docx (Lampiran)."),
    templates: Path = TEMPLATES,
) -> None:
    """Compare two years, or two .docx files. Exit 0 identical, 1 different, 2 trouble."""
    from .compare.diffing import run_diff

    code = run_diff(old, new, data=data, satker=satker, fmt=fmt.value, redline=redline, templates=templates,
                    console=out)
    raise typer.Exit(code)


@app.command()
def preview(
    document: Path = typer.Argument(..., help="A .docx or .pdf file."),
    out_dir: Path = typer.Option(None, "--out", help="Folder for the PNG pages (default: beside the file)."),
    dpi: int = typer.Option(60, "--dpi", min=20, max=600),
) -> None:
    """Render pages to PNG (LibreOffice + pdftoppm) for a quick look."""
    from .publish.pdf import PdfError, convert_to_pdf, preview as run_preview

    from .errors import OutputError, Src

    if not document.exists():
        raise OutputError("file not found", Src.of(document))
    try:
        pdf = document if document.suffix.lower() == ".pdf" else convert_to_pdf([document])[0]
        pages = run_preview(pdf, out_dir or document.parent, dpi=dpi)
    except PdfError as exc:
        raise OutputError(str(exc), Src.of(document)) from None
    for p in pages:
        out.print(str(p))


def main(argv: list[str] | None = None) -> None:
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        # Without standalone mode Typer returns the exit code of typer.Exit, and
        # turns Ctrl-C into a returned 130.
        rv = app(args=argv, standalone_mode=False)
        if rv == 130:
            raise KeyboardInterrupt
        if isinstance(rv, int) and rv:
            sys.exit(rv)
    except ZiError as exc:
        if debug:
            raise
        from .workflows.build import BuildRefused

        err.print(str(exc), markup=False)
        sys.exit(1 if isinstance(exc, BuildRefused) else 2)
    except KeyboardInterrupt:
        if debug:
            raise
        err.print("interrupted: earlier outputs are untouched; run the command again", markup=False)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - last line of defence for non-programmers
        # Typer ≥ 0.20 vendors its own copy of click: catch whichever one raised.
        aborts, click_errors = _click_exceptions()
        if isinstance(exc, aborts):
            err.print("interrupted: earlier outputs are untouched; run the command again", markup=False)
            sys.exit(2)
        if isinstance(exc, click_errors):
            exc.show()
            sys.exit(2)
        if debug:
            raise
        err.print(f"internal error: {type(exc).__name__}: {exc} (run again with --debug and report the output)",
                  markup=False)
        sys.exit(2)




def _click_exceptions() -> tuple[tuple[type, ...], tuple[type, ...]]:
    """Abort and ClickException as this Typer raises them (newer Typer vendors click as typer._click)."""
    aborts: list[type] = [typer.Abort]
    errors: list[type] = []
    for name in ("typer._click.exceptions", "click.exceptions"):
        try:
            mod = __import__(name, fromlist=["ClickException"])
        except ImportError:
            continue
        aborts += [c for c in (getattr(mod, "Abort", None),) if c is not None]
        errors.append(mod.ClickException)
    return tuple(aborts), tuple(errors)
