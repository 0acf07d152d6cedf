"""Every package the code imports is declared in pyproject.toml: `pip install` must be all it needs."""
from __future__ import annotations

import ast
import importlib.metadata as md
import re
import sys
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def imported_top_levels() -> dict[str, str]:
    """Top-level module name -> first file that imports it (absolute imports only)."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "zi_docgen").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {md_name(re.split(r"[\s<>=!~;\[]", req, maxsplit=1)[0]) for req in project["dependencies"]}


def md_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_package_is_declared():
    stdlib = set(sys.stdlib_module_names)
    dists = md.packages_distributions()
    missing = []
    for module, where in imported_top_levels().items():
        if module in stdlib or module == "zi_docgen" or module == "__future__":
            continue
        owners = {md_name(d) for d in dists.get(module, [])}
        if not owners:
            missing.append(f"{module} (imported by {where}) is not installed at all")
        elif not owners & declared():
            missing.append(f"{module} (imported by {where}) comes from {sorted(owners)}, not declared")
    assert not missing, "add to [project].dependencies in pyproject.toml: " + "; ".join(missing)


def test_the_scan_sees_third_party_imports():
    mods = imported_top_levels()
    assert {"typer", "docxtpl", "pydantic", "babel"} <= set(mods)
