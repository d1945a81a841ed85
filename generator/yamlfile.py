"""Reading editors' YAML: errors that point at the file and line, and the key that was meant."""

from __future__ import annotations

import difflib
import re
from collections.abc import Hashable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .errors import GeneratorError


class YamlError(GeneratorError):
    """A YAML file an editor wrote cannot be used; the message is `file:line: what to do`."""


class _DuplicateKey(yaml.YAMLError):
    """A mapping names a key twice; YAML itself would keep the last value without a word."""

    def __init__(self, key: object, line: int, first: int) -> None:
        super().__init__(f"duplicate key {key}")
        self.key, self.line, self.first = key, line, first


class _Checked(yaml.constructor.SafeConstructor):
    """Safe YAML that refuses a key given twice in one mapping and reads MkDocs' `!ENV [NAME, default]` tag (as its default)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, Hashable):
                continue
            if key in seen:
                raise _DuplicateKey(key, key_node.start_mark.line, seen[key])
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)


def _env_default(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    import os

    values = loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else [loader.construct_scalar(node)]  # type: ignore[arg-type]
    for name in values[:-1] if len(values) > 1 else values:
        if isinstance(name, str) and name in os.environ:
            return os.environ[name]
    return values[-1] if len(values) > 1 else None


class _Loader(_Checked, yaml.SafeLoader):
    """The pure-Python parser: slow, but its syntax errors point at the line an editor must fix."""


class _FastLoader(_Checked, yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
    """libyaml's parser where PyYAML's wheel has it (every PyPI wheel does): ten times faster, for files that parse."""


for _loader in (_Loader, _FastLoader):
    _loader.add_constructor("!ENV", _env_default)


def parse(text: str, path: Path | str, first_line: int = 1) -> Any:
    """YAML from `text`; a syntax error names `path` and the line (counting from `first_line`)."""
    try:
        try:
            return yaml.load(text, Loader=_FastLoader)
        except _DuplicateKey:
            raise
        except yaml.YAMLError:
            return yaml.load(text, Loader=_Loader)  # the same error, with the pure-Python parser's line and words
    except _DuplicateKey as error:
        line, first = error.line + first_line, error.first + first_line
        raise YamlError(f"{path}:{line}: duplicate key `{error.key}` (first at line {first})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + first_line if mark is not None else first_line
        raise YamlError(f"{path}:{line}: invalid YAML: {getattr(error, 'problem', error)}") from None


def read_text(path: Path) -> str:
    """An editor's file as text; a file saved in another encoding than UTF-8 is an error naming its first bad line."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise YamlError(f"{path}:1: file not found") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise YamlError(f"{path}:{line}: not UTF-8 text: save the file as UTF-8") from None


def read(path: Path) -> tuple[Any, str]:
    """The parsed file and its text (for pointing at lines later)."""
    text = read_text(path)
    return parse(text, path), text


def line_of(key: str, text: str, default: int = 1) -> int:
    """The line where `key:` first appears, so a message can point at it."""
    pattern = re.compile(rf"\s*-?\s*['\"]?{re.escape(key)}['\"]?\s*:")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return default


@lru_cache(maxsize=8)
def _composed(text: str) -> yaml.Node | None:
    """The node tree of `text` (None if it is not YAML): one parse, however many lines a check points at."""
    try:
        return yaml.compose(text, Loader=_FastLoader)
    except yaml.YAMLError:
        return None


def line_at(text: str, location: Sequence[str | int], first_line: int = 1) -> int:
    """The line of the deepest key or list item of `location` (e.g. `("related", 1, "url")`) that `text` has."""
    node = _composed(text)
    if node is None:
        return first_line
    line = 0
    for part in location:
        if isinstance(node, yaml.MappingNode):
            found = next(((key, value) for key, value in node.value if key.value == str(part)), None)
            if found is None:
                break
            line, node = found[0].start_mark.line, found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line
        else:
            break
    return line + first_line


def suggest(key: str, valid: list[str]) -> str:
    """ " (did you mean `flat_percent`?)" or the list of valid keys."""
    close = difflib.get_close_matches(key, valid, n=1)
    return f" (did you mean `{close[0]}`?)" if close else f" (valid keys: {', '.join(valid)})"
