"""`checklist serve` through Starlette's TestClient: every page, every download reopened, the safety bounds."""

from __future__ import annotations

import ast
import io
import json
import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from checklist.serve import create_app
from checklist.serve.auth import hash_password
from checklist.serve.store import Store
from checklist.serve.uploads import Limits
from tests.serve_support import DEPT, EDU, SAMPLE, TOWN, csv_ledger, fixed_ledger, token, upload

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
SERVE = Path(__file__).parents[1] / "src" / "checklist" / "serve"


@pytest.fixture
def store(tmp_path) -> Store:
    store = Store(f"sqlite:///{(tmp_path / 'serve.db').as_posix()}")
    yield store
    store.close()


@pytest.fixture
def client(store) -> TestClient:
    with TestClient(create_app(store, limits=Limits(files=5, file_bytes=2_000_000, total_bytes=3_000_000))) as c:
        yield c


@pytest.fixture
def evaluated(client) -> str:
    """The sample workbook evaluated for 2024 as of 31 December: the verdict page's address."""
    response = upload(client, [("sample_ledger.xlsx", SAMPLE.read_bytes())])
    assert response.status_code == 303, response.text
    return response.headers["location"]


def _row(html: str, *needles: str) -> str:
    """The one table row holding every needle."""
    rows = [r for r in re.findall(r"<tr[^>]*>.*?</tr>", html, flags=re.S) if all(n in r for n in needles)]
    assert len(rows) == 1, f"expected one row with {needles}, found {len(rows)}"
    return rows[0]


def test_start_page_is_chinese_and_fetches_nothing_from_outside(client):
    page = client.get("/")
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text and "上传台账" in page.text
    assert not re.search(r"""(?:src|href)\s*=\s*['"]?(?:https?:)?//""", page.text)
    css = client.get("/static/style.css")
    assert css.status_code == 200 and "@import" not in css.text and "url(" not in css.text


def test_english_is_one_click_away(client):
    client.get("/lang/en?next=/rules")
    page = client.get("/")
    assert '<html lang="en">' in page.text and "Upload ledgers" in page.text


def test_verdict_shows_units_matrix_violations_with_dates_and_names(client, evaluated):
    page = client.get(evaluated)
    assert page.status_code == 200
    html = page.text
    # Three units have rows in the sample; the matrix has one row per unit and one column per duty (10).
    matrix = re.search(r'<table class="matrix" id="matrix">.*?</table>', html, flags=re.S).group(0)
    assert matrix.count('<th scope="row">') == 3
    assert all(u in matrix for u in (DEPT, EDU, TOWN))
    assert len(re.findall(r'<td class="cell', _row(matrix, EDU))) == 10
    problems = re.search(r'<table class="list findings">.*?</table>', html, flags=re.S).group(0)
    # 县教育局党组 held 意识形态知识学习 in Q1 (3-12), Q2 (6-6) and Q4 (12-3), none in Q3: a gap.
    assert "0/1" in _row(problems, EDU, "2024年第三季度", "意识形态知识学习")  # periods named, as in the documents
    # Its 6-6 study (序号 20 of the workbook) has no 佐证材料: the violation cites that row by its 序号, date and name.
    cited = _row(problems, EDU, "一事一档", "2024-06-06")
    assert "2024-06-06</span> 学习意识形态工作责任制规定" in cited and "序号20" in cited
    # 名次 and 考核得分 are shown (DESIGN §5.1): 县委宣传部 meets every duty, so it ranks first with 100.
    assert "名次" in html and re.search(r"<td>1</td>\s*<td><a [^>]*>" + DEPT, html)


