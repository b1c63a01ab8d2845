"""Read workbooks so that no file can take the process down (issue 11), and a folder of them fast
(issue 12).

calamine is fast, but on hostile bytes it can abort the process (an allocation of 549 GB for one
cell at XFD1048576), allocate until the machine runs out (an .xls whose directory chain loops) or
panic (a BaseException). So workbooks are read in a child process (`_excel_child.py`), each under
an address-space limit that grows with the file (set by the child for each workbook; on Windows,
where there is none, the parent watches the child's memory) and a time limit the parent watches;
the child first checks that each sheet's cell range is bounded by the cells it holds.

One child reads workbook after workbook (`WorkbookReader`): starting a Python process per workbook
cost ~0.25 s each, 20 s for a county's folder of 80 workbooks. The parent asks for a few workbooks
ahead (`AHEAD`), so the child goes from one to the next without waiting for the parent to take its
answer and ask again (a parent busy with its CSV files answered late: a county's 80 workbooks kept
the child idle half the time). The child answers in the order asked, so the parent always knows
which file it was reading when it died or ran out of time: the first one not yet answered, whose
clock started when the answer before it arrived. A child that fails is never used again; the
workbooks asked of it after the failed one are asked again of a fresh child, and a failure in a
child that had read other workbooks before is read again alone in a fresh child, so that the error
is exactly the one that workbook gives on its own. Whatever happens there is one LedgerError naming
the file. A folder's workbooks may be shared among a few such children (`lanes`, one per core up to
two), each workbook going to the child with the fewest bytes still to read; each child keeps its own
order, limits and failures. Measured in bench/README.md.
"""

from __future__ import annotations

import contextlib
import queue
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from checklist.errors import LedgerError, Location, Problem
from checklist.ledger._excel_child import receive, send
from checklist.text import msg

CHILD = Path(__file__).with_name("_excel_child.py")
MEMORY_FLOOR = 1 << 30  # a workbook up to 1 MB never gets more than 1 GB
MEMORY_PER_BYTE = 64  # beyond that, memory grows with the file (a dense 40 MB workbook: 2.5 GB)
TIME_FLOOR = 60.0
TIME_PER_MB = 10.0
POLL = 0.05  # seconds between looks at a child's memory and clock while it reads
AHEAD = 8  # workbooks asked of a child before its first answer is taken
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"


@dataclass
class Sheet:
    name: str
    grid: list[list[Any]]  # cell values as calamine gives them (str, float, bool, date, datetime, None), or text
    merged: list[tuple[tuple[int, int], tuple[int, int]]]


@dataclass
class Workbook:
    names: list[str]  # every sheet, in order
    sheets: list[Sheet]  # the sheets read (all, or those asked for)


def memory_limit(size: int) -> int:
    return max(MEMORY_FLOOR, MEMORY_PER_BYTE * size)


def time_limit(size: int) -> float:
    return TIME_FLOOR + TIME_PER_MB * size / 1e6


def is_workbook(path: Path) -> bool:
    """Whether the file's first bytes are those of an .xlsx (zip) or .xls (compound file)."""
    try:
        with path.open("rb") as stream:
            return stream.read(4) in (_ZIP, _OLE)
    except OSError:
        return False


def load_workbook(file: str, path: Path, only: list[str] | None = None, *, text: bool = False) -> Workbook:
    """Every sheet (or the sheets named in `only`) of an .xlsx/.xls; LedgerError for anything else.
    With `text`, merged cells are filled in and each cell is its text."""
    with WorkbookReader(text=text) as reader:
        return reader.load(file, path, only)


# ---------------------------------------------------------------- one child process


class _Failed(Exception):
    """What the parent saw of a child that gave no answer: 'slow', 'memory' or 'crashed'."""

    def __init__(self, how: str) -> None:
        super().__init__(how)
        self.how = how


