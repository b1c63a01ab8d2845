"""The message catalogue: code -> (Chinese template, English template).

Codes are stable (programs read them from the JSON); change a template's words freely, never a
code's meaning. Arguments are `{name}` fields formatted by checklist.text (numbers, dates, lists
by language). Keep each code in its section; add new sections at the end of the file.
"""

from __future__ import annotations

CATALOGUE: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------ general
    "internal": ("内部错误:{detail};请报告此问题", "internal error: {detail}; please report it"),
    # ------------------------------------------------------------ usage (CLI and library options)
    "usage.year": (
        "应为1900至2100之间的四位年份,而不是 {value!r}",
        "expected a four-digit year from 1900 to 2100, not {value!r}",
    ),
    "usage.bounded": (
        "应为{low}至{high}之间的数,而不是 {value!r}",
        "expected a number from {low} to {high}, not {value!r}",
    ),
    "usage.day": ("{option}:{reason}", "{option}: {reason}"),
    "usage.day_range": (
        "{option}:{value} 不在1900年至2100年之间",
        "{option}: {value} is not between the years 1900 and 2100",
    ),
    "usage.year_and_window": ("--year 不能与 --from/--to 同时使用", "--year excludes --from/--to"),
    "usage.output_unknown_ext": (
        "-o {path}:无法从扩展名判断输出格式;可用 {known},或用 --format 指定",
        "-o {path}: the extension names no output format; use one of {known}, or give --format",
    ),
    "usage.output_wrong_ext": (
        "-o {path}:此命令写出 {expected} 文件,扩展名应为 {expected}",
        "-o {path}: this command writes a {expected} file; give a name ending in {expected}",
    ),
    "usage.output_format_conflict": (
        "-o {path}:扩展名表示 {inferred} 格式,与 --format {given} 矛盾",
        "-o {path}: the extension means {inferred}, which contradicts --format {given}",
    ),
    "usage.output_is_input": (
        "-o {path}:这是输入文件之一,写出会覆盖它;请换一个文件名",
        "-o {path}: this is one of the input files and would be overwritten; choose another name",
    ),
    "usage.output_is_dir": (
        "-o {path}:这是一个文件夹,请给出文件名",
        "-o {path}: this is a directory; give a file name",
    ),
    "usage.output_no_dir": ("-o {path}:文件夹 {folder} 不存在", "-o {path}: the directory {folder} does not exist"),
    "usage.output_name_long": (
        "-o {path}:文件名过长({length} 字节,最多 255 字节)",
        "-o {path}: the file name is too long ({length} bytes; at most 255)",
    ),
    "usage.output_cannot_write": ("无法写入 {path}:{reason}", "cannot write {path}: {reason}"),
    "usage.binary_needs_output": (
        "{format} 格式是二进制文件,不能输出到终端:请用 -o FILE 指定输出文件",
        "the {format} format is binary: give -o FILE",
    ),
    "usage.plan_needs_output": (
        "plan 写出一个工作簿:请用 -o FILE 指定输出文件(可与 --ledger 同名以更新它)",
        "plan writes a workbook: give -o FILE (it may name the --ledger file to update it)",
    ),
    "usage.calendar_needs_output": ("请用 -o FILE.ics 指定输出文件", "give -o FILE.ics"),
    "usage.unit_needs_ledger": (
        "--unit 需要 --ledger LOG:单位的到期事项来自其台账",
        "--unit needs --ledger LOG: the unit's due items come from its ledger",
    ),
    "usage.no_rule": (
        "规则包 {pack} 中没有规则 {rule!r}(现有:{known})",
        "no rule {rule!r} in pack {pack!r} (rules: {known})",
    ),
    "usage.cannot_follow": ("无法跟踪 {path}:{reason}", "cannot follow {path}: {reason}"),
    # ------------------------------------------------------------ ledger: reading files
    "ledger.excel_sparse": (
        "工作表的范围延伸到 {cell}({rows} 行 × {columns} 列),而实际只有 {cells} 个单元格;请删除远处的零散单元格",
        "the sheet reaches {cell} ({rows} rows x {columns} columns) while it holds only {cells} cells; "
        "delete the stray cell",
    ),
    "ledger.excel_damaged": (
        "工作簿已损坏,无法读取({detail})",
        "the workbook is damaged and cannot be read ({detail})",
    ),
    "ledger.excel_crashed": (
        "工作簿无法读取:读取时超出 {mb} MB 内存或文件已损坏",
        "the workbook cannot be read: reading it needed more than {mb} MB of memory, or the file is damaged",
    ),
    "ledger.excel_memory": (
        "工作簿无法在 {mb} MB 内存内读取;请拆分工作簿",
        "the workbook cannot be read within {mb} MB of memory; split it",
    ),
    "ledger.excel_slow": (
        "工作簿在 {seconds} 秒内未能读完,已停止;文件可能已损坏",
        "reading the workbook took more than {seconds} s and was stopped; the file may be damaged",
    ),
    # ------------------------------------------------------------ ledger: rejected rows (reasons)
    # ------------------------------------------------------------ ledger: warnings
    # ------------------------------------------------------------ side inputs (roster, units, waivers, mapping)
    # ------------------------------------------------------------ pack loading
    # ------------------------------------------------------------ engine: findings and notes
    # ------------------------------------------------------------ render: reports and documents
    # ------------------------------------------------------------ workflow: plan, remind, audit, calendar
    # ------------------------------------------------------------ assessment: rating, ranking, bulletin
    "assess.rating": ("考核得分", "rating"),
    "assess.rank": ("名次", "rank"),
    "assess.score": ("达标率", "score"),
    "assess.unit": ("单位", "unit"),
    "assess.parent": ("上级", "parent"),
    "assess.units": ("单位数", "units"),
    "assess.met": ("达标", "met"),
    "assess.violations": ("未达标", "violations"),
    "assess.due": ("待完成", "due"),
    "assess.unsubmitted": ("未报送", "not submitted"),
    "assess.unsubmitted_count": ("未报送单位数", "not submitted"),
    "assess.unrated": ("无可评项", "nothing judged"),
    "assess.ranking": ("考核排名", "Ranking"),
    "assess.rollup": ("上级汇总", "By parent body"),
    "assess.duties": ("各项职责完成情况", "Duties met"),
    "assess.duties_matrix": ("职责(达标单位数/参评单位数)", "duty (units that met it / units judged)"),
    "assess.all_units": ("全部", "all"),
    "assess.lowest": ("考核得分最低单位", "lowest-rated unit"),
    "assess.on_file": ("{met}/{judged} 留档", "{met}/{judged} on file"),
    "assess.units_met": ("{met}/{units} 个单位", "{met}/{units} units"),
    "assess.duty_share": ("{duty}:{share}", "{duty}: {share}"),
    "assess.unsubmitted_list": ("未报送单位({count}个):{units}", "Not submitted ({count}): {units}"),
    "assess.unit_head": ("名次 {rank} · 考核得分 {rating}", "rank {rank} · rating {rating}"),
    "assess.report_unit_head": (
        "{unit}(名次 {rank},考核得分 {rating};达标率 {score};达标 {met} 项,未达标 {violations} 项,待完成 {due} 项)",
        "{unit} (rank {rank}, rating {rating}; score {score}; {met} met, {violations} violations, {due} due)",
    ),
    "assess.points_missing": (
        "规则 {rule} 未给出 points:本规则包已为其他规则设定分值(如 {at} 的 {example}),所有启用的规则都须设定分值",
        "rule {rule} has no 'points' while other rules of the pack declare them (e.g. {example} at {at}); "
        "give points to every enabled rule, or to none",
    ),
    # ------------------------------------------------------------ cli: help texts and summaries
    "cli.error": ("错误:{detail}", "error: {detail}"),
    "cli.memory": (
        "内存不足:{detail};请拆分台账或在内存更大的计算机上运行",
        "not enough memory: {detail}; split the ledger or run on a machine with more memory",
    ),
    "cli.interrupted": ("已中断", "interrupted"),
    "cli.traceback": ("以下为调试信息(--debug):", "debug information (--debug) follows:"),
    "cli.progress.rules": ("正在载入规则…", "loading rules…"),
    "cli.progress.reading": ("正在读取 {path}…", "reading {path}…"),
    "cli.progress.evaluating": ("正在核查 {rows} 行…", "evaluating {rows} rows…"),
    "cli.progress.auditing": ("正在检查真实性…", "auditing…"),
    "cli.window": ("评估期间 {start} 至 {end},截至 {as_of}", "window {start}..{end}, as of {as_of}"),
    "cli.window_default": (
        "评估期间 {start} 至 {end},截至 {as_of}(默认)",
        "window {start}..{end}, as of {as_of} (default)",
    ),
    "cli.rules.list.headers": ("规则包|版本|规则数|继承自|名称", "pack|version|rules|extends|title"),
    "cli.rules.validate.ok": (
        "通过:{ref}({pack} {version},{rules} 条规则)",
        "ok: {ref} ({pack} {version}, {rules} rules)",
    ),
    "cli.plan.summary": (
        "{path}:共 {items} 项;新增 {opened},销号 {closed},逾期 {overdue}",
        "{path}: {items} item(s); new {opened}, closed {closed}, overdue {overdue}",
    ),
    "cli.remind.headers": (
        "单位|职责|期间|尚缺|截止|剩余天数|风险",
        "unit|duty|period|missing|due|days left|risk",
    ),
    "cli.remind.at_risk": ("有风险", "at risk"),
    "cli.remind.none": (
        "截至 {as_of},未来 {within} 天内没有到期事项。",
        "As of {as_of}, nothing falls due in the next {within} days.",
    ),
    "cli.audit.line": ("[{kind}] {message}(行 {rows})", "[{kind}] {message} (rows {rows})"),
    "cli.audit.none": ("未发现台账真实性问题", "no integrity problems found"),
    # --help
    "cli.help.description": (
        "按规则包核查活动台账(台账),写出核查结果、自查报告和整改台账。",
        "Check activity ledgers (台账) against rule packs; write results, self-inspection reports and plans.",
    ),
    "cli.help.commands": ("命令", "commands"),
    "cli.help.debug": ("出现内部错误时显示完整的调试信息", "show the full traceback of an internal error"),
    "cli.help.lang": ("输出语言(默认:规则包的语言)", "language of the output (default: the pack's)"),
    "cli.help.log": ("台账文件:CSV、XLSX、XLS 或 JSON Lines", "the ledger: CSV, XLSX, XLS or JSON Lines"),
    "cli.help.rules": ("规则包的编号或路径(可重复)", "pack id or path (repeatable)"),
    "cli.help.mapping": ("YAML 文件,写明“字段: 表头”,用于不常见的表头", "YAML 'field: header' for unusual headers"),
    "cli.help.sheet": ("工作簿中的工作表(默认:第一个)", "the sheet of a workbook (default: the first)"),
    "cli.help.year": ("评估该(财政)年度,1900至2100", "evaluate this (fiscal) year, 1900 to 2100"),
    "cli.help.from": ("评估期起始日(与 --to 同用)", "window start (with --to)"),
    "cli.help.to": ("评估期截止日(与 --from 同用)", "window end (with --from)"),
    "cli.help.as_of": ("以该日为准评估(默认:今天)", "evaluate as on this day (default: today)"),
    "cli.help.unit": ("只看该单位(可重复)", "only this unit (repeatable)"),
    "cli.help.roster": ("人员名单:unit,person,role,from,to", "roster: unit,person,role,from,to"),
    "cli.help.units": (
        "单位名单:unit,type,parent,established,dissolved",
        "units: unit,type,parent,established,dissolved",
    ),
    "cli.help.waivers": (
        "豁免清单:unit,rule,from,to,reason,approved_by,expires",
        "waivers: unit,rule,from,to,reason,approved_by,expires",
    ),
    "cli.help.format": (
        "输出格式(默认:由 -o 的扩展名决定,否则为 table)",
        "output format (default: from the -o extension, else table)",
    ),
    "cli.help.output": (
        "写入该文件而不是标准输出;格式由扩展名决定(.json .md .html .xlsx .docx .xml .txt)",
        "write here instead of standard output; the extension gives the format (.json .md .html .xlsx .docx .xml .txt)",
    ),
    "cli.help.fail_on": ("何种情况退出码为1(默认:violation)", "what makes the exit code 1 (default: violation)"),
    "cli.help.group_by": ("按上级单位汇总", "roll units up to their parent body"),
    "cli.help.compare_previous": (
        "附上一年度各单位的结果(台账包含时)",
        "add last year's result per unit, when the ledger covers it",
    ),
    "cli.help.audit_flag": (
        "在报告中加入真实性提示(同 checklist audit)",
        "add integrity warnings (as `checklist audit`) to the report",
    ),
    "cli.help.evaluate": ("按规则包核查台账", "check a ledger against rule packs"),
    "cli.help.log_group": ("查看台账", "inspect a ledger"),
    "cli.help.log_check": ("只解析和校验台账,不套用规则", "parse and validate a ledger only"),
    "cli.help.rules_group": ("列出、显示、校验和解释规则包", "list, show, validate and explain rule packs"),
    "cli.help.rules_list": ("随程序提供的规则包", "the shipped packs"),
    "cli.help.rules_show": ("规则包的可读目录", "a readable catalogue of a pack's rules"),
    "cli.help.pack": ("规则包的编号或路径", "pack id or path"),
    "cli.help.rule_id": ("规则编号", "rule id"),
    "cli.help.count_year": ("用于计算期间的年份(默认:今年)", "year used to count periods (default: this year)"),
    "cli.help.rules_validate": (
        "校验规则包;有错误时逐条定位并以退出码2结束",
        "check packs; exit 2 with located errors",
    ),
    "cli.help.rules_schema": ("规则包格式的 JSON Schema", "JSON Schema of the pack format"),
    "cli.help.rules_explain": ("用一句话说明一条规则", "one plain sentence for one rule"),
    "cli.help.plan": ("生成或更新整改台账", "create or update the rectification ledger (整改台账)"),
    "cli.help.plan_ledger": ("要更新的整改台账(XLSX)", "the rectification ledger (XLSX) to update"),
    "cli.help.plan_output": ("写出的整改台账(.xlsx)", "the rectification ledger to write (.xlsx)"),
    "cli.help.remind": (
        "未来 N 天内到期的职责(有则退出码为1)",
        "duties falling due in the next N days (exit 1 when any)",
    ),
    "cli.help.within": ("提前多少天提醒,0至3660", "how many days ahead, 0 to 3660"),
    "cli.help.audit": (
        "台账真实性提示:补录、突击、雷同、间隔过近",
        "integrity warnings: back-filled, crammed, copied, too close",
    ),
    "cli.help.backfill_days": (
        "登记日期晚于活动日期多少天算补录,0至3660",
        "days between activity and record that count as back-filled, 0 to 3660",
    ),
    "cli.help.calendar": ("把职责写成 iCalendar 日历文件", "duties as an iCalendar file"),
    "cli.help.calendar_ledger": ("加入该台账中各单位的具体到期事项", "add the concrete due items from this ledger"),
    "cli.help.calendar_output": ("写出的日历文件(.ics)", "the calendar file to write (.ics)"),
    "cli.help.watch": (
        "随记录到达跟踪职责;以 JSON Lines 输出提醒(需要 checklist[stream])",
        "follow records as they arrive; alerts as JSON Lines (needs checklist[stream])",
    ),
    "cli.help.watch_year": ("跟踪的(财政)年度(默认:今年)", "the (fiscal) year watched (default: this year)"),
    "cli.help.watch_within": ("截止日前多少天提醒,0至3660", "warn this many days before a due date, 0 to 3660"),
    "cli.help.clock": (
        'simulated:时间随记录的日期和 {{"tick": 日期}} 行推进;system:系统时间',
        "simulated: time advances with the records' dates and {{\"tick\": DATE}} lines; system: the computer's clock",
    ),
    "cli.help.follow": (
        "跟踪一个不断追加的 CSV 文件,而不是标准输入",
        "follow a CSV file being appended instead of standard input",
    ),
    "cli.help.idle": ("与 --follow 同用:空闲这么多秒后停止", "with --follow: stop after this many idle seconds"),
    "cli.help.verdicts": ("结束时按单位×职责×期间各输出一行结论", "at the end, one line per unit × duty × period"),
    # argparse's own words (its msgids, translated while the parser runs)
    "cli.argparse.usage": ("用法:", "usage: "),
    "cli.argparse.positionals": ("位置参数", "positional arguments"),
    "cli.argparse.options": ("选项", "options"),
    "cli.argparse.help": ("显示本帮助并退出", "show this help message and exit"),
    "cli.argparse.error": ("%(prog)s:错误:%(message)s\n", "%(prog)s: error: %(message)s\n"),
    "cli.argparse.required": ("缺少以下参数:%s", "the following arguments are required: %s"),
    "cli.argparse.unrecognized": ("无法识别的参数:%s", "unrecognized arguments: %s"),
    "cli.argparse.argument": ("参数 %(argument_name)s:%(message)s", "argument %(argument_name)s: %(message)s"),
    "cli.argparse.choice": (
        "无效的选项值:%(value)r(可选:%(choices)s)",
        "invalid choice: %(value)r (choose from %(choices)s)",
    ),
    "cli.argparse.type": ("无效的%(type)s值:%(value)r", "invalid %(type)s value: %(value)r"),
    "cli.argparse.one": ("需要一个参数值", "expected one argument"),
    "cli.argparse.at_most_one": ("最多一个参数值", "expected at most one argument"),
    "cli.argparse.at_least_one": ("至少需要一个参数值", "expected at least one argument"),
    "cli.argparse.n": ("需要 %s 个参数值", "expected %s argument"),
    "cli.argparse.n_plural": ("需要 %s 个参数值", "expected %s arguments"),
    "cli.argparse.ambiguous": (
        "选项 %(option)s 有歧义,可能是 %(matches)s",
        "ambiguous option: %(option)s could match %(matches)s",
    ),
    "cli.argparse.not_allowed": ("不能与参数 %s 同时使用", "not allowed with argument %s"),
    "cli.argparse.one_of": ("参数 %s 中必须给出一个", "one of the arguments %s is required"),
    "cli.argparse.explicit": ("忽略了显式参数 %r", "ignored explicit argument %r"),
    "cli.argparse.unknown_parser": (
        "未知的命令 %(parser_name)r(可选:%(choices)s)",
        "unknown parser %(parser_name)r (choices: %(choices)s)",
    ),
    "cli.argparse.unexpected": ("意外的选项:%s", "unexpected option string: %s"),
    # ------------------------------------------------------------ stream: watch
    # ------------------------------------------------------------ serve: the web page
}
