"""The page's memory between visits: evaluations, the 整改台账 and its edits, accounts.

SQLAlchemy Core over SQLite (default: a file in the user's data directory) or PostgreSQL
(`--db postgresql://…`). The schema is created and upgraded by the Alembic migrations shipped in
checklist/serve/migrations, run when the store opens. Every query that returns units' data takes
the set of units the visitor may see (None: all).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

meta = sa.MetaData()

settings = sa.Table(
    "settings",
    meta,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
users = sa.Table(
    "users",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),  # unit | department
    sa.Column("units", sa.Text, nullable=False, server_default="[]"),  # JSON list; department: [] = all
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
evaluations = sa.Table(
    "evaluations",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(100)),
    sa.Column("pack", sa.String(200), nullable=False),
    sa.Column("year", sa.Integer),
    sa.Column("window_from", sa.Date, nullable=False),
    sa.Column("window_to", sa.Date, nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("options", sa.Text, nullable=False),  # JSON
    sa.Column("inputs", sa.Text, nullable=False),  # JSON: [{name, size, fingerprint}]
    sa.Column("fingerprint", sa.String(200)),
    sa.Column("result", sa.Text, nullable=False),  # the DESIGN §6 JSON
    sa.Column("records", sa.Text, nullable=False),  # JSON: record id -> [date, name]
    sa.Column("changes", sa.Text, nullable=False),  # JSON: 整改台账 opened/closed/overdue ids
)
evaluation_units = sa.Table(
    "evaluation_units",
    meta,
    sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("unit", sa.String(200), primary_key=True),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("score", sa.Float),
    sa.Column("rating", sa.Float),
    sa.Column("rank", sa.Integer),
    sa.Column("met", sa.Integer, nullable=False),
    sa.Column("violations", sa.Integer, nullable=False),
    sa.Column("due", sa.Integer, nullable=False),
    sa.Index("ix_evaluation_units_unit", "unit"),
)
plan_items = sa.Table(
    "plan_items",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("item", sa.String(40), nullable=False, unique=True),
    sa.Column("unit", sa.String(200), nullable=False, index=True),
    sa.Column("rule", sa.String(200), nullable=False),
    sa.Column("period", sa.String(100), nullable=False),
    sa.Column("problem", sa.Text, nullable=False),
    sa.Column("measure", sa.Text, nullable=False, server_default=""),
    sa.Column("owner", sa.String(200), nullable=False, server_default=""),
    sa.Column("deadline", sa.Date),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("closed_on", sa.Date),
    sa.Column("closed_by", sa.Text, nullable=False, server_default=""),
    sa.Column("notes", sa.Text, nullable=False, server_default=""),
    sa.Column("opened_in", sa.Integer, sa.ForeignKey("evaluations.id")),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
item_events = sa.Table(
    "item_events",
    meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("plan_items.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("who", sa.String(100), nullable=False),
    sa.Column("field", sa.String(40), nullable=False),
    sa.Column("old", sa.Text),
    sa.Column("new", sa.Text),
    sa.Column("evaluation_id", sa.Integer),  # set when an evaluation made the change (对账销号)
)

EDITABLE = ("status", "measure", "owner", "notes")
Units = frozenset[str] | None  # units a visitor may see; None = all


def default_url() -> str:
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("checklist", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(folder / 'checklist.db').as_posix()}"


def engine_url(url: str) -> str:
    """postgresql:// means psycopg 3 (the binary wheel), not SQLAlchemy's default psycopg2."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Store:
    """One database; thread-safe for the page's worker threads."""

    def __init__(self, url: str | None = None) -> None:
        url = engine_url(url or default_url())
        args: dict[str, Any] = {}
        if url.startswith("sqlite"):
            args = {"connect_args": {"timeout": 30, "check_same_thread": False}}
        self.engine: Engine = sa.create_engine(url, future=True, pool_pre_ping=True, **args)
        if url.startswith("sqlite"):
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        # Reconciling a unit's 整改台账 reads, decides and writes: one evaluation at a time.
        self.plan_lock = threading.Lock()
        migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------ settings

    def secret(self) -> str:
        """The session-signing key, made once per database so sessions survive a restart."""
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(settings.c.value).where(settings.c.key == "secret")).first()
            if row:
                return str(row[0])
            value = secrets.token_urlsafe(48)
            conn.execute(settings.insert().values(key="secret", value=value))
            return value

    # ------------------------------------------------------------ accounts

    def add_user(self, name: str, password_hash: str, role: str, units: Iterable[str]) -> None:
        values = {"password_hash": password_hash, "role": role, "units": json.dumps(sorted(set(units)))}
        with self.engine.begin() as conn:
            found = conn.execute(sa.select(users.c.id).where(users.c.name == name)).first()
            if found:
                conn.execute(users.update().where(users.c.id == found[0]).values(**values))
            else:
                conn.execute(users.insert().values(name=name, created_at=_now(), **values))

    def user(self, name: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(users).where(users.c.name == name)).mappings().first()
        if row is None:
            return None
        return {**row, "units": json.loads(row["units"])}

    def has_users(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(users)).scalar_one() > 0

    # ------------------------------------------------------------ evaluations

    def add_evaluation(self, values: dict[str, Any], units: list[dict[str, Any]]) -> int:
        with self.engine.begin() as conn:
            key = conn.execute(evaluations.insert().values(created_at=_now(), **values)).inserted_primary_key
            assert key is not None
            new_id = int(key[0])
            if units:
                conn.execute(evaluation_units.insert(), [{**u, "evaluation_id": new_id} for u in units])
        return new_id

    def set_changes(self, evaluation_id: int, changes: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                evaluations.update()
                .where(evaluations.c.id == evaluation_id)
                .values(changes=json.dumps(changes, ensure_ascii=False))
            )

    def evaluation(self, evaluation_id: int, visible: Units) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(evaluations).where(evaluations.c.id == evaluation_id)).mappings().first()
            if row is None:
                return None
            units = conn.execute(
                sa.select(evaluation_units.c.unit).where(evaluation_units.c.evaluation_id == evaluation_id)
            ).scalars()
            if visible is not None and not set(units) <= visible:
                return None
        return dict(row)

    def recent(self, visible: Units, limit: int = 20) -> list[dict[str, Any]]:
        cols = [evaluations.c[n] for n in ("id", "created_at", "created_by", "pack", "year", "as_of", "inputs")]
        query = sa.select(*cols).order_by(evaluations.c.id.desc()).limit(limit)
        if visible is not None:
            query = query.where(~evaluations.c.id.in_(_outside(visible)))
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(query).mappings()]
            for row in rows:
                row["inputs"] = json.loads(row["inputs"])
                row["units"] = list(
                    conn.execute(
                        sa.select(evaluation_units.c.unit)
                        .where(evaluation_units.c.evaluation_id == row["id"])
                        .order_by(evaluation_units.c.unit)
                    ).scalars()
                )
        return rows

    def trend(self, unit: str) -> list[dict[str, Any]]:
        """The unit's latest evaluation of each year, oldest year first."""
        latest = (
            sa.select(evaluation_units.c.year, sa.func.max(evaluation_units.c.evaluation_id).label("eid"))
            .where(evaluation_units.c.unit == unit)
            .group_by(evaluation_units.c.year)
            .subquery()
        )
        query = (
            sa.select(evaluation_units, evaluations.c.as_of)
            .join(latest, sa.and_(latest.c.eid == evaluation_units.c.evaluation_id))
            .join(evaluations, evaluations.c.id == evaluation_units.c.evaluation_id)
            .where(evaluation_units.c.unit == unit)
            .order_by(evaluation_units.c.year)
        )
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def units(self, visible: Units) -> list[str]:
        query = sa.select(evaluation_units.c.unit).distinct().order_by(evaluation_units.c.unit)
        with self.engine.connect() as conn:
            names = list(conn.execute(query).scalars())
        return [n for n in names if visible is None or n in visible]

    # ------------------------------------------------------------ 整改台账

    def items(self, units: Iterable[str] | None, visible: Units = None) -> list[dict[str, Any]]:
        query = sa.select(plan_items).order_by(plan_items.c.unit, plan_items.c.period, plan_items.c.rule)
        if units is not None:
            query = query.where(plan_items.c.unit.in_(list(units)))
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(query).mappings()]
        return [r for r in rows if visible is None or r["unit"] in visible]

    def item(self, item_id: int, visible: Units) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(plan_items).where(plan_items.c.id == item_id)).mappings().first()
        if row is None or (visible is not None and row["unit"] not in visible):
            return None
        return dict(row)

    def save_reconciled(self, after: list[dict[str, Any]], evaluation_id: int, who: str) -> None:
        """Write the items plan.update_plan returned: new ones inserted, changed ones updated and logged."""
        with self.engine.begin() as conn:
            current = {
                r["item"]: dict(r)
                for r in conn.execute(
                    sa.select(plan_items).where(plan_items.c.item.in_([a["item"] for a in after]))
                ).mappings()
            }
            now = _now()
            new = [
                {**row, "opened_in": evaluation_id, "updated_at": now} for row in after if row["item"] not in current
            ]
            if new:  # one executemany: a county's first upload opens thousands of items
                conn.execute(plan_items.insert(), new)
            for row in after:
                old = current.get(row["item"])
                if old is None:
                    continue
                changed = {k: v for k, v in row.items() if old.get(k) != v}
                if not changed:
                    continue
                conn.execute(
                    plan_items.update().where(plan_items.c.id == old["id"]).values(**changed, updated_at=_now())
                )
                if "status" in changed:
                    conn.execute(
                        item_events.insert().values(
                            item_id=old["id"],
                            at=_now(),
                            who=who,
                            field="status",
                            old=old["status"],
                            new=row["status"],
                            evaluation_id=evaluation_id,
                        )
                    )

    def edit_item(self, item_id: int, values: dict[str, str], who: str) -> list[str]:
        """A person's edit of one item; returns the fields that changed (each logged with who and when)."""
        with self.engine.begin() as conn:
            old = conn.execute(sa.select(plan_items).where(plan_items.c.id == item_id)).mappings().first()
            if old is None:
                return []
            changed = {k: v for k, v in values.items() if k in EDITABLE and (old[k] or "") != v}
            if not changed:
                return []
            conn.execute(plan_items.update().where(plan_items.c.id == item_id).values(**changed, updated_at=_now()))
            conn.execute(
                item_events.insert(),
                [
                    {"item_id": item_id, "at": _now(), "who": who, "field": k, "old": old[k], "new": v}
                    for k, v in sorted(changed.items())
                ],
            )
        return sorted(changed)

    def events(self, item_id: int) -> list[dict[str, Any]]:
        query = sa.select(item_events).where(item_events.c.item_id == item_id).order_by(item_events.c.id)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]


def _outside(visible: frozenset[str]) -> sa.Select:
    """Evaluations holding any unit the visitor may not see."""
    return sa.select(evaluation_units.c.evaluation_id).where(evaluation_units.c.unit.not_in(sorted(visible)))


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration shipped in the package (Alembic)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
