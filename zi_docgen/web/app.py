"""`zi-docgen serve`: the decree as it will read, editable in the browser.

Server-rendered HTML (FastAPI + Jinja2) with htmx (vendored in static/): each
edit posts a small form and gets back the re-rendered preview, so labels and
cross-references follow at once. The app only calls the pipeline: load and
resolve for the preview, check for the findings, workflows.datastore for every
write, workflows.build / compare / newyear for the rest.
"""
from __future__ import annotations

import datetime as dt
import getpass
import html
import io
import re
import subprocess
import tempfile
import threading
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import i18n
from ..errors import EditRefused, StaleEdit, ZiError
from ..load.model import MONTHS
from ..resolve import markup
from ..resolve.decree import resolve
from ..workflows.datastore import DataStore
from .auth import COOKIE, Account, Accounts, Sessions, new_csrf, same_token
from .texts import UI, t

HERE = Path(__file__).resolve().parent
LANG_COOKIE = "zi_lang"


# ---------------------------------------------------------------- helpers for templates

def dom_id(path: str) -> str:
    return "n-" + path.replace("/", "__")


def rich(text: str) -> Markup:
    """Data text → HTML: escaped, *italics* as <em>."""
    out = []
    for seg in markup.parse(text or ""):
        s = html.escape(seg.text)
        out.append(f"<em>{s}</em>" if seg.italic else s)
    return Markup("".join(out))


@dataclass(frozen=True)
class Spot:
    """A text of the preview the data holds, and how to address it for an edit."""

    key: str                        # an item id, or a "common:" path (workflows.datastore.KEYED)
    fields: tuple[str, ...]         # the data fields edited together (a term and its definition)
    items: bool = False             # an item or paragraph of a list: add / move / remove apply

    @property
    def query(self) -> str:
        return ",".join(self.fields)


def spot_of(node) -> Spot | None:
    """Where the data holds the text of a preview node, or None for computed text (labels,
    citations from the catalogue, the coordinator lines, values set on the settings page)."""
    if node.src is None:
        return None
    if node.kind == "field":
        return Spot("common:keputusan", ("title",)) if node.id == "title" else None
    if node.kind == "line":
        m = re.fullmatch(r"cover-(\d+)", node.id)
        return Spot("common:lampiran.cover", (str(int(m.group(1)) - 1),)) if m else None
    if node.kind == "targets":
        return Spot("common:lampiran", ("targets_title",))
    if node.kind == "chapter":
        return Spot(node.id, ("title",))
    if node.kind == "section":
        if node.role == "area":
            return Spot(node.id, ("name",))
        return None if node.generated else Spot(node.id, ("title",))
    if node.kind == "target-row":
        return Spot(node.id, ("label",))
    if node.role == "area-intro":
        return Spot(node.path.split("/")[-2], ("intro",))
    if (node.kind in ("item", "para", "list") and not node.generated and (node.kind != "list" or node.text) and node.role not in ("legal-basis", "coordinator")
            and not node.id.startswith("cover-")):
        return Spot(node.id, ("term", "text") if node.term else ("text",), items=True)
    return None


def edit_dom(key: str, fields: tuple[str, ...] | list[str] = ("text",)) -> str:
    """The element id of a text's editor ("edit-<id>" for an item's text, as before)."""
    fields = tuple(fields)
    tail = "" if fields in (("text",), ("term", "text")) else "--" + "-".join(fields)
    return "edit-" + re.sub(r"[^A-Za-z0-9_-]", "_", key + tail)


def is_own(own: dict, key: str, fields: tuple[str, ...] | list[str] = ("text",)) -> bool:
    """Whether this office's patch writes the text (replaces one of the fields, or added the item)."""
    return key in own["add"] or bool(own["replace"].get(key, set()) & set(fields))


@dataclass
class Job:
    id: str
    total: int = 0
    done: int = 0
    state: str = "running"    # running | done | failed
    message: str = ""
    files: list[tuple[str, Path]] = field(default_factory=list)  # (name shown, path)
    zip_path: Path | None = None
    draft: bool = False
    finished: threading.Event = field(default_factory=threading.Event)  # set when done or failed


class Editor:
    """What the request may do: who is asking, in which language, with which CSRF token."""

    def __init__(self, request: Request, account: Account | None, lang: str, csrf: str, local_name: str,
                 multi: bool, offices: dict):
        self.request = request
        self.account = account
        self.lang = lang
        self.csrf = csrf
        self.multi = multi
        self.name = account.name if account else local_name
        office = offices.get(account.office) if account else None
        # Single-user mode: the person at this computer may change everything.
        self.province = (not multi) or (office is not None and office.level == "provinsi")
        self.office = account.office if account else None

    def may_read(self, office_id: str) -> bool:
        return self.province or office_id == self.office

    def may_write(self, office_id: str | None, scope: str) -> bool:
        if self.province:
            return True
        return scope == "office" and office_id is not None and office_id == self.office