def test_every_download_opens(client, evaluated):
    base = evaluated + "/download/"
    report = client.get(base + "docx")
    assert report.status_code == 200 and "filename*=UTF-8''" in report.headers["content-disposition"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(report.content)).paragraphs)
    assert "自查报告" in text and EDU in text

    plan = openpyxl.load_workbook(io.BytesIO(client.get(base + "plan").content)).worksheets[0]
    header = [c.value for c in plan[1]]
    assert header[:5] == ["编号", "单位", "职责", "期间", "问题"]  # the one 整改台账 shape (checklist.rectify.sheet)
    rows = [[c.value for c in r] for r in plan.iter_rows(min_row=2)]
    # 县教育局党组 studied ideology work once in 2024 (4-2), twice required: an open item for the year.
    assert any(
        r[1] == EDU
        and r[2] == "topical-study"  # serve stores the rule id, not its title
        and r[3] == "2024年"
        and r[header.index("状态")] == "未整改"
        for r in rows
    )

    data = json.loads(client.get(base + "json").content)
    assert data["schema"] == "checklist.result/1"
    assert {u["unit"] for u in data["units"]} == {DEPT, EDU, TOWN}
    assert data["window"] == {"from": "2024-01-01", "to": "2024-12-31"} and data["as_of"] == "2024-12-31"

    html = client.get(base + "html")
    assert html.status_code == 200 and "<title>" in html.text and EDU in html.text
    results = openpyxl.load_workbook(io.BytesIO(client.get(base + "xlsx").content))
    assert len(results.sheetnames) >= 1
    assert client.get(base + "nonsense").status_code == 404


def test_bulletin_for_several_units_only(client, evaluated):
    page = client.get(evaluated).text
    assert 'id="dl-bulletin"' in page  # three units
    bulletin = client.get(evaluated + "/download/bulletin")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(bulletin.content)).paragraphs)
    assert "通报" in text and DEPT in text
    one = upload(
        client,
        [("城关镇.csv", csv_ledger([["1", TOWN, "2024-03-01", "专题研究意识形态工作", "研究", "张三", "纪要"]]))],
    )
    assert 'id="dl-bulletin"' not in client.get(one.headers["location"]).text
    assert client.get(one.headers["location"] + "/download/bulletin").status_code == 404


