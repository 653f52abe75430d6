"""The words a template shows besides headers and value lists: notes, hints and help.

``NOTES`` holds the note of every header, by (tab, column key); ``FIELD_HELP`` the About text
of every Project field; the hints say how to type a date and what a dropdown accepts. Each is
a ``Say``, one text in both languages, with ``{placeholders}`` that ``blueprint`` fills from
the schema's own words, so a note cannot name a value the parser would not read.
"""

from __future__ import annotations

from dataclasses import dataclass

from sheetsync.core import schema
from sheetsync.model import UpdateType


@dataclass(frozen=True)
class Say:
    """One text in both languages."""

    en: str
    zh: str

    def __call__(self, language: str) -> str:
        return self.zh if language == "zh" else self.en


ABOUT_HEADER = Say("About", "填写说明")  # the Project tab's help column, not read
DATE_HINT = Say("Type a date like 2026-11-27.", "日期，例如 2026-11-27。")
DROPDOWN_HINT = Say("Use one of: {words}. Other words are checked at the next run.",
                   "请使用以下之一：{words}。其他写法会在下次运行时检查。")
JOB_NOTE = Say("Written by sheetsync — do not edit.", "由 sheetsync 填写——请勿修改。")
UPDATE_TYPE_MEANINGS = {
    UpdateType.DONE: Say("something finished", "完成的工作"),
    UpdateType.PROBLEM: Say("an issue or risk", "问题或风险"),
    UpdateType.NEXT: Say("a planned next step", "下一步计划"),
    UpdateType.NOTE: Say("anything else", "其他说明"),
}

