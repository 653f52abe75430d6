"""Every name staff may type, in one place: tabs, headers, Project fields, value words.

Matching is case-insensitive with surrounding spaces ignored (CONTRACT section 1). Each
canonical English name comes first in its tuple, then its aliases; a Chinese alias is
always among them. The first Chinese alias is what a Chinese template shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from sheetsync.model import ChangeStatus, Owner, Status, UpdateType


def norm(text: object) -> str:
    """The key a name is matched by: trimmed, casefolded, inner spaces collapsed."""
    return " ".join(str(text).split()).casefold()


def _index(table: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for key, names in table.items():
        for name in names:
            index[norm(name)] = key
    return index


# --------------------------------------------------------------------------- tabs

PROJECT, MILESTONES, UPDATES, CHANGES, PROBLEMS, LOG = (
    "Project", "Milestones", "Updates", "Changes", "Problems", "Log",
)

TABS: dict[str, tuple[str, ...]] = {
    PROJECT: ("Project", "项目", "Settings", "项目信息"),
    MILESTONES: ("Milestones", "里程碑", "Milestone", "Plan", "计划"),
    UPDATES: ("Updates", "进展", "Update", "Weekly updates", "进度"),
    CHANGES: ("Changes", "变更", "Change requests", "变更请求"),
    PROBLEMS: ("Problems", "问题"),
    LOG: ("Log", "日志"),
}
JOB_OWNED_TABS = (PROBLEMS, LOG)
_TAB_INDEX = _index(TABS)


def canonical_tab(title: str) -> str | None:
    """The canonical name of a tab title, or None for a tab sheetsync leaves alone."""
    return _TAB_INDEX.get(norm(title))


def tab_title(tab: str, language: str) -> str:
    """The title sheetsync gives a tab it creates, in the project's language."""
    return TABS[tab][1] if language == "zh" else TABS[tab][0]


# --------------------------------------------------------------------------- columns

COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    PROJECT: {
        "field": ("Field", "字段", "Setting", "设置"),
        "value": ("Value", "值", "数值"),
    },
    MILESTONES: {
        "id": ("ID", "编号", "#", "No.", "Ref"),
        "title": ("Milestone", "里程碑", "Title", "Name", "名称", "标题", "Task", "任务"),
        "owner": ("Owner", "负责方", "Responsible", "Who", "负责"),
        "start": ("Start", "开始日期", "Start date", "开始"),
        "due": ("Due", "截止日期", "Due date", "Deadline", "截止", "到期日"),
        "status": ("Status", "状态"),
        "acceptance": ("Acceptance criteria", "验收标准", "Acceptance", "验收"),
        "done_on": ("Done on", "完成日期", "Completed on", "Delivered on", "Done date"),
        "client_confirmed": ("Client confirmed", "客户确认", "Confirmed", "Accepted"),
        "confirmed_on": ("Confirmed on", "确认日期", "Accepted on"),
        "depends_on": ("Depends on", "依赖", "Dependencies", "Depends", "前置"),
        "notes": ("Notes", "备注", "Note", "Comments"),
        "flag": ("Flag", "标记", "Flags"),
        "flag_detail": ("Flag detail", "标记说明", "Flag details"),
    },
    UPDATES: {
        "date": ("Date", "日期"),
        "type": ("Type", "类型", "Kind"),
        "text": ("Update", "内容", "Text", "Description", "说明"),
        "milestone": ("Milestone", "里程碑", "Milestone ID"),
        "by": ("By", "填写人", "Author", "Who", "作者"),
        "internal": ("Internal", "内部", "Internal only", "仅内部"),
    },
    CHANGES: {
        "id": ("ID", "编号", "#"),
        "date": ("Date", "日期"),
        "requested_by": ("Requested by", "提出人", "Requester"),
        "change": ("Change", "变更内容", "Description", "What changes"),
        "impact": ("Impact", "影响"),
        "milestone": ("Milestone", "里程碑"),
        "old_due": ("Old due", "原截止日期", "Old date"),
        "new_due": ("New due", "新截止日期", "New date"),
        "status": ("Status", "状态"),
        "client_approved": ("Client approved", "客户批准", "Approved by client"),
        "decided_on": ("Decided on", "决定日期", "Approved on", "批准日期", "Decision date"),
    },
    PROBLEMS: {
        "tab": ("Tab", "工作表"),
        "cell": ("Cell", "单元格"),
        "value": ("Value", "值"),
        "problem": ("Problem", "问题"),
        "how_to_fix": ("How to fix", "修改方法"),
    },
    LOG: {
        "time": ("Time", "时间"),
        "job": ("Job", "任务"),
        "project": ("Project", "项目"),
        "recipients": ("Recipients", "收件人"),
        "subject": ("Subject", "主题"),
        "result": ("Result", "结果"),
        "message_id": ("Message-ID", "邮件编号"),
        "detail": ("Detail", "详情"),
    },
}
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    PROJECT: ("field", "value"),
    MILESTONES: ("id", "title", "due"),
    UPDATES: ("date", "type", "text"),
    CHANGES: ("id",),
}
JOB_OWNED_COLUMNS = ("flag", "flag_detail")
_COLUMN_INDEX = {tab: _index(cols) for tab, cols in COLUMNS.items()}


def column_key(tab: str, header: object) -> str | None:
    """The key of a header in a tab (e.g. ``"due"``), or None for a column left alone."""
    return _COLUMN_INDEX[tab].get(norm(header))


