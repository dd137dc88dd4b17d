"""Every button that names a row is refused to someone the row is not for: each callback type,
forged with the ids of another cell's rows, changes nothing and shows nothing of that cell."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, func, select
from telegram.ext import Application

from bot import members
from bot.models import (
    AskedQuestion,
    Feedback,
    Invite,
    Meeting,
    MeetingRsvp,
    MeetingState,
    Member,
    MemberStatus,
    Notice,
    NoticeDelivery,
    NoticeState,
    Role,
)
from bot.services import Services
from bot.telegram.callbacks import Action, pack
from knowledge.models import Document, Passage, utcnow
from tests.bot.support import RecordingRequest, callback_update, feed, user
from tests.utils.cell_factories import (
    add_cell_document,
    make_cell,
    make_meeting,
    make_member,
    make_notice,
)

LAN = user(500_001, "Lan")
SECRETARY = user(600_001, "Bình")
OUTSIDER = user(700_001, "Hoa")  # the secretary of another cell
STRANGER = user(999_001, "Khách")  # nobody's member
PRIVATE_WORDS = ("Lan", "Bình", "kỷ luật", "Xe buýt", "tự kiểm điểm", "12-NQ/CB")


@pytest.fixture
def rows(session: Session, services: Services, tmp_path: Path) -> dict[str, int]:
    """Cell A's rows a button can name."""
    cell = make_cell(session)
    lan = make_member(session, cell, full_name="Nguyễn Thị Lan", telegram_user_id=LAN["id"])
    make_member(session, cell, full_name="Trần Văn Bình", role=Role.SECRETARY,
                telegram_user_id=SECRETARY["id"])  # fmt: skip
    other = make_cell(session, name="Chi bộ Phòng Kế toán")
    make_member(session, other, full_name="Vũ Thị Hoa", role=Role.SECRETARY,
                telegram_user_id=OUTSIDER["id"])  # fmt: skip
    pending = make_member(session, cell, full_name="Lê Văn Mới", status=MemberStatus.PENDING,
                          telegram_user_id=500_009)  # fmt: skip
    unlinked = make_member(session, cell, full_name="Phạm Văn Cũ", telegram_user_id=500_010)
    roster = make_member(session, cell, full_name="Phạm Văn Cũ", telegram_user_id=None)
    invite, _ = members.create_invite(
        session, cell_id=cell.id or 0, created_by=SECRETARY["id"], ttl=timedelta(days=1)
    )
    asked = AskedQuestion(telegram_user_id=LAN["id"], chat_id=LAN["id"], text="Tôi bị kỷ luật oan")
    session.add(asked)
    session.commit()
    verdict = Feedback(question_id=asked.id or 0, telegram_user_id=LAN["id"], helpful=False,
                       question=asked.text, cited=[])  # fmt: skip
    session.add(verdict)
    notice = make_notice(session, cell, body="Họp chi bộ Xe buýt")
    meeting = make_meeting(session, cell, starts_at=utcnow() + timedelta(days=2))
    minutes_id = add_cell_document(services.ingester, cell, tmp_path)  # cell A's own
    passage = session.exec(select(Passage).where(Passage.document_id == minutes_id)).first()
    session.commit()
    delivery = session.exec(
        select(NoticeDelivery).where(NoticeDelivery.member_id == lan.id)
    ).first()
    assert passage is not None and delivery is not None
    return {
        "question": asked.id or 0, "feedback": verdict.id or 0, "pending": pending.id or 0,
        "unlinked": unlinked.id or 0, "roster": roster.id or 0, "invite": invite.id or 0,
        "notice": notice.id or 0, "delivery": delivery.id or 0, "meeting": meeting.id or 0,
        "passage": passage.id or 0, "document": passage.document_id,
    }  # fmt: skip