# (tab, column key) -> note; {words} is the dropdown's words, {default} its blank meaning,
# {yes}/{no} the yes/no words, {date} DATE_HINT, {flags} every flag code.
NOTES: dict[tuple[str, str], Say] = {
    (schema.PROJECT, "field"): Say(
        "The name of a setting. Keep the names as they are; fill in the Value column.",
        "设置名称。请保持名称不变，在“值”列填写。"),
    (schema.PROJECT, "value"): Say(
        "The setting's value. The About column says what each one means.",
        "设置的值。“填写说明”列解释每一项。"),
    (schema.PROJECT, "about"): Say(
        "Help only: sheetsync does not read this column.",
        "仅供参考：sheetsync 不读取此列。"),
    (schema.MILESTONES, "id"): Say(
        "A short unique code for the row, e.g. M1. Required: other tabs refer to it.",
        "此行的唯一编号，例如 M1。必填：其他表用它引用此行。"),
    (schema.MILESTONES, "title"): Say(
        "What will be delivered, in a few words. Required.",
        "交付内容，简短描述。必填。"),
    (schema.MILESTONES, "owner"): Say(
        "Who must act: {words}. Blank means {default}.",
        "由谁负责：{words}。留空表示{default}。"),
    (schema.MILESTONES, "start"): Say(
        "Planned start (optional). {date}", "计划开始日期（可选）。{date}"),
    (schema.MILESTONES, "due"): Say(
        "The day it is due. Required unless Cancelled. {date}",
        "截止日期。除已取消外必填。{date}"),
    (schema.MILESTONES, "status"): Say(
        "One of: {words}. Blank means {default}.",
        "以下之一：{words}。留空表示{default}。"),
    (schema.MILESTONES, "acceptance"): Say(
        "What the client checks before confirming it (optional).",
        "客户确认前要检查的内容（可选）。"),
    (schema.MILESTONES, "done_on"): Say(
        "The day the team delivered it; fill it in with Status Done, the client's "
        "confirmation window counts from it. {date}",
        "交付日期；状态为完成时请填写，客户确认期限从这天算起。{date}"),
    (schema.MILESTONES, "client_confirmed"): Say(
        "Has the client accepted it? {words}, or blank.",
        "客户是否已验收？{words}，或留空。"),
    (schema.MILESTONES, "confirmed_on"): Say(
        "The day the client confirmed it (optional). {date}",
        "客户确认的日期（可选）。{date}"),
    (schema.MILESTONES, "depends_on"): Say(
        "IDs that must finish first, separated by commas, e.g. M2, M3.",
        "需先完成的编号，用逗号或顿号分隔，例如 M2、M3。"),
    (schema.MILESTONES, "notes"): Say("Anything else worth knowing (optional).",
                                      "其他说明（可选）。"),
    (schema.MILESTONES, "flag"): Say(
        "{job} The row's flags: {flags}.", "{job}此行的标记：{flags}。"),
    (schema.MILESTONES, "flag_detail"): Say(
        "{job} The flags in words, e.g. 'Overdue by 3 days'.",
        "{job}用文字说明标记，例如“逾期 3 天”。"),
    (schema.UPDATES, "date"): Say("The day of the update. Required. {date}",
                                  "进展日期。必填。{date}"),
    (schema.UPDATES, "type"): Say("Required. {meanings}.", "必填。{meanings}。"),
    (schema.UPDATES, "text"): Say(
        "What happened, in a sentence or two. Clients read it unless Internal is {yes}. "
        "Required.",
        "发生了什么，一两句话。除非“内部”为{yes}，客户会看到。必填。"),
    (schema.UPDATES, "milestone"): Say(
        "The ID of the milestone it is about (optional), e.g. M3.",
        "相关里程碑的编号（可选），例如 M3。"),
    (schema.UPDATES, "by"): Say("Who wrote it (optional).", "填写人（可选）。"),
    (schema.UPDATES, "internal"): Say(
        "{yes} keeps the row out of every client email. Blank means {no}.",
        "填{yes}则此行不会出现在任何客户邮件中。留空表示{no}。"),
    (schema.CHANGES, "id"): Say("A short unique code, e.g. CR-1. Required.",
                                "唯一编号，例如 CR-1。必填。"),
    (schema.CHANGES, "date"): Say("The day it was asked for. {date}", "提出日期。{date}"),
    (schema.CHANGES, "requested_by"): Say("Who asked for it.", "提出人。"),
    (schema.CHANGES, "change"): Say("What changes, in a sentence.", "变更内容，一句话。"),
    (schema.CHANGES, "impact"): Say("What it costs: days, money, scope.",
                                    "影响：工期、费用、范围。"),
    (schema.CHANGES, "milestone"): Say(
        "The ID of the milestone whose date it moves (optional).",
        "受影响的里程碑编号（可选）。"),
    (schema.CHANGES, "old_due"): Say("The milestone's due date before the change. {date}",
                                     "变更前的截止日期。{date}"),
    (schema.CHANGES, "new_due"): Say(
        "The due date asked for. Once Approved, change the milestone's Due to it too. {date}",
        "申请的新截止日期。批准后，请同时修改该里程碑的截止日期。{date}"),
    (schema.CHANGES, "status"): Say("One of: {words}. Blank means {default}.",
                                    "以下之一：{words}。留空表示{default}。"),
    (schema.CHANGES, "client_approved"): Say(
        "Has the client approved it in writing? {words}, or blank.",
        "客户是否书面批准？{words}，或留空。"),
    (schema.CHANGES, "decided_on"): Say(
        "The day it was approved or rejected (optional); the weekly report lists changes "
        "agreed that week. {date}",
        "批准或拒绝的日期（可选）；周报会列出当周确认的变更。{date}"),
    (schema.PROBLEMS, "tab"): Say("{job} The tab with the problem.", "{job}问题所在的工作表。"),
    (schema.PROBLEMS, "cell"): Say("{job} The cell to fix, e.g. E7.",
                                   "{job}需要修改的单元格，例如 E7。"),
    (schema.PROBLEMS, "value"): Say("{job} What the cell holds now.", "{job}单元格当前内容。"),
    (schema.PROBLEMS, "problem"): Say("{job} What is wrong.", "{job}问题是什么。"),
    (schema.PROBLEMS, "how_to_fix"): Say(
        "{job} What to change. Fixed rows go away at the next check.",
        "{job}如何修改。改好后，下次检查时此行会消失。"),
    (schema.LOG, "time"): Say("{job} When sheetsync did it.", "{job}sheetsync 执行的时间。"),
    (schema.LOG, "job"): Say("{job} Which job: check, report or remind.",
                             "{job}任务：check、report 或 remind。"),
    (schema.LOG, "project"): Say("{job} The project name.", "{job}项目名称。"),
    (schema.LOG, "recipients"): Say("{job} Who the email went to.", "{job}邮件收件人。"),
    (schema.LOG, "subject"): Say("{job} The email's subject.", "{job}邮件主题。"),
    (schema.LOG, "result"): Say("{job} sent, skipped, dry-run or failed.",
                                "{job}sent、skipped、dry-run 或 failed。"),
    (schema.LOG, "message_id"): Say("{job} The email's Message-ID, to find it in a mailbox.",
                                    "{job}邮件的 Message-ID，可用于在邮箱中查找。"),
    (schema.LOG, "detail"): Say("{job} More about the result.", "{job}结果的详细说明。"),
}

