"""Variables inside data text, e.g. "di Lingkungan {{ office.name }}".

Data text is text. Only a variable reference of the form {{ name.attr }} is
expanded, and only for the documented names (DOCUMENTED), evaluated by Jinja's
sandbox with StrictUndefined; everything else (other braces, {% %}, &, <) stays
literal.
"""
from __future__ import annotations

import functools
import re
from typing import Any

from jinja2 import StrictUndefined, TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from ..errors import DataError, Src, _
from ..load.yamlsrc import VAR_RE

_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)

#: The variables data text may use: exactly those the README lists ("Variables in text").
#: Anything else, however Jinja would evaluate it (its globals such as lipsum or
#: range, attributes of these objects that are not listed, the bare objects), is an
#: error at its file:line, so that nothing of Python's internals reaches a decree.
DOCUMENTED = ("office.name", "office.short_name", "office.body", "office.region", "office.seat",
              "office.province", "year", "decree.title", "refs.preceding", "areas.pengungkit", "areas.hasil")
_OBJECTS = {name.split(".")[0] for name in DOCUMENTED if "." in name}


@functools.lru_cache(maxsize=512)
def _compiled(expr: str):
    return _ENV.compile_expression(expr, undefined_to_none=False)


def _listed() -> str:
    return ", ".join("{{ %s }}" % name for name in DOCUMENTED)


def expand(text: str, variables: dict[str, Any], src: Src | None, on_value=None) -> str:
    """Expand {{ var }} references; raise DataError naming file:line for one that is not documented.

    on_value(value) is called for each substituted value, so the caller can notice
    placeholders (unknown officials, numbers) that flow into text.
    """
    if "{{" not in text:
        return text

    def repl(m: re.Match) -> str:
        name = m.group(1)
        # Only a mistake needs the position (mapping an offset costs more than the lookup).
        where = src.at(text, m.start()) if src and (name in _OBJECTS or name not in DOCUMENTED) else None
        if name in _OBJECTS:
            fields = ", ".join("{{ %s }}" % n for n in DOCUMENTED if n.startswith(name + "."))
            raise DataError(_("'{{{{ {name} }}}}' is a group of values, not a value").format(name=name), where,
                            _("write one of {fields}").format(fields=fields))
        if name not in DOCUMENTED:
            raise DataError(_("unknown variable '{{{{ {name} }}}}'").format(name=name), where,
                            _("the variables are {names}").format(names=_listed()))
        try:
            value = _compiled(name)(**variables)
            if isinstance(value, StrictUndefined):
                raise UndefinedError(name)
            str_value = str(value)
        except (UndefinedError, TemplateError, AttributeError):
            where = src.at(text, m.start()) if src else None
            raise DataError(_("the variable '{{{{ {name} }}}}' has no value here").format(name=name), where,
                            _("it can be used in the text of a Keputusan or Lampiran only")) from None
        if on_value is not None:
            on_value(value)
        return str_value

    return VAR_RE.sub(repl, text)
