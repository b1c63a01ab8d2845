"""`--format junit`: one testcase per unit × rule × period, failures for violations (for schedulers)."""

from __future__ import annotations

from collections import defaultdict
from xml.etree import ElementTree as ET

from checklist.rectify import period_text, records_text
from checklist.render import RenderOptions, register
from checklist.render.common import finding_message, problem_text, rule_title
from checklist.result import Finding, Result
from checklist.text import say, xml_safe
from checklist.text.periods import date_name


def _case(result: Result, f: Finding, options: RenderOptions) -> ET.Element:
    """A testcase a scheduler shows by name: the duty and the period in the reader's words; the
    classname keeps unit and rule id, which stay the same in every language."""
    lang = options.lang
    name = say("junit.name", lang, title=rule_title(result, f.rule, lang), period=period_text(f, lang))
    case = ET.Element("testcase", classname=f"{f.unit}.{f.rule}", name=name)
    cited = records_text(f.records, options.records, lang) or say("junit.no_records", lang)
    detail = f"{finding_message(result, f, lang)}\n{say('junit.records', lang, records=cited)}"
    if f.is_violation:
        failure = ET.SubElement(case, "failure", type=f.status, message=problem_text(result, f, lang))
        failure.text = detail
    elif f.status == "waived":
        reason = f.waiver.reason if f.waiver else ""
        ET.SubElement(case, "skipped", message=say("junit.waived", lang, reason=reason))
    elif f.status == "due":
        ET.SubElement(case, "skipped", message=say("junit.due", lang, due=date_name(f.due, lang)))
    ET.SubElement(case, "system-out").text = f"{rule_title(result, f.rule, lang)}\n{detail}"
    return case


@register("junit")
def render_junit(result: Result, options: RenderOptions) -> str:
    by_unit: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_unit[f.unit].append(f)
    root = ET.Element(
        "testsuites", name="checklist", tests=str(len(result.findings)), failures=str(len(result.violations()))
    )
    for summary in result.units:
        findings = by_unit.get(summary.unit, [])
        suite = ET.SubElement(
            root,
            "testsuite",
            name=summary.unit,
            tests=str(len(findings)),
            failures=str(summary.violations),
            skipped=str(summary.due + summary.waived),
            errors="0",
            timestamp=result.as_of.isoformat(),
        )
        props = ET.SubElement(suite, "properties")
        for key, value in (
            ("window", f"{result.window.from_}..{result.window.to}"),
            ("as_of", str(result.as_of)),
            ("fingerprint", result.fingerprint),
            ("score", str(summary.score)),
            ("rating", str(summary.rating)),
            ("rank", str(summary.rank)),
            ("submitted", str(summary.submitted)),
        ):
            ET.SubElement(props, "property", name=key, value=value)
        suite.extend(_case(result, f, options) for f in findings)
    ET.indent(root)
    # ElementTree escapes markup but passes control characters from ledger text, which XML forbids.
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml_safe(ET.tostring(root, encoding="unicode")) + "\n"
