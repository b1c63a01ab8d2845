"""Fuzz campaign over everything a stranger can hand checklist (issue 11).

    python bench/fuzz.py --cases 10500 --minutes 30 [--workers 2] [--seed 1] [--save report.json]

Targets: CSV bytes, mutated XLSX (zip bytes and sheet XML), mutated XLS, JSON Lines, packs, side
inputs (roster/units/waivers) and CLI options. Each case is made from (target, seed) alone, so any
finding is reproduced with `--replay TARGET:SEED`. Cases run in worker processes under an address-
space limit and a per-case time limit; a worker that dies (abort, Rust panic, OOM kill) or overruns
is counted against the case it was running and replaced.

Outcome classes: `ok` (read and evaluated; the counts checked: the result's rows and rejected are the
ledger's, `rows = matched + unmatched + rejected`, matched + unmatched the usable rows), `refused` (a
checklist error said as DESIGN §7.1 asks: one line, or one located line per problem of an InputError;
for the CLI, exit 2 with one stderr line or with lines each naming the same file), `exit0`/`exit1`
(CLI), and the bugs: `traceback` (any other exception; exit 3 or another code; Python's own traceback
text on stderr; a multi-line or empty error), `loss` (rows the generator wrote are not all accounted
for: checked whenever the generator knows how many records it wrote -- unmutated CSV and JSON Lines,
workbooks whose damage leaves rows alone, and every .xls that reads, as at least the rows written),
`invariant` (the counts do not add up), `timeout`, `crash` (the worker died: abort, panic, OOM kill).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import select
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

TARGETS = ("csv", "xlsx", "xls", "jsonl", "pack", "side", "cli")
BUGS = ("traceback", "invariant", "loss", "timeout", "crash")
CASE_SECONDS = 30.0
MEMORY = 4 << 30  # virtual: Arrow and thread stacks reserve much more than they touch
ROOT = Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------- seeds and mutations

HEAD = ["序号", "日期", "单位", "活动类型", "主题", "参加人员", "佐证材料"]
TYPES = ["三会一课", "专题研究意识形态工作", "意识形态知识学习", "主题党日", "党内通报", "谈心谈话"]
DATES = ["2024-03-15", "2024/3/15", "2024年3月15日", "20240315", "二〇二四年三月十五日", "3月15日", "2024.13.45", ""]
JUNK = [b'"', b"\r", b"\n", b"\r\n", b",", b";", b"\t", b"\x00", b"\xe4\xb8", b"\xff\xfe", b"\x1b]0;x\x07", b"=1+1"]


def ledger_text(rng: random.Random, rows: int) -> tuple[str, int]:
    """A ledger as CSV text, and how many records below the header a reader must account for (a cell
    with a line break left unquoted splits its row in two)."""
    lines = []
    records = rows
    if rng.random() < 0.3:
        lines += ["2024年度意识形态工作台账", "填报单位：县委宣传部"]
    lines.append(",".join(HEAD))
    for i in range(rows):
        unit = rng.choice(["县委宣传部", "县教育局党组", "", "-", "甲\x01支部"])
        title = rng.choice(["学习", '"引号', "换\n行", "a" * rng.choice([1, 50, 2000]), "=cmd"])
        cells = [str(i + 1), rng.choice(DATES), unit, rng.choice(TYPES), title, "张三、李四", "纪要"]
        quoted = [f'"{c}"' if ("\n" in c and rng.random() < 0.7) else c for c in cells]
        records += sum(c.count("\n") for c in quoted if not c.startswith('"'))
        lines.append(",".join(quoted))
    return "\n".join(lines) + "\n", records


def sheet_rows(text: str) -> tuple[list[str], int]:
    """The CSV text as worksheet rows (one a physical line) and how many lie below the header."""
    lines = text.splitlines()
    return lines, len(lines) - 1 - next(i for i, line in enumerate(lines) if line.startswith(HEAD[0]))


def mutate(rng: random.Random, data: bytes, rounds: int | None = None) -> bytes:
    buf = bytearray(data)
    for _ in range(rounds if rounds is not None else rng.choice([1, 2, 4, 16])):
        if not buf:
            buf += rng.choice(JUNK)
            continue
        at = rng.randrange(len(buf))
        op = rng.randrange(7)
        if op == 0:
            buf[at] = rng.randrange(256)
        elif op == 1:
            buf[at:at] = rng.choice(JUNK)
        elif op == 2:
            del buf[at : at + rng.choice([1, 4, 64, 4096])]
        elif op == 3:
            end = min(len(buf), at + rng.choice([8, 64, 512]))
            buf[at:at] = bytes(buf[at:end]) * rng.choice([2, 10, 200])
        elif op == 4:
            del buf[at:]
        elif op == 5:
            buf[at:at] = bytes(rng.randrange(256) for _ in range(rng.choice([1, 8, 64])))
        else:
            buf[at:at] = str(rng.choice([0, -1, 10**20, 2**63, 4.5e300])).encode()
    return bytes(buf)


def gen_csv(rng: random.Random) -> tuple[bytes, int | None]:
    """CSV bytes and the records a reader must account for (None once the bytes are mutated)."""
    text, records = ledger_text(rng, rng.choice([1, 5, 40]))
    encoding = rng.choice(["utf-8", "utf-8-sig", "gb18030", "utf-16"])
    data = text.encode(encoding, errors="replace")
    expect: int | None = records
    if rng.random() < 0.2:
        data = data.replace(b"\n", b"\r")
    if rng.random() < 0.1:
        data = data.replace(b",", b";" * rng.choice([1, 300]))
        expect = None  # in UTF-16 this shifts every later character by a byte
    if rng.random() < 0.8:
        return mutate(rng, data), None
    return data, expect


def _xlsx_seed(rng: random.Random) -> tuple[bytes, int]:
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(rng.choice(["2024年", "台账", "Sheet1"]))
    lines, below = sheet_rows(ledger_text(rng, rng.choice([2, 20]))[0])
    for r, line in enumerate(lines):
        sheet.write_row(r, 0, line.split(","))
    book.close()
    return out.getvalue(), below


def gen_xlsx(rng: random.Random) -> tuple[bytes, int | None]:
    """Workbook bytes and the rows below the header a reader must account for when the damage leaves
    the rows alone (a bad shared-string index, a false dimension claim); else None."""
    data, below = _xlsx_seed(rng)
    if rng.random() < 0.3:
        return mutate(rng, data), None
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    kept = True
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename.startswith("xl/worksheets/") or (info.filename.endswith(".xml") and rng.random() < 0.2):
                body, rows_kept = _mutate_xml(rng, body)
                kept = kept and rows_kept and info.filename.startswith("xl/worksheets/")
            target.writestr(info.filename, body)
    return out.getvalue(), (below if kept else None)


def _mutate_xml(rng: random.Random, body: bytes) -> tuple[bytes, bool]:
    """Damaged XML, and whether a sheet's rows all stay where they were."""
    choice = rng.randrange(5)
    if choice == 0:  # a far cell
        ref = rng.choice([b"XFD1048576", b"GS200001", b"ZZ9999", b"A1048576", b"AAA1"])
        far = b'<row r="9"><c r="' + ref + b'" t="n"><v>1</v></c></row></sheetData>'
        return body.replace(b"</sheetData>", far), False
    if choice == 1:  # a bad shared-string index
        return body.replace(b't="s"><v>', b't="s"><v>9999', 1), True
    if choice == 2:  # a dimension claim
        return body.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>', 1), True
    return mutate(rng, body, rng.choice([1, 3])), False


