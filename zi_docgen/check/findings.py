"""What the checker reports."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from ..errors import Src
from ..i18n import N_, _

SEVERITIES = ("error", "warning", "placeholder")
# As printed: the severity in the user's language (the JSON keeps the English ids).
SEVERITY_LABELS = {"error": N_("error"), "warning": N_("warning"), "placeholder": N_("placeholder")}


@dataclass(frozen=True)
class Finding:
    src: Src | None          # where the text came from: the YAML value (or the raw text file)
    severity: str            # "error" | "warning" | "placeholder"
    rule: str                # e.g. "spelling", "confusion", "menimbang-bahwa", "mengingat-gazette"
    message: str             # short, English, quoting the Indonesian text involved
    suggestion: str | None = None
    office: str | None = None  # office id(s), comma-separated; None when the text is shared by all checked
    # placeholders only: the YAML key to write ("number", "ketua.name") and whether
    # src's file must be created first
    field: str = ""
    file_missing: bool = False

    def format(self) -> str:
        where = str(self.src) if self.src else (self.office or "-")
        tail = f" ({self.suggestion})" if self.suggestion else ""
        severity = _(SEVERITY_LABELS[self.severity]) if self.severity in SEVERITY_LABELS else self.severity
        return f"{where}: {severity} {self.rule}: {self.message}{tail}"

    def to_json(self) -> dict:
        d = asdict(self)
        src = d.pop("src")
        d = {"file": src["file"] if src else None, "line": src["line"] if src else 0,
             "col": src["col"] if src else 0, **d}
        return d

    def sort_key(self):
        s = self.src
        return (s.file if s else "", s.line if s else 0, s.col if s else 0,
                SEVERITIES.index(self.severity) if self.severity in SEVERITIES else 9, self.rule, self.message)

    def key(self):
        """Identity without the office: the same finding in shared text is reported once."""
        return (self.src, self.severity, self.rule, self.message, self.suggestion)
