"""The command line: `zi-docgen build | check | satker | new-year | diff | preview | serve | user`.

Errors meant for the user print one line (file:line: error: what (what to do))
and exit with status 2; --debug shows the traceback instead.
"""
from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

# Start-up time: pydantic scans every installed package's entry points for plugins
# when the first model is built (~0.1 s); the data models use none. A user's own
# setting wins.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import typer  # noqa: E402
from rich.console import Console  # noqa: E402

from . import i18n
from .errors import ZiError
from .i18n import N_, _


def _take_lang(argv: list[str]) -> tuple[list[str], Optional[str]]:
    """Remove --lang X / --lang=X from anywhere in argv (it is global, but users put it after the command too)."""
    rest: list[str] = []
    lang = None
    it = iter(argv)
    for arg in it:
        if arg == "--":
            rest.append(arg)
            rest.extend(it)
            break
        if arg == "--lang":
            lang = next(it, "")
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    return rest, lang


def _apply_lang(lang: Optional[str]) -> None:
    if lang is None:
        return
    try:
        i18n.set_language(lang)
    except ValueError:
        # Speak the default language and say so once; the run goes on.
        Console(stderr=True).print(_("unknown language {lang!r}: use 'id' or 'en'").format(lang=lang), markup=False)


# Help texts are made when this module is imported: choose the language first.
_apply_lang(_take_lang(sys.argv[1:])[1])


def _localize_typer() -> None:
    """Typer's own help headings are module constants read at display time; translate those that exist.

    Importing typer.rich_utils costs a third of the CLI's start-up (Markdown, Pygments),
    so it is done only when help may be shown (see main); Typer imports it lazily too.
    """
    try:
        from typer import rich_utils
    except ImportError:  # a Typer without Rich help: its headings stay English
        return
    for name, text in (("ARGUMENTS_PANEL_TITLE", _("Arguments")), ("OPTIONS_PANEL_TITLE", _("Options")),
                       ("COMMANDS_PANEL_TITLE", _("Commands")), ("DEFAULT_STRING", _("[default: {}]")),
                       ("REQUIRED_LONG_STRING", _("[required]"))):
        if isinstance(getattr(rich_utils, name, None), str):
            setattr(rich_utils, name, text)
    # Click's "Usage: " prefix and its help option's text are literals inside its code: give
    # them ours where this Click has them (the vendored typer._click, or click itself).
    for module in ("typer._click", "click"):
        try:
            formatting = __import__(f"{module}.formatting", fromlist=["HelpFormatter"])
            core = __import__(f"{module}.core", fromlist=["Command"])
        except ImportError:
            continue
        _translate_usage_prefix(formatting.HelpFormatter)
        _translate_help_option(core.Command)


def _translate_usage_prefix(formatter: type) -> None:
    original = formatter.write_usage
    if getattr(original, "_zi_docgen", False):
        return

    def write_usage(self, prog, args="", prefix=None):
        return original(self, prog, args, prefix if prefix is not None else _("Usage:") + " ")

    write_usage._zi_docgen = True  # type: ignore[attr-defined]
    formatter.write_usage = write_usage


def _translate_help_option(command: type) -> None:
    original = getattr(command, "get_help_option", None)
    if original is None or getattr(original, "_zi_docgen", False):
        return

    def get_help_option(self, ctx):
        option = original(self, ctx)
        if option is not None and getattr(option, "help", None) == "Show this message and exit.":
            option.help = _("Show this message and exit.")
        return option

    get_help_option._zi_docgen = True  # type: ignore[attr-defined]
    command.get_help_option = get_help_option


app = typer.Typer(add_completion=False, pretty_exceptions_enable=False,
                  context_settings={"help_option_names": ["-h", "--help"]},
                  help=_("Build Indonesian decrees (Keputusan + Lampiran) for Zona Integritas work plans from YAML data."))
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DATA = typer.Option(Path("data"), "--data", help=_("Data folder."))
def _parse_year(value: str) -> int:
    # Only digits: "2026.0" or "2e3" is not a year (the int conversion would take some of them).
    text = str(value).strip()
    if not text.isdigit() or not text.isascii():
        raise typer.BadParameter(_("{value!r} is not a year; write it like 2026").format(value=value))
    return int(text)


def _parse_folder(value: str) -> Path:
    # An empty --out would silently mean the current folder.
    if not str(value).strip():
        raise typer.BadParameter(_("the folder name is empty; give one, e.g. --out output"))
    return Path(value)


