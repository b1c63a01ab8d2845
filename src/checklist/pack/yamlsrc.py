"""Read a YAML document safely and remember where every key and value stands in the file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from checklist.errors import Location, PackError, Problem
from checklist.text import Message, msg, one_line

MAX_BYTES = 2 * 1024 * 1024
# A pack is a few hundred nodes; a billion-laughs document expands to millions.
MAX_EXPANDED_NODES = 200_000
MAX_ALIASES = 500

Path = tuple[str | int, ...]


@dataclass
class LocatedDoc:
    """Plain data from a YAML file plus the position of every value (and key) by path."""

    file: str
    data: Any
    values: dict[Path, Location] = field(default_factory=dict)
    keys: dict[Path, Location] = field(default_factory=dict)

    def where(self, path: Path, *, key: bool = False) -> Location:
        """The closest known position for `path`: the exact one, else its nearest ancestor."""
        table = self.keys if key else self.values
        for cut in range(len(path), -1, -1):
            prefix = path[:cut]
            if prefix in table:
                return table[prefix]
            if key and prefix in self.values:
                return self.values[prefix]
        return Location(self.file, 1, 1)


def _loc(file: str, node: Node) -> Location:
    mark = node.start_mark
    return Location(file, mark.line + 1, mark.column + 1)


def _decode(file: str, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        # Editors count characters, not bytes.
        col = len(raw[line_start : err.start].decode("utf-8", "replace")) + 1
        bad = raw[err.start : err.start + 1].hex()
        raise PackError(
            Problem(
                Location(file, line, col),
                msg("pack.not_utf8", byte=bad),
            )
        ) from None


class _CountingLoader(yaml.SafeLoader):
    """SafeLoader that refuses documents with too many aliases before building them."""

    aliases_seen = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        if self.check_event(yaml.AliasEvent):
            self.aliases_seen += 1
            if self.aliases_seen > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise _TooBig(mark.line + 1, mark.column + 1, msg("pack.aliases_many", most=MAX_ALIASES))
        return super().compose_node(parent, index)

    def construct_yaml_int(self, node: Node) -> Any:
        try:
            return super().construct_yaml_int(node)
        except ValueError:  # more than 4,300 digits
            raise _BadValue(node, msg("pack.value.huge_number", digits=len(str(node.value)))) from None

    def construct_yaml_timestamp(self, node: Node) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # 2024-13-01, 2024-02-30
            raise _BadValue(node, msg("pack.value.bad_date", text=str(node.value))) from None


_CountingLoader.add_constructor("tag:yaml.org,2002:int", _CountingLoader.construct_yaml_int)
_CountingLoader.add_constructor("tag:yaml.org,2002:timestamp", _CountingLoader.construct_yaml_timestamp)


class _BadValue(Exception):
    """A scalar YAML cannot turn into its value; raised at its node so the error has a line."""

    def __init__(self, node: Node, what: Message) -> None:
        super().__init__(what.code)
        self.node, self.what = node, what


class _TooBig(Exception):
    def __init__(self, line: int, column: int, what: Message) -> None:
        super().__init__(what)
        self.line, self.column, self.what = line, column, what


def _expanded_size(node: Node, memo: dict[int, int]) -> int:
    """Nodes the document would have with every alias expanded, computed without expanding."""
    known = memo.get(id(node))
    if known is not None:
        return known
    memo[id(node)] = 1  # a recursive alias counts once instead of looping
    if isinstance(node, SequenceNode):
        size = 1 + sum(_expanded_size(child, memo) for child in node.value)
    elif isinstance(node, MappingNode):
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    else:
        size = 1
    memo[id(node)] = min(size, MAX_EXPANDED_NODES + 1)
    return memo[id(node)]


_DEEP = re.compile(r"[\[{](?:\s*[\[{]){100}")


def too_deep(text: str) -> bool:
    """A run of 100 opening brackets: no pack or mapping nests so; PyYAML takes seconds on 2,000 of
    them before its recursion gives up, so they are refused before parsing."""
    return _DEEP.search(text) is not None


def load_located(file: str, raw: bytes) -> LocatedDoc:
    """Parse `raw` (the bytes of `file`) into data with positions; raise PackError if unusable."""
    if len(raw) > MAX_BYTES:
        raise PackError(Problem(Location(file), msg("pack.too_big", size=len(raw), most=MAX_BYTES)))
    text = _decode(file, raw)
    if too_deep(text):
        raise PackError(Problem(Location(file), msg("pack.too_deep")))
    try:
        return _parse(file, text)
    except _TooBig as big:
        raise PackError(Problem(Location(file, big.line, big.column), big.what)) from None
    except yaml.MarkedYAMLError as err:
        raise PackError(_syntax_problem(file, text, err)) from None
    except yaml.reader.ReaderError as err:  # a control character; position counts characters
        before = text[: err.position]
        at = Location(file, before.count("\n") + 1, err.position - before.rfind("\n"))
        raise PackError(Problem(at, msg("pack.control_char", char=f"U+{int(err.character):04X}"))) from None
    except yaml.YAMLError as err:
        raise PackError(Problem(Location(file), msg("pack.yaml", detail=one_line(err)))) from None
    except RecursionError:  # 2,000 nested '[' and the like: PyYAML's composer is recursive
        raise PackError(Problem(Location(file), msg("pack.too_deep"))) from None
    except ValueError as err:  # a value PyYAML cannot build that _CountingLoader does not catch itself
        raise PackError(Problem(Location(file), msg("pack.bad_value", detail=one_line(err)))) from None


def _parse(file: str, text: str) -> LocatedDoc:
    loader = _CountingLoader(text)  # its reader refuses control characters at once
    try:
        node = loader.get_single_node()
        if node is None:
            raise PackError(Problem(Location(file, 1, 1), msg("pack.empty")))
        if _expanded_size(node, {}) > MAX_EXPANDED_NODES:
            raise _TooBig(node.start_mark.line + 1, node.start_mark.column + 1, msg("pack.aliases_far"))
        problems: list[Problem] = []
        doc = LocatedDoc(file, None)
        _index(file, node, (), doc, problems)
        if problems:
            raise PackError(problems)
        try:
            doc.data = loader.construct_document(node)
        except _BadValue as bad:
            at = _loc(file, bad.node)
            path = next((p for p, where in doc.values.items() if where == at), ())
            raise PackError(Problem(at, bad.what, _dotted(path))) from None
        return doc
    finally:
        loader.dispose()


# PyYAML's syntax errors carry no code, only its fixed problem sentences; the usual ones are said in
# the reader's language (by their opening words), any other is shown as PyYAML wrote it.
_YAML_PROBLEMS = (
    ("could not find expected ':'", "pack.yaml.no_colon"),
    ("mapping values are not allowed here", "pack.yaml.colon_here"),
    ("found character '\\t'", "pack.yaml.tab"),
    ("found a tab character", "pack.yaml.tab"),
    ("expected ',' or ']'", "pack.yaml.bracket"),
    ("expected ',' or '}'", "pack.yaml.brace"),
    ("found unexpected end of stream", "pack.yaml.quote"),
    ("found undefined alias", "pack.yaml.alias"),
    ("did not find expected key", "pack.yaml.indent"),
    ("did not find expected '-' indicator", "pack.yaml.indent"),
    ("expected <block end>", "pack.yaml.indent"),
    ("found duplicate anchor", "pack.yaml.anchor"),
    ("found character '", "pack.yaml.token"),
    ("found unknown escape character", "pack.yaml.escape"),
)


def _syntax_problem(file: str, text: str, err: yaml.MarkedYAMLError) -> Problem:
    """A YAML syntax error at its line, in words, with a hint when the line holds a full-width colon
    or space (a Chinese input method's ：and 　 look like YAML's : and space but are not)."""
    mark = err.problem_mark or err.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
    what = err.problem or err.context or ""
    code = next((code for start, code in _YAML_PROBLEMS if what.startswith(start)), None)
    detail = msg(code) if code else msg("pack.yaml.other", detail=one_line(what))
    marks = [m.line for m in (err.context_mark, err.problem_mark) if m is not None]
    lines = text.splitlines()[min(marks, default=0) : max(marks, default=0) + 1]
    hint: Message | str = ""
    if any("：" in x for x in lines):
        hint = msg("pack.hint.wide_colon")
    elif any("\u3000" in x for x in lines):
        hint = msg("pack.hint.wide_space")
    return Problem(Location(file, line, col), msg("pack.yaml_syntax", detail=detail, hint=hint))


def _index(file: str, node: Node, path: Path, doc: LocatedDoc, problems: list[Problem]) -> None:
    """Record positions of every value under `node`; flag duplicate keys (PyYAML keeps the last)."""
    doc.values[path] = _loc(file, node)
    if isinstance(node, SequenceNode):
        for i, child in enumerate(node.value):
            _index(file, child, (*path, i), doc, problems)
    elif isinstance(node, MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else str(key_node.value)
            if key in seen:
                problems.append(
                    Problem(_loc(file, key_node), msg("pack.duplicate_key", key=key), _dotted((*path, key)))
                )
            seen.add(key)
            # named first: mypy reads `keys[(*path, key)]` as the 3.11-only `keys[*path, key]`
            where = (*path, key)
            doc.keys[where] = _loc(file, key_node)
            _index(file, value_node, where, doc, problems)


def _dotted(path: Path) -> str:
    """`('rules', 3, 'every')` -> `rules[3].every`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


dotted = _dotted
