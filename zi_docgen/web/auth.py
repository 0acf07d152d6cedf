"""Accounts, sessions and CSRF for `zi-docgen serve`.

Accounts live in a JSON file outside the data folder (so they are never
committed with the data): user name → argon2 hash and the office the account
belongs to. An account of a provinsi office edits everything; an account of a
kabupaten/kota office edits only that office's own files.

Sessions are a signed cookie (itsdangerous): HttpOnly, SameSite=Strict, Secure
when served over HTTPS. Every state-changing request carries the session's CSRF
token (a form field or the X-CSRF-Token header htmx sends).
"""
from __future__ import annotations

import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..errors import DataError, Src, os_reason
from ..i18n import _

_HASHER = PasswordHasher()
COOKIE = "zi_session"
MAX_AGE = 12 * 3600


def default_users_file(data_dir: Path) -> Path:
    """Beside the data folder, never inside it."""
    return Path(data_dir).resolve().parent / ".zi-docgen-users.json"


@dataclass(frozen=True)
class Account:
    name: str
    office: str


class Accounts:
    def __init__(self, path: Path):
        self.path = Path(path)

    def _read(self) -> dict[str, Any]:
        if not self.path.exists():
            return {"users": {}}
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            reason = os_reason(exc) if isinstance(exc, OSError) else _("not valid JSON")
            raise DataError(_("cannot read the accounts file: {reason}").format(reason=reason), Src.of(self.path)) from None
        if not isinstance(raw, dict) or not isinstance(raw.get("users"), dict):
            raise DataError(_("the accounts file has no 'users'"), Src.of(self.path))
        return raw

    def _write(self, raw: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".users.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(raw, f, indent=2, ensure_ascii=False)
            f.write("\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)

    def add(self, name: str, password: str, office: str) -> None:
        name = name.strip()
        if not name or len(password) < 8:
            raise DataError(_("a user needs a name and a password of at least 8 characters"), Src.of(self.path))
        raw = self._read()
        raw["users"][name] = {"hash": _HASHER.hash(password), "office": office}
        self._write(raw)

    def remove(self, name: str) -> bool:
        raw = self._read()
        found = raw["users"].pop(name, None) is not None
        if found:
            self._write(raw)
        return found

    def list(self) -> list[Account]:
        return [Account(n, u.get("office", "")) for n, u in sorted(self._read()["users"].items())]

    def verify(self, name: str, password: str) -> Account | None:
        user = self._read()["users"].get(name)
        if not user:
            _HASHER.hash(password)  # same time whether or not the name exists
            return None
        try:
            _HASHER.verify(user["hash"], password)
        except (VerificationError, InvalidHashError):
            return None
        return Account(name, user.get("office", ""))


class Sessions:
    def __init__(self, secret: str | None = None):
        self._s = URLSafeTimedSerializer(secret or secrets.token_urlsafe(32), salt="zi-docgen-session")

    def load(self, cookie: str | None) -> dict[str, Any]:
        if not cookie:
            return {}
        try:
            data = self._s.loads(cookie, max_age=MAX_AGE)
        except BadSignature:
            return {}
        return data if isinstance(data, dict) else {}

    def dump(self, data: dict[str, Any]) -> str:
        return self._s.dumps(data)


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


def same_token(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and secrets.compare_digest(str(a), str(b))
