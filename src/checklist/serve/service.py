"""What one upload does: files onto disk, the evaluation, its record in the store, 对账销号."""

from __future__ import annotations

import json
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checklist.errors import ChecklistError, InputError
from checklist.serve import library
from checklist.serve.store import Store
from checklist.serve.uploads import Limits, Saved, Spool, UploadRefused
from checklist.text import msg


class Refused(Exception):
    """The library could not use the upload; `lines` name the files as the person uploaded them."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))


def _side(folder: Path, upload: tuple[str, bytes] | None, default: str) -> Path | None:
    """An uploaded pack or units list, saved under its own (cleaned) name."""
    if upload is None:
        return None
    folder.mkdir()
    path = folder / library.safe_name(upload[0], default)
    path.write_bytes(upload[1])
    return path


def _as_uploaded(err: ChecklistError, saved: Saved, sides: list[tuple[Path, str]]) -> list[str]:
    """The library's located messages, with the server's temporary paths replaced by the uploaded names."""
    lines = [str(p) for p in err.problems] if isinstance(err, InputError) else [str(err)]
    pairs = [(str(path), name) for path, name in sides]
    pairs += sorted(zip(map(str, saved.paths), saved.names, strict=True), key=lambda p: -len(p[0]))
    out = []
    for line in lines:
        for path, name in pairs:
            line = line.replace(path, name)
        out.append(line)
    return out


@dataclass
class Outcome:
    evaluation_id: int
    changes: dict[str, list[str]]


class Service:
    """The page's work, away from HTTP; `workers` bounds how many evaluations run at once."""

    def __init__(self, store: Store, limits: Limits | None = None, workers: int = 2) -> None:
        self.store = store
        self.limits = limits or Limits()
        self.slots = threading.BoundedSemaphore(workers)

    def evaluate(
        self,
        files: list[tuple[str, bytes]],
        options: library.Options,
        who: str,
        pack_file: tuple[str, bytes] | None = None,
        units_file: tuple[str, bytes] | None = None,
    ) -> Outcome:
        if not files:
            raise UploadRefused(msg("serve.upload.none"))
        with tempfile.TemporaryDirectory(prefix="checklist-serve-") as tmp:
            spool = Spool(Path(tmp) / "in", self.limits)
            for name, data in files:
                spool.add(name, data)
            if not spool.saved.paths:
                raise UploadRefused(msg("serve.upload.none"))
            pack_path = _side(Path(tmp) / "pack", pack_file, "pack.yaml")
            units_path = _side(Path(tmp) / "units", units_file, "units.csv")
            sides = [(p, f[0]) for p, f in ((pack_path, pack_file), (units_path, units_file)) if p and f]
            with self.slots:
                try:
                    verdict = library.evaluate_files(
                        spool.saved.paths, spool.saved.names, options, pack_path, units_path
                    )
                except ChecklistError as err:
                    raise Refused(_as_uploaded(err, spool.saved, sides)) from None
        return self._keep(verdict, options, who)

    def _keep(self, verdict: library.Verdict, options: library.Options, who: str) -> Outcome:
        result = verdict.result
        year = options.year or result.window.to.year
        values: dict[str, Any] = {
            "created_by": who,
            "pack": "+".join(p.id for p in result.packs),
            "year": year,
            "window_from": result.window.from_,
            "window_to": result.window.to,
            "as_of": result.as_of,
            "options": json.dumps(options.as_dict(), ensure_ascii=False),
            "inputs": json.dumps(verdict.inputs, ensure_ascii=False),
            "fingerprint": result.fingerprint,
            "result": result.to_json_bytes(indent=False).decode("utf-8"),
            "records": json.dumps(verdict.records, ensure_ascii=False),
            "changes": "{}",
        }
        units = [
            {
                "unit": u["unit"],
                "year": year,
                "score": u["score"],
                "rating": u["rating"],
                "rank": u["rank"],
                "met": u["met"],
                "violations": u["violations"],
                "due": u["due"],
            }
            for u in library.unit_rows(result)
        ]
        evaluation_id = self.store.add_evaluation(values, units)
        with self.store.plan_lock:
            existing = self.store.items([u["unit"] for u in units])
            after, changes = library.reconcile(result, existing, options.lang)
            self.store.save_reconciled(after, evaluation_id, who)
            self.store.set_changes(evaluation_id, changes)
        return Outcome(evaluation_id, changes)