def test_item_edit_is_kept_with_who_and_when(client, evaluated, store):
    item = next(i for i in store.items([EDU]) if i["period"] == "2024年第三季度")  # periods as people name them
    page = client.get(evaluated)
    sent = client.post(
        f"/plan/{item['id']}/edit",
        data={
            "csrf": token(page.text),
            "status": "整改中",
            "measure": "补开第三季度学习",
            "owner": "陈刚",
            "next": "/plan",
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303
    stored = store.item(item["id"], None)
    assert (stored["status"], stored["measure"], stored["owner"]) == ("整改中", "补开第三季度学习", "陈刚")
    history = client.get(f"/plan/{item['id']}").text
    assert "整改中" in history and "未整改" in history and "本机" in history
    bad = client.post(f"/plan/{item['id']}/edit", data={"csrf": token(page.text), "status": "done"})
    assert bad.status_code == 400


def test_reupload_closes_the_fixed_item_and_keeps_the_rest(client, evaluated, store, tmp_path):
    before = {i["item"]: i for i in store.items([EDU])}
    briefing = next(i for i in before.values() if i["rule"] == "year-end-briefing")
    q3 = next(i for i in before.values() if i["period"] == "2024年第三季度")
    page = client.get(evaluated)
    client.post(f"/plan/{q3['id']}/edit", data={"csrf": token(page.text), "status": "整改中"})

    again = upload(client, [("sample_ledger.xlsx", fixed_ledger(tmp_path / "fixed.xlsx").read_bytes())])
    assert again.status_code == 303
    html = client.get(again.headers["location"]).text
    # Only the year-end 通报 was fixed: one item closes, none opens.
    assert "销号1项，新增整改事项0项" in html
    after = {i["item"]: i for i in store.items([EDU])}
    assert after[briefing["item"]]["status"] == "已销号"
    assert after[briefing["item"]]["closed_on"].isoformat() == "2024-12-31"
    assert after[q3["item"]]["status"] == "整改中"  # still unfixed: the person's status stays
    assert all(after[k]["status"] == before[k]["status"] for k in before if k not in (briefing["item"], q3["item"]))
    events = store.events(briefing["id"])
    assert [(e["old"], e["new"]) for e in events] == [("未整改", "已销号")] and events[0]["evaluation_id"]


def test_trend_per_unit_over_the_years(client, evaluated):
    assert (
        upload(client, [("sample_ledger.xlsx", SAMPLE.read_bytes())], year="2023", as_of="2023-12-31").status_code
        == 303
    )
    page = client.get("/units/" + TOWN).text
    trend = re.search(r'<table class="list trend" id="trend">.*?</table>', page, flags=re.S).group(0)
    years = re.findall(r">(20\d\d)</a>", trend)
    assert years == ["2023", "2024"]
    # The sample has no 2023 rows: every judged duty falls short (0.0); 2024 is higher.
    assert "0.0%" in _row(trend, ">2023<")


def test_rules_page_explains_packs_and_locates_errors(client):
    page = client.get("/rules")
    assert page.status_code == 200 and "ideology-responsibility" in page.text
    shown = client.get("/rules/ideology-responsibility")
    assert shown.status_code == 200 and "每年专题研究意识形态工作不少于2次" in shown.text
    assert client.get("/rules/no-such-pack").status_code == 404
    broken = b"id: mine\nversion: '1.0'\ntitle: x\nrules:\n  - id: a\n    kind: frequency\n    every: fortnight\n"
    checked = client.post(
        "/rules/validate",
        data={"csrf": token(page.text)},
        files=[("pack_file", ("我的规则.yaml", broken, "application/x-yaml"))],
    )
    assert checked.status_code == 400
    errors = re.search(r'id="pack-errors">(.*?)</div>', checked.text, flags=re.S).group(1)
    assert re.search(r"我的规则\.yaml:\d+", errors), errors  # located by file and line
    assert "/tmp" not in errors and "checklist-pack-" not in errors


def test_template_link_follows_the_library(client):
    from checklist.serve import library

    page = client.get("/rules").text
    assert ("/template" in page) == library.template_available()
    if library.template_available():
        book = openpyxl.load_workbook(io.BytesIO(client.get("/rules/ideology-responsibility/template").content))
        assert book.sheetnames


def test_ledger_text_is_escaped(client):
    evil = '<script>alert("x")</script>'
    body = csv_ledger([["1", evil, "2024-03-01", "专题研究意识形态工作", "<b>研究</b>", "张三", "纪要"]])
    response = upload(client, [("evil.csv", body)])
    assert response.status_code == 303, response.text
    html = client.get(response.headers["location"]).text
    assert evil not in html and "&lt;script&gt;" in html


def test_every_post_refuses_without_the_token(client, evaluated, store):
    item = store.items(None)[0]
    posts = [r for r in client.app.routes if isinstance(r, Route) and "POST" in (r.methods or ())]
    assert len(posts) >= 5
    for route in posts:
        path = route.path.replace("{iid:int}", str(item["id"]))
        assert client.post(path, data={"csrf": "forged", "status": "已销号"}).status_code == 403, path
        assert client.post(path, data={}).status_code == 403, path
    assert store.item(item["id"], None)["status"] == item["status"]


def test_bad_form_values_are_one_clear_line(client):
    response = upload(client, [("sample_ledger.xlsx", SAMPLE.read_bytes())], year="24")
    assert response.status_code == 400 and "年度「24」无效" in response.text
    response = upload(client, [("sample_ledger.xlsx", SAMPLE.read_bytes())], as_of="31/12/2024")
    assert response.status_code == 400 and "截至日期「31/12/2024」无效" in response.text
    response = upload(client, [("sample_ledger.xlsx", SAMPLE.read_bytes())], pack="../../rules/x.yaml")
    assert response.status_code == 400 and "规则包「../../rules/x.yaml」不存在" in response.text
    response = upload(client, [("notes.docx", b"PK")])
    assert response.status_code == 400 and "notes.docx：不是台账文件" in response.text


def test_unreadable_ledger_is_named_as_uploaded(client):
    response = upload(client, [("坏台账.xlsx", b"this is not a workbook")])
    assert response.status_code == 400
    assert "坏台账.xlsx" in response.text and "checklist-serve-" not in response.text


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_of_submissions_is_read_as_one_ledger(client):
    town = csv_ledger([["1", TOWN, "2024-03-01", "专题研究意识形态工作", "党委会专题研究", "张三", ""]])
    edu = csv_ledger([["1", EDU, "2024-04-02", "意识形态知识学习", "党组理论学习", "李四", ""]])
    members = {"报送/城关镇党委.csv": town, "报送/县教育局党组.csv": edu, "__MACOSX/._x.csv": b"x"}
    response = upload(client, [("全县报送.zip", _zip(members))])
    assert response.status_code == 303, response.text
    html = client.get(response.headers["location"]).text
    assert "全县报送.zip/报送/城关镇党委.csv" in html and "全县报送.zip/报送/县教育局党组.csv" in html
    matrix = re.search(r'<table class="matrix" id="matrix">.*?</table>', html, flags=re.S).group(0)
    assert matrix.count('<th scope="row">') == 2
    # Neither row has 佐证材料: each evidence problem cites its own file's row 1 by date and name.
    problems = re.search(r'<table class="list findings">.*?</table>', html, flags=re.S).group(0)
    assert "2024-03-01</span> 党委会专题研究" in _row(problems, TOWN, "一事一档")
    assert "2024-04-02</span> 党组理论学习" in _row(problems, EDU, "一事一档")


def test_several_files_in_one_upload(client):
    town = csv_ledger([["1", TOWN, "2024-03-01", "专题研究意识形态工作", "党委会专题研究", "张三", "纪要"]])
    response = upload(client, [("城关镇.csv", town), ("sample_ledger.xlsx", SAMPLE.read_bytes())])
    assert response.status_code == 303, response.text
    data = json.loads(client.get(response.headers["location"] + "/download/json").content)
    # The sample holds 46 rows (3 units); the CSV adds one row of 城关镇党委.
    assert data["input"]["rows"] == 47 and {u["unit"] for u in data["units"]} == {DEPT, EDU, TOWN}


def test_zip_bomb_is_refused(client):
    bomb = _zip({"big.csv": b"0" * 1_500_000})  # 1.5 MB of zeros packs to ~1.5 kB: a ratio near 1000
    response = upload(client, [("bomb.zip", bomb)])
    assert response.status_code == 400 and "压缩比过高" in response.text


def test_zip_path_escaping_the_archive_is_refused(client):
    for name in ("../../evil.csv", "/etc/evil.csv", "C:/evil.csv"):
        response = upload(client, [("x.zip", _zip({name: b"a,b\n"}))])
        assert response.status_code == 400 and "指向包外" in response.text, name


def test_upload_count_and_size_are_bounded(client):
    many = [(f"{i}.csv", b"a") for i in range(6)]
    response = upload(client, many)
    assert response.status_code == 400 and "最多5个文件" in response.text
    response = upload(client, [("huge.csv", b"0" * 2_100_000)])
    assert response.status_code == 400 and "huge.csv：文件太大" in response.text
    too_big = client.post(
        "/evaluate", content=b"0" * 5_000_000, headers={"content-type": "multipart/form-data; boundary=x"}
    )
    assert too_big.status_code == 413


def test_accounts_confine_each_visitor_to_their_units(store):
    store.add_user("edu", hash_password("edu-password"), "unit", [EDU])
    store.add_user("county", hash_password("county-password"), "department", [])
    with TestClient(create_app(store)) as county, TestClient(create_app(store)) as edu:
        assert county.get("/", follow_redirects=False).headers["location"].startswith("/login")
        _login(county, "county", "wrong-password", expect=401)
        _login(county, "county", "county-password")
        whole = upload(county, [("sample_ledger.xlsx", SAMPLE.read_bytes())])
        _login(edu, "edu", "edu-password")
        own = upload(edu, [("sample_ledger.xlsx", SAMPLE.read_bytes())])
        assert whole.status_code == own.status_code == 303
        # The unit's own upload is evaluated for its unit only; the county's holds every unit.
        assert [u for u in (DEPT, EDU, TOWN) if u in edu.get(own.headers["location"]).text] == [EDU]
        assert edu.get(whole.headers["location"]).status_code == 404
        assert edu.get("/units/" + TOWN).status_code == 404
        assert all(EDU in row for row in re.findall(r'<tr class="item.*?</tr>', edu.get("/plan").text, flags=re.S))
        assert county.get(own.headers["location"]).status_code == 200


def _login(client, name: str, password: str, expect: int = 303) -> None:
    page = client.get("/login")
    response = client.post(
        "/login", data={"csrf": token(page.text), "name": name, "password": password}, follow_redirects=False
    )
    assert response.status_code == expect


def test_only_the_adapter_calls_the_library():
    """Other helpers' changes to the library touch one module of the page: library.py."""
    allowed = ("checklist.serve", "checklist.text", "checklist.errors")
    for path in SERVE.rglob("*.py"):
        if path.name == "library.py" or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("checklist"):
                assert node.module.startswith(allowed), f"{path.name} imports {node.module}"


def test_cli_refuses_other_addresses_without_accounts(tmp_path, capsys, monkeypatch):
    from checklist.cli import main

    db = f"sqlite:///{(tmp_path / 'cli.db').as_posix()}"
    assert main(["serve", "--host", "0.0.0.0", "--db", db]) == 2
    err = capsys.readouterr().err
    assert "0.0.0.0" in err and "--add-user" in err and "Traceback" not in err

    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["serve", "--db", db, "--add-user", "edu", "--unit", EDU, "--password-stdin"]) == 2
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert main(["serve", "--db", db, "--add-user", "edu", "--unit", EDU, "--password-stdin"]) == 0
    assert main(["serve", "--db", db, "--add-user", "nobody", "--password-stdin"]) == 2  # a unit account needs --unit
    user = Store(db).user("edu")
    assert user["role"] == "unit" and user["units"] == [EDU] and "a-long-password" not in user["password_hash"]


def test_two_undocumented_activities_on_one_day_make_one_item(client, store):
    """Same unit, rule and day: one 整改 item (its id is made of those three), not a database error."""
    rows = [
        ["1", TOWN, "2024-05-10", "意识形态知识学习", "上午学习", "全体党员", ""],
        ["2", TOWN, "2024-05-10", "意识形态知识学习", "下午学习", "全体党员", ""],
    ]
    response = upload(client, [("两次学习.csv", csv_ledger(rows))])
    assert response.status_code == 303, response.text
    evidence = [i for i in store.items([TOWN]) if i["rule"] == "evidence-on-file"]
    assert [i["period"] for i in evidence] == ["2024年5月10日"]  # the period as people name it


def test_long_lists_are_cut_with_a_note(client, monkeypatch):
    """A county's verdict lists thousands of problems: the page shows the first ones and says so."""
    monkeypatch.setattr("checklist.serve.app.SHOWN", 2)
    response = upload(client, [("sample_ledger.xlsx", SAMPLE.read_bytes())])
    html = client.get(response.headers["location"]).text
    problems = re.search(r'<table class="list findings">.*?</table>', html, flags=re.S).group(0)
    assert problems.count("<tr><td>") == 2
    assert "此处显示前2项" in html and html.count('<tr class="item') == 2


def test_an_uploaded_pack_is_used_for_the_evaluation(client):
    shipped = (Path(__file__).parents[1] / "rules" / "ideology-responsibility.yaml").read_text(encoding="utf-8")
    mine = shipped.replace("pack: ideology-responsibility", "pack: county-ideology", 1)
    assert mine != shipped
    page = client.get("/")
    response = client.post(
        "/evaluate",
        data={"csrf": token(page.text), "pack": "ideology-responsibility", "year": "2024", "as_of": "2024-12-31"},
        files=[
            ("files", ("sample_ledger.xlsx", SAMPLE.read_bytes(), "application/octet-stream")),
            ("pack_file", ("县里的规则.yaml", mine.encode("utf-8"), "application/x-yaml")),
        ],
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    data = json.loads(client.get(response.headers["location"] + "/download/json").content)
    assert [p["id"] for p in data["packs"]] == ["county-ideology"]


def test_a_units_list_marks_units_without_rows_not_submitted(client):
    """fixtures/units.csv lists 县档案馆, which has no row in the sample: it is 未报送 (DESIGN §5.1)."""
    units = (Path(__file__).parents[1] / "fixtures" / "units.csv").read_bytes()
    page = client.get("/")
    response = client.post(
        "/evaluate",
        data={"csrf": token(page.text), "pack": "ideology-responsibility", "year": "2024", "as_of": "2024-12-31"},
        files=[
            ("files", ("sample_ledger.xlsx", SAMPLE.read_bytes(), "application/octet-stream")),
            ("units_file", ("单位名单.csv", units, "text/csv")),
        ],
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    html = client.get(response.headers["location"]).text
    assert "未报送" in _row(html, "县档案馆", "/units/")
    assert "未报送" not in _row(html, DEPT, "/units/")
    bad = client.post(
        "/evaluate",
        data={"csrf": token(page.text), "pack": "ideology-responsibility", "year": "2024"},
        files=[
            ("files", ("sample_ledger.xlsx", SAMPLE.read_bytes(), "application/octet-stream")),
            ("units_file", ("名单.csv", "unit\n城关镇党委\n城关镇党委\n".encode(), "text/csv")),
        ],
    )
    assert bad.status_code == 400 and "名单.csv:3" in bad.text and "checklist-serve-" not in bad.text


def test_plan_page_filters_by_unit_and_downloads_that_list(client, evaluated):
    page = client.get("/plan?unit=" + TOWN).text
    rows = re.findall(r'<tr class="item.*?</tr>', page, flags=re.S)
    assert rows and all(TOWN in r for r in rows)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/plan.xlsx?unit=" + TOWN).content)).worksheets[0]
    units = {r[1] for r in book.iter_rows(min_row=2, values_only=True)}
    assert units == {TOWN} and book.max_row - 1 == len(rows)


def test_pages_run_no_script_and_cannot_be_framed(client):
    response = client.get("/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "<script" not in response.text and "onchange=" not in response.text


def test_row_reasons_keep_both_languages_after_storage(client, evaluated):
    """The sample's row with 日期 2024-13-01 is rejected (no 13th month): the stored verdict says so in
    the page's language, and so does the 自查报告 written later from the stored result."""
    html = client.get(evaluated).text
    assert "2024-13-01" in _row(html, "2024-13-01") and "不存在" in _row(html, "2024-13-01")
    client.get("/lang/en")
    html = client.get(evaluated).text
    assert "no such day" in _row(html, "2024-13-01")


def test_open_waits_for_the_server_then_opens_the_page(monkeypatch, capsys):
    from types import SimpleNamespace

    from checklist.cli import serve as command

    opened: list[str] = []
    monkeypatch.setattr(command.webbrowser, "open", opened.append)
    server = SimpleNamespace(started=True)
    command._announce(server, "http://127.0.0.1:8765/", "zh", True)
    assert opened == ["http://127.0.0.1:8765/"]
    assert "http://127.0.0.1:8765/" in capsys.readouterr().err
    command._announce(server, "http://127.0.0.1:8765/", "zh", False)
    assert opened == ["http://127.0.0.1:8765/"]  # without --open the browser is left alone


def test_a_taken_port_is_one_clear_line(tmp_path, capsys):
    import socket

    from checklist.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        db = f"sqlite:///{(tmp_path / 'cli.db').as_posix()}"
        assert main(["serve", "--db", db, "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"端口 {port} 已被占用" in err and "Traceback" not in err
