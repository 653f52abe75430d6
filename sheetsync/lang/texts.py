"""The words sheetsync says to staff in the sheet: problems and flag details, en and zh.

Each problem code has (problem, how to fix) in both languages, filled in with
``str.format`` from the facts a reader found. Flag details say each flag in words.
"""

from __future__ import annotations

from sheetsync.model import Assessment, Flag

# code -> language -> (problem, how to fix)
PROBLEMS: dict[str, dict[str, tuple[str, str]]] = {
    "unreadable": {
        "en": ("cannot be read: {reason}",
               "Open the file in Excel or Sheets and save it so the value is calculated, "
               "or type the value instead of a formula."),
        "zh": ("无法读取：{reason}", "请在 Excel 或表格中打开并保存文件以计算出结果，或直接填写数值而非公式。"),
    },
    "not_a_date": {
        "en": ("not a date", "Type the date as 2026-11-27 (year-month-day), or pick it from the "
                             "date picker."),
        "zh": ("不是日期", "请按 2026-11-27（年-月-日）格式填写，或用日期选择器选择。"),
    },
    "not_a_real_date": {
        "en": ("not a date that exists", "Check the day and month: this day is not in the "
                                         "calendar. Type it as 2026-11-27."),
        "zh": ("日期不存在", "请检查年月日：日历上没有这一天。请按 2026-11-27 格式填写。"),
    },
    "ambiguous_date": {
        "en": ("could be read two ways (day/month or month/day)",
               "Type the date as 2026-11-27, or set 'Date order' to DMY or MDY in the Project "
               "tab."),
        "zh": ("可以有两种理解（日/月 或 月/日）",
               "请按 2026-11-27 格式填写，或在“项目”表中把“日期顺序”设为 DMY 或 MDY。"),
    },
    "date_part_missing": {
        "en": ("a part of the date is missing (day, month or year)",
               "Type the whole date with its year, e.g. 2026-11-27."),
        "zh": ("日期不完整（缺少年、月或日）", "请填写包含年份的完整日期，例如 2026-11-27。"),
    },
    "ambiguous_locale": {
        "en": ("could be read two ways: Date order says {order}, but this Google Sheet's "
               "locale ({locale}) shows dates {shown}",
               "Type the date as 2026-11-27, or make the sheet's locale (File > Settings) and "
               "Date order in the Project tab agree."),
        "zh": ("可以有两种理解：“日期顺序”为 {order}，但此 Google 表格的语言区域（{locale}）按 {shown} 显示日期",
               "请按 2026-11-27 格式填写，或让表格的语言区域（文件 > 设置）与“项目”表中的“日期顺序”一致。"),
    },
    "not_in_list": {
        "en": ("not one of the allowed values", "Use one of: {choices}."),
        "zh": ("不是允许的值", "请使用以下之一：{choices}。"),
    },
    "not_a_number": {
        "en": ("not a whole number", "Type a whole number of days, e.g. 7."),
        "zh": ("不是整数", "请填写天数（整数），例如 7。"),
    },
    "number_out_of_range": {
        "en": ("not a whole number from {low} to {high}",
               "Type a whole number from {low} to {high}."),
        "zh": ("不是 {low} 到 {high} 之间的整数", "请填写 {low} 到 {high} 之间的整数。"),
    },
    "not_a_time": {
        "en": ("not a time of day", "Type the time as HH:MM on a 24-hour clock, e.g. 16:00."),
        "zh": ("不是时间", "请按 24 小时制 HH:MM 填写，例如 16:00。"),
    },
    "not_a_time_zone": {
        "en": ("not a time zone", "Use an IANA time zone name such as Asia/Shanghai, "
                                  "Europe/London or America/New_York."),
        "zh": ("不是时区", "请填写 IANA 时区名称，例如 Asia/Shanghai、Europe/London。"),
    },
    "not_an_address": {
        "en": ("not an email address", "Type one address per entry, like name@example.com or "
                                       "Name <name@example.com>, separated by commas."),
        "zh": ("不是邮箱地址", "每项填写一个地址，如 name@example.com 或 Name <name@example.com>，用逗号分隔。"),
    },
    "suspicious_address": {
        "en": ("not a plain email address (it holds a line break or a header)",
               "Type only the address, like name@example.com; nothing is sent to it until "
               "then."),
        "zh": ("不是普通邮箱地址（含换行或邮件头）", "请只填写地址，如 name@example.com；修正前不会向其发送邮件。"),
    },
    "no_recipients": {
        "en": ("no client email address, so no report is sent",
               "Type the client's addresses in 'Client emails', separated by commas."),
        "zh": ("没有客户邮箱，因此不会发送报告", "请在“客户邮箱”中填写客户地址，用逗号分隔。"),
    },
    "required": {
        "en": ("{column} is empty", "Fill in {column}: it is required."),
        "zh": ("{column}为空", "请填写{column}：这是必填项。"),
    },
    "missing_tab": {
        "en": ("there is no {tab} tab", "Add a tab named {tab} (the template shows its columns)."),
        "zh": ("缺少“{tab}”工作表", "请添加名为“{tab}”的工作表（模板中有其列名）。"),
    },
    "duplicate_tab": {
        "en": ("a second {tab} tab; only the first one is read",
               "Merge the two tabs into one, or rename this one."),
        "zh": ("重复的“{tab}”工作表；只读取第一个", "请把两个工作表合并，或重命名此工作表。"),
    },
    "missing_column": {
        "en": ("there is no {column} column", "Add a column headed {column} to this tab."),
        "zh": ("缺少“{column}”列", "请在此工作表添加标题为“{column}”的列。"),
    },
    "duplicate_column": {
        "en": ("a second {column} column; only the first one is read",
               "Delete or rename one of the two columns."),
        "zh": ("重复的“{column}”列；只读取第一列", "请删除或重命名其中一列。"),
    },
    "no_id": {
        "en": ("this row has no ID, so it is not read", "Give the row a unique ID such as M7."),
        "zh": ("此行没有编号，因此不会被读取", "请为此行填写唯一编号，例如 M7。"),
    },
    "duplicate_id": {
        "en": ("ID {id} is used again (first in row {first})",
               "Give each row its own ID; this row is flagged INVALID until then."),
        "zh": ("编号 {id} 重复（首次出现在第 {first} 行）", "请为每行使用不同编号；修正前此行标记为 INVALID。"),
    },
    "unknown_dependency": {
        "en": ("depends on {id}, which is not an ID in Milestones",
               "Use an ID from the ID column, or remove it."),
        "zh": ("依赖的 {id} 不是里程碑中的编号", "请填写“编号”列中的编号，或删除它。"),
    },
    "self_dependency": {
        "en": ("{id} depends on itself", "Remove {id} from its own Depends on."),
        "zh": ("{id} 依赖自身", "请从它自己的依赖中删除 {id}。"),
    },
    "dependency_cycle": {
        "en": ("dependencies go round in a circle: {cycle}",
               "Remove one of these dependencies so that the chain has an end."),
        "zh": ("依赖形成循环：{cycle}", "请删除其中一个依赖，使依赖链有终点。"),
    },
    "unknown_milestone": {
        "en": ("{id} is not an ID in Milestones", "Use an ID from the Milestones ID column, or "
                                                  "leave it empty."),
        "zh": ("{id} 不是里程碑中的编号", "请填写里程碑“编号”列中的编号，或留空。"),
    },
    "approved_change_not_applied": {
        "en": ("{change} was approved with New due {new_due}, but {milestone} is still due "
               "{due}", "Update Due of {milestone} to {new_due} as approved in {change}."),
        "zh": ("{change} 已批准新截止日期 {new_due}，但 {milestone} 的截止日期仍为 {due}",
               "请按 {change} 的批准把 {milestone} 的截止日期改为 {new_due}。"),
    },
    "write_refused": {
        "en": ("sheetsync did not write to this file: {reason}",
               "Move charts, images and shapes to another file, or keep this project in a "
               "Google Sheet."),
        "zh": ("sheetsync 未写入此文件：{reason}", "请把图表、图片和形状移到其他文件，或改用 Google 表格。"),
    },
}