class _Child:
    """One child process: asked for workbooks in order, watched while it reads each."""

    def __init__(self, watch_memory: bool) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-I", str(CHILD)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.read = 0  # workbooks this child has answered
        self.free = time.monotonic()  # when its last answer arrived: it began the next one then
        self.replies: queue.Queue[tuple[float, Any]] = queue.Queue()  # (arrived, reply or None at its end)
        self.watch = _MemoryWatch(self.proc.pid) if watch_memory else None
        threading.Thread(target=self._listen, args=(self.proc.stdout,), daemon=True).start()

    def _listen(self, stream: IO[bytes]) -> None:
        try:
            while (reply := receive(stream)) is not None:
                self.replies.put((time.monotonic(), reply))
        except Exception:  # a reply cut short by the child's death: the parent sees the death
            pass
        self.replies.put((time.monotonic(), None))

    def post(self, request: dict[str, Any]) -> float:
        """Ask for one more workbook; when it was asked. A child that died meanwhile is found out
        when that answer is awaited."""
        assert self.proc.stdin is not None
        with contextlib.suppress(OSError, ValueError):
            send(self.proc.stdin, request)
        return time.monotonic()

    def ask(self, request: dict[str, Any], seconds: float) -> dict[str, Any]:
        """The reply to one workbook asked alone."""
        return self.answer(self.post(request), int(request["limit"]), seconds)

    def answer(self, asked: float, limit: int, seconds: float) -> dict[str, Any]:
        """The next reply, to the workbook asked at `asked`, or _Failed when the child died, ran out
        of memory or took more than `seconds` from when it could begin that workbook."""
        deadline = max(asked, self.free) + seconds
        while True:
            with contextlib.suppress(queue.Empty):
                # never wait past the deadline: a reply that comes later is a workbook that outran its time
                arrived, reply = self.replies.get(timeout=max(min(POLL, deadline - time.monotonic()), 0.0005))
                if reply is None:
                    raise _Failed("crashed")
                if arrived > deadline:
                    self.close()
                    raise _Failed("slow")
                self.read += 1
                self.free = arrived
                return dict(reply)
            if time.monotonic() > deadline:
                self.close()
                raise _Failed("slow")
            if self.watch and self.watch.over(limit):
                self.close()
                raise _Failed("memory")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(OSError):
            if self.proc.stdin:
                self.proc.stdin.close()
        self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()


class _MemoryWatch:
    """The child's memory as the system counts it (private bytes on Windows, resident size
    elsewhere), for platforms without an address-space limit, and as a second line elsewhere."""

    def __init__(self, pid: int) -> None:
        self.process: Any = None
        try:
            import psutil

            self.process = psutil.Process(pid)
        except Exception:  # no psutil, or the child is gone already: the time limit still holds
            self.process = None

    def over(self, limit: int) -> bool:
        if self.process is None:
            return False
        try:
            info = self.process.memory_info()
        except Exception:  # the child ended meanwhile: its reply (or death) is on its way
            return False
        used = getattr(info, "private", 0) or info.rss
        return bool(used > limit)


def _watch_memory() -> bool:
    """Whether the parent must watch memory itself: where the child cannot limit its own."""
    try:
        import resource  # noqa: F401
    except ImportError:
        return True
    return False


# ---------------------------------------------------------------- the reader


@dataclass
class _Job:
    file: str
    path: Path
    only: list[str] | None
    size: int = 0
    done: threading.Event = field(default_factory=threading.Event)
    book: Workbook | None = None
    error: LedgerError | None = None


class WorkbookReader:
    """Reads workbooks in child processes, ahead of the caller (the workbooks of a folder are read
    while the caller works on its CSV files). `load` gives a workbook's sheets or raises its
    LedgerError. Use it as a context manager: leaving it ends the children.

    With `lanes` above 1, up to that many children read at once, each workbook going to the one
    with the fewest bytes still to read; a second child is started only for a second workbook."""

    def __init__(self, *, text: bool = True, watch_memory: bool | None = None, lanes: int = 1) -> None:
        self.text = text
        self.watch_memory = _watch_memory() if watch_memory is None else watch_memory
        self._most = max(1, lanes)
        self._lanes: list[_Lane] = []
        self._waiting: dict[tuple[Path, tuple[str, ...]], _Job] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> WorkbookReader:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def submit(self, file: str, path: Path, only: Sequence[str] | None = None) -> None:
        """Start reading a workbook now; `load` with the same path and sheets collects it."""
        wanted = list(only or ()) or None
        job = _Job(file, path, wanted, size=_size(path))
        with self._lock:
            self._waiting[(path, tuple(wanted or ()))] = job
            if len(self._lanes) < self._most:
                self._lanes.append(_Lane(self.text, self.watch_memory))
            lane = min(self._lanes, key=lambda lane: lane.given)
            lane.given += job.size
            lane.put(job)

    def load(self, file: str, path: Path, only: Sequence[str] | None = None) -> Workbook:
        key = (path, tuple(only or ()))
        with self._lock:
            job = self._waiting.pop(key, None)
        if job is None:
            self.submit(file, path, only)
            with self._lock:
                job = self._waiting.pop(key)
        job.done.wait()
        if job.error is not None:
            raise job.error
        assert job.book is not None
        return job.book

    def close(self) -> None:
        """End the children (reading or not) and the threads that drive them."""
        for lane in self._lanes:
            lane.close()