YEAR = typer.Option(None, "--year", parser=_parse_year,
                    help=_("Year to use (default: the latest year in the data folder)."))
SATKER = typer.Option(None, "--satker", help=_("Satker id (repeatable); default: every satker."))
ALL = typer.Option(False, "--all", help=_("Every satker in the registry (the default)."))
TEMPLATES = typer.Option(None, "--templates", show_default=False,
                         help=_("Folder with keputusan.docx and lampiran.docx (default: ./templates if it exists, "
                                "else the templates shipped with zi-docgen)."))

_state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        from . import __version__

        out.print(f"zi-docgen {__version__}")
        raise typer.Exit(0)


@app.callback(invoke_without_command=True)
def _main(
    ctx: typer.Context,
    debug: bool = typer.Option(False, "--debug", help=_("Show the full traceback on errors.")),
    lang: Optional[str] = typer.Option(None, "--lang", metavar="id|en",
                                       help=_("Language of messages and reports: id (default) or en.")),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help=_("Show the version and exit.")),
) -> None:
    _state["debug"] = debug
    if ctx.invoked_subcommand is None:
        # Bare `zi-docgen`: the help is the answer, not an error.
        out.print(ctx.get_help(), markup=False)
        raise typer.Exit(0)


class OutFormat(str, Enum):
    text = "text"
    json = "json"


class DiffFormat(str, Enum):
    text = "text"
    html = "html"
    json = "json"


def _offices(satker: Optional[List[str]], all_: bool) -> list[str]:
    return [] if all_ or not satker else list(satker)


@app.command(help=_("Write <out>/<year>/<satker>/keputusan.docx and lampiran.docx, and <out>/<year>/manifest.json."))
def build(
    data: Path = DATA,
    year: Optional[int] = YEAR,
    satker: Optional[List[str]] = SATKER,
    all_: bool = ALL,
    out_dir: Path = typer.Option(Path("output"), "--out", parser=_parse_folder, help=_("Output folder.")),
    templates: Optional[Path] = TEMPLATES,
    jobs: Optional[int] = typer.Option(None, "--jobs", min=1, help=_("Worker processes (default: all cores).")),
    final: bool = typer.Option(False, "--final", help=_("Refuse while any placeholder remains.")),
    draft: bool = typer.Option(False, "--draft", help=_("Build even with check errors; every page is marked DRAFT.")),
    pdf: bool = typer.Option(False, "--pdf", help=_("Also make PDFs with LibreOffice.")),
) -> None:
    from .workflows.build import build as run_build
    from .workflows.workspace import templates_dir

    show = sys.stderr.isatty()
    progress = None
    task = None
    if show:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        # Redrawn at each office rather than by Rich's refresh thread: with no thread running,
        # the build may fork its workers (workflows/build.py, _can_fork).
        progress = Progress(TextColumn("[bold]" + _("Building documents")), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=err, transient=True, auto_refresh=False)

    def on_start(n: int) -> None:
        nonlocal task
        if progress is not None:
            progress.start()
            task = progress.add_task("build", total=n)
            progress.refresh()

    def on_done(_office) -> None:
        if progress is not None and task is not None:
            progress.advance(task)
            progress.refresh()

    try:
        result = run_build(data, out_dir, templates_dir(templates), year=year, satkers=_offices(satker, all_), jobs=jobs,
                           final=final, draft=draft, pdf=pdf, on_start=on_start, on_done=on_done,
                           on_note=lambda msg: err.print(msg, markup=False))
    finally:
        if progress is not None:
            progress.stop()
    from .errors import display_path

    n = len(result.entries)
    drafts = result.drafts
    # Files, not documents: the JDIH records (and PDFs) are counted too.
    msg = i18n.ngettext("wrote {n} file for {k} satker to {out}", "wrote {n} files for {k} satker to {out}",
                        n).format(n=n, k=len(result.offices), out=display_path(result.out_dir))
    if result.kept:
        msg += "; " + i18n.ngettext("kept {n} file of the other satker as it was",
                                    "kept {n} files of the other satker as they were",
                                    result.kept).format(n=result.kept)
    if result.set_aside:
        msg += "; " + i18n.ngettext(
            "{n} file there that zi-docgen had not written (or that was changed since) was moved to {folder}",
            "{n} files there that zi-docgen had not written (or that were changed since) were moved to {folder}",
            len(result.set_aside_files)).format(n=len(result.set_aside_files), folder=display_path(result.set_aside))
    if drafts:
        msg += "; " + i18n.ngettext("{k} satker is DRAFT (placeholders or --draft): run 'zi-docgen check' to see why",
                                    "{k} satker are DRAFT (placeholders or --draft): run 'zi-docgen check' to see why",
                                    len(drafts)).format(k=len(drafts))
    out.print(msg)


