"""Cell meetings: scheduling, RSVPs, reminders, check-in, closing, the vote, history, reports.

The package's functions are its public API (`from bot import meetings; meetings.schedule(...)`);
each lives in the module of its seam:

- `scheduling`: schedule, change, cancel, list a cell's meetings;
- `rsvp`: members' answers to the invitation and the secretary's board;
- `reminders`: reminders before the start, each fired once;
- `checkin`: the rotating code, the signed QR link, attendance rows, the wrong-code lockout;
- `closing`: closing, the report's sheet, the minutes;
- `corrections`: a closed meeting's marks corrected, with the trail;
- `panel`: the secretary's actions, each checked and done in one unit of work;
- `voting`: the quality vote;
- `history`: a member's record, a cell's statistics, the chart's points;
- `reports` (XLSX, CSV, the chart) and `texts` (the Vietnamese sentences).

Nothing here talks to Telegram.
"""

from bot.meetings.checkin import (
    LOCKOUT_MINUTES,
    MAX_WRONG_CODES,
    CheckIn,
    Outcome,
    attendance_of,
    check_in_by_code,
    check_in_by_qr,
    code_at,
    code_valid,
    qr_payload,
    read_qr,
    record_by_hand,
    window,
)
from bot.meetings.closing import (
    METHOD_LABELS,
    attach_minutes,
    close,
    sheet,
)
from bot.meetings.corrections import Correction, corrections_of, last_closed
from bot.meetings.history import (
    Record,
    days_ago,
    looks_like_period,
    member_record,
    month_start,
    parse_period,
    rate_points,
    statistics,
)
from bot.meetings.panel import (
    board_for,
    cancel_as,
    close_as,
    correct_as,
    edit_as,
    last_closed_for,
    managed,
    preview_edit_as,
    report_for,
    tally_for,
)
from bot.meetings.reminders import (
    PendingReminder,
    fire_reminder,
    pending_reminders,
)
from bot.meetings.rsvp import (
    Board,
    Excuses,
    answer,
    board,
    excuses,
    mark_told,
    meetings_with_untold_excuses,
    untold_excuses,
)
from bot.meetings.scheduling import (
    MAX_AGENDA,
    MAX_PLACE,
    QR_PREFIX,
    Change,
    ChangePreview,
    MeetingError,
    Reading,
    cancel,
    check_start,
    check_text,
    default_title,
    edit,
    get,
    member_of,
    open_meeting,
    queue_to_roll,
    roll,
    schedule,
    set_panel,
    upcoming,
)
from bot.meetings.voting import (
    VoteOutcome,
    open_tally,
    tally,
    vote,
)

__all__ = [
    "LOCKOUT_MINUTES",
    "MAX_AGENDA",
    "MAX_PLACE",
    "MAX_WRONG_CODES",
    "METHOD_LABELS",
    "QR_PREFIX",
    "Board",
    "Change",
    "ChangePreview",
    "CheckIn",
    "Correction",
    "Excuses",
    "MeetingError",
    "Outcome",
    "PendingReminder",
    "Reading",
    "Record",
    "VoteOutcome",
    "answer",
    "attach_minutes",
    "attendance_of",
    "board",
    "board_for",
    "cancel",
    "cancel_as",
    "check_in_by_code",
    "check_in_by_qr",
    "check_start",
    "check_text",
    "close",
    "close_as",
    "code_at",
    "code_valid",
    "correct_as",
    "corrections_of",
    "days_ago",
    "default_title",
    "edit",
    "edit_as",
    "excuses",
    "fire_reminder",
    "get",
    "last_closed",
    "last_closed_for",
    "looks_like_period",
    "managed",
    "mark_told",
    "meetings_with_untold_excuses",
    "member_of",
    "member_record",
    "month_start",
    "open_meeting",
    "open_tally",
    "parse_period",
    "pending_reminders",
    "preview_edit_as",
    "qr_payload",
    "queue_to_roll",
    "rate_points",
    "read_qr",
    "record_by_hand",
    "report_for",
    "roll",
    "schedule",
    "set_panel",
    "sheet",
    "statistics",
    "tally",
    "tally_for",
    "untold_excuses",
    "upcoming",
    "vote",
    "window",
]