def header(tab: str, key: str, language: str = "en") -> str:
    """The header text a template or sheetsync itself writes for a column."""
    names = COLUMNS[tab][key]
    return names[1] if language == "zh" else names[0]


def headers(tab: str, language: str = "en") -> tuple[str, ...]:
    return tuple(header(tab, key, language) for key in COLUMNS[tab])


# --------------------------------------------------------------------------- Project fields

FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("Project", "项目名称", "Project name", "Name", "项目"),
    "client": ("Client", "客户", "Client name", "客户名称"),
    "client_emails": ("Client emails", "客户邮箱", "Client email", "Recipients"),
    "sponsor_email": ("Client sponsor email", "客户负责人邮箱", "Sponsor email"),
    "pm_name": ("Project manager", "项目经理", "PM"),
    "pm_email": ("PM email", "项目经理邮箱", "Project manager email"),
    "cc": ("CC", "抄送"),
    "time_zone": ("Time zone", "时区", "Timezone", "TZ"),
    "language": ("Language", "语言"),
    "report_day": ("Report day", "报告日"),
    "report_time": ("Report time", "报告时间"),
    "due_soon_days": ("Due soon days", "临期天数"),
    "confirm_within_days": ("Confirm within days", "确认期限天数"),
    "reminder_every_days": ("Reminder every days", "提醒间隔天数"),
    "date_order": ("Date order", "日期顺序"),
    "reports_paused": ("Reports paused", "暂停报告", "Paused"),
}
_FIELD_INDEX = _index(FIELDS)


def field_key(name: object) -> str | None:
    return _FIELD_INDEX.get(norm(name))


def field_name(key: str, language: str = "en") -> str:
    return FIELDS[key][1] if language == "zh" else FIELDS[key][0]


# --------------------------------------------------------------------------- value words

OWNERS: dict[Owner, tuple[str, ...]] = {
    Owner.TEAM: ("Team", "团队", "us", "we", "vendor", "我方", "乙方", "internal"),
    Owner.CLIENT: ("Client", "客户", "customer", "甲方", "they"),
}
STATUSES: dict[Status, tuple[str, ...]] = {
    Status.NOT_STARTED: ("Not started", "未开始", "todo", "to do", "open", "planned", "pending"),
    Status.IN_PROGRESS: ("In progress", "进行中", "doing", "wip", "started", "ongoing"),
    Status.DONE: ("Done", "完成", "complete", "completed", "finished", "已完成", "delivered"),
    Status.BLOCKED: ("Blocked", "阻塞", "on hold", "暂停", "stuck", "受阻"),
    Status.CANCELLED: ("Cancelled", "取消", "canceled", "dropped", "已取消"),
}
UPDATE_TYPES: dict[UpdateType, tuple[str, ...]] = {
    UpdateType.DONE: ("Done", "完成", "completed", "已完成", "complete"),
    UpdateType.PROBLEM: ("Problem", "问题", "issue", "risk", "blocker", "风险"),
    UpdateType.NEXT: ("Next", "下一步", "plan", "next step", "next steps", "计划"),
    UpdateType.NOTE: ("Note", "备注", "info", "说明"),
}
CHANGE_STATUSES: dict[ChangeStatus, tuple[str, ...]] = {
    ChangeStatus.PROPOSED: ("Proposed", "提议", "待定", "pending", "open", "requested"),
    ChangeStatus.APPROVED: ("Approved", "已批准", "accepted", "批准"),
    ChangeStatus.REJECTED: ("Rejected", "已拒绝", "declined", "拒绝"),
}
YES_NO: dict[bool, tuple[str, ...]] = {
    True: ("Yes", "是", "y", "true", "✓", "✔", "已确认", "x", "1"),
    False: ("No", "否", "n", "false", "✗", "0", "未确认"),
}
WEEKDAYS: dict[int, tuple[str, ...]] = {
    0: ("Monday", "周一", "mon", "星期一", "礼拜一"),
    1: ("Tuesday", "周二", "tue", "tues", "星期二", "礼拜二"),
    2: ("Wednesday", "周三", "wed", "星期三", "礼拜三"),
    3: ("Thursday", "周四", "thu", "thur", "thurs", "星期四", "礼拜四"),
    4: ("Friday", "周五", "fri", "星期五", "礼拜五"),
    5: ("Saturday", "周六", "sat", "星期六", "礼拜六"),
    6: ("Sunday", "周日", "sun", "星期日", "星期天", "礼拜日", "周天"),
}
LANGUAGES: dict[str, tuple[str, ...]] = {
    "en": ("en", "English", "英文", "英语", "eng"),
    "zh": ("zh", "中文", "Chinese", "汉语", "简体中文", "zh-cn", "zh_cn", "cn"),
}
DATE_ORDERS: dict[str, tuple[str, ...]] = {
    "YMD": ("YMD", "Y-M-D", "年月日"),
    "DMY": ("DMY", "D-M-Y", "D/M/Y", "日月年"),
    "MDY": ("MDY", "M-D-Y", "M/D/Y", "月日年"),
}


K = TypeVar("K")


def word_index(table: Mapping[K, Iterable[str]]) -> dict[str, K]:
    return {norm(word): key for key, words in table.items() for word in words}


def choices(table: Mapping[K, tuple[str, ...]], language: str) -> str:
    """The canonical words of a value list, for a how-to-fix sentence."""
    sep = "、" if language == "zh" else ", "
    pick = 1 if language == "zh" else 0
    return sep.join(words[pick] for words in table.values())