def gen_xls(rng: random.Random) -> tuple[bytes, int | None]:
    """A damaged .xls (4-byte overwrites of FAT, directory and record bytes alike) and the rows below
    its header that were written."""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("台账")
    lines, below = sheet_rows(ledger_text(rng, rng.choice([2, 20]))[0])
    for r, line in enumerate(lines):
        for c, cell in enumerate(line.split(",")[:20]):
            sheet.write(r, c, cell[:200])
    out = io.BytesIO()
    book.save(out)
    data = bytearray(out.getvalue())
    for _ in range(rng.choice([1, 2, 8])):
        at = rng.randrange(len(data) - 4)
        data[at : at + 4] = rng.choice([b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", rng.randbytes(4), data[at : at + 4]])
    return bytes(data), below


def _json_value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(8)
    if kind == 0 and depth < 3:
        return [_json_value(rng, depth + 1) for _ in range(rng.randrange(3))]
    if kind == 1 and depth < 3:
        return {rng.choice(HEAD): _json_value(rng, depth + 1)}
    return rng.choice([None, True, 0, -1, 1.5, 10**30, "①", "", "2024-03-15", "三会一课", "\x1b[2J", "x" * 500])


def gen_jsonl(rng: random.Random) -> tuple[bytes, int | None]:
    """JSON Lines and the records written (each line one, bad ones included) while unmutated."""
    lines = []
    for _ in range(rng.choice([1, 5, 30])):
        record = {"日期": rng.choice(DATES), "活动类型": rng.choice(TYPES)}
        for _ in range(rng.randrange(3)):
            record[rng.choice(HEAD)] = _json_value(rng)
        line = json.dumps(record, ensure_ascii=rng.random() < 0.5)
        if rng.random() < 0.1:
            line = line[:-1] + ', "x": ' + "[" * rng.choice([100, 5000]) + "}"
        if rng.random() < 0.1:
            line = line[:-1] + ', "n": ' + "9" * rng.choice([20, 5000]) + "}"
        lines.append(line)
    data = "\n".join(lines).encode()
    return (mutate(rng, data), None) if rng.random() < 0.5 else (data, len(lines))


def gen_pack(rng: random.Random) -> bytes:
    packs = sorted((ROOT / "rules").glob("*.yaml"))
    data = rng.choice(packs).read_bytes()
    extra = [b"[" * 2000, b"9" * 4301, b"\x01", b"&a [*a, *a]", b"{", b"\t", b"!!python/object:os.system"]
    extra += [b"- ", b": :"]
    buf = bytearray(data)
    for _ in range(rng.choice([1, 2, 5])):
        at = rng.randrange(len(buf))
        buf[at:at] = rng.choice(extra) if rng.random() < 0.5 else bytes([rng.randrange(256)])
    return bytes(buf)


SIDE = {
    "roster": "unit,person,role,from,to\n县委宣传部,张三,书记,2024-01-01,\n",
    "units": "unit,type,parent,established,dissolved\n县委宣传部,机关,县委,2020-01-01,\n",
    "waivers": "unit,rule,from,to,reason,approved_by,expires\n*,x,2024-01-01,2024-12-31,因故,王五,\n",
}


def gen_side(rng: random.Random) -> tuple[str, bytes]:
    kind = rng.choice(sorted(SIDE))
    return kind, mutate(rng, SIDE[kind].encode("utf-8"), rng.choice([0, 1, 3, 8]))


OPTIONS = {
    "--year": ["2024", "0", "10000", str(10**20), "abc", "-1", "1900", "2100"],
    "--from": ["2024-01-01", "2024-02-30", "0001-01-01", "x"],
    "--to": ["2024-12-31", "9999-12-31", ""],
    "--as-of": ["2024-06-30", "1-1-1", "2024-13-01"],
    "--format": ["table", "json", "markdown", "html", "xlsx", "junit", "docx", "csv"],
    "-o": ["out.json", ".", "/", "x" * 300 + ".json", "no/such/dir/out.json", "out.xyz", "台账.csv", "out.docx"],
    "--within": ["7", "0", "-3", "99999999", "x"],
    "--lang": ["zh", "en", "fr"],
    "--rules": ["ideology-responsibility", "branch-routines", "nope", "台账.csv"],
    "--fail-on": ["violation", "due", "never", "x"],
    "--unit": ["县委宣传部", "\x1b[2J"],
}
COMMANDS = [["evaluate", "台账.csv"], ["log", "check", "台账.csv"], ["remind", "台账.csv"], ["calendar"]]
COMMANDS += [["rules", "show"]]


def gen_cli(rng: random.Random) -> list[str]:
    argv = list(rng.choice(COMMANDS))
    for _ in range(rng.randrange(4)):
        option = rng.choice(sorted(OPTIONS))
        argv += [option, rng.choice(OPTIONS[option])]
    return argv


# ---------------------------------------------------------------- running one case (in a worker)


# A located problem line as the CLI prints one: FILE[:LINE[:COLUMN]]: message.
LOCATED = re.compile(r"(?P<file>[^\s:][^:]*?)(?::\d+){0,2}: \S")
PYTHON_ERROR = re.compile(
    r"Traceback \(most recent call last\)|Exception ignored|^\s+File \"|^[A-Za-z_][\w.]*(Error|Exception)(: |$)", re.M
)


def classify_error(err: BaseException) -> str:
    """`refused` for a checklist error said the way DESIGN §7.1 asks, else `traceback`.

    An InputError lists one located problem a line (a damaged pack may have several: that is the
    error working, not a crash); any other checklist error is one line. Anything not a checklist
    error, or a checklist error whose text runs over several lines otherwise (a traceback pasted
    into a message), is a traceback."""
    from checklist.errors import ChecklistError, InputError

    if not isinstance(err, ChecklistError):
        return "traceback"
    if isinstance(err, InputError) and err.problems:
        shown = [[p.text(lang) for p in err.problems] for lang in ("en", "zh")]
        lines_ok = all(all(line and "\n" not in line for line in texts) for texts in shown)
        located = all(line.startswith(str(p.location)) for p, line in zip(err.problems, shown[1], strict=True))
        return "refused" if lines_ok and located and str(err) == "\n".join(shown[0]) else "traceback"
    texts = [str(err), err.text("zh"), err.text("en")]
    return "refused" if all(t and "\n" not in t for t in texts) else "traceback"


def classify_cli(code: int, stderr: str) -> str:
    """A CLI run's class from its exit code and stderr: exit 2 is `refused` when it says one line, or
    several lines each a located problem in the same file (a multi-problem pack or ledger error);
    exit 3 (unexpected), any other code, or Python's own traceback text is `traceback`."""
    lines = stderr.splitlines()
    if code not in (0, 1, 2) or PYTHON_ERROR.search(stderr):
        return "traceback"
    if code != 2:
        return f"exit{code}"
    if len(lines) == 1 and lines[0].strip():
        return "refused"
    files = {m.group("file") if m else None for m in map(LOCATED.match, lines)}
    return "refused" if len(lines) > 1 and len(files) == 1 and None not in files else "traceback"


def run_case(target: str, seed: int, work: Path) -> tuple[str, str]:
    """(outcome class, detail) for one case; never raises."""
    rng = random.Random(f"{target}:{seed}")
    try:
        if target == "cli":
            return _run_cli(gen_cli(rng), work)
        if target == "pack":
            from checklist.pack import load_pack

            path = work / "pack.yaml"
            path.write_bytes(gen_pack(rng))
            load_pack(str(path))
            return "ok", ""
        if target == "side":
            from checklist.ledger import side

            kind, data = gen_side(rng)
            path = work / f"{kind}.csv"
            path.write_bytes(data)
            getattr(side, f"read_{kind}")(path)
            return "ok", ""
        make = {"csv": gen_csv, "xlsx": gen_xlsx, "xls": gen_xls, "jsonl": gen_jsonl}[target]
        data, expect = make(rng)
        path = work / f"台账.{target}"
        path.write_bytes(data)
        return _read_and_evaluate(path, expect, exact=target != "xls")
    except BaseException as err:  # checklist errors are the expected refusals; the rest, bugs
        return classify_error(err), f"{type(err).__name__}: {err}"[:300]


def _lost(ledger: Any, expect: int, *, exact: bool) -> bool:
    """Whether the rows read fail to account for the `expect` records written. A record with nothing in
    it is a blank row (counted apart, `input.blank`). `exact`: each record is one row or blank, except
    that a stray quote's lines read again one by one may split a quoted neighbour (the `quote` warning
    says so), never fewer. Not exact (a damaged .xls): at least as many as were written."""
    read = ledger.rows + ledger.blank_rows
    if exact and not any(n.kind == "quote" for n in ledger.notices):
        return read != expect
    return read < expect


def _read_and_evaluate(path: Path, expect: int | None, *, exact: bool) -> tuple[str, str]:
    """Read and evaluate; `loss` when records the generator wrote are missing from the accounting (see
    `_lost`), `invariant` when the counts of the result and the ledger do not add up."""
    from checklist import evaluate, load_pack, read_ledger

    ledger = read_ledger(path)
    if expect is not None and _lost(ledger, expect, exact=exact):
        return "loss", f"{expect} rows written, {ledger.rows} read + {ledger.blank_rows} blank"
    result = evaluate(load_pack("ideology-responsibility"), ledger, year=2024)
    got = result.input
    if got.rows != ledger.rows or got.rejected != len(ledger.rejected):
        return "invariant", f"result counts {got.rows}/{got.rejected}, ledger {ledger.rows}/{len(ledger.rejected)}"
    if got.rows != got.matched + got.unmatched + got.rejected or got.matched + got.unmatched != ledger.table.num_rows:
        return "invariant", f"rows {got.rows} != {got.matched} + {got.unmatched} + {got.rejected}"
    return "ok", ""


def _run_cli(argv: list[str], work: Path) -> tuple[str, str]:
    from checklist.cli import main

    (work / "台账.csv").write_text("日期,活动类型,单位\n2024-03-15,三会一课,县委宣传部\n", encoding="utf-8")
    err, out = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(work)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code = main(argv, out=out)
    finally:
        os.chdir(old)
    lines = err.getvalue().splitlines()
    return classify_cli(code, err.getvalue()), " ".join(argv)[:200] + " -> " + " | ".join(lines)[:200]


def worker() -> None:
    """Read `target seed` lines, answer one JSON line each, under the memory limit."""
    with contextlib.suppress(ImportError, ValueError):
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    with tempfile.TemporaryDirectory() as tmp:
        for line in sys.stdin:
            target, seed = line.split()
            work = Path(tmp) / seed
            work.mkdir(exist_ok=True)
            outcome, detail = run_case(target, int(seed), work)
            for child in work.iterdir():
                with contextlib.suppress(OSError):
                    child.unlink()
            sys.__stdout__.write(json.dumps({"outcome": outcome, "detail": detail}) + "\n")
            sys.__stdout__.flush()


# ---------------------------------------------------------------- the campaign


class Worker:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def ask(self, target: str, seed: int) -> tuple[str, str]:
        assert self.proc.stdin and self.proc.stdout
        try:
            self.proc.stdin.write(f"{target} {seed}\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            return "crash", "worker gone"
        ready, _, _ = select.select([self.proc.stdout], [], [], CASE_SECONDS)
        if not ready:
            self.proc.kill()
            return "timeout", f"over {CASE_SECONDS:.0f} s"
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.wait()
            return "crash", f"worker ended with {code}"
        answer = json.loads(line)
        return answer["outcome"], answer["detail"]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.kill()


def campaign(cases: int, minutes: float, seed: int, save: Path | None, workers: int = 2) -> dict:
    counts: dict[str, Counter] = {t: Counter() for t in TARGETS}
    spent: Counter = Counter()  # seconds per target
    slowest: dict[str, tuple[float, int]] = {}  # target -> (seconds, seed)
    findings: list[dict] = []
    deadline = time.monotonic() + minutes * 60
    started = time.monotonic()
    todo = iter(range(cases))
    lock = threading.Lock()

    def drive() -> None:
        worker_ = Worker()
        try:
            while time.monotonic() < deadline:
                with lock:
                    n = next(todo, None)
                if n is None:
                    return
                target = TARGETS[n % len(TARGETS)]
                case_seed = seed * 1_000_000 + n
                began = time.monotonic()
                outcome, detail = worker_.ask(target, case_seed)
                took = time.monotonic() - began
                with lock:
                    counts[target][outcome] += 1
                    spent[target] += took
                    slowest[target] = max(slowest.get(target, (0.0, 0)), (took, case_seed))
                    if outcome in BUGS:
                        findings.append({"case": f"{target}:{case_seed}", "outcome": outcome, "detail": detail})
                        print(f"{outcome}: {target}:{case_seed} {detail[:160]}", file=sys.stderr)
                if outcome in ("timeout", "crash") or not worker_.alive():
                    worker_.close()
                    worker_ = Worker()
        finally:
            worker_.close()

    threads = [threading.Thread(target=drive) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report = {
        "cases": sum(sum(c.values()) for c in counts.values()),
        "seconds": round(time.monotonic() - started),
        "workers": workers,
        "seed": seed,
        "per_target": {t: dict(c) for t, c in counts.items()},
        "seconds_per_target": {t: round(spent[t]) for t in TARGETS},
        "slowest": {t: f"{s:.1f} s {t}:{n}" for t, (s, n) in slowest.items()},
        "outcomes": dict(sum(counts.values(), Counter())),
        "bugs": len(findings),
        "findings": findings[:200],
    }
    if save:
        save.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_500)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--save", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--replay", help="TARGET:SEED: run one case here and print its outcome")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker()
        return
    if args.replay:
        target, seed = args.replay.split(":")
        with tempfile.TemporaryDirectory() as tmp:
            print(run_case(target, int(seed), Path(tmp)))
        return
    report = campaign(args.cases, args.minutes, args.seed, args.save, args.workers)
    print(json.dumps({k: v for k, v in report.items() if k != "findings"}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