# Project field key -> what it means; {words}, {default}, {yes}, {no} as above.
FIELD_HELP: dict[str, Say] = {
    "name": Say("Project name, shown in every email subject. Blank: the file's name.",
                "项目名称，显示在每封邮件的主题中。留空：使用文件名。"),
    "client": Say("The client organisation.", "客户单位名称。"),
    "client_emails": Say(
        "Who gets the weekly report, separated by commas. Required: without it nothing "
        "is sent.", "周报收件人，用逗号分隔。必填：否则不会发送任何邮件。"),
    "sponsor_email": Say(
        "The client's senior contact, copied from the third reminder about one item.",
        "客户负责人邮箱；同一事项第三次提醒起抄送此人。"),
    "pm_name": Say("The project manager: signs every email.", "项目经理：邮件署名。"),
    "pm_email": Say("Client replies go here; copied on every client email.",
                    "客户回复发到这里；每封客户邮件都会抄送。"),
    "cc": Say("More addresses to copy, separated by commas (optional).",
              "其他抄送地址，用逗号分隔（可选）。"),
    "time_zone": Say(
        "The project's time zone, e.g. Europe/London or Asia/Shanghai. Blank: {default}.",
        "项目时区，例如 Asia/Shanghai 或 Europe/London。留空：{default}。"),
    "language": Say("Language of the emails and of sheetsync's notes: {words}. "
                    "Blank: {default}.",
                    "邮件及 sheetsync 说明的语言：{words}。留空：{default}。"),
    "report_day": Say("The day the weekly report goes out. Blank: {default}.",
                      "每周发送报告的日子。留空：{default}。"),
    "report_time": Say("Time of the weekly report, HH:MM in the project's time zone. "
                       "Blank: {default}.",
                       "发送周报的时间，HH:MM，项目时区。留空：{default}。"),
    "due_soon_days": Say("How many days ahead a milestone counts as due soon. "
                         "Blank: {default}.",
                         "距截止日期多少天内算作临期。留空：{default}。"),
    "confirm_within_days": Say("Days the client has to confirm a delivered milestone. "
                               "Blank: {default}.",
                               "客户确认已交付里程碑的期限（天）。留空：{default}。"),
    "reminder_every_days": Say("Fewest days between two reminders about one item. "
                               "Blank: {default}.",
                               "同一事项两次提醒之间至少相隔的天数。留空：{default}。"),
    "date_order": Say(
        "How to read dates like 03/04/2026: {words} (D day, M month, Y year). Blank: such "
        "dates are listed in Problems, never guessed.",
        "如何理解 03/04/2026 这类日期：{words}。留空：此类日期会列入“问题”表，不会猜测。"),
    "reports_paused": Say("{yes} stops every client email of this project. Blank: {no}.",
                          "填{yes}则停止发送此项目的所有客户邮件。留空：{no}。"),
}