class _Lane:
    """One child process reading the workbooks given to it, in that order, and the thread driving it."""

    def __init__(self, text: bool, watch_memory: bool) -> None:
        self.text = text
        self.watch_memory = watch_memory
        self.given = 0  # bytes of the workbooks given to this lane
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._child: _Child | None = None
        self._closing = False

    def put(self, job: _Job) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        self._jobs.put(job)

    def close(self) -> None:
        self._closing = True
        self._jobs.put(None)
        child = self._child
        if child is not None:
            child.close()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        waiting: deque[_Job] = deque()  # taken in, not (or no longer) asked of a child
        asked: deque[_Asked] = deque()  # asked of the current child, in order, not answered yet
        try:
            while self._take(waiting, asked) and not self._closing:
                self._post(waiting, asked)
                if not asked:
                    continue
                first = asked.popleft()
                try:
                    self._settle(first, waiting, asked)
                except Exception:  # the driver itself must never leave a caller waiting
                    self._drop(waiting, asked)
                    _finish(first.job, error=_crashed(first.job))
        finally:  # closing: nobody may be left waiting
            for job in [*(a.job for a in asked), *waiting]:
                _finish(job, error=_crashed(job))
            if self._child is not None:
                self._child.close()

    def _take(self, waiting: deque[_Job], asked: deque[_Asked]) -> bool:
        """Take submitted workbooks in until AHEAD are in hand, waiting only when there is nothing
        else to do; False once the reader is closed."""
        while len(waiting) + len(asked) < AHEAD:
            try:
                job = self._jobs.get(block=not (waiting or asked))
            except queue.Empty:
                break
            if job is None:
                return False
            waiting.append(job)
        return True

    def _post(self, waiting: deque[_Job], asked: deque[_Asked]) -> None:
        """Ask the child for the waiting workbooks, up to AHEAD unanswered."""
        while waiting and len(asked) < AHEAD:
            job = waiting.popleft()
            try:
                child = self._child = self._child or _Child(self.watch_memory)
            except OSError as err:  # no process could be started (a resource limit of the system)
                _finish(job, error=_error(job.file, "ledger.excel_damaged", detail=err.strerror or str(err)))
                continue
            except Exception:  # the driver itself must never leave a caller waiting
                _finish(job, error=_crashed(job))
                continue
            size = job.size
            request = {
                "path": str(job.path),
                "limit": memory_limit(size),
                "only": job.only or [],
                "text": self.text,
                "self_limit": not self.watch_memory,
            }
            asked.append(_Asked(job, request, size, child.post(request)))

    def _settle(self, first: _Asked, waiting: deque[_Job], asked: deque[_Asked]) -> None:
        """Wait for the first workbook asked; a child that fails on it is dropped."""
        child = self._child
        assert child is not None
        fresh = child.read == 0
        reply = self._answer(lambda: child.answer(first.at, first.request["limit"], first.seconds), first)
        if "error" in reply:
            self._drop(waiting, asked)
            if not fresh:
                reply = self._alone(first, reply)
        if "error" in reply:
            _finish(first.job, error=_reply_error(first.job.file, first.size, reply))
        else:
            _finish(first.job, book=_workbook(reply))

    def _drop(self, waiting: deque[_Job], asked: deque[_Asked]) -> None:
        """End the current child; the workbooks asked of it are asked again of the next one."""
        if self._child is not None:
            self._child.close()
            self._child = None
        waiting.extendleft(reversed([a.job for a in asked]))
        asked.clear()

    def _alone(self, first: _Asked, reply: dict[str, Any]) -> dict[str, Any]:
        """A failure in a child that had read other workbooks: this one alone in a fresh child says
        what it does itself."""
        if self._closing or reply["error"] not in ("ledger.excel_memory", "ledger.excel_crashed"):
            return reply
        alone = _Child(self.watch_memory)
        try:
            return self._answer(lambda: alone.ask(first.request, first.seconds), first)
        finally:
            alone.close()

    @staticmethod
    def _answer(wait: Callable[[], dict[str, Any]], asked: _Asked) -> dict[str, Any]:
        try:
            return wait()
        except _Failed as failed:
            if failed.how == "slow":
                return {"error": "ledger.excel_slow", "args": {"seconds": int(asked.seconds)}}
            return {"error": f"ledger.excel_{failed.how}", "args": {}}  # excel_memory, excel_crashed


@dataclass
class _Asked:
    """A workbook asked of a child: its job, the request sent, its size and when it was asked."""

    job: _Job
    request: dict[str, Any]
    size: int
    at: float

    @property
    def seconds(self) -> float:
        return time_limit(self.size)


def _crashed(job: _Job) -> LedgerError:
    return _error(job.file, "ledger.excel_crashed", mb=memory_limit(_size(job.path)) >> 20)


def _finish(job: _Job, *, book: Workbook | None = None, error: LedgerError | None = None) -> None:
    if not job.done.is_set():
        job.book, job.error = book, error
        job.done.set()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _workbook(reply: dict[str, Any]) -> Workbook:
    sheets = [Sheet(name, grid, [tuple(m) for m in merged]) for name, grid, merged in reply["sheets"]]
    return Workbook(reply["names"], sheets)


def _reply_error(file: str, size: int, reply: dict[str, Any]) -> LedgerError:
    args = dict(reply["args"])
    if reply["error"] in ("ledger.excel_memory", "ledger.excel_crashed"):
        args["mb"] = memory_limit(size) >> 20
    return _error(file, reply["error"], **args)


def _error(file: str, code: str, **args: Any) -> LedgerError:
    return LedgerError(Problem(Location(file), msg(code, **args)))
