"""Human-facing words of every renderer, in Chinese and English."""

from __future__ import annotations

STATUS = {
    "zh": {"met": "达标", "gap": "未达标", "due": "待完成", "exceeded": "超出", "late": "逾期", "waived": "豁免"},
    "en": {"met": "met", "gap": "gap", "due": "due", "exceeded": "exceeded", "late": "late", "waived": "waived"},
}
# violations first, then what is still open, then the rest
STATUS_ORDER = {"gap": 0, "late": 1, "exceeded": 2, "due": 3, "waived": 4, "met": 5}

WORDS = {
    "zh": {
        "window": "评估期间",
        "as_of": "截至",
        "ledger": "台账",
        "rows": "共{rows}行",
        "matched": "匹配{matched}",
        "unmatched": "未识别{unmatched}",
        "rejected": "无效{rejected}",
        "unit": "单位",
        "score": "得分",
        "no_score": "无可评分项",
        "status": "状态",
        "rule": "规则",
        "period": "期间",
        "required": "要求",
        "count": "完成",
        "missing": "缺",
        "due_date": "截止",
        "detail": "说明",
        "records": "记录",
        "violations": "未达标",
        "due": "待完成",
        "met": "达标",
        "rejected_rows": "无效行",
        "unmatched_rows": "未识别的活动类型",
        "warnings": "提示",
        "row": "行",
        "reason": "原因",
        "activity": "活动类型",
        "suggestion": "可能是",
        "at_risk": "有风险",
        "on_track": "进度正常",
        "near_misses": "接近但未计入",
        "waived": "豁免",
        "fingerprint": "指纹",
        "previous": "上年",
        "groups": "上级汇总",
        "group": "上级",
        "units": "单位数",
        "worst": "得分最低",
    },
    "en": {
        "window": "window",
        "as_of": "as of",
        "ledger": "ledger",
        "rows": "{rows} rows",
        "matched": "{matched} matched",
        "unmatched": "{unmatched} unmatched",
        "rejected": "{rejected} rejected",
        "unit": "unit",
        "score": "score",
        "no_score": "nothing scored",
        "status": "status",
        "rule": "rule",
        "period": "period",
        "required": "required",
        "count": "done",
        "missing": "missing",
        "due_date": "due",
        "detail": "detail",
        "records": "records",
        "violations": "violations",
        "due": "due",
        "met": "met",
        "rejected_rows": "rejected rows",
        "unmatched_rows": "unmatched activity types",
        "warnings": "warnings",
        "row": "row",
        "reason": "reason",
        "activity": "activity",
        "suggestion": "maybe",
        "at_risk": "at risk",
        "on_track": "on track",
        "near_misses": "near misses",
        "waived": "waived",
        "fingerprint": "fingerprint",
        "previous": "previous year",
        "groups": "by parent",
        "group": "parent",
        "units": "units",
        "worst": "lowest unit",
    },
}


def num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# Rejected-row reasons are written in English by the reader (they are also the JSON contract's
# text); human-facing Chinese output translates the known shapes and keeps the quoted cell as is.
_REASONS_ZH = [
    (r"^no date$", "未填日期"),
    (r"^empty activity$", "活动类型为空"),
    (r"^unparseable date '(.*)': no such day$", "日期“\\1”不存在"),
    (r"^unparseable date '(.*)': year out of range$", "日期“\\1”年份超出范围"),
    (r"^unparseable date '(.*)'$", "无法识别的日期“\\1”"),
    (
        r"^imprecise date '(.*)': only the ten-day part of the month is given; write a day$",
        "日期“\\1”只写到旬,请写明具体日期",
    ),
    (r"^imprecise date '(.*)': only the quarter is given; write a day$", "日期“\\1”只写到季度,请写明具体日期"),
    (r"^imprecise date '(.*)': only the half year is given; write a day$", "日期“\\1”只写到半年,请写明具体日期"),
    (r"^imprecise date '(.*)': no day given; write a full date$", "日期“\\1”未写到日,请写明具体日期"),
    (r"^date range '(.*)': give one date per row$", "“\\1”是日期区间,每行只填一个日期"),
    (
        r"^'(.*)' looks like an Excel serial number, not a date; format the column as a date$",
        "“\\1”是Excel日期序号而非日期,请将该列设为日期格式",
    ),
    (r"^unparseable time in '(.*)'$", "“\\1”中的时间无法识别"),
    (r"^weekday in '(.*)' does not match: that day is (.*)$", "“\\1”中的星期与日期不符:该日是\\2"),
    (r"^time out of range in '(.*)'$", "“\\1”中的时间超出范围"),
    (r"^(.*) '(.*)' is not a number$", "\\1“\\2”不是数字"),
    (r"^summary row '(.*)', not an activity$", "“\\1”是合计行,不是活动"),
    (r"^invalid JSON: (.*)$", "不是有效的JSON:\\1"),
    (r"^a JSON Lines record must be an object$", "JSON Lines 的每行须是一个对象"),
]


def reason_text(reason: str, lang: str) -> str:
    """A rejected row's reason in the output language (unknown shapes stay as written)."""
    if lang != "zh":
        return reason
    import re

    for pattern, replacement in _REASONS_ZH:
        if re.match(pattern, reason):
            return re.sub(pattern, replacement, reason)
    return reason
