"""Corrections of a closed meeting's attendance, each kept with who made it, when, and why.

A closed meeting's marks are the record a committee files, so they are never edited silently:
`correct` changes the attendance row (the report, the rate and every statistic read the rows)
and writes an `AttendanceCorrection` with the old and the new mark. The report then lists the
corrections, and `closing.sheet(original=True)` rebuilds the report as it was at closing from
the oldest correction of each member.

The secretary writes one line: the member's name as in the meeting's list, the new mark and
why — «Nguyễn Văn An có mặt, ghi nhầm khi điểm danh». The name is matched against the meeting's
own list (so a member who has since left can still be corrected), longest name first, so a
name that ends in a mark word («Nguyễn Thị Vàng vắng …») is read right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from bot.meetings import texts as mt
from bot.meetings.reports import MARK_LABELS
from bot.meetings.scheduling import MeetingError, get
from bot.models import (
    AttendanceCorrection,
    Mark,
    Meeting,
    MeetingAttendance,
    MeetingState,
    Method,
)
from knowledge.text import fold, nfc

MAX_WHY = 300

# Folded phrases → the mark; longer phrases are tried first («vắng có lý do» before «vắng»).
_MARK_WORDS: tuple[tuple[str, Mark], ...] = tuple(
    sorted(
        (
            ("vang khong ly do", Mark.ABSENT),
            ("vang khong phep", Mark.ABSENT),
            ("vang mat khong ly do", Mark.ABSENT),
            ("vang co ly do", Mark.EXCUSED),
            ("vang co phep", Mark.EXCUSED),
            ("vang mat co ly do", Mark.EXCUSED),
            ("co ly do", Mark.EXCUSED),
            ("co phep", Mark.EXCUSED),
            ("vang mat", Mark.ABSENT),
            ("vang", Mark.ABSENT),
            ("co mat", Mark.PRESENT),
            ("du hop", Mark.PRESENT),
            ("di muon", Mark.LATE),
            ("muon", Mark.LATE),
        ),
        key=lambda pair: -len(pair[0]),
    )
)
_LEAD = re.compile(r"^[\s,;:.\-–—()]+")
_WHY_LEAD = re.compile(r"^(ly do|vi|do)(?!\w)[\s:,\-–—]*")


@dataclass(frozen=True)
class Correction:
    """What a correction changed, for the secretary's confirmation."""

    meeting: Meeting
    name: str
    old_mark: Mark
    new_mark: Mark
    why: str
    by_name: str
    present: int
    denominator: int


def _fold_same_length(text: str) -> str:
    """The folded text with one character for each character, so a cut found in it is a cut
    in the text."""
    return "".join((fold(ch) or " ")[:1] for ch in text)


def _cuts(line: str) -> list[tuple[str, Mark, str]]:
    """(name, mark, why) for every place a mark phrase can start after at least one word,
    the longest name first."""
    words = nfc(line).split()
    cuts: list[tuple[str, Mark, str]] = []
    for split in range(len(words) - 1, 0, -1):
        rest = " ".join(words[split:])
        folded = _fold_same_length(rest)
        for phrase, mark in _MARK_WORDS:
            if not re.match(rf"{re.escape(phrase)}(?!\w)", folded):
                continue
            why = _LEAD.sub("", rest[len(phrase) :])
            lead = _WHY_LEAD.match(_fold_same_length(why))
            if lead:
                why = _LEAD.sub("", why[lead.end() :])
            name = " ".join(words[:split]).rstrip(" ,;:.-–—")
            cuts.append((name, mark, why.strip()))
            break
    return cuts


def _rows(session: Session, meeting_id: int) -> list[MeetingAttendance]:
    return list(
        session.exec(
            select(MeetingAttendance).where(col(MeetingAttendance.meeting_id) == meeting_id)
        ).all()
    )