@app.command(help=_("Create a working folder with the current data, the templates and an output/ folder."))
def init(folder: Path = typer.Argument(..., help=_("The new working folder, e.g. zi-kerja."))) -> None:
    from .errors import display_path
    from .workflows.workspace import init_workspace

    for path in init_workspace(folder):
        out.print(_("created {path}").format(path=display_path(path)), markup=False)
    out.print(_("Next: cd {folder}, edit the YAML files in data/, then run 'zi-docgen check' and "
                "'zi-docgen build'.").format(folder=display_path(folder)), markup=False)


@app.command(help=_("List the satker registry."))
def satker(data: Path = DATA) -> None:
    from rich.table import Table

    from .load.dataset import load_dataset

    ds = load_dataset(data)
    table = Table(show_edge=False, box=None, pad_edge=False)
    for col in (_("id"), _("level"), _("name"), _("seat"), _("number style")):
        table.add_column(col)
    for o in ds.offices.values():
        table.add_row(o.id, o.level, o.name, o.seat, o.number_style)
    out.print(table)


@app.command(help=_("Check a decree before signing: spelling, drafting rules, consistency. Exit 1 on errors."))
def check(
    files: Optional[List[Path]] = typer.Argument(None, help=_("Hand-typed decree(s) (.docx) to check instead of the data.")),
    data: Path = DATA,
    year: Optional[int] = YEAR,
    satker: Optional[List[str]] = SATKER,
    all_: bool = ALL,
    fmt: OutFormat = typer.Option(OutFormat.text, "--format", help=_("text or json.")),
) -> None:
    if files:
        from .workflows.importing import run_check_docx

        raise typer.Exit(run_check_docx(list(files), fmt=fmt.value, console=out, data=data))
    from .check import run_check

    code = run_check(data, year=year, satkers=_offices(satker, all_), fmt=fmt.value, console=out)
    raise typer.Exit(code)


@app.command("import", help=_("Turn a satker's hand-typed decree into its data for the year (its own text becomes its patch)."))
def import_(
    files: List[Path] = typer.Argument(..., help=_("The hand-typed decree: one .docx, or the Keputusan and the Lampiran.")),
    satker: str = typer.Option(..., "--satker", help=_("Satker id (see 'zi-docgen satker').")),
    year: Optional[int] = YEAR,
    data: Path = DATA,
    dry_run: bool = typer.Option(False, "--dry-run", help=_("Print the report; write nothing.")),
    fmt: OutFormat = typer.Option(OutFormat.text, "--format", help=_("text or json.")),
) -> None:
    from .workflows.importing import run_import

    raise typer.Exit(run_import(list(files), satker=satker, year=year, data=data, dry_run=dry_run,
                                fmt=fmt.value, console=out))


@app.command("new-year", help=_("Create data/<NEW> from data/<OLD>; print what must be filled in."))
def new_year(
    old: int = typer.Argument(..., help=_("The year to copy, e.g. 2026.")),
    new: int = typer.Argument(..., help=_("The new year, e.g. 2027.")),
    data: Path = DATA,
) -> None:
    from .workflows.newyear import new_year as run_new_year

    for line in run_new_year(data, old, new):
        out.print(line)


@app.command(help=_("Compare two years, or two .docx files. Exit 0 identical, 1 different, 2 trouble."))
def diff(
    old: str = typer.Argument(..., help=_("A year (e.g. 2026) or a .docx file.")),
    new: str = typer.Argument(..., help=_("A year (e.g. 2027) or a .docx file.")),
    data: Path = DATA,
    satker: Optional[str] = typer.Option(None, "--satker", help=_("Satker to compare (default: the first in the registry).")),
    fmt: DiffFormat = typer.Option(DiffFormat.text, "--format", help=_("text, html or json.")),
    redline: Optional[Path] = typer.Option(None, "--redline", help=_("Also write NEW with Word tracked changes against OLD. For two years: FILE.docx (Keputusan) and FILE-lampiran.docx (Lampiran).")),
    templates: Optional[Path] = TEMPLATES,
) -> None:
    from .workflows.diff import run_diff
    from .workflows.workspace import templates_dir

    code = run_diff(old, new, data=data, satker=satker, fmt=fmt.value, redline=redline, templates=templates_dir(templates),
                    console=out)
    raise typer.Exit(code)


