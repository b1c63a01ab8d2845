"""Read a workbook so that no file can take the process down (issue 11).

calamine is fast, but on hostile bytes it can abort the process (an allocation of 549 GB for one
cell at XFD1048576), allocate until the machine runs out (an .xls whose directory chain loops) or
panic (a BaseException). So the workbook is read in a child process (`_excel_child.py`) under an
address-space limit that grows with the file, and with a time limit; the child first checks that
each sheet's cell range is bounded by the cells it holds. Whatever happens there is one
LedgerError here, naming the file. Measured in bench/README.md (hostile inputs).
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checklist.errors import LedgerError, Location, Problem
from checklist.text import msg

CHILD = Path(__file__).with_name("_excel_child.py")
MEMORY_FLOOR = 1 << 30  # a workbook up to 1 MB never gets more than 1 GB
MEMORY_PER_BYTE = 64  # beyond that, memory grows with the file (a dense 40 MB workbook: 2.5 GB)
TIME_FLOOR = 60.0
TIME_PER_MB = 10.0


@dataclass
class Sheet:
    name: str
    grid: list[list[Any]]  # cell values as calamine gives them (str, float, bool, date, datetime, None)
    merged: list[tuple[tuple[int, int], tuple[int, int]]]


@dataclass
class Workbook:
    names: list[str]  # every sheet, in order
    sheets: list[Sheet]  # the sheets read (all, or those asked for)


def memory_limit(size: int) -> int:
    return max(MEMORY_FLOOR, MEMORY_PER_BYTE * size)


def load_workbook(file: str, path: Path, only: list[str] | None = None) -> Workbook:
    """Every sheet (or the sheets named in `only`) of an .xlsx/.xls; LedgerError for anything else."""
    size = path.stat().st_size
    command = [sys.executable, "-I", str(CHILD), str(path), str(memory_limit(size)), *(only or [])]
    timeout = TIME_FLOOR + TIME_PER_MB * size / 1e6
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise _error(file, "ledger.excel_slow", seconds=int(timeout)) from None
    except OSError as err:
        raise _error(file, "ledger.excel_damaged", detail=err.strerror or str(err)) from None
    if done.returncode != 0 or not done.stdout:
        raise _error(file, "ledger.excel_crashed", mb=memory_limit(size) >> 20)
    try:
        out = pickle.loads(done.stdout)  # written by our own child script
    except Exception:  # a child killed while writing
        raise _error(file, "ledger.excel_crashed", mb=memory_limit(size) >> 20) from None
    if "error" in out:
        args = dict(out["args"])
        if out["error"] == "ledger.excel_memory":
            args["mb"] = memory_limit(size) >> 20
        raise _error(file, out["error"], **args)
    sheets = [Sheet(name, grid, [tuple(m) for m in merged]) for name, grid, merged in out["sheets"]]
    return Workbook(out["names"], sheets)


def _error(file: str, code: str, **args: Any) -> LedgerError:
    return LedgerError(Problem(Location(file), msg(code, **args)))
