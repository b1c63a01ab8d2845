"""The page's database, the same tests on SQLite and on a real PostgreSQL server.

PostgreSQL: a throw-away cluster under a temporary folder (initdb + pg_ctl from Debian's
`postgresql` package, which .ci/run installs), run as the `postgres` user when the tests run as
root. When the server binaries are missing the PostgreSQL cases skip and say why.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from checklist.serve import library
from checklist.serve.store import Store, engine_url, meta

PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@pytest.fixture(scope="session")
def postgres_url():
    if not PG_BIN or not Path(PG_BIN[-1], "initdb").exists():
        pytest.skip("PostgreSQL server binaries are not installed (Debian package `postgresql`)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without `runuser` to start PostgreSQL as the postgres user")
    bin_dir = Path(PG_BIN[-1])
    # Not under pytest's own temporary folder: that one is private to the user running the tests.
    root = Path(tempfile.mkdtemp(prefix="checklist-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    port = _free_port()
    init = _as_postgres(
        [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]
    )
    done = subprocess.run(init, capture_output=True, text=True, check=False, env={**os.environ, "LC_ALL": "C.UTF-8"})
    if done.returncode:  # installed but unusable: a failure to look at, not a skip
        pytest.fail(f"initdb failed: {done.stderr.strip()[-300:]}")
    options = f"-k {sock} -p {port} -c listen_addresses='' -c fsync=off"
    start = _as_postgres(
        [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l", str(root / "log"), "start"]
    )
    done = subprocess.run(start, capture_output=True, text=True, check=False)
    if done.returncode:
        pytest.fail(f"PostgreSQL did not start: {(root / 'log').read_text()[-300:] if (root / 'log').exists() else ''}")
    yield f"postgresql://postgres@/postgres?host={sock}&port={port}"
    stop = _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"])
    subprocess.run(stop, capture_output=True, check=False)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{(tmp_path / 'serve.db').as_posix()}"
    else:
        url = request.getfixturevalue("postgres_url")
        _drop_all(url)
    store = Store(url)
    yield store
    store.close()


def _drop_all(url: str) -> None:
    engine = sa.create_engine(engine_url(url))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def _evaluation(store: Store, year: int, units: dict[str, float]) -> int:
    values = {
        "created_by": "tester",
        "pack": "ideology-responsibility",
        "year": year,
        "window_from": dt.date(year, 1, 1),
        "window_to": dt.date(year, 12, 31),
        "as_of": dt.date(year, 12, 31),
        "options": "{}",
        "inputs": json.dumps([{"name": "台账.xlsx", "size": 1, "fingerprint": "f"}], ensure_ascii=False),
        "fingerprint": "f",
        "result": "{}",
        "records": "{}",
        "changes": "{}",
    }
    rows = [
        {"unit": u, "year": year, "score": s, "rating": s, "rank": None, "met": 1, "violations": 1, "due": 0}
        for u, s in units.items()
    ]
    return store.add_evaluation(values, rows)


def _item(code: str, unit: str, status: str = "未整改") -> dict:
    return {
        "item": code,
        "unit": unit,
        "rule": "topical-study",
        "period": "2024",
        "problem": "2024「每年专题研究意识形态工作不少于2次」要求2,实际1",
        "measure": "",
        "owner": "",
        "deadline": dt.date(2025, 1, 31),
        "status": status,
        "closed_on": None,
        "closed_by": "",
        "notes": "",
    }


def test_migrations_build_the_schema_the_code_uses(store):
    """Alembic's head holds every table and column store.py declares (no drift between the two)."""
    inspector = sa.inspect(store.engine)
    for table in meta.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == {c.name for c in table.columns}, table.name
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == "0001"
    Store(str(store.engine.url.render_as_string(hide_password=False))).close()  # opening again migrates nothing


