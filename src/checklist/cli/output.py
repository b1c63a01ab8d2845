"""Where results go: the format from -o's extension, refusals made before anything is read, atomic writes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from checklist.errors import UsageError
from checklist.text import msg

# DESIGN §7.1: -o FILE without --format takes the format from the extension.
EXTENSIONS = {
    ".json": "json",
    ".md": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xlsx": "xlsx",
    ".docx": "docx",
    ".xml": "junit",
    ".txt": "table",
}
MAX_NAME_BYTES = 255  # what NTFS, ext4 and APFS allow for one path component


def output_format(output: str | None, given: str | None, known: dict[str, str] = EXTENSIONS) -> str:
    """The format to write: --format, else -o's extension, else the terminal table.
    An extension naming no format, or contradicting --format, is a usage error."""
    if output is None:
        return given or "table"
    suffix = Path(output).suffix.lower()
    inferred = known.get(suffix)
    if inferred is None:
        if given is not None and not suffix:
            return given
        raise UsageError(msg("usage.output_unknown_ext", path=output, known=sorted(known)))
    if given is not None and given != inferred:
        raise UsageError(msg("usage.output_format_conflict", path=output, inferred=inferred, given=given))
    return inferred


def require_extension(output: str, extension: str) -> None:
    """For commands with one output format (plan: .xlsx, calendar: .ics)."""
    if Path(output).suffix.lower() != extension:
        raise UsageError(msg("usage.output_wrong_ext", path=output, expected=extension))


def check_output(output: str, inputs: list[str]) -> None:
    """Refuse, before anything is read, an -o that cannot be written or would destroy an input."""
    target = Path(output)
    length = len(os.fsencode(target.name))
    if length > MAX_NAME_BYTES:
        raise UsageError(msg("usage.output_name_long", path=_short(output), length=length))
    try:
        is_dir = output.endswith(("/", "\\")) or target.name in ("", ".", "..") or target.is_dir()
        folder_exists = target.parent.is_dir()
    except (OSError, ValueError) as err:  # a name the system cannot take (Windows: ? * : <)
        reason = getattr(err, "strerror", None) or str(err)
        raise UsageError(msg("usage.output_cannot_write", path=_short(output), reason=reason)) from None
    if is_dir:
        raise UsageError(msg("usage.output_is_dir", path=output))
    if not folder_exists:
        raise UsageError(msg("usage.output_no_dir", path=output, folder=str(target.parent)))
    for name in inputs:
        if _same_file(target, Path(name)):
            raise UsageError(msg("usage.output_is_input", path=output))


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def write_output(data: str | bytes, output: str | None, out: TextIO) -> None:
    """To -o FILE atomically (temp file + rename), else to standard output (bytes as they are)."""
    if output is None:
        _to_stream(data, out)
        return
    target = Path(output)
    tmp = target.with_name(f".{target.name[:200]}.tmp{os.getpid()}")
    try:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            tmp.write_text(data, encoding="utf-8")
        os.replace(tmp, target)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise UsageError(msg("usage.output_cannot_write", path=output, reason=err.strerror or str(err))) from None


def _to_stream(data: str | bytes, out: TextIO) -> None:
    if isinstance(data, str):
        out.write(data)
        return
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        out.write(data.decode("utf-8"))
        return
    out.flush()
    buffer.write(data)
    buffer.flush()