# ---------------------------------------------------------------- the app

def create_app(data_dir: Path, templates_dir: Path | None = None, *, multi: bool = False,
               users_file: Path | None = None, out_dir: Path | None = None, git: bool | None = None,
               secret: str | None = None) -> FastAPI:
    from .auth import default_users_file

    data_dir = Path(data_dir).resolve()
    templates_dir = Path(templates_dir or data_dir.parent / "templates").resolve()
    store = DataStore(data_dir, git=git)
    store.dataset()  # a broken data folder fails at start, with its file:line
    accounts = Accounts(users_file or default_users_file(data_dir))
    sessions = Sessions(secret)
    jobs: dict[str, Job] = {}
    jobs_dir = Path(out_dir or tempfile.mkdtemp(prefix="zi-docgen-web-"))
    local_name = _local_name()

    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(rich=rich, dom_id=dom_id, MONTHS=MONTHS, spot_of=spot_of,
                       edit_dom=edit_dom, is_own=is_own, place=_place, file_label=_file_label,
                       severity=_severity)

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.state.store = store
    app.state.accounts = accounts
    app.state.jobs = jobs

    # ---- request context

    def editor(request: Request) -> Editor:
        return request.state.editor

    def page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        ed = editor(request)
        ctx.setdefault("nav", None)
        body = env.get_template(name).render(
            ed=ed, lang=ed.lang, T=lambda k: t(k, ed.lang), csrf=ed.csrf, request=request, **ctx)
        return HTMLResponse(body, status_code=status)

    def error_page(request: Request, status: int, message: str) -> HTMLResponse:
        if not hasattr(request.state, "editor"):
            request.state.editor = Editor(request, None, _lang_of(request), "", local_name, multi, {})
        if request.headers.get("HX-Request"):
            return HTMLResponse(f'<div class="error" role="alert">{html.escape(message)}</div>', status_code=status)
        return page(request, "error.html", status=status, status_code=status, message=message)

    @app.middleware("http")
    async def sessions_and_guard(request: Request, call_next):
        session = sessions.load(request.cookies.get(COOKIE))
        fresh = "csrf" not in session
        if fresh:
            session["csrf"] = new_csrf()
        request.state.session = session
        account = None
        ds = store.dataset()
        if multi and session.get("user"):
            account = Account(session["user"], session.get("office", ""))
        lang = _lang_of(request)
        request.state.editor = Editor(request, account, lang, session["csrf"], local_name, multi, ds.offices)
        path = request.url.path
        public = path.startswith("/static/") or path in ("/login", "/lang")
        with i18n.use_language(lang):
            if multi and account is None and not public:
                # Anonymous: the login page and nothing else.
                response = page(request, "login.html", status=401, next=path if request.method == "GET" else "/")
            elif request.method == "POST" and not await _csrf_ok(request, session):
                response = error_page(request, 403, i18n._("CSRF token missing or wrong; reload the page"))
            else:
                try:
                    response = await call_next(request)
                except Exception as exc:  # noqa: BLE001 - never a traceback in the browser
                    print(f"zi-docgen serve: {request.method} {path}: {type(exc).__name__}: {exc}", flush=True)
                    response = error_page(request, 500, f"{t('error', lang)}: {type(exc).__name__}")
        if fresh or request.state.session is not session or getattr(request.state, "session_changed", False):
            response.set_cookie(COOKIE, sessions.dump(request.state.session), max_age=12 * 3600, httponly=True,
                                samesite="strict", secure=request.url.scheme == "https")
        return response

    async def _csrf_ok(request: Request, session: dict) -> bool:
        token = request.headers.get("X-CSRF-Token")
        if not token and request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            # The raw body, not request.form(): Starlette replays a body read here to the
            # endpoint, but not a consumed form stream.
            from urllib.parse import parse_qs

            body = await request.body()
            token = (parse_qs(body.decode("utf-8", "replace")).get("csrf") or [None])[0]
        return same_token(token, session.get("csrf"))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        lang = _lang_of(request)
        msg = t("not_found", lang) if exc.status_code == 404 else (
            t("forbidden", lang) if exc.status_code == 403 else str(exc.detail))
        return error_page(request, exc.status_code, msg)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        return error_page(request, 404, t("not_found", _lang_of(request)))

    @app.exception_handler(ZiError)
    async def zi_error(request: Request, exc: ZiError):
        return error_page(request, 422, str(exc))

    @app.exception_handler(Exception)
    async def any_error(request: Request, exc: Exception):
        # Never a traceback in the browser; the terminal that runs the server gets one line.
        print(f"zi-docgen serve: {type(exc).__name__}: {exc}", flush=True)
        return error_page(request, 500, f"{t('error', _lang_of(request))}: {type(exc).__name__}")

    # ---- helpers

    def year_office(request: Request, year: str, office: str):
        ds = store.dataset()
        if not re.fullmatch(r"\d{4}", year) or int(year) not in ds.years or office not in ds.offices:
            raise StarletteHTTPException(404)
        if not editor(request).may_read(office):
            raise StarletteHTTPException(403)
        return ds, int(year), ds.offices[office]

    def guard_write(request: Request, office: str | None, scope: str) -> None:
        if scope not in ("office", "shared") or not editor(request).may_write(office, scope):
            raise StarletteHTTPException(403)

    async def form_of(request: Request) -> dict[str, str]:
        form = await request.form()
        return {k: str(v) for k, v in form.items()}

    check_caches: dict[str, tuple[Any, Any]] = {}

    def check_cache(ds, lang: str):
        """The checker's run cache for this data set, one per language: it keeps findings with their
        messages already worded, and the English screen must not show the Indonesian ones."""
        import weakref

        from ..check.decree import RunCache

        entry = check_caches.get(lang)
        if entry is None or entry[0]() is not ds:
            entry = (weakref.ref(ds), RunCache())
            check_caches[lang] = entry
        return entry[1]

    def office_patch(year: int, office: str) -> dict[str, set[str]]:
        """Ids this office's own patch replaces, adds and removes (to mark them in the preview)."""
        raw = store.dataset().year(year).office_raw.get(office)
        patch = raw.get("patch") if isinstance(raw, dict) else None
        patch = patch if isinstance(patch, dict) else {}
        replace = patch.get("replace") or {}
        return {"replace": {k: set(v or {}) for k, v in replace.items() if isinstance(v, dict)},
                "add": {a.get("id") for a in patch.get("add") or [] if isinstance(a, dict)},
                "remove": set(patch.get("remove") or [])}

    def preview_ctx(year: int, office_id: str, part: str) -> dict[str, Any]:
        ds = store.dataset()
        decree = store.decree(year, office_id)
        own = office_patch(year, office_id)
        return dict(d=decree, tree=decree.tree, year=year, office=ds.offices[office_id], part=part, own=own,
                    removed=sorted(own["remove"] - own["add"]))

    def preview(request: Request, year: int, office_id: str, part: str, status: int = 200,
                extra_headers: dict | None = None) -> HTMLResponse:
        resp = page(request, "preview.html", status=status, **preview_ctx(year, office_id, part))
        for k, v in (extra_headers or {}).items():
            resp.headers[k] = v
        return resp

    # ---- pages

    @app.get("/", response_class=HTMLResponse)
    async def home(request: Request):
        ds = store.dataset()
        ed = editor(request)
        office = ed.office if ed.office in ds.offices else next(iter(ds.offices))
        return RedirectResponse(f"/doc/{ds.latest_year}/{office}", status_code=303)

    @app.get("/lang")
    async def switch_lang(request: Request, to: str = "id", back: str = "/"):
        resp = RedirectResponse(back if back.startswith("/") and not back.startswith("//") else "/", status_code=303)
        resp.set_cookie(LANG_COOKIE, "en" if to == "en" else "id", max_age=365 * 86400, samesite="strict",
                        httponly=True)
        return resp

    @app.get("/login", response_class=HTMLResponse)
    async def login_form(request: Request, next: str = "/"):
        return page(request, "login.html", next=next)

    @app.post("/login", response_class=HTMLResponse)
    async def login(request: Request):
        f = await form_of(request)
        account = accounts.verify(f.get("user", ""), f.get("password", "")) if multi else None
        if account is None:
            return page(request, "login.html", status=401, next=f.get("next", "/"), failed=True)
        request.state.session = {"csrf": new_csrf(), "user": account.name, "office": account.office}
        nxt = f.get("next", "/")
        return RedirectResponse(nxt if nxt.startswith("/") and not nxt.startswith("//") else "/", status_code=303)

    @app.post("/logout")
    async def logout(request: Request):
        request.state.session = {"csrf": new_csrf()}
        return RedirectResponse("/login" if multi else "/", status_code=303)

    @app.get("/doc/{year}/{office}", response_class=HTMLResponse)
    async def document(request: Request, year: str, office: str, part: str = "keputusan"):
        ds, y, off = year_office(request, year, office)
        if part not in ("keputusan", "lampiran"):
            raise StarletteHTTPException(404)
        return page(request, "document.html", nav="doc", ds=ds, **preview_ctx(y, office, part))

    @app.get("/doc/{year}/{office}/preview", response_class=HTMLResponse)
    async def preview_only(request: Request, year: str, office: str, part: str = "keputusan"):
        _, y, _ = year_office(request, year, office)
        return preview(request, y, office, part)

    # ---- editing text

    @app.get("/doc/{year}/{office}/item/{iid}/edit", response_class=HTMLResponse)
    async def edit_form(request: Request, year: str, office: str, iid: str, part: str = "keputusan",
                        fields: str = ""):
        ds, y, off = year_office(request, year, office)
        return edit_fragment(request, y, off, iid, part, fields=_fields(fields))

    def spot_fields(y: int, office: str, iid: str, fields: list[str] | None) -> tuple[Any, list[str]]:
        try:
            item = store.effective_item(y, office, iid)
        except EditRefused:
            raise StarletteHTTPException(404) from None
        if not fields:
            fields = ["text"] if "text" in item else (["label"] if "label" in item else [])
            if "term" in item and fields == ["text"]:
                fields = ["term", "text"]
        if not fields or not all(isinstance(item.get(f), str) or (f == "term" and "text" in item)
                                 for f in fields):
            raise StarletteHTTPException(404)
        return item, fields

    def edit_fragment(request: Request, y: int, off, iid: str, part: str, *, fields: list[str] | None = None,
                      error: str = "", stale: str = "", values: dict[str, str] | None = None,
                      status: int = 200) -> HTMLResponse:
        item, fields = spot_fields(y, off.id, iid, fields)
        key = store.key_of(iid)
        keyed = key.startswith("common:")
        mine = store.office_patch_of(y, off.id, iid) if not keyed else {"replace": {}, "add": False}
        ed = editor(request)
        shown = [(f, (values or {}).get(f, str(item.get(f) or ""))) for f in fields]
        return page(request, "edit.html", status=status, year=y, office=off, iid=iid, part=part, fields=fields,
                    values=shown, dom=edit_dom(iid, fields), keyed=keyed, items=not keyed and fields[-1] == "text",
                    version=store.item_version(y, off.id, iid),
                    own_text=any(f in mine["replace"] for f in fields), own_item=mine["add"],
                    may_shared=ed.may_write(off.id, "shared"), may_office=ed.may_write(off.id, "office"),
                    error=error, stale=stale)

    def save_result(request: Request, y: int, office: str, part: str, run, *, iid: str | None = None,
                    fields: list[str] | None = None, values: dict[str, str] | None = None) -> HTMLResponse:
        ds = store.dataset()
        off = ds.offices[office]
        try:
            run()
        except StaleEdit as exc:
            if iid is None:
                return error_page(request, 409, f"{t('stale', editor(request).lang)} {exc.current}")
            return _retarget(edit_fragment(request, y, off, iid, part, fields=fields, stale=exc.current,
                                           values=values, status=409), edit_dom(iid, fields or ["text"]))
        except ZiError as exc:
            if iid is None:
                return error_page(request, 422, f"{t('refused', editor(request).lang)} {exc}")
            return _retarget(edit_fragment(request, y, off, iid, part, fields=fields, error=str(exc),
                                           values=values, status=422), edit_dom(iid, fields or ["text"]))
        return preview(request, y, office, part)

    @app.post("/doc/{year}/{office}/item/{iid}", response_class=HTMLResponse)
    async def save_text(request: Request, year: str, office: str, iid: str):
        _, y, off = year_office(request, year, office)
        f = await form_of(request)
        scope = f.get("scope", "office" if off.level != "provinsi" else "shared")
        guard_write(request, office, scope)
        _item, fields = spot_fields(y, office, iid, _fields(f.get("fields") or f.get("field", "")))
        values = {k: f.get(k, "") for k in fields}

        def run():
            with store.edit(year=y, office=office, editor=editor(request).name) as e:
                e.expect_item(iid, f.get("version"), fields)
                changed = [k for k in fields if not _same_text(values[k], store.effective_text(y, office, iid, k))]
                # A term left as it was beside a changed definition is not written (it would
                # become the office's own); with nothing changed, save as asked (e.g. make the
                # office's text the shared one).
                for k in changed or fields:
                    e.set_text(iid, values[k], field=k, scope=scope)
        return save_result(request, y, office, f.get("part", "keputusan"), run, iid=iid, fields=fields,
                           values=values)

    @app.post("/doc/{year}/{office}/item/{iid}/{action}", response_class=HTMLResponse)
    async def item_action(request: Request, year: str, office: str, iid: str, action: str):
        _, y, off = year_office(request, year, office)
        f = await form_of(request)
        scope = f.get("scope", "office" if off.level != "provinsi" else "shared")
        if action == "revert":
            scope = "office"
        guard_write(request, office, scope)
        ed = editor(request)

        def run():
            with store.edit(year=y, office=office, editor=ed.name) as e:
                if action == "revert":
                    e.revert(iid, _fields(f.get("fields", "")) or None)
                elif action == "remove":
                    e.expect_item(iid, f.get("version"))
                    e.remove_item(iid, scope=scope)
                elif action == "move":
                    e.move_item(iid, -1 if f.get("step") == "up" else 1, scope=scope)
                elif action == "add":
                    e.add_item(iid, {"text": f.get("new_text", "").strip()}, where=f.get("where", "after"), scope=scope)
                elif action == "apply":
                    e.expect_item(iid, f.get("version"))
                    wrong, right = f.get("wrong", ""), f.get("right", "")
                    # The first of the text's fields (a term, then its definition) holding the word.
                    for k in _fields(f.get("fields", "")) or ["text"]:
                        new = _replace_once(store.effective_text(y, office, iid, k) or "", wrong, right)
                        if new is not None:
                            e.set_text(iid, new, field=k, scope=scope)
                            break
                    else:
                        raise EditRefused(i18n._("'{text}' is no longer in the text").format(text=wrong), None,
                                          i18n._("reload the page"))
                else:
                    raise StarletteHTTPException(404)
        return save_result(request, y, office, f.get("part", "keputusan"), run)

    @app.get("/doc/{year}/{office}/item/{iid}/history", response_class=HTMLResponse)
    async def history(request: Request, year: str, office: str, iid: str, fields: str = ""):
        _, y, off = year_office(request, year, office)
        return page(request, "history.html", iid=iid,
                    entries=store.history(iid, year=y, office=office, fields=_fields(fields) or None))

    # ---- findings

    @app.get("/doc/{year}/{office}/findings", response_class=HTMLResponse)
    async def findings(request: Request, year: str, office: str, part: str = "keputusan"):
        ds, y, off = year_office(request, year, office)
        from ..check import check_decree

        decree = store.decree(y, office)
        every = check_decree(decree, store.dataset(), check_cache(store.dataset(), editor(request).lang))
        found = [f for f in every if f.severity != "placeholder"]
        placeholders = [f for f in every if f.severity == "placeholder"]
        by_node = _attach_findings(decree, found)
        versions = {}
        for path, (node, _) in by_node.items():
            sp = spot_of(node)
            if sp is not None:
                versions[path] = store.item_version(y, office, sp.key)
        return page(request, "findings.html", year=y, office=off, part=part, by_node=by_node, versions=versions,
                    own=office_patch(y, office),
                    found=found, placeholders=placeholders, loose=[f for f in found if not any(
                        f in fs for _, fs in by_node.values())], wrong_of=_wrong_of)

    # ---- targets grid

    @app.get("/doc/{year}/{office}/targets", response_class=HTMLResponse)
    async def targets(request: Request, year: str, office: str):
        ds, y, off = year_office(request, year, office)
        decree = resolve(ds, y, office)
        rows = {}
        for g in decree.targets:
            for r in g.rows:
                item = store.effective_item(y, office, r.id)
                rows[r.id] = {m: (item.get("months") or {}).get(m, "") for m in MONTHS}
        own = office_patch(y, office)
        return page(request, "targets.html", nav="targets", ds=ds, d=decree, year=y, office=off, rows=rows,
                    own=own)

    @app.post("/doc/{year}/{office}/targets", response_class=HTMLResponse)
    async def save_target(request: Request, year: str, office: str):
        _, y, off = year_office(request, year, office)
        f = await form_of(request)
        scope = f.get("scope", "office" if off.level != "provinsi" else "shared")
        guard_write(request, office, scope)
        row, month, raw = f.get("row", ""), f.get("month", ""), f.get("value", "").strip().rstrip("%")
        try:
            value = int(raw) if raw else None
        except ValueError:
            return HTMLResponse(f'<span class="cell-msg error">{html.escape(raw)}: 0–100</span>', status_code=422)
        try:
            with store.edit(year=y, office=office, editor=editor(request).name) as e:
                e.set_target(row, month, value, scope=scope)
        except ZiError as exc:
            return HTMLResponse(f'<span class="cell-msg error">{html.escape(str(exc))}</span>', status_code=422)
        return HTMLResponse(f'<span class="cell-msg ok">{t("saved", editor(request).lang)}</span>')

    # ---- number, date, officials

    @app.get("/doc/{year}/{office}/settings", response_class=HTMLResponse)
    async def settings(request: Request, year: str, office: str, saved: str = ""):
        ds, y, off = year_office(request, year, office)
        oy = ds.year(y).office_files.get(office)
        return page(request, "settings.html", nav="settings", ds=ds, year=y, office=off, oy=oy,
                    versions={"oy": store.value_version("office-year", y, office),
                              "off": store.value_version("official", y, office)},
                    saved=bool(saved), value=_value_text)

    @app.post("/doc/{year}/{office}/settings", response_class=HTMLResponse)
    async def save_settings(request: Request, year: str, office: str):
        ds, y, off = year_office(request, year, office)
        guard_write(request, office, "office")
        f = await form_of(request)
        try:
            date = dt.date.fromisoformat(f["date"]) if f.get("date") else None
            team_date = dt.date.fromisoformat(f["team_date"]) if f.get("team_date") else None
        except ValueError:
            return error_page(request, 422, f"{t('refused', editor(request).lang)} {t('date', editor(request).lang)}")
        number = f.get("number", "").strip()
        team_number = f.get("team_number", "").strip()
        try:
            with store.edit(year=y, office=office, editor=editor(request).name) as e:
                e.expect_value("office-year", f.get("v_oy"))
                e.expect_value("official", f.get("v_off"))
                e.set_office_year(number=int(number) if number.isdigit() else (number or None), date=date,
                                  team_number=int(team_number) if team_number.isdigit() else team_number,
                                  team_date=team_date)
                e.set_official(office, "ketua", "name", f.get("ketua", ""))
                e.set_official(office, "salinan", "jabatan", f.get("salinan_jabatan", ""))
                e.set_official(office, "salinan", "name", f.get("salinan_name", ""))
        except StaleEdit as exc:
            return error_page(request, 409, f"{t('stale', editor(request).lang)} {exc.current}")
        except ZiError as exc:
            return error_page(request, 422, f"{t('refused', editor(request).lang)} {exc}")
        return RedirectResponse(f"/doc/{y}/{office}/settings?saved=1", status_code=303)

    # ---- legal bases

    @app.get("/doc/{year}/{office}/legal", response_class=HTMLResponse)
    async def legal(request: Request, year: str, office: str):
        ds, y, off = year_office(request, year, office)
        yf = ds.year(y).file
        decree = resolve(ds, y, office)
        return page(request, "legal.html", nav="legal", ds=ds, year=y, office=off, lists={
            "mengingat": yf.mengingat, "dasar_hukum": yf.dasar_hukum}, d=decree, regs=ds.regulations,
            kinds=["UUD", "UU", "PERPPU", "PP", "PERPRES", "PERMEN", "PKPU", "KEPUTUSAN"])

    @app.get("/doc/{year}/{office}/catalogue", response_class=HTMLResponse)
    async def catalogue(request: Request, year: str, office: str, q: str = ""):
        ds, y, off = year_office(request, year, office)
        words = q.lower().split()
        hits = []
        for rid, reg in ds.regulations.items():
            hay = f"{rid} {reg.kind} {reg.number} {reg.year} {reg.title}".lower()
            if all(w in hay for w in words):
                hits.append((rid, reg))
        return page(request, "catalogue.html", hits=hits[:40], year=y, office=off)

    @app.post("/doc/{year}/{office}/legal", response_class=HTMLResponse)
    async def save_legal(request: Request, year: str, office: str):
        ds, y, off = year_office(request, year, office)
        guard_write(request, None, "shared")
        f = await form_of(request)
        what, rid, op = f.get("list", ""), f.get("id", ""), f.get("op", "add")
        yf = ds.year(y).file
        current = list(getattr(yf, what, []) or []) if what in ("mengingat", "dasar_hukum") else []
        ids = current + [rid] if op == "add" and rid not in current else [x for x in current if x != rid]
        try:
            with store.edit(year=y, office=office, editor=editor(request).name) as e:
                e.set_legal_bases(what, ids)
        except ZiError as exc:
            return error_page(request, 422, f"{t('refused', editor(request).lang)} {exc}")
        return RedirectResponse(f"/doc/{y}/{office}/legal", status_code=303)

    @app.post("/doc/{year}/{office}/regulation", response_class=HTMLResponse)
    async def add_regulation(request: Request, year: str, office: str):
        ds, y, off = year_office(request, year, office)
        guard_write(request, None, "shared")
        f = await form_of(request)
        fields: dict[str, Any] = {"kind": f.get("kind", "")}
        if f.get("issuer"):
            fields["issuer"] = f["issuer"].strip()
        num = f.get("number", "").strip()
        fields["number"] = int(num) if num.isdigit() else num
        fields["year"] = int(f["year"]) if f.get("year", "").isdigit() else None
        fields["title"] = " ".join(f.get("title", "").split())
        gy, gn = f.get("g_year", ""), f.get("g_number", "")
        if gy.isdigit() and gn.isdigit():
            key = "bn" if fields["kind"] in ("PERMEN", "PKPU") else "ln"
            fields["gazette"] = {key: {"year": int(gy), "number": int(gn)}}
        try:
            with store.edit(year=y, office=office, editor=editor(request).name) as e:
                e.add_regulation(f.get("id", "").strip(), fields)
        except ZiError as exc:
            return error_page(request, 422, f"{t('refused', editor(request).lang)} {exc}")
        return RedirectResponse(f"/doc/{y}/{office}/legal", status_code=303)

    # ---- build and download

    @app.get("/doc/{year}/{office}/build", response_class=HTMLResponse)
    async def build_page(request: Request, year: str, office: str):
        ds, y, off = year_office(request, year, office)
        return page(request, "build.html", nav="build", ds=ds, year=y, office=off)

    @app.post("/doc/{year}/{office}/build", response_class=HTMLResponse)
    async def start_build(request: Request, year: str, office: str):
        ds, y, off = year_office(request, year, office)
        f = await form_of(request)
        everyone = f.get("all") == "1"
        if everyone and not editor(request).province:
            raise StarletteHTTPException(403)
        job = Job(uuid.uuid4().hex[:12], draft=f.get("draft") == "1")
        jobs[job.id] = job
        offices = list(ds.offices) if everyone else [office]
        lang = editor(request).lang
        threading.Thread(target=_run_build, args=(job, offices, y, f.get("pdf") == "1", lang), daemon=True).start()
        return page(request, "job.html", job=job)

    def _run_build(job: Job, offices: list[str], year: int, pdf: bool, lang: str) -> None:
        from ..workflows.build import build

        out = jobs_dir / job.id
        try:
            with i18n.use_language(lang):
                job.total = len(offices)
                res = build(data_dir, out, templates_dir, year=year, satkers=offices, jobs=1, pdf=pdf,
                            draft=job.draft, on_done=lambda _o: setattr(job, "done", job.done + 1))
            job.files = [(e.file, res.out_dir / e.file) for e in res.entries]
            if len(offices) > 1:
                job.zip_path = out / f"zi-docgen-{year}.zip"
                with zipfile.ZipFile(job.zip_path, "w", zipfile.ZIP_DEFLATED) as z:
                    for name, p in job.files:
                        z.write(p, name)
            job.state = "done"
        except ZiError as exc:
            job.state, job.message = "failed", str(exc)
        except Exception as exc:  # noqa: BLE001 - shown on the page, not as a traceback
            job.state, job.message = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            job.finished.set()

    @app.get("/jobs/{jid}", response_class=HTMLResponse)
    async def job_status(request: Request, jid: str):
        job = jobs.get(jid)
        if job is None:
            raise StarletteHTTPException(404)
        return page(request, "job.html", job=job)

    @app.get("/jobs/{jid}/file/{n}")
    async def job_file(request: Request, jid: str, n: str):
        job = jobs.get(jid)
        if job is None or job.state != "done":
            raise StarletteHTTPException(404)
        if n == "zip" and job.zip_path:
            return Response(job.zip_path.read_bytes(), media_type="application/zip",
                            headers={"Content-Disposition": f'attachment; filename="{job.zip_path.name}"'})
        if not n.isdigit() or int(n) >= len(job.files):
            raise StarletteHTTPException(404)
        name, p = job.files[int(n)]
        kind = ("application/pdf" if name.endswith(".pdf") else "application/json" if name.endswith(".json") else
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        return Response(p.read_bytes(), media_type=kind,
                        headers={"Content-Disposition": f'attachment; filename="{name.replace("/", "-")}"'})

    # ---- compare

    @app.get("/compare", response_class=HTMLResponse)
    async def compare(request: Request, a: str = "", b: str = ""):
        ds = store.dataset()
        ed = editor(request)
        first = ed.office if ed.office in ds.offices else next(iter(ds.offices))
        a = a or f"{ds.latest_year}/{first}"
        b = b or a
        sides = []
        for spec in (a, b):
            m = re.fullmatch(r"(\d{4})/([a-z0-9-]+)", spec)
            if not m or int(m.group(1)) not in ds.years or m.group(2) not in ds.offices:
                raise StarletteHTTPException(404)
            if not ed.may_read(m.group(2)):
                raise StarletteHTTPException(403)
            sides.append(resolve(ds, int(m.group(1)), m.group(2)))
        from ..compare.decrees import compare_decrees

        changes = compare_decrees(sides[0], sides[1])
        return page(request, "compare.html", nav="compare", ds=ds, a=a, b=b, left=sides[0], right=sides[1],
                    changes=changes, year=sides[0].year, office=sides[0].office)

    @app.get("/compare/redline")
    async def redline(request: Request, a: str, b: str, doc: str = "keputusan"):
        ds = store.dataset()
        sides = []
        for spec in (a, b):
            m = re.fullmatch(r"(\d{4})/([a-z0-9-]+)", spec)
            if not m or int(m.group(1)) not in ds.years or m.group(2) not in ds.offices:
                raise StarletteHTTPException(404)
            if not editor(request).may_read(m.group(2)):
                raise StarletteHTTPException(403)
            sides.append(resolve(ds, int(m.group(1)), m.group(2)))
        from ..workflows.diff import lampiran_path, redline_decrees

        with tempfile.TemporaryDirectory(prefix="zi-docgen-web-redline-") as tmp:
            out = Path(tmp) / "redline.docx"
            redline_decrees(sides[0], sides[1], templates_dir, out)
            path = out if doc == "keputusan" else lampiran_path(out)
            data = path.read_bytes()
        name = f"redline-{a.replace('/', '-')}-{b.replace('/', '-')}-{doc}.docx"
        return Response(data, media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    # ---- new year

    @app.get("/new-year", response_class=HTMLResponse)
    async def new_year_form(request: Request):
        ds = store.dataset()
        if not editor(request).province:
            raise StarletteHTTPException(403)
        return page(request, "newyear.html", nav="newyear", ds=ds, old=ds.latest_year, new=ds.latest_year + 1,
                    lines=None, year=ds.latest_year, office=next(iter(ds.offices.values())))

    @app.post("/new-year", response_class=HTMLResponse)
    async def new_year_run(request: Request):
        ds = store.dataset()
        if not editor(request).province:
            raise StarletteHTTPException(403)
        f = await form_of(request)
        from ..workflows.newyear import new_year

        try:
            old, new = int(f.get("old", "")), int(f.get("new", ""))
        except ValueError:
            raise StarletteHTTPException(404) from None
        try:
            with store.edit(editor=editor(request).name):  # holds the data folder's lock
                lines = new_year(data_dir, old, new)
            rel = str(new)
            commit = store._git_commit([rel], editor(request).name, f"tahun baru {new} dari {old}")
        except ZiError as exc:
            return error_page(request, 422, f"{t('refused', editor(request).lang)} {exc}")
        ds = store.dataset()
        return page(request, "newyear.html", nav="newyear", ds=ds, old=old, new=new, lines=lines, commit=commit,
                    year=new, office=next(iter(ds.offices.values())))

    return app


# ---------------------------------------------------------------- pure helpers

def _lang_of(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE)
    return lang if lang in ("id", "en") else "id"


def _local_name() -> str:
    try:
        out = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, timeout=5)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name available
        return "zi-docgen"


def _place(node) -> str:
    """Where a finding is, in the words of the decree ("Menimbang a.", "Dasar Hukum 2.", "KESATU", or
    the first words of a paragraph), never an id."""
    parts = node.path.split("/")
    head = ("Menimbang" if "menimbang" in parts[:2] else "Mengingat" if "mengingat" in parts[:2]
            else "Dasar Hukum" if node.role == "legal-basis" else "")
    if node.label and head:
        return f"{head} {node.label}"
    words = (node.term + " " if node.term else "") + markup.to_plain(node.text or "")
    snippet = " ".join(words.split()[:6])
    snippet = f"“{snippet}…”" if snippet else node.id
    return f"{node.label} {snippet}" if node.label else snippet


def _severity(sev: str) -> str:
    from ..check.findings import SEVERITY_LABELS

    return i18n._(SEVERITY_LABELS[sev]).capitalize() if sev in SEVERITY_LABELS else sev


def _file_label(name: str, T) -> str:
    """A built file as a person asks for it: "Keputusan (asli), PDF"."""
    stem, _, ext = name.rsplit("/", 1)[-1].rpartition(".")
    what = {"keputusan": ("keputusan", "original"), "lampiran": ("lampiran", "original"),
            "keputusan-salinan": ("keputusan", "copy"), "lampiran-salinan": ("lampiran", "copy")}.get(stem)
    if what is None:
        return T("file_jdih") if stem.startswith("jdih") else name
    return f"{T(what[0])} ({T('file_' + what[1])}), {ext.upper()}"


def _fields(spec: str) -> list[str]:
    return [x for x in (spec or "").split(",") if re.fullmatch(r"[a-z_]+|\d+", x)]


def _same_text(new: str, old: str | None) -> bool:
    return " ".join((new or "").split()) == " ".join((old or "").split())


def _retarget(resp: HTMLResponse, dom: str) -> HTMLResponse:
    resp.headers["HX-Retarget"] = f"#{dom}"
    resp.headers["HX-Reswap"] = "outerHTML"
    return resp


_QUOTED = re.compile(r"'([^']+)'")


def _wrong_of(finding) -> str | None:
    m = _QUOTED.search(finding.message or "")
    return m.group(1) if m else None


def _replace_once(text: str, wrong: str, right: str) -> str | None:
    if not wrong:
        return None
    m = re.search(r"(?<!\w)" + re.escape(wrong) + r"(?!\w)", text) or re.search(re.escape(wrong), text)
    if not m:
        return None
    return text[:m.start()] + right + text[m.end():]


def _attach_findings(decree, found) -> dict[str, tuple[Any, list]]:
    """Findings by the node whose text they point into (the last node starting at or before them)."""
    nodes = [n for n in decree.walk() if n.src is not None and n.src.line and n.kind in (
        "item", "para", "field", "chapter", "section", "line", "targets", "target-row")]
    def start(n) -> tuple[int, int]:
        # A defined term is written above its definition: the item starts at the term.
        if n.term_src is not None and n.term_src.line and n.term_src.file == n.src.file:
            return min((n.src.line, n.src.col), (n.term_src.line, n.term_src.col))
        return (n.src.line, n.src.col)

    by_file: dict[str, list] = {}
    for n in nodes:
        by_file.setdefault(n.src.file, []).append(n)
    for lst in by_file.values():
        lst.sort(key=start)
    out: dict[str, tuple[Any, list]] = {}
    for f in found:
        if f.src is None:
            continue
        best = None
        for n in by_file.get(f.src.file, []):
            if start(n) <= (f.src.line, f.src.col):
                best = n
            else:
                break
        if best is not None:
            out.setdefault(best.path, (best, []))[1].append(f)
    return out


def _value_text(v: Any) -> str:
    if v is None:
        return ""
    if hasattr(v, "placeholder"):
        return ""
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _zip_bytes(files: list[tuple[str, Path]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, p in files:
            z.write(p, name)
    return buf.getvalue()


__all__ = ["create_app", "UI"]