def correct(
    session: Session, *, meeting_id: int, line: str, by: int, by_name: str, now: datetime
) -> Correction:
    """Correct one member's mark of a closed meeting from the secretary's line, keeping the
    old and new mark, who and when; MeetingError says what was wrong and changes nothing.
    The caller has checked the rights (bot.meetings.panel.correct_as)."""
    meeting = get(session, meeting_id=meeting_id)
    if meeting.state == MeetingState.SCHEDULED:
        raise MeetingError(mt.CORRECT_NOT_CLOSED)
    if meeting.state == MeetingState.CANCELLED:
        raise MeetingError(mt.MEETING_CANCELLED)
    if not line.strip():
        raise MeetingError(mt.CORRECT_NO_MARK)
    rows = _rows(session, meeting_id)
    named: dict[str, list[MeetingAttendance]] = {}
    for row in rows:
        named.setdefault(fold(nfc(row.member_name)).strip(), []).append(row)
    cuts = _cuts(line)
    if not cuts:
        raise MeetingError(mt.CORRECT_NO_MARK)
    found = next(((name, mark, why) for name, mark, why in cuts if fold(name) in named), None)
    if found is None:
        # The shortest cut of two words or more is the likeliest name the secretary meant.
        named_as = next((c[0] for c in reversed(cuts) if len(c[0].split()) >= 2), cuts[-1][0])
        raise MeetingError(mt.CORRECT_NO_MEMBER.format(name=named_as, title=meeting.title))
    name, mark, why = found
    matches = named[fold(name)]
    if len(matches) > 1:
        raise MeetingError(mt.CORRECT_NAMESAKES.format(name=name, count=len(matches)))
    if not why:
        raise MeetingError(mt.CORRECT_NO_WHY)
    if len(why) > MAX_WHY:
        raise MeetingError(mt.TOO_LONG.format(what="Lý do sửa", limit=MAX_WHY))
    row = matches[0]
    old = Mark(row.mark)
    if old == mark:
        raise MeetingError(
            mt.CORRECT_SAME.format(name=row.member_name, mark=MARK_LABELS[mark].lower())
        )
    assert row.id is not None and meeting.id is not None
    session.add(
        AttendanceCorrection(
            meeting_id=meeting.id,
            attendance_id=row.id,
            member_name=row.member_name,
            old_mark=old,
            old_reason=row.reason,
            old_method=Method(row.method),
            old_checked_in_at=row.checked_in_at,
            old_recorded_by_name=row.recorded_by_name,
            new_mark=mark,
            new_reason=why if mark == Mark.EXCUSED else None,
            why=why,
            corrected_by=by,
            corrected_by_name=by_name,
            corrected_at=now,
        )
    )
    row.mark = mark
    row.reason = why if mark == Mark.EXCUSED else None
    if mark in (Mark.EXCUSED, Mark.ABSENT):
        row.checked_in_at = None  # a time of arrival for someone absent would mislead
    row.method = Method.MANUAL
    row.recorded_by = by
    row.recorded_by_name = by_name
    session.add(row)
    session.flush()
    marks = [Mark(r.mark) for r in rows]
    present = sum(1 for m in marks if m in (Mark.PRESENT, Mark.LATE))
    rule = meeting.excused_in_denominator
    excused = sum(1 for m in marks if m == Mark.EXCUSED)
    denominator = len(marks) if rule is None or rule else len(marks) - excused
    return Correction(meeting, row.member_name, old, mark, why, by_name, present, denominator)


def corrections_of(session: Session, *, meeting_id: int) -> list[AttendanceCorrection]:
    """The meeting's corrections, oldest first."""
    return list(
        session.exec(
            select(AttendanceCorrection)
            .where(col(AttendanceCorrection.meeting_id) == meeting_id)
            .order_by(col(AttendanceCorrection.corrected_at), col(AttendanceCorrection.id))
        ).all()
    )


def last_closed(session: Session, *, cell_id: int) -> Meeting | None:
    """The cell's most recently closed meeting (what /suadiemdanh corrects by default)."""
    return session.exec(
        select(Meeting)
        .where(col(Meeting.cell_id) == cell_id, col(Meeting.state) == MeetingState.CLOSED)
        .order_by(col(Meeting.starts_at).desc())
    ).first()