@app.command(help=_("Render pages to PNG (LibreOffice + pdftoppm) for a quick look."))
def preview(
    document: Path = typer.Argument(..., help=_("A .docx or .pdf file.")),
    out_dir: Path = typer.Option(None, "--out", parser=_parse_folder, help=_("Folder to keep the PNG pages in. "
                                                       "Without it the pages are shown from a temporary folder "
                                                       "that is removed when you press Enter; nothing is written "
                                                       "beside the document.")),
    dpi: int = typer.Option(60, "--dpi", min=20, max=600, help=_("Resolution of the PNG pages.")),
    no_open: bool = typer.Option(False, "--no-open", help=_("Do not open the pages in a viewer; only print "
                                                            "where they are.")),
) -> None:
    from .workflows.preview import open_in_viewer, preview_document, temporary_preview

    if out_dir is not None:
        for p in preview_document(document, out_dir, dpi=dpi):
            out.print(str(p), markup=False, soft_wrap=True)
        return
    with temporary_preview(document, dpi=dpi) as (folder, pages, index):
        for p in pages:
            out.print(str(p), markup=False, soft_wrap=True)
        if not no_open and open_in_viewer(index):
            out.print(_("the pages are open in your viewer ({file})").format(file=index), markup=False,
                      soft_wrap=True)
        out.print(_("Press Enter when you are done: the pages are then removed (use --out to keep them)."),
                  markup=False, soft_wrap=True)
        sys.stdout.flush()
        sys.stdin.readline()   # end of input counts as Enter
    out.print(_("removed {folder}").format(folder=folder), markup=False, soft_wrap=True)


@app.command(help=_("Start the web editor on this computer and open it in the browser."))
def serve(
    data: Path = DATA,
    templates: Optional[Path] = TEMPLATES,
    port: int = typer.Option(8000, "--port", help=_("Port to listen on.")),
    host: str = typer.Option("127.0.0.1", "--host", help=_("Address to listen on (default: this computer only).")),
    no_browser: bool = typer.Option(False, "--no-browser", help=_("Do not open the browser.")),
    multi: bool = typer.Option(False, "--multi", help=_("Several offices on one server: log in with the accounts of 'zi-docgen user'.")),
    users: Optional[Path] = typer.Option(None, "--users", help=_("Accounts file (default: .zi-docgen-users.json beside the data folder).")),
) -> None:
    from .web.server import serve as run_serve
    from .workflows.workspace import templates_dir

    run_serve(data, templates_dir(templates), host=host, port=port,
              open_browser=not no_browser, multi=multi, users=users, say=out.print)


user_app = typer.Typer(help=_("Accounts for 'zi-docgen serve --multi'."), no_args_is_help=True)
app.add_typer(user_app, name="user")


@user_app.command("add", help=_("Add an account (or set its password). A provinsi office's account edits everything; a kabupaten/kota account only its own office."))
def user_add(
    name: str = typer.Argument(..., help=_("User name.")),
    office: str = typer.Option(..., "--office", help=_("Office id of the account (see 'zi-docgen satker').")),
    data: Path = DATA,
    users: Optional[Path] = typer.Option(None, "--users", help=_("Accounts file (default: .zi-docgen-users.json beside the data folder).")),
    password: Optional[str] = typer.Option(None, "--password", hidden=True),
) -> None:
    from .web.server import user_add as run_user_add

    if password is None:
        password = typer.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    path = run_user_add(name, office, password, data=data, users=users)
    out.print(_("account {name} ({office}) saved in {path}").format(name=name, office=office, path=path))


def _may_show_help(argv: list[str]) -> bool:
    """Help is printed for -h/--help, a bare `zi-docgen`, or a first word that is not a command."""
    if any(a in ("-h", "--help") for a in argv):
        return True
    words = [a for a in argv if not a.startswith("-")]
    commands = {c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands}
    commands |= {g.name for g in app.registered_groups if g.name}
    return not words or words[0] not in commands


def main(argv: list[str] | None = None) -> None:
    try:
        _main_inner(argv)
    finally:
        # The command is over and has said so: a Ctrl-C now (during Python's own shutdown)
        # would only print a traceback about it.
        if argv is None:
            import gc
            import signal

            signal.signal(signal.SIGINT, signal.SIG_IGN)
            # The process ends now. Python's shutdown runs its cyclic collector over every
            # object the command made, several times (a quarter of a second after a build,
            # bench/); frozen, they are skipped, and their memory goes back with the process.
            # Exit handlers still run; every file was closed by the command itself.
            gc.freeze()


