"""The words the client reads in reports and emails, English and Chinese.

``WORDS[language][key]`` is a ``str.format`` pattern; a key ending in ``_one`` is the
singular form ``Words.n`` picks when the count is 1. ``Words`` binds one language and also
formats dates, day counts and lists the way that language writes them. Nothing else in the
package holds a client-facing word.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

LANGUAGES = ("en", "zh")

MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "zh": tuple(f"{i}月" for i in range(1, 13)),
}
WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
}
LIST_SHOWN = 4  # names a list spells out before "and N more"

WORDS: dict[str, dict[str, str]] = {
    "en": {
        # envelope and frame
        "subject": "{project} — weekly report, week ending {date}",
        "title": "Weekly report",
        "week": "{start} – {end}",
        "for_client": "For {client}",
        "intro": "Here is where {project} stands at the end of this week.",
        "regards": "Best regards,",
        "team": "Your project team",
        "reply": "Questions or changes? Just reply to this email.",
        "footer": "This report is made every week from the shared project workbook.",
        # section headings
        "h_summary": "Summary",
        "h_completed": "Completed this week",
        "h_problems": "Problems and risks",
        "h_next": "Next steps",
        "h_waiting": "Waiting on you",
        "h_timeline": "Timeline",
        # summary
        "state_on_track": "On track",
        "state_at_risk": "At risk",
        "state_late": "Late",
        "state_on_track_says": "Everything is on schedule.",
        "state_at_risk_says": "On schedule for now, with risks to watch.",
        "state_late_says": "Some work is behind schedule.",
        "reason_overdue": "Overdue: {names}.",
        "reason_client_overdue": "Overdue on your side: {names}.",
        "reason_blocked": "Blocked: {names}.",
        "reason_at_risk": "At risk because earlier work is late: {names}.",
        "reason_unconfirmed": "Delivered but not yet confirmed by you: {names}.",
        "reason_not_started_due_soon": "Due soon and not started yet: {names}.",
        "stat_done": "done",
        "stat_open": "open",
        "stat_overdue": "overdue",
        "stat_waiting": "waiting on you",
        "progress": "{done} of {total} milestones done ({percent}%).",
        "progress_one": "{done} of {total} milestone done ({percent}%).",
        "counts": "{open} open · {overdue} overdue · {waiting} waiting on you",
        "notes": "Notes from the team",
        # entries
        "done_detail": "delivered {date}",
        "confirmed": "confirmed by you",
        "awaiting_confirmation": "awaiting your confirmation",
        "overdue_detail": "{days} late, it was due {date}",
        "client_overdue_detail": "{days} late on your side, it was due {date}",
        "blocked_detail": "blocked",
        "blocked_due_detail": "blocked, due {date}",
        "at_risk_detail": "at risk while {names} are late",
        "at_risk_detail_one": "at risk while {names} is late",
        "due_detail": "due {date} ({when})",
        "also_blocked": "also blocked",
        "your_action": "your action",
        "by": "by {who}",
        "today": "today",
        "tomorrow": "tomorrow",
        "in_days": "in {days}",
        "days": "{n} days",
        "days_one": "{n} day",
        "more": "{n} more",
        "and": " and ",
        "sep": ", ",
        "clause_sep": ", ",
        "colon": ": ",
        "paren": " ({text})",
        "none_completed": "Nothing was completed this week.",
        # changes agreed this week (under Completed)
        "h_agreed": "Changes agreed this week",
        "agreed_line": "{change} — {detail}",
        "agreed": "approved",
        "agreed_moves": "approved: {milestone} moves from {old} to {new}",
        "agreed_due": "approved: {milestone} is now due {new}",
        "agreed_for": "approved, for {milestone}",
        "agreed_date": "approved: the new due date is {new}",
        "none_problems": "No problems or risks this week.",
        "none_next": "Nothing is planned or due in the next two weeks.",
        "none_waiting": "Nothing is waiting on you this week. Thank you!",
        # waiting on you
        "ask_client_overdue": "Overdue",
        "ask_client_due_soon": "Due soon",
        "ask_confirm": "Please confirm",
        "ask_unconfirmed": "Please confirm",
        "ask_approve_change": "Decision needed",
        "wait_client_overdue": "{days} overdue: it was due {date}.",
        "wait_client_due_soon": "Due {date} ({when}).",
        "wait_confirm": "Delivered {done}. Please check it and confirm by {date}.",
        "wait_confirm_undated": "Delivered. Please check it and confirm.",
        "wait_unconfirmed": "Delivered {done}. Your confirmation was due {date}, {days} ago.",
        "wait_change": "Change request {id}: please approve or decline it.",
        "wait_change_staff": "Change request {id}: we have approved it and need your approval.",
        "change_moves": "It moves {milestone} from {old} to {new}.",
        "change_due": "New due date for {milestone}: {new}.",
        "change_impact": "Impact: {impact}",
        "change_requested": "Requested by {who}.",
        "holds_work": "{names} wait on this; each day of delay moves them.",
        "holds_work_one": "{names} waits on this; each day of delay moves it.",
        "holds_decision": "{names} wait on this.",
        "holds_decision_one": "{names} waits on this.",
        "slip": "Projected slip if it stays open: {days}.",
        # timeline
        "bar_done": "done",
        "bar_late": "late",
        "bar_blocked": "blocked",
        "bar_at_risk": "at risk",
        "bar_client": "your action",
        "bar_active": "in progress",
        "bar_planned": "planned",
        "no_dates": "no dates yet",
        "this_week": "this week",
        "columns": "Each column is a week starting on Monday.",
        "text_legend": "# done   = planned or in progress   ! late or blocked   . free week",
        # reminders (sheetsync remind)
        "r_subject_friendly": "{project}: {n} items waiting on you",
        "r_subject_friendly_one": "{project}: 1 item waiting on you",
        "r_subject_firmer": "Reminder: {project}: {n} items still waiting on you",
        "r_subject_firmer_one": "Reminder: {project}: 1 item still waiting on you",
        "r_subject_firm": "Action needed: {project}: {n} items still waiting on you",
        "r_subject_firm_one": "Action needed: {project}: 1 item still waiting on you",
        "r_title": "Reminder",
        "r_hello": "Hello,",
        "r_intro_friendly": "A friendly note about {project}: {n} items are waiting on you. "
                            "Could you take a look when you have a moment?",
        "r_intro_friendly_one": "A friendly note about {project}: one item is waiting on you. "
                                "Could you take a look when you have a moment?",
        "r_intro_firmer": "A reminder about {project}: we have asked about some of these "
                          "before and they are still open. The work that follows waits on "
                          "them, so please deal with them in the next few days.",
        "r_intro_firm": "{project} is slipping: some of these items are still open after "
                        "several reminders. Please deal with them now, or reply today so we "
                        "can agree new dates.",
        "r_sponsor": "We have copied {sponsor} so that this can be settled quickly.",
        "r_thanks_friendly": "Thank you!",
        "r_thanks_firmer": "Thank you for your help.",
        "r_thanks_firm": "Thank you for dealing with this promptly.",
        "r_reply": "Just reply to this email: your answer goes to {pm}.",
        "r_pm": "your project manager",
        "r_footer": "We send at most one reminder a day, never at weekends, and mention an "
                    "item again only after {days}. It drops out as soon as it is done.",
        "r_kind_client_overdue": "Overdue",
        "r_kind_unconfirmed": "Please confirm",
        "r_kind_change": "Decision needed",
        "r_overdue": "It was due {date} and is {days} late.",
        "r_unconfirmed": "Delivered {done}. Your confirmation was due {date}, {days} ago.",
        "r_acceptance": "Acceptance criteria: {text}",
        "r_change_since": "Proposed {date}; it has waited {days} for your decision.",
        "r_change_undated": "Proposed; it waits for your decision.",
        "r_change_moves": "If approved, {milestone} moves from {old} to {new}.",
        "r_change_due": "If approved, {milestone} is due {new}.",
        "r_change_impact": "Impact: {text}",
        "r_moves": "If this stays late, {names} move by {days}.",
        "r_moves_one": "If this stays late, {names} moves by {days}.",
        "r_waits": "{names} wait on this.",
        "r_waits_one": "{names} waits on this.",
        "r_do_client_overdue": "Please complete it and send us what it needs, or reply with a "
                               "date you can keep.",
        "r_do_unconfirmed": "Please check it and reply to confirm acceptance, or tell us what "
                            "needs fixing.",
        "r_do_change": "Please reply to approve or reject this change.",
        "r_mention": "{nth} reminder",
    },
    "zh": {
        "subject": "{project} — 项目周报（截至{date}）",
        "title": "项目周报",
        "week": "{start} 至 {end}",
        "for_client": "致 {client}",
        "intro": "以下是{project}截至本周末的进展。",
        "regards": "此致",
        "team": "项目团队",
        "reply": "如有疑问或变更，请直接回复此邮件。",
        "footer": "本报告每周根据共享项目表自动生成。",
        "h_summary": "概况",
        "h_completed": "本周已完成",
        "h_problems": "问题与风险",
        "h_next": "下一步",
        "h_waiting": "需要您处理",
        "h_timeline": "时间线",
        "state_on_track": "进展正常",
        "state_at_risk": "存在风险",
        "state_late": "已延期",
        "state_on_track_says": "各项工作均按计划进行。",
        "state_at_risk_says": "目前按计划进行，但有风险需要关注。",
        "state_late_says": "部分工作已落后于计划。",
        "reason_overdue": "已逾期：{names}。",
        "reason_client_overdue": "您方已逾期：{names}。",
        "reason_blocked": "受阻：{names}。",
        "reason_at_risk": "因前置工作延期而有风险：{names}。",
        "reason_unconfirmed": "已交付但尚未获您确认：{names}。",
        "reason_not_started_due_soon": "即将到期但尚未开始：{names}。",
        "stat_done": "已完成",
        "stat_open": "未完成",
        "stat_overdue": "已逾期",
        "stat_waiting": "待您处理",
        "progress": "共 {total} 个里程碑，已完成 {done} 个（{percent}%）。",
        "counts": "未完成 {open} 个 · 逾期 {overdue} 个 · 待您处理 {waiting} 项",
        "notes": "团队备注",
        "done_detail": "已于{date}交付",
        "confirmed": "您已确认",
        "awaiting_confirmation": "待您确认",
        "overdue_detail": "已逾期 {days}，原定{date}完成",
        "client_overdue_detail": "由您方负责，已逾期 {days}，原定{date}完成",
        "blocked_detail": "受阻",
        "blocked_due_detail": "受阻，截止{date}",
        "at_risk_detail": "有风险：所依赖的{names}已逾期",
        "due_detail": "{date}截止（{when}）",
        "also_blocked": "且受阻",
        "your_action": "由您负责",
        "by": "{who}",
        "today": "今天",
        "tomorrow": "明天",
        "in_days": "还有 {days}",
        "days": "{n} 天",
        "more": "另外 {n} 项",
        "and": "和",
        "sep": "、",
        "clause_sep": "，",
        "colon": "：",
        "paren": "（{text}）",
        "none_completed": "本周没有完成的事项。",
        "h_agreed": "本周已确认的变更",
        "agreed_line": "{change} — {detail}",
        "agreed": "已批准",
        "agreed_moves": "已批准：{milestone}从{old}调整到{new}",
        "agreed_due": "已批准：{milestone}的新截止日期为{new}",
        "agreed_for": "已批准，涉及{milestone}",
        "agreed_date": "已批准：新截止日期为{new}",
        "none_problems": "本周没有问题或风险。",
        "none_next": "未来两周没有计划或到期的事项。",
        "none_waiting": "本周没有需要您处理的事项，谢谢！",
        "ask_client_overdue": "已逾期",
        "ask_client_due_soon": "即将到期",
        "ask_confirm": "请确认",
        "ask_unconfirmed": "请确认",
        "ask_approve_change": "请审批",
        "wait_client_overdue": "已逾期 {days}，原定{date}完成。",
        "wait_client_due_soon": "{date}截止（{when}）。",
        "wait_confirm": "已于{done}交付，请查收并在{date}前确认。",
        "wait_confirm_undated": "已交付，请查收并确认。",
        "wait_unconfirmed": "已于{done}交付，确认期限{date}已过 {days}。",
        "wait_change": "变更请求 {id}：请批准或拒绝。",
        "wait_change_staff": "变更请求 {id}：我方已批准，还需要您的批准。",
        "change_moves": "它将把{milestone}从{old}调整到{new}。",
        "change_due": "{milestone}的新截止日期：{new}。",
        "change_impact": "影响：{impact}",
        "change_requested": "提出人：{who}。",
        "holds_work": "{names}都在等待此项；每延误一天，它们也会推迟一天。",
        "holds_work_one": "{names}在等待此项；每延误一天，它也会推迟一天。",
        "holds_decision": "{names}都在等待此项。",
        "holds_decision_one": "{names}在等待此项。",
        "slip": "如仍未处理，预计后续工作推迟 {days}。",
        "bar_done": "已完成",
        "bar_late": "逾期",
        "bar_blocked": "受阻",
        "bar_at_risk": "有风险",
        "bar_client": "由您负责",
        "bar_active": "进行中",
        "bar_planned": "计划中",
        "no_dates": "暂无日期",
        "this_week": "本周",
        "columns": "每列为一周，自周一开始。",
        "text_legend": "# 已完成   = 计划中或进行中   ! 逾期或受阻   . 空闲周",
        "r_subject_friendly": "{project}：有 {n} 项待您处理",
        "r_subject_firmer": "再次提醒：{project}：仍有 {n} 项待您处理",
        "r_subject_firm": "请尽快处理：{project}：仍有 {n} 项待您处理",
        "r_title": "提醒",
        "r_hello": "您好，",
        "r_intro_friendly": "温馨提示：{project}有 {n} 项需要您处理，方便时请查看。",
        "r_intro_firmer": "关于{project}的提醒：以下部分事项我们此前已提醒过，目前仍未完成。后续工作正在等待这些事项，请在近几天内处理。",  # noqa: E501
        "r_intro_firm": "{project}的进度正在推迟：以下部分事项经多次提醒仍未完成。请立即处理，或今天回复我们以商定新的日期。",  # noqa: E501
        "r_sponsor": "我们已抄送 {sponsor}，以便尽快解决。",
        "r_thanks_friendly": "谢谢！",
        "r_thanks_firmer": "感谢您的协助。",
        "r_thanks_firm": "感谢您尽快处理。",
        "r_reply": "直接回复此邮件即可，您的回复将发送给{pm}。",
        "r_pm": "项目经理",
        "r_footer": "我们每天最多发送一封提醒，周末不发送；同一事项至少间隔 {days}才会再次提醒，完成后即不再提醒。",  # noqa: E501
        "r_kind_client_overdue": "已逾期",
        "r_kind_unconfirmed": "请确认",
        "r_kind_change": "请审批",
        "r_overdue": "原定{date}完成，已逾期 {days}。",
        "r_unconfirmed": "已于{done}交付，确认期限{date}已过 {days}。",
        "r_acceptance": "验收标准：{text}",
        "r_change_since": "于{date}提出，已等待您决定 {days}。",
        "r_change_undated": "已提出，等待您的决定。",
        "r_change_moves": "如获批准，{milestone}将从{old}调整到{new}。",
        "r_change_due": "如获批准，{milestone}的新截止日期为{new}。",
        "r_change_impact": "影响：{text}",
        "r_moves": "如果此项继续延误，{names}将推迟 {days}。",
        "r_waits": "{names}在等待此项。",
        "r_do_client_overdue": "请完成此项并把所需内容发给我们，或回复一个您能确定的日期。",
        "r_do_unconfirmed": "请检查并回复确认验收；如需修改，请告诉我们。",
        "r_do_change": "请回复批准或拒绝此变更。",
        "r_mention": "{nth}提醒",
    },
}


def language_of(value: str) -> str:
    """A supported language code, English for anything else."""
    return value if value in WORDS else "en"


class Words:
    """The client-facing words of one language, with its dates, day counts and lists."""

    def __init__(self, language: str) -> None:
        self.language = language_of(language)
        self.table = WORDS[self.language]

    def __call__(self, key: str, **facts: object) -> str:
        """The pattern ``key`` filled with ``facts``."""
        return self.table[key].format(**facts)

    def n(self, key: str, count: int, **facts: object) -> str:
        """The pattern ``key`` (or ``key_one`` when ``count`` is 1) filled with ``facts``."""
        pattern = self.table.get(f"{key}_one", self.table[key]) if count == 1 else self.table[key]
        return pattern.format(**facts)

    def days(self, count: int) -> str:
        """"1 day", "3 days" / "3 天"."""
        return self.n("days", count, n=count)

    def when(self, days_left: int) -> str:
        """How far off a due date is: "today", "tomorrow", "in 5 days"."""
        if days_left <= 0:
            return self("today")
        if days_left == 1:
            return self("tomorrow")
        return self("in_days", days=self.days(days_left))

    def ordinal(self, n: int) -> str:
        """"1st", "2nd", "3rd", "11th" / "第1次"."""
        if self.language == "zh":
            return f"第{n}次"
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"

    def month(self, day: dt.date) -> str:
        return MONTHS[self.language][day.month - 1]

    def short(self, day: dt.date) -> str:
        """"27 Nov" / "11月27日"."""
        if self.language == "zh":
            return f"{day.month}月{day.day}日"
        return f"{day.day} {self.month(day)}"

    def date(self, day: dt.date) -> str:
        """"Fri 27 Nov" / "11月27日（周五）"."""
        weekday = WEEKDAYS[self.language][day.weekday()]
        if self.language == "zh":
            return f"{self.short(day)}（{weekday}）"
        return f"{weekday} {self.short(day)}"

    def long(self, day: dt.date) -> str:
        """"27 Nov 2026" / "2026年11月27日"."""
        if self.language == "zh":
            return f"{day.year}年{self.short(day)}"
        return f"{self.short(day)} {day.year}"

    def full(self, day: dt.date) -> str:
        """"Fri 27 Nov 2026" / "2026年11月27日（周五）"."""
        if self.language == "zh":
            return f"{day.year}年{self.date(day)}"
        return f"{self.date(day)} {day.year}"

    def span(self, start: dt.date, end: dt.date) -> str:
        """A date range without weekdays: "9 Nov – 25 Nov" / "11月9日–11月25日"."""
        if start == end:
            return self.short(start)
        dash = "–" if self.language == "zh" else " – "
        return f"{self.short(start)}{dash}{self.short(end)}"

    def join(self, names: Iterable[str], shown: int = LIST_SHOWN) -> str:
        """"A, B and C"; past ``shown`` names: "A, B, C, D and 2 more"."""
        items = list(names)
        if len(items) > shown + 1:
            items = items[:shown] + [self("more", n=len(items) - shown)]
        if len(items) <= 1:
            return "".join(items)
        return self("sep").join(items[:-1]) + self("and") + items[-1]
