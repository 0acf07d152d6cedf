"""Variables inside data text, e.g. "di Lingkungan {{ office.name }}".

Data text is text. Only a variable reference of the form {{ name.attr }} is
expanded, evaluated by Jinja's sandbox against a fixed set of variables with
StrictUndefined; everything else (other braces, {% %}, &, <) stays literal.
"""
from __future__ import annotations

import functools
import re
from typing import Any

from jinja2 import StrictUndefined, TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from ..errors import DataError, Src
from ..load.yamlsrc import VAR_RE

_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)

#: What data text may refer to; documented in the README.
KNOWN = {
    "office": "the office: name, short_name, seat, region, province, level",
    "year": "the decree's year",
    "decree": "the decree: title, number",
    "refs": "cross-references: preceding (e.g. 'huruf a dan huruf b')",
}


@functools.lru_cache(maxsize=512)
def _compiled(expr: str):
    return _ENV.compile_expression(expr, undefined_to_none=False)


def expand(text: str, variables: dict[str, Any], src: Src | None, on_value=None) -> str:
    """Expand {{ var }} references; raise DataError naming file:line for an unknown one.

    on_value(value) is called for each substituted value, so the caller can notice
    placeholders (unknown officials, numbers) that flow into text.
    """
    if "{{" not in text:
        return text

    def repl(m: re.Match) -> str:
        name = m.group(1)
        try:
            value = _compiled(name)(**variables)
            if isinstance(value, StrictUndefined):
                raise UndefinedError(name)
            str_value = str(value)
        except (UndefinedError, TemplateError, AttributeError):
            raise DataError(f"unknown variable '{{{{ {name} }}}}'", src.at(text, m.start()) if src else None,
                            "known variables: " + "; ".join(f"{k} ({v})" for k, v in KNOWN.items())) from None
        if on_value is not None:
            on_value(value)
        return str_value

    return VAR_RE.sub(repl, text)
