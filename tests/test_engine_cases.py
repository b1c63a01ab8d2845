"""Rule semantics as data: ledger snippets and the findings worked out by hand (tests/cases/*.yaml)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from checklist.engine import evaluate
from checklist.engine.kinds import KINDS
from checklist.ledger import read_ledger
from checklist.ledger.side import Member, UnitInfo
from checklist.pack import load_pack

CASES = Path(__file__).parent / "cases"
HEADER = ["单位", "日期", "活动类型", "主题", "佐证材料", "参加人员", "学时", "实到人数", "应到人数"]


def _load_cases() -> list[tuple[str, str | None, dict[str, Any]]]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        pack_text, cases = (data["pack"], data["cases"]) if isinstance(data, dict) else (None, data)
        out += [(f"{path.stem}:{case['id']}", pack_text, case) for case in cases]
    return out


ALL = _load_cases()


def _pack(tmp_path: Path, pack_text: str | None, case: dict[str, Any]):
    """The case's own pack text, else its file's: YAML text, or the id of a shipped pack as it ships."""
    pack_text = case.get("pack", pack_text)
    if pack_text is None:
        return load_pack("ideology-responsibility")
    if "\n" not in pack_text:
        return load_pack(pack_text)
    if "pack_calendar" in case:
        pack_text = pack_text.replace("year_start_month: 1", f"year_start_month: {case['pack_calendar']}")
    path = tmp_path / "pack.yaml"
    path.write_text(pack_text, encoding="utf-8")
    return load_pack(path)


def _ledger(tmp_path: Path, rows: list[list[Any]]):
    path = tmp_path / "台账.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow([str(v) for v in row] + [""] * (len(HEADER) - len(row)))
    return read_ledger(path)


def _day(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def _subset(actual: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    """Only the keys a case names are compared; near misses by record and date."""
    shown = {}
    for key, want in expected.items():
        got = actual.get(key)
        if key == "near_misses":
            got = [{"record": m["record"], "date": m["date"]} for m in got or []]
            want = [{"record": m["record"], "date": str(m["date"])} for m in want]
        elif isinstance(want, dt.date):
            want = want.isoformat()
        elif key == "period":
            want = str(want)
        shown[key] = got
        expected[key] = want
    return shown


@pytest.mark.parametrize(("pack_text", "case"), [c[1:] for c in ALL], ids=[c[0] for c in ALL])
def test_case(tmp_path, pack_text, case):
    pack = _pack(tmp_path, pack_text, case)
    ledger = _ledger(tmp_path, case["ledger"])
    roster = [Member(u, p, r, _day(a), _day(b)) for u, p, r, a, b in case.get("roster", [])]
    units = [UnitInfo(u, t, None, None, None) for u, t in case.get("units", [])]
    result = evaluate(
        pack,
        ledger,
        year=case.get("year"),
        start=case.get("from"),
        end=case.get("to"),
        as_of=case["as_of"],
        roster=roster or None,
        unit_list=units or None,
    )
    data = result.to_dict()
    # What the CLI writes (orjson over the stored fields) must be what to_dict() says, byte for byte.
    assert result.to_json_bytes() == orjson.dumps(data, option=orjson.OPT_INDENT_2)
    got = [f for f in data["findings"] if f["rule"] in case["only"]]
    expected = [dict(e) for e in case["expect"]]
    assert len(got) == len(expected), [(f["unit"], f["period"], f["status"]) for f in got]
    for actual, want in zip(got, expected, strict=True):
        assert _subset(actual, want) == want


SHIPPED = sorted((Path(__file__).parents[1] / "rules").glob("*.yaml"))
VIOLATED = {"gap", "late", "exceeded"}


def _covered(tmp_path: Path) -> dict[tuple[str, str], set[str]]:
    """{(rule id, the rule as evaluated): statuses its cases expect}; for a kind silent when met (an
    evidence rule: every matching record has its evidence) a case that expects no finding counts as `met`."""
    packs: dict[str | None, Any] = {}
    out: dict[tuple[str, str], set[str]] = {}
    for _id, file_pack, case in ALL:
        text = case.get("pack", file_pack)
        if text not in packs:
            packs[text] = _pack(tmp_path, file_pack, case)
        pack = packs[text]
        for rule_id in case["only"]:
            rule = pack.rule(rule_id)
            statuses = {e["status"] for e in case["expect"] if e["rule"] == rule_id}
            if KINDS[rule.kind].silent_when_met and not statuses and case["ledger"]:
                statuses = {"met"}
            key = (rule_id, rule.model_copy(update={"enabled": True}).model_dump_json())
            out.setdefault(key, set()).update(statuses)
    return out


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_rule_of_every_shipped_pack_has_a_met_and_a_violated_case(tmp_path, path):
    covered = _covered(tmp_path)
    own = load_pack(path)
    assert own.rules
    for rule in own.rules:  # rules switched off too: a pack that switches them on must get them right
        key = (rule.id, rule.model_copy(update={"enabled": True}).model_dump_json())
        statuses = covered.get(key, set())
        assert "met" in statuses and statuses & VIOLATED, (
            f"{path.name}: {rule.id} has cases for {statuses or 'nothing'}"
        )


def test_hand_serialised_lists_equal_pydantics_dump(tmp_path):
    from checklist.result import Result

    case = next(c for _i, p, c in ALL if p is not None and c["id"] == "sum-of-hours-per-member")
    pack = _pack(tmp_path, next(p for _i, p, c in ALL if p is not None), case)
    ledger = _ledger(tmp_path, case["ledger"] + [["一支部", "2024-02-01", "篮球赛"], ["一支部", "bad", "x"]])
    roster = [Member(u, p, r, None, None) for u, p, r, _a, _b in case["roster"]]
    result = evaluate(pack, ledger, year=2024, as_of=dt.date(2024, 12, 31), roster=roster)
    assert result.findings and result.unmatched and result.rejected
    slow = Result.model_dump(result, mode="json", by_alias=True)
    fast = result.to_dict()
    for finding in slow["findings"]:
        for key in ("required", "count", "missing", "excess"):
            if isinstance(finding[key], float) and finding[key].is_integer():
                finding[key] = int(finding[key])
    assert fast == slow and list(fast) == list(slow)
    assert json.loads(result.to_json_bytes()) == slow


def test_written_json_validates_back_to_the_same_findings(tmp_path):
    from checklist.result import Result

    pack_text, case = next((p, c) for _i, p, c in ALL if p is not None and c["id"] == "attendance-ratio-two-thirds")
    result = evaluate(
        _pack(tmp_path, pack_text, case), _ledger(tmp_path, case["ledger"]), year=2024, as_of=dt.date(2024, 12, 31)
    )
    assert result.findings
    again = Result.model_validate_json(result.to_json_bytes())
    assert again.findings == result.findings and again.unmatched == result.unmatched


def test_roll_up_by_parent_and_previous_year(tmp_path):
    pack_text = (
        "pack: mini\nversion: '1'\ntitle: 年度会议\ncategories:\n  meeting: {label: 支部党员大会}\n"
        "rules:\n  - {id: yearly, title: 每年一次, category: meeting, every: year, at_least: 1}\n"
    )
    ledger = _ledger(
        tmp_path,
        [
            ["甲", "2023-05-01", "支部党员大会"],
            ["甲", "2024-05-01", "支部党员大会"],
            ["乙", "2024-06-01", "支部党员大会"],
            ["丙", "2023-03-01", "支部党员大会"],
        ],
    )
    units = [
        UnitInfo("甲", "office", "县委", None, None),
        UnitInfo("乙", "office", "县委", None, None),
        UnitInfo("丙", "school", "县政府", None, None),
    ]
    result = evaluate(
        _pack(tmp_path, pack_text, {}),
        ledger,
        year=2024,
        as_of=dt.date(2024, 12, 31),
        unit_list=units,
        group_by="parent",
        compare_previous=True,
    )
    # 2024: 甲 and 乙 met, 丙 gap. 县委 pools 2 met / 0 violations; its lowest unit is a tie, broken by name.
    assert [(g.group, g.units, g.score, g.violations, g.worst_unit) for g in result.groups] == [
        ("县政府", 1, 0.0, 1, "丙"),
        ("县委", 2, 100.0, 0, "乙"),
    ]
    # 2023, evaluated complete (as_of 2023-12-31): 甲 and 丙 met, 乙 had nothing.
    assert result.previous is not None
    assert (result.previous.window.from_, result.previous.as_of) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert {u.unit: u.score for u in result.previous.units} == {"丙": 100.0, "乙": 0.0, "甲": 100.0}
    data = result.to_dict()
    assert data["groups"][0]["group"] == "县政府" and data["previous"]["units"][0]["unit"] == "丙"


def test_roster_members_of_unknown_units_are_reported(tmp_path):
    pack_text = next(p for _i, p, c in ALL if p is not None)
    case = next(c for _i, p, c in ALL if p is not None and c["id"] == "sum-of-hours-per-member")
    roster = [Member("一支部", "张三", "党员", None, None), Member("三支部", "赵六", "党员", None, None)]
    result = evaluate(
        _pack(tmp_path, pack_text, case),
        _ledger(tmp_path, case["ledger"]),
        year=2024,
        as_of=dt.date(2024, 12, 31),
        roster=roster,
    )
    assert [w.message for w in result.warnings if w.kind == "roster"] == [
        "roster unit(s) not in the ledger or units list, their members are not evaluated: 三支部"
    ]
