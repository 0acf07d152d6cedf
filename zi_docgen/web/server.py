"""Run the web editor: `zi-docgen serve` and `zi-docgen user add`."""
from __future__ import annotations

import threading
import webbrowser
from pathlib import Path

from ..errors import DataError, Src, ZiError, os_reason
from ..i18n import _
from .auth import Accounts, default_users_file

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def serve(data: Path, templates: Path | None = None, *, host: str = "127.0.0.1", port: int = 8000,
          open_browser: bool = True, multi: bool = False, users: Path | None = None, say=print) -> None:
    import uvicorn

    from .app import create_app

    users_file = Path(users) if users else default_users_file(Path(data))
    if multi and not Accounts(users_file).list():
        raise DataError(_("no accounts yet for --multi"), Src.of(users_file),
                        _("add one with 'zi-docgen user add NAME --office OFFICE-ID'"))
    if host not in LOOPBACK and not multi:
        say(_("warning: listening on {host} without --multi: anyone who can reach it may edit the data").format(
            host=host))
    _check_port(host, port)
    app = create_app(Path(data), Path(templates) if templates else None, multi=multi, users_file=users_file)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    say(_("zi-docgen: {url}  (Ctrl+C to stop)").format(url=url))
    if open_browser:
        threading.Timer(0.8, lambda: webbrowser.open(url)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _check_port(host: str, port: int) -> None:
    """A port that is taken (or a host this machine is not) is one line, before uvicorn logs it in English."""
    import errno
    import socket

    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            sock.bind(address)
    except OSError as exc:
        if getattr(exc, "errno", None) == errno.EADDRINUSE:
            raise ZiError(_("port {port} is already in use").format(port=port), None,
                          _("another zi-docgen serve may be running: open it, stop it, or choose another port "
                            "with --port, e.g. --port {other}").format(other=port + 1)) from None
        raise ZiError(_("cannot listen on {host}:{port}: {reason}").format(host=host, port=port,
                                                                           reason=os_reason(exc)), None,
                      _("check --host and --port")) from None


def user_add(name: str, office: str, password: str, *, data: Path, users: Path | None = None) -> Path:
    from ..load.dataset import load_dataset

    ds = load_dataset(Path(data))
    ds.office(office)  # an unknown office id is an error with a suggestion
    path = Path(users) if users else default_users_file(Path(data))
    Accounts(path).add(name, password, office)
    return path