def test_trend_takes_each_years_latest_evaluation(store):
    _evaluation(store, 2023, {"城关镇党委": 40.0})
    _evaluation(store, 2024, {"城关镇党委": 50.0, "县教育局党组": 70.0})
    latest = _evaluation(store, 2024, {"城关镇党委": 80.0})
    trend = store.trend("城关镇党委")
    assert [(t["year"], t["score"]) for t in trend] == [(2023, 40.0), (2024, 80.0)]
    assert trend[-1]["evaluation_id"] == latest


def test_visibility_hides_evaluations_with_other_units(store):
    mixed = _evaluation(store, 2024, {"城关镇党委": 50.0, "县教育局党组": 70.0})
    own = _evaluation(store, 2024, {"县教育局党组": 75.0})
    mine = frozenset({"县教育局党组"})
    assert store.evaluation(mixed, mine) is None
    assert store.evaluation(own, mine)["id"] == own
    assert [r["id"] for r in store.recent(mine)] == [own]
    assert [r["id"] for r in store.recent(None)] == [own, mixed]
    assert store.units(mine) == ["县教育局党组"]


def test_reconciled_items_and_edits_are_logged(store):
    first = _evaluation(store, 2024, {"城关镇党委": 50.0})
    store.save_reconciled([_item("ZG-A", "城关镇党委"), _item("ZG-B", "城关镇党委")], first, "tester")
    a = next(i for i in store.items(["城关镇党委"]) if i["item"] == "ZG-A")
    assert store.edit_item(a["id"], {"status": "整改中", "owner": "张三", "item": "ZG-HACK"}, "clerk") == [
        "owner",
        "status",
    ]
    second = _evaluation(store, 2024, {"城关镇党委": 80.0})
    closed = {**_item("ZG-A", "城关镇党委", "已销号"), "owner": "张三", "closed_on": dt.date(2024, 12, 31)}
    store.save_reconciled([closed, _item("ZG-B", "城关镇党委")], second, "tester")
    after = {i["item"]: i for i in store.items(None)}
    assert after["ZG-A"]["status"] == "已销号" and after["ZG-A"]["closed_on"] == dt.date(2024, 12, 31)
    assert after["ZG-B"]["status"] == "未整改" and "ZG-HACK" not in after
    log = [(e["who"], e["field"], e["old"], e["new"], e["evaluation_id"]) for e in store.events(a["id"])]
    assert log == [
        ("clerk", "owner", "", "张三", None),
        ("clerk", "status", "未整改", "整改中", None),
        ("tester", "status", "整改中", "已销号", second),
    ]
    assert store.items(None, frozenset({"县教育局党组"})) == []


def test_reconcile_uses_the_plan_logic_on_stored_items(store, tmp_path):
    """对账销号 through workflow/plan.py: an item whose finding is now met closes; others stay."""
    from checklist import evaluate, load_pack, read_ledger
    from tests.serve_support import EDU, SAMPLE, fixed_ledger

    pack = load_pack("ideology-responsibility")
    before = evaluate(pack, read_ledger(SAMPLE), year=2024, as_of=dt.date(2024, 12, 31))
    items, changes = library.reconcile(before, [], "zh")
    assert changes["closed"] == [] and len(changes["opened"]) == len(items) == len(before.violations())
    eid = _evaluation(store, 2024, {EDU: 50.0})
    store.save_reconciled(items, eid, "tester")

    fixed = fixed_ledger(tmp_path / "fixed.xlsx")
    after = evaluate(pack, read_ledger(fixed), year=2024, as_of=dt.date(2024, 12, 31))
    stored = store.items(None)
    items2, changes2 = library.reconcile(after, stored, "zh")
    briefing = next(i for i in stored if i["unit"] == EDU and i["rule"] == "year-end-briefing")
    assert changes2["closed"] == [briefing["item"]] and changes2["opened"] == []
    store.save_reconciled(items2, _evaluation(store, 2024, {EDU: 60.0}), "tester")
    assert {i["item"]: i["status"] for i in store.items([EDU])}[briefing["item"]] == "已销号"


def test_secret_is_made_once(store):
    assert store.secret() == store.secret() and len(store.secret()) > 40