def _caused_by_ctrl_c(exc: BaseException) -> bool:
    """Whether a Ctrl-C lies behind `exc`: Python wraps one that lands while a class is being
    made (e.g. during a lazy import) in a RuntimeError about __set_name__."""
    seen = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, KeyboardInterrupt):
            return True
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return False


def _say_interrupted() -> None:
    from .errors import display_path
    from .publish.transaction import committed_folders

    done = committed_folders()
    if done:  # Ctrl-C came after a build had already published
        err.print(_("interrupted after publishing: {folder} holds the complete new build").format(
            folder=display_path(done[-1])), markup=False)
    else:
        err.print(_("interrupted: earlier outputs are untouched; run the command again"), markup=False)


def _main_inner(argv: list[str] | None = None) -> None:
    # A Windows console or a redirected output may use a legacy code page: an
    # unencodable character must become '?', not an exception in the middle of a report.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):
                pass
    argv, lang = _take_lang(list(sys.argv[1:] if argv is None else argv))
    if lang is not None:
        _apply_lang(lang)
    if _may_show_help(argv):
        _localize_typer()
    debug = "--debug" in argv
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
        err.print(str(exc), markup=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        if debug:
            raise
        _say_interrupted()
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - last line of defence for non-programmers
        # Typer ≥ 0.20 vendors its own copy of click: catch whichever one raised.
        aborts, click_errors = _click_exceptions()
        if isinstance(exc, aborts) or _caused_by_ctrl_c(exc):
            _say_interrupted()
            sys.exit(2)
        if isinstance(exc, click_errors):
            _show_usage_error(exc)
            sys.exit(getattr(exc, "exit_code", 2) or 2)
        if debug:
            raise
        err.print(_("internal error: {kind}: {exc} (run again with --debug and report the output)").format(
            kind=type(exc).__name__, exc=exc), markup=False)
        sys.exit(2)




# Click's (Typer's) usage messages are English and not translatable in place (the vendored
# click has no gettext); their usual sentences, matched in the text it made, in our words.
_USAGE_MESSAGES = (
    (r"No such command '(?P<name>[^']*)'\.", N_("No such command '{name}'.")),
    (r"Did you mean (?P<close>.+)\?", N_("Did you mean {close}?")),
    (r"No such option: (?P<name>\S+)", N_("No such option: {name}")),
    (r"\(Possible options: (?P<options>[^)]*)\)", N_("(Possible options: {options})")),
    (r"Missing argument '(?P<name>[^']*)'\.", N_("Missing argument '{name}'.")),
    (r"Missing option '(?P<name>[^']*)'\.", N_("Missing option '{name}'.")),
    (r"Invalid value for '(?P<name>[^']*)':", N_("Invalid value for '{name}':")),
    (r"(?:Value error, )?(?:Value )?'(?P<value>[^']*)' is not one of (?P<choices>.+?)\.$",
     N_("'{value}' is not one of {choices}.")),
    (r"(?:Value )?'(?P<value>[^']*)' is not a valid (?:integer|int)(?: range)?\.", N_("'{value}' is not a whole number.")),
    (r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>[^)]*)\)", N_("Got unexpected extra argument(s) ({args})")),
    (r"Option '(?P<name>[^']*)' requires an argument\.", N_("Option '{name}' requires an argument.")),
    (r"Option '(?P<name>[^']*)' does not take a value\.", N_("Option '{name}' does not take a value.")),
)


def _usage_message(text: str) -> str:
    import re

    for pattern, message in _USAGE_MESSAGES:
        text = re.sub(pattern, lambda m, msg=message: _(msg).format(**m.groupdict()), text)
    return text


def _show_usage_error(exc: Exception) -> None:
    """Click's usage error as Click shows it (usage line, where to get help, the error), in the user's language."""
    import re

    ctx = getattr(exc, "ctx", None)
    lines = []
    if ctx is not None:
        lines.append(re.sub(r"^Usage: ", _("Usage:") + " ", ctx.get_usage()))
        if ctx.command.get_help_option(ctx) is not None:
            lines.append(_("Try '{command} {option}' for help.").format(command=ctx.command_path,
                                                                         option=ctx.help_option_names[0]))
        lines.append("")
    lines.append(_("Error: {message}").format(message=_usage_message(exc.format_message())))
    err.print("\n".join(lines), markup=False, highlight=False)


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
