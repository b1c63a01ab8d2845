"""Read a YAML document safely and remember where every key and value stands in the file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from checklist.errors import Location, PackError, Problem
from checklist.text import msg, one_line

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
                f"not UTF-8 text (byte 0x{bad}); save the pack as UTF-8",
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
                raise _TooBig(mark.line + 1, mark.column + 1, f"more than {MAX_ALIASES} aliases")
        return super().compose_node(parent, index)


class _TooBig(Exception):
    def __init__(self, line: int, column: int, what: str) -> None:
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
        raise PackError(Problem(Location(file), f"pack is {len(raw)} bytes; the limit is {MAX_BYTES}"))
    text = _decode(file, raw)
    if too_deep(text):
        raise PackError(Problem(Location(file), msg("pack.too_deep")))
    loader: _CountingLoader | None = None
    try:
        loader = _CountingLoader(text)  # its reader refuses control characters at once
        node = loader.get_single_node()
        if node is None:
            raise PackError(
                Problem(Location(file, 1, 1), "empty pack: expected a mapping with keys pack, version, rules")
            )
        if _expanded_size(node, {}) > MAX_EXPANDED_NODES:
            raise _TooBig(node.start_mark.line + 1, node.start_mark.column + 1, "aliases expand too far")
        problems: list[Problem] = []
        doc = LocatedDoc(file, None)
        _index(file, node, (), doc, problems)
        if problems:
            raise PackError(problems)
        doc.data = loader.construct_document(node)
    except _TooBig as big:
        raise PackError(
            Problem(Location(file, big.line, big.column), f"document rejected: {big.what} (alias bomb?)")
        ) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        what = err.problem or err.context or "invalid YAML"
        raise PackError(Problem(Location(file, line, col), f"YAML syntax error: {what}")) from None
    except yaml.YAMLError as err:
        raise PackError(Problem(Location(file), msg("pack.yaml", detail=one_line(err)))) from None
    except RecursionError:  # 2,000 nested '[' and the like: PyYAML's composer is recursive
        raise PackError(Problem(Location(file), msg("pack.too_deep"))) from None
    except ValueError as err:  # an integer of more than 4,300 digits, a date such as 2024-02-30
        raise PackError(Problem(Location(file), msg("pack.bad_value", detail=one_line(err)))) from None
    finally:
        if loader is not None:
            loader.dispose()
    return doc


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
                problems.append(Problem(_loc(file, key_node), f"duplicate key '{key}'", _dotted((*path, key))))
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
