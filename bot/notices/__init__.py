"""Notices: a secretary's message to members, sent through a durable outbox.

The package's functions are its public API (`from bot import notices; notices.compose(...)`);
each lives in the module of its seam:

- `compose`: the content, made safe for Telegram's HTML and split into parts;
- `audience`: who receives it; the notice and its delivery rows;
- `delivery`: the outbox's state machine (claim, send, record, recover);
- `followup`: «Đã đọc», reminders to the unread, resending, cancelling;
- `reports`: figures, status messages, the list of recent notices;
- `texts`: the Vietnamese sentences of notices.

Nothing here talks to Telegram: bot/telegram/sender.py is the sender's Telegram side.
"""

from bot.notices.audience import (
    Plan,
    audience_label,
    audience_members,
    create_notice,
    plan,
    queue_to_members,
    set_status_message,
)
from bot.notices.compose import (
    COMMITTEE_ROLES,
    INTERRUPTED,
    MB,
    NO_ACCOUNT,
    Attachment,
    Audience,
    NoticeError,
    body_html,
    check_attachment,
    compose,
    parse_send_time,
    visible_text,
)
from bot.notices.delivery import (
    Content,
    Job,
    Pace,
    beat,
    changed,
    claim,
    contents,
    record_outcome,
    record_part,
    record_retry,
    recover,
    release,
    start_sending,
)
from bot.notices.figures import Figures, Report
from bot.notices.followup import (
    ReadOutcome,
    cancel,
    mark_read,
    remind_unread,
    resend_uncertain,
)
from bot.notices.reports import (
    Sender,
    StatusJob,
    figures,
    finish_due,
    managed,
    may_manage,
    member_name,
    recent,
    recent_for,
    record_status,
    report,
    sender_of,
    status_due,
)

__all__ = [
    "COMMITTEE_ROLES",
    "INTERRUPTED",
    "MB",
    "NO_ACCOUNT",
    "Attachment",
    "Audience",
    "Content",
    "Figures",
    "Job",
    "NoticeError",
    "Pace",
    "Plan",
    "ReadOutcome",
    "Report",
    "Sender",
    "StatusJob",
    "audience_label",
    "audience_members",
    "beat",
    "body_html",
    "cancel",
    "changed",
    "check_attachment",
    "claim",
    "compose",
    "contents",
    "create_notice",
    "figures",
    "finish_due",
    "managed",
    "mark_read",
    "may_manage",
    "member_name",
    "parse_send_time",
    "plan",
    "queue_to_members",
    "recent",
    "recent_for",
    "record_outcome",
    "record_part",
    "record_retry",
    "record_status",
    "recover",
    "release",
    "remind_unread",
    "report",
    "resend_uncertain",
    "sender_of",
    "set_status_message",
    "start_sending",
    "status_due",
    "visible_text",
]
