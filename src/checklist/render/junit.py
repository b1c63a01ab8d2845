"""`--format junit`: one testcase per unit × rule × period, failures for violations (for schedulers)."""

from __future__ import annotations

from collections import defaultdict
from xml.etree import ElementTree as ET

from checklist.render import RenderOptions, register
from checklist.render.common import finding_message, problem_text, rule_title
from checklist.result import Finding, Result
from checklist.text import xml_safe


def _case(result: Result, f: Finding, lang: str) -> ET.Element:
    name = f"{f.rule} {f.period}" + (f" {f.person}" if f.person else "")
    case = ET.Element("testcase", classname=f"{f.unit}.{f.rule}", name=name)
    detail = f"{finding_message(result, f, lang)}\nrecords: {', '.join(map(str, f.records)) or '-'}"
    if f.is_violation:
        failure = ET.SubElement(case, "failure", type=f.status, message=problem_text(result, f, lang))
        failure.text = detail
    elif f.status in ("due", "waived"):
        reason = f.waiver.reason if f.waiver else f"due {f.due.isoformat()}"
        ET.SubElement(case, "skipped", message=f"{f.status}: {reason}")
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
        suite.extend(_case(result, f, options.lang) for f in findings)
    ET.indent(root)
    # ElementTree escapes markup but passes control characters from ledger text, which XML forbids.
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml_safe(ET.tostring(root, encoding="unicode")) + "\n"
