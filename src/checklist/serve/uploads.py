"""Uploaded files onto disk, within bounds: how many, how big, and what a .zip may unpack to.

Uploads come from other people's PCs. A .zip of a county's submissions is unpacked member by
member, refusing names that leave the archive (`../`, absolute paths, drive letters), archives
that unpack to more than a bound in total, and members that expand far beyond their packed size
(zip bombs), counting the bytes actually written rather than trusting the archive's header.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from checklist.text import Message, msg

LEDGER_SUFFIXES = (".csv", ".xlsx", ".xls", ".jsonl", ".txt")


@dataclass(frozen=True)
class Limits:
    files: int = 500  # files per upload, after unpacking
    file_bytes: int = 50 * 1024 * 1024  # one file (or one zip member, unpacked)
    total_bytes: int = 200 * 1024 * 1024  # everything unpacked from one upload
    ratio: int = 100  # unpacked ÷ packed size of one zip member

    @property
    def body_bytes(self) -> int:
        """The largest request body accepted (the uploads plus the form's few fields)."""
        return self.total_bytes + 1024 * 1024


class UploadRefused(Exception):
    """An upload outside the bounds; carries the message shown to the person."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message.text("en"))


@dataclass
class Saved:
    names: list[str]  # as the person knows them (zip members as 'county.zip/城关镇.xlsx')
    paths: list[Path]


class Spool:
    """Collects the files of one upload under `root`, enforcing Limits."""

    def __init__(self, root: Path, limits: Limits) -> None:
        self.root = root
        self.limits = limits
        self.total = 0
        self.saved = Saved([], [])

    def add(self, name: str, data: bytes) -> None:
        if name.lower().endswith(".zip"):
            self._unzip(name, data)
        elif name.lower().endswith(LEDGER_SUFFIXES):
            self._keep(name, data)
        else:
            raise UploadRefused(msg("serve.upload.kind", name=name))

    def _count(self, name: str, size: int) -> None:
        if len(self.saved.paths) >= self.limits.files:
            raise UploadRefused(msg("serve.upload.count", limit=self.limits.files))
        if size > self.limits.file_bytes:
            raise UploadRefused(msg("serve.upload.file_size", name=name, limit=_mb(self.limits.file_bytes)))
        self.total += size
        if self.total > self.limits.total_bytes:
            raise UploadRefused(msg("serve.upload.total_size", limit=_mb(self.limits.total_bytes)))

    def _target(self, name: str) -> Path:
        """A fresh directory per file keeps each file's own name (the unit name may come from it)."""
        folder = self.root / str(len(self.saved.paths))
        folder.mkdir(parents=True)
        return folder / safe_name(PurePosixPath(name.replace("\\", "/")).name or "ledger.csv")

    def _keep(self, name: str, data: bytes) -> None:
        self._count(name, len(data))
        path = self._target(name)
        path.write_bytes(data)
        self.saved.names.append(name)
        self.saved.paths.append(path)

    def _unzip(self, name: str, data: bytes) -> None:
        import io

        self._count(name, 0)
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError):
            raise UploadRefused(msg("serve.upload.bad_zip", name=name)) from None
        with archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                member = _member_name(name, info)
                if _skipped(member):
                    continue
                self._extract(name, archive, info, member)

    def _extract(self, zip_name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, member: str) -> None:
        shown = f"{zip_name}/{member}"
        if not member.lower().endswith(LEDGER_SUFFIXES):
            raise UploadRefused(msg("serve.upload.kind", name=shown))
        self._count(shown, 0)
        path = self._target(member)
        limit = min(self.limits.file_bytes, max(info.compress_size, 1024) * self.limits.ratio)
        written = 0
        try:
            with archive.open(info) as source, path.open("wb") as sink:
                for chunk in iter(lambda: source.read(1 << 16), b""):
                    written += len(chunk)
                    if written > limit:
                        raise UploadRefused(msg("serve.upload.bomb", name=shown))
                    if self.total + written > self.limits.total_bytes:
                        raise UploadRefused(msg("serve.upload.total_size", limit=_mb(self.limits.total_bytes)))
                    sink.write(chunk)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError):
            raise UploadRefused(msg("serve.upload.bad_zip", name=zip_name)) from None
        self.total += written
        self.saved.names.append(shown)
        self.saved.paths.append(path)


def _member_name(zip_name: str, info: zipfile.ZipInfo) -> str:
    """The member's path inside the archive; refused when it would leave it."""
    raw = info.filename
    if not info.flag_bits & 0x800:  # not flagged UTF-8: Chinese Windows zips names in GBK
        try:
            raw = raw.encode("cp437").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            raw = info.filename
    text = raw.replace("\\", "/")
    parts = PurePosixPath(text).parts
    if text.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
        raise UploadRefused(msg("serve.upload.escape", name=f"{zip_name}/{raw}"))
    return "/".join(p for p in parts if p not in ("", "."))


def _skipped(member: str) -> bool:
    """Hidden files, macOS resource forks and Office lock files are not ledgers (as for folders)."""
    parts = member.split("/")
    return any(p.startswith(".") or p == "__MACOSX" for p in parts) or parts[-1].startswith("~$")


def safe_name(name: str, default: str = "ledger.csv") -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    base = "".join("_" if c in '<>:"|?*' or ord(c) < 32 else c for c in base).strip(". ")
    return base or default


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"
