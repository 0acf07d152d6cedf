"""A working folder anywhere: `zi-docgen init DIR`, and where the templates come from.

The repository's top-level templates/ and data/ are the only source of truth.
A wheel carries them as zi_docgen/skeleton/{templates,data} (setuptools
package-dir mapping in pyproject.toml, no copies in the repository); an
editable install or a source checkout finds them at the top of the repository.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Optional

from ..errors import OutputError, Src
from ..i18n import _

TEMPLATE_NAMES = ("keputusan.docx", "lampiran.docx")
GITIGNORE = "# Generated documents: rebuild them with 'zi-docgen build'.\n/output/\n"


def _package_dir() -> Path:
    return Path(__file__).resolve().parents[1]


def skeleton_dir() -> Optional[Path]:
    """The folder holding the shipped templates/ and data/ (None if this installation has neither)."""
    shipped = _package_dir() / "skeleton"
    if (shipped / "templates").is_dir():
        return shipped
    checkout = _package_dir().parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "templates").is_dir():
        return checkout
    return None


def shipped_templates() -> Optional[Path]:
    base = skeleton_dir()
    return base / "templates" if base is not None else None


def shipped_data() -> Optional[Path]:
    base = skeleton_dir()
    return base / "data" if base is not None and (base / "data").is_dir() else None


def templates_dir(option: Optional[Path], cwd: Optional[Path] = None) -> Path:
    """--templates if given; else ./templates if it exists; else the templates shipped with zi-docgen."""
    if option is not None:
        return Path(option)
    local = (cwd or Path.cwd()) / "templates"
    if local.is_dir():
        return Path("templates") if cwd is None else local
    shipped = shipped_templates()
    # Nothing shipped (a broken installation): keep ./templates so the error names it.
    return shipped if shipped is not None else Path("templates")


def init_workspace(target: Path) -> list[Path]:
    """Create target/ with data/, templates/, output/ and a .gitignore; return what was written.

    Refuses to write into a folder that already has data/ or templates/: a working
    folder holds the staff's edits, and init must never overwrite them.
    """
    target = Path(target)
    data, templates = shipped_data(), shipped_templates()
    if data is None or templates is None:
        raise OutputError(_("this installation of zi-docgen carries no starter data or templates"), Src.of(target),
                          _("reinstall it with 'pip install zi-docgen'"))
    for name in ("data", "templates"):
        if (target / name).exists():
            raise OutputError(_("the folder already has {name}/; nothing was changed").format(name=name),
                              Src.of(target / name),
                              _("choose a new folder, e.g. 'zi-docgen init zi-kerja'"))
    if target.exists() and not target.is_dir():
        raise OutputError(_("this is a file, not a folder"), Src.of(target), _("choose a new folder name"))
    target.mkdir(parents=True, exist_ok=True)
    written = []
    shutil.copytree(data, target / "data", ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    written.append(target / "data")
    (target / "templates").mkdir()
    for name in TEMPLATE_NAMES:
        shutil.copyfile(templates / name, target / "templates" / name)
    written.append(target / "templates")
    (target / "output").mkdir(exist_ok=True)
    written.append(target / "output")
    gitignore = target / ".gitignore"
    if gitignore.exists():
        text = gitignore.read_text(encoding="utf-8")
        if "/output/" not in text.split():
            gitignore.write_text(text + ("" if text.endswith("\n") or not text else "\n") + GITIGNORE,
                                 encoding="utf-8")
    else:
        gitignore.write_text(GITIGNORE, encoding="utf-8")
    written.append(gitignore)
    return written
