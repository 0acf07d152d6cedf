"""YAML → plain Python values that remember where each value came from.

PyYAML's safe loader is used for scalars (no arbitrary tags, nothing executed);
mappings and sequences are built here so that every dict and list knows the
file:line:col of itself and of each of its values, and so that a key written
twice is an error instead of silently keeping the last one.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import DataError, Src


# Characters XML 1.0 cannot carry; a decree must not silently lose them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


# libyaml's parser when it is there (it is in the PyPI wheels): ten times faster,
# same safe constructor.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class LocDict(dict):
    """A dict that knows where it and each of its values were written."""

    def __init__(self, *args, src: Src | None = None, **kw):
        super().__init__(*args, **kw)
        self.src = src
        self.key_src: dict[str, Src | None] = {k: src for k in self}


class LocList(list):
    """A list that knows where it and each of its items were written."""

    def __init__(self, *args, src: Src | None = None):
        super().__init__(*args)
        self.src = src
        self.item_src: list[Src | None] = [src] * len(self)


def _src(path: str, node: yaml.Node) -> Src:
    m = node.start_mark
    return Src(path, m.line + 1, m.column + 1)


class _Builder:
    def __init__(self, path: str, loader):
        self.path = path
        self.loader = loader

    def build(self, node: yaml.Node) -> Any:
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
            raise DataError(f"cannot read this value: the tag {node.tag} is not allowed", _src(self.path, node),
                            "write plain text, numbers or dates; YAML tags like !!python are not allowed")
        if isinstance(node, yaml.MappingNode):
            out = LocDict()
            out.src = _src(self.path, node)
            out.key_src = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise DataError("YAML merge keys ('<<') are not supported",
                                    _src(self.path, key_node), "write the values out")
                key = self.build(key_node)
                if not isinstance(key, (str, int)):
                    raise DataError(f"a key must be a word, not {type(key).__name__}",
                                    _src(self.path, key_node))
                key = str(key)
                if key in out:
                    first = out.key_src[key]
                    raise DataError(f"key '{key}' is written twice (first at line {first.line})",
                                    _src(self.path, key_node), "keep one of them")
                out[key] = self.build(value_node)
                out.key_src[key] = _src(self.path, value_node)
            return out
        if isinstance(node, yaml.SequenceNode):
            out = LocList()
            out.src = _src(self.path, node)
            out.item_src = []
            for item in node.value:
                out.append(self.build(item))
                out.item_src.append(_src(self.path, item))
            return out
        try:
            value = self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            raise DataError(f"cannot read this value: {exc.problem}", _src(self.path, node),
                            "write plain text, numbers or dates; YAML tags like !!python are not allowed") from None
        if isinstance(value, str):
            bad = _INVALID_XML.search(value)
            if bad:
                raise DataError(f"the text contains an invisible control character (U+{ord(bad.group()):04X})",
                                _src(self.path, node), "delete it; Word documents cannot hold it")
        return value


def load_yaml(path: Path) -> Any:
    """Read one YAML file into LocDict/LocList/scalars; raise DataError with file:line."""
    shown = Src.of(path).file
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError("file not found", Src(shown)) from None
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text (byte {exc.start})", Src(shown),
                        "save the file as UTF-8") from None
    except OSError as exc:
        raise DataError(f"cannot read file: {exc.strerror}", Src(shown)) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _Builder(shown, loader).build(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        src = Src(shown, mark.line + 1, mark.column + 1) if mark else Src(shown)
        problem = exc.problem or exc.context or "malformed YAML"
        raise DataError(f"malformed YAML: {problem}", src,
                        "check indentation, colons and quotes on this line") from None
    except yaml.YAMLError as exc:
        raise DataError(f"malformed YAML: {exc}", Src(shown)) from None
    finally:
        loader.dispose()


def locate(root: Any, path: tuple, default: Src) -> Src:
    """The most precise known source for a path into a loaded document (for pydantic errors)."""
    best = getattr(root, "src", default)
    node = root
    for part in path:
        if isinstance(node, LocDict) and isinstance(part, str) and part in node:
            best = node.key_src.get(part, best)
            node = node[part]
        elif isinstance(node, LocList) and isinstance(part, int) and 0 <= part < len(node):
            best = node.item_src[part]
            node = node[part]
        else:
            break
    return best