def _forged(ids: dict[str, int]) -> dict[Action, tuple[dict[str, Any], str]]:
    """Each action's button, pressed by someone it is not for, with cell A's ids."""
    return {
        Action.PASSAGE: (OUTSIDER, pack(Action.PASSAGE, ids["passage"])),
        Action.PAGE: (OUTSIDER, pack(Action.PAGE, ids["document"], 0)),
        Action.ORIGINAL: (OUTSIDER, pack(Action.ORIGINAL, ids["document"])),
        Action.DOC_CHECK: (OUTSIDER, pack(Action.DOC_CHECK, ids["document"])),
        Action.DOC_REMOVE: (OUTSIDER, pack(Action.DOC_REMOVE, ids["document"], 1)),
        Action.DOC_REPLACE: (OUTSIDER, pack(Action.DOC_REPLACE, ids["document"], 1)),
        Action.DOC_SHARE: (OUTSIDER, pack(Action.DOC_SHARE, ids["document"])),
        Action.OCR_STOP: (OUTSIDER, pack(Action.OCR_STOP, "abc123")),
        Action.MORE: (OUTSIDER, pack(Action.MORE, ids["question"], 3)),
        Action.FEEDBACK: (OUTSIDER, pack(Action.FEEDBACK, ids["question"], 0)),
        Action.REVIEWED: (OUTSIDER, pack(Action.REVIEWED, ids["feedback"])),
        Action.APPROVE: (OUTSIDER, pack(Action.APPROVE, ids["pending"], 0)),
        Action.REJECT: (OUTSIDER, pack(Action.REJECT, ids["pending"])),
        Action.REVOKE: (OUTSIDER, pack(Action.REVOKE, ids["invite"])),
        Action.RELINK: (OUTSIDER, pack(Action.RELINK, ids["unlinked"], ids["roster"])),
        Action.ROSTER: (OUTSIDER, pack(Action.ROSTER, "abc123", "ok")),
        Action.NOTICE_READ: (OUTSIDER, pack(Action.NOTICE_READ, ids["delivery"])),
        Action.NOTICE_STOP: (OUTSIDER, pack(Action.NOTICE_STOP, ids["notice"])),
        Action.NOTICE_REMIND: (OUTSIDER, pack(Action.NOTICE_REMIND, ids["notice"])),
        Action.NOTICE_RESEND: (OUTSIDER, pack(Action.NOTICE_RESEND, ids["notice"])),
        Action.NOTICE_REPORT: (OUTSIDER, pack(Action.NOTICE_REPORT, ids["notice"])),
        Action.NOTICE_DRAFT: (OUTSIDER, pack(Action.NOTICE_DRAFT, "abc123", "ok")),
        Action.RSVP: (OUTSIDER, pack(Action.RSVP, ids["meeting"], "a")),
        Action.VOTE: (OUTSIDER, pack(Action.VOTE, ids["meeting"], "tot")),
        Action.PANEL: (OUTSIDER, pack(Action.PANEL, ids["meeting"], "board")),
        Action.MEETING_DRAFT: (OUTSIDER, pack(Action.MEETING_DRAFT, "abc123", "ok")),
    }


def _state(session: Session) -> tuple[Any, ...]:
    session.expire_all()
    count = lambda model: session.exec(select(func.count()).select_from(model)).one()  # noqa: E731
    return (
        sorted((m.id, m.status, m.telegram_user_id) for m in session.exec(select(Member)).all()),
        [i.revoked_at for i in session.exec(select(Invite)).all()],
        # stopped or not: the sender moves a queued notice on to done as it finishes sending
        [
            (n.state == NoticeState.CANCELLED, n.cancelled_at)
            for n in session.exec(select(Notice)).all()
        ],
        sorted(
            (d.id, d.read_at) for d in session.exec(select(NoticeDelivery)).all()
        ),  # (states move on as the sender sends)
        [(f.helpful, f.reviewed_at) for f in session.exec(select(Feedback)).all()],
        [MeetingState(m.state) for m in session.exec(select(Meeting)).all()],
        count(MeetingRsvp),
        sorted((d.id, d.trust, d.scope) for d in session.exec(select(Document)).all()),
    )


async def test_every_button_forged_with_another_cells_ids_is_refused(
    app: Application, recorder: RecordingRequest, session: Session, rows: dict[str, int]
) -> None:
    forged = _forged(rows)
    assert set(forged) == set(Action)  # a new kind of button needs its case here
    before = _state(session)
    for action, (presser, data) in forged.items():
        recorder.clear()
        await feed(app, callback_update(presser, data))
        answers = [c.params for c in recorder.calls if c.method == "answerCallbackQuery"]
        assert answers and answers[-1].get("show_alert"), (action, answers)  # refused aloud
        shown = [
            str(c.params.get("text") or c.params.get("caption") or "")
            for c in recorder.calls
            if c.method in ("sendMessage", "editMessageText", "sendDocument", "sendPhoto")
            and int(c.params["chat_id"]) == presser["id"]
        ]
        leaked = [t for t in shown if any(w in t for w in PRIVATE_WORDS)]
        assert leaked == [], (action, leaked)
    assert _state(session) == before  # nothing changed
