"""Reading editors' YAML: errors that point at the file and line, and the key that was meant."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import yaml

from .errors import GeneratorError


class YamlError(GeneratorError):
    """A YAML file an editor wrote cannot be used; the message is `file:line: what to do`."""


class _Loader(yaml.SafeLoader):
    """Safe YAML that also reads MkDocs' `!ENV [NAME, default]` tag (as its default)."""


def _env_default(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    import os

    values = loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else [loader.construct_scalar(node)]  # type: ignore[arg-type]
    for name in values[:-1] if len(values) > 1 else values:
        if isinstance(name, str) and name in os.environ:
            return os.environ[name]
    return values[-1] if len(values) > 1 else None


_Loader.add_constructor("!ENV", _env_default)


def parse(text: str, path: Path | str, first_line: int = 1) -> Any:
    """YAML from `text`; a syntax error names `path` and the line (counting from `first_line`)."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + first_line if mark is not None else first_line
        raise YamlError(f"{path}:{line}: invalid YAML: {getattr(error, 'problem', error)}") from None


def read(path: Path) -> tuple[Any, str]:
    """The parsed file and its text (for pointing at lines later)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise YamlError(f"{path}:1: file not found") from None
    return parse(text, path), text


def line_of(key: str, text: str, default: int = 1) -> int:
    """The line where `key:` first appears, so a message can point at it."""
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*-?\s*['\"]?{re.escape(key)}['\"]?\s*:", line):
            return number
    return default


def suggest(key: str, valid: list[str]) -> str:
    """ " (did you mean `flat_percent`?)" or the list of valid keys."""
    close = difflib.get_close_matches(key, valid, n=1)
    return f" (did you mean `{close[0]}`?)" if close else f" (valid keys: {', '.join(valid)})"
