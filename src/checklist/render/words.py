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
    },
}


def num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
