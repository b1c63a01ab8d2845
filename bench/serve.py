"""`checklist serve` under load, against 127.0.0.1 only.

    python bench/serve.py                  # 20,000-row workbook upload-to-verdict, then 20 concurrent uploads
    python bench/serve.py --rows 5000 --concurrent 10

1. upload-to-verdict: a seeded 20,000-row workbook (bench/generate.py's ledger, written as .xlsx)
   posted through the upload form of a real `checklist serve` process, until its verdict page has
   arrived; best and median of --repeat runs.
2. concurrency: --concurrent clients at once, each with its own session, each uploading its own
   small ledger of one unit with a row count of its own; every verdict's JSON must hold exactly that
   unit and that row count (no error, no mixed-up results). The server runs at most two
   evaluations at a time (its bound); the others wait their turn.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
HOST = "127.0.0.1"  # never anything else


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def workbook(rows: int) -> Path:
    """The generator's seeded ledger of `rows` rows, as an .xlsx a clerk would upload."""
    path = DATA / f"serve{rows}.xlsx"
    if path.exists():
        return path
    DATA.mkdir(exist_ok=True)
    source = DATA / f"serve{rows}.csv"
    cmd = [sys.executable, str(HERE / "generate.py"), "--units", "200", "--years", "2024-2024", "--seed", "1"]
    subprocess.run([*cmd, "--rows", str(rows), "-o", str(source)], check=True)
    import xlsxwriter

    with source.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("2024年")
    for r, values in enumerate(table):
        for c, value in enumerate(values):
            sheet.write_string(r, c, value)
    book.close()
    return path


def start_server(db: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    cmd = [sys.executable, "-m", "checklist", "serve", "--host", HOST, "--port", str(port), "--db", db]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/", timeout=2).status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start: " + (proc.stderr.read() if proc.stderr else ""))


def upload(base: str, name: str, data: bytes, year: str = "2024") -> tuple[float, str]:
    """One person's visit: the form, the upload, the verdict page. Returns (seconds, verdict path)."""
    with httpx.Client(base_url=base, timeout=600) as client:
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)
        start = time.perf_counter()
        sent = client.post(
            "/evaluate",
            data={"csrf": token, "pack": "ideology-responsibility", "year": year, "as_of": f"{year}-12-31"},
            files=[("files", (name, data, "application/octet-stream"))],
        )
        if sent.status_code != 303:
            raise RuntimeError(f"{name}: HTTP {sent.status_code}: {sent.text[:300]}")
        verdict = client.get(sent.headers["location"])
        elapsed = time.perf_counter() - start
        if verdict.status_code != 200 or 'id="matrix"' not in verdict.text:
            raise RuntimeError(f"{name}: verdict page HTTP {verdict.status_code}")
        return elapsed, sent.headers["location"]


def cli_seconds(book: Path, repeat: int) -> float:
    """The same workbook through `checklist evaluate --format json -o` as a child process: the page's
    upload-to-verdict is compared with this (figures on a shared machine drift; ratios hold)."""
    best = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp, "result.json")
        cmd = [sys.executable, "-m", "checklist", "evaluate", str(book), "--year", "2024", "--as-of", "2024-12-31"]
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run([*cmd, "--format", "json", "-o", str(out)], capture_output=True, check=False)
            best = min(best, time.perf_counter() - start)
    return best


def small_ledger(unit: str, rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["序号", "单位", "日期", "活动类型", "主题", "参加人员", "佐证材料"])
    for i in range(rows):
        day = f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}"
        writer.writerow([i + 1, unit, day, "意识形态知识学习", f"{unit}学习{i + 1}", "全体党员", "学习笔记"])
    return out.getvalue().encode("gbk")


def concurrent(base: str, count: int) -> dict:
    units = [f"第{i + 1:02d}党支部" for i in range(count)]
    expected = {u: 5 + i for i, u in enumerate(units)}  # each unit a row count of its own

    def one(unit: str) -> tuple[str, float, dict]:
        seconds, where = upload(base, f"{unit}.csv", small_ledger(unit, expected[unit]))
        data = json.loads(httpx.get(base + where + "/download/json", timeout=60).content)
        return unit, seconds, data

    start = time.perf_counter()
    with ThreadPoolExecutor(count) as pool:
        outcomes = list(pool.map(one, units))
    wall = time.perf_counter() - start
    mixed = [
        unit
        for unit, _, data in outcomes
        if [u["unit"] for u in data["units"]] != [unit] or data["input"]["rows"] != expected[unit]
    ]
    latencies = [s for _, s, _ in outcomes]
    return {
        "uploads": count,
        "errors": 0,  # any error raises above
        "mixed_up": mixed,
        "wall_s": round(wall, 2),
        "latency_median_s": round(statistics.median(latencies), 2),
        "latency_max_s": round(max(latencies), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--concurrent", type=int, default=20)
    args = parser.parse_args()
    book = workbook(args.rows)
    with tempfile.TemporaryDirectory(prefix="checklist-bench-serve-") as tmp:
        proc, base = start_server(f"sqlite:///{Path(tmp, 'bench.db').as_posix()}")
        try:
            data = book.read_bytes()
            times = [upload(base, book.name, data)[0] for _ in range(args.repeat)]
            cli = cli_seconds(book, args.repeat)
            figures = {
                "rows": args.rows,
                "workbook_bytes": len(data),
                "upload_to_verdict_best_s": round(min(times), 2),
                "upload_to_verdict_median_s": round(statistics.median(times), 2),
                "cli_evaluate_json_best_s": round(cli, 2),
                "page_over_cli": round(min(times) / cli, 2),
                "concurrent": concurrent(base, args.concurrent),
                "cpus": os.cpu_count(),
            }
        finally:
            proc.terminate()
            proc.wait(10)
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if figures["concurrent"]["mixed_up"]:
        raise SystemExit("mixed-up results: " + ", ".join(figures["concurrent"]["mixed_up"]))


if __name__ == "__main__":
    main()