def problem_text(code: str, language: str, **facts: str) -> tuple[str, str]:
    entry = PROBLEMS[code]
    problem, fix = entry.get(language, entry["en"])
    return problem.format(**facts), fix.format(**facts)


def _days(n: int, language: str) -> str:
    if language == "zh":
        return f"{n} 天"
    return f"{n} day" if n == 1 else f"{n} days"


def flag_detail(a: Assessment, language: str, confirm_days: int) -> str:
    """The Flag detail cell: every flag of a row in words, in the project's language."""
    zh = language == "zh"
    parts: list[str] = []
    for flag in a.flags:
        if flag in (Flag.OVERDUE, Flag.CLIENT_OVERDUE):
            who = ("客户逾期" if flag is Flag.CLIENT_OVERDUE else "逾期") if zh else (
                "Client overdue by" if flag is Flag.CLIENT_OVERDUE else "Overdue by")
            parts.append(f"{who} {_days(a.days_overdue, language)}")
        elif flag is Flag.DUE_SOON:
            n = a.days_to_due or 0
            if n == 0:
                parts.append("今天到期" if zh else "Due today")
            else:
                parts.append(f"{_days(n, language)}后到期" if zh else f"Due in {_days(n, language)}")
        elif flag is Flag.BLOCKED:
            parts.append("受阻" if zh else "Blocked")
        elif flag is Flag.AWAITING_CONFIRMATION:
            parts.append("等待客户确认" if zh else "Awaiting the client's confirmation")
        elif flag is Flag.UNCONFIRMED:
            n = a.days_unconfirmed
            parts.append(f"客户确认已超期 {_days(n, language)}" if zh else
                         f"Not confirmed {_days(n, language)} after the {confirm_days}-day window")
        elif flag is Flag.AT_RISK:
            ids = "、".join(a.late_upstream) if zh else ", ".join(a.late_upstream)
            parts.append(f"有风险：依赖的 {ids} 已逾期" if zh else f"At risk: {ids} is late")
        elif flag is Flag.INVALID:
            parts.append("无法判断：见“问题”表" if zh else "Cannot be judged: see the Problems tab")
    return "；".join(parts) if zh else "; ".join(parts)
