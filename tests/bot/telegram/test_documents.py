"""Managing the library from Telegram: a secretary checks or removes their cell's document
(asked first, naming it), an admin the shared ones; nobody else sees the buttons or can press
them; a sample can never be marked checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select
from telegram.ext import Application

from bot import texts
from bot.models import Role
from bot.services import Services
from bot.telegram.callbacks import Action, pack
from knowledge.models import Document, Scope, Trust
from knowledge.provenance import Provenance
from knowledge.scopes import Readable
from tests.bot.support import (
    ADMIN_ID,
    RecordingRequest,
    callback_update,
    feed,
    message_update,
    user,
)
from tests.utils.cell_factories import make_cell, make_member

BINH = user(600_001, "Bình")  # secretary of cell A
LAN = user(500_001, "Lan")  # member of cell A
ADMIN = user(ADMIN_ID, "Quản trị")
MINUTES = """CHI BỘ XÍ NGHIỆP XE BUÝT SỐ 1
*
Số 12-NQ/CB
ĐẢNG CỘNG SẢN VIỆT NAM
Thanh Hóa, ngày 25 tháng 11 năm 2026

NGHỊ QUYẾT
hội nghị chi bộ tháng 11 năm 2026

Giao đồng chí Trần Văn Hải hoàn thiện bản tự kiểm điểm của đảng viên dự bị.
"""


@pytest.fixture
def minutes_id(session: Session, services: Services, tmp_path: Path) -> int:
    cell = make_cell(session)
    make_member(session, cell, full_name="Trần Văn Bình", role=Role.SECRETARY,
                telegram_user_id=BINH["id"])  # fmt: skip
    make_member(session, cell, full_name="Nguyễn Thị Lan", telegram_user_id=LAN["id"])
    path = tmp_path / "nq-11.txt"
    path.write_text(MINUTES, encoding="utf-8")
    added = services.ingester.ingest_file(
        path, provenance=Provenance(added_by="Trần Văn Bình", scope=Scope.CELL, scope_id=cell.id)
    )
    assert added.document_id is not None
    return added.document_id


def _buttons(recorder: RecordingRequest) -> list[str]:
    return [label for params in recorder.sent() for label, _ in recorder.buttons(params)]


def _trust(services: Services, document_id: int) -> Trust | None:
    with Session(services.engine) as session:
        document = session.get(Document, document_id)
        return document.trust if document else None


async def test_a_secretary_checks_then_removes_their_cells_document(
    app: Application, recorder: RecordingRequest, services: Services, minutes_id: int
) -> None:
    await feed(app, message_update(BINH, "/vanban 12-NQ/CB"))
    card = recorder.texts(BINH["id"])[0]
    assert "Nạp ngày" in card and "bởi Trần Văn Bình" in card
    assert "Chưa đối chiếu với bản chính thức." in card
    assert texts.BTN_DOC_CHECK in _buttons(recorder) and texts.BTN_DOC_REMOVE in _buttons(recorder)

    recorder.clear()
    await feed(app, callback_update(BINH, pack(Action.DOC_CHECK, minutes_id)))
    assert _trust(services, minutes_id) == Trust.CHECKED
    assert recorder.texts(BINH["id"]) == [
        "Đã ghi: Nghị quyết số 12-NQ/CB ngày 25/11/2026 của Chi bộ Xí nghiệp Xe buýt số 1 đã "
        "được Trần Văn Bình đối chiếu với bản chính thức."
    ]
    await feed(app, message_update(LAN, "/vanban 12-NQ/CB"))
    assert "✅ Đã đối chiếu với bản chính thức: Trần Văn Bình" in recorder.texts(LAN["id"])[-1]

    recorder.clear()
    await feed(app, callback_update(BINH, pack(Action.DOC_REMOVE, minutes_id, 0)))
    asked = recorder.texts(BINH["id"])[0]
    assert asked.startswith("Gỡ Nghị quyết số 12-NQ/CB") and "không tra cứu được" in asked
    assert _trust(services, minutes_id) == Trust.CHECKED  # only asked so far
    await feed(app, callback_update(BINH, pack(Action.DOC_REMOVE, minutes_id, 1)))
    assert _trust(services, minutes_id) is None
    recorder.clear()
    await feed(app, message_update(LAN, "/vanban 12-NQ/CB"))
    assert recorder.texts(LAN["id"])[0].startswith("Trong kho không có văn bản số")


async def test_members_see_no_management_buttons_and_cannot_press_them(
    app: Application, recorder: RecordingRequest, services: Services, minutes_id: int
) -> None:
    await feed(app, message_update(LAN, "/vanban 12-NQ/CB"))
    assert texts.BTN_DOC_REMOVE not in _buttons(recorder)
    for data in (pack(Action.DOC_CHECK, minutes_id), pack(Action.DOC_REMOVE, minutes_id, 1)):
        await feed(app, callback_update(LAN, data))
    assert _trust(services, minutes_id) == Trust.UNCHECKED
    alerts = [c.params for c in recorder.calls if c.method == "answerCallbackQuery"]
    assert [a["text"] for a in alerts] == [texts.DOC_NOT_YOURS] * 2


async def test_an_admin_manages_shared_documents_but_never_checks_a_sample(
    app: Application, recorder: RecordingRequest, services: Services, minutes_id: int
) -> None:
    with Session(services.engine) as session:
        sample = session.exec(select(Document).where(Document.number == "05-CT/TW")).one()
    assert sample.trust == Trust.SAMPLE and sample.id is not None
    await feed(app, message_update(ADMIN, "/vanban CT 05"))
    buttons = _buttons(recorder)
    assert texts.BTN_DOC_REMOVE in buttons and texts.BTN_DOC_CHECK not in buttons
    await feed(app, callback_update(ADMIN, pack(Action.DOC_CHECK, sample.id)))
    assert _trust(services, sample.id) == Trust.SAMPLE
    # And the admin does not manage (nor read) a cell's own minutes.
    await feed(app, callback_update(ADMIN, pack(Action.DOC_REMOVE, minutes_id, 1)))
    assert _trust(services, minutes_id) == Trust.UNCHECKED


async def _upload(app: Application, recorder: RecordingRequest, key: str, text: str) -> None:
    recorder.files[key] = text.encode("utf-8")
    document = {"file_id": key, "file_unique_id": key, "file_name": f"{key}.txt", "file_size": 400}
    await feed(app, message_update(BINH, None, document=document))


async def test_a_new_version_replaces_the_old_one_only_when_the_secretary_says_so(
    app: Application, recorder: RecordingRequest, services: Services, minutes_id: int
) -> None:
    amended = MINUTES.replace("đảng viên dự bị.", "đảng viên dự bị trước ngày 30/11.")
    await _upload(app, recorder, "nq-11-sua", amended)
    asked = [p for p in recorder.sent() if p.get("reply_markup")]
    assert len(asked) == 1
    assert str(asked[0]["text"]).startswith(
        "Trong kho đã có Nghị quyết số 12-NQ/CB ngày 25/11/2026 của Chi bộ Xí nghiệp Xe buýt số 1"
    )
    assert [label for label, _ in recorder.buttons(asked[0])] == [
        texts.BTN_DOC_REPLACE,
        texts.BTN_DOC_KEEP_BOTH,
    ]
    # Lan is not the one to decide; Bình keeps both first, then replaces.
    await feed(app, callback_update(LAN, pack(Action.DOC_REPLACE, minutes_id, 1)))
    assert _trust(services, minutes_id) == Trust.UNCHECKED
    await feed(app, callback_update(BINH, pack(Action.DOC_REPLACE, minutes_id, 0)))
    assert _trust(services, minutes_id) == Trust.UNCHECKED
    await feed(app, callback_update(BINH, pack(Action.DOC_REPLACE, minutes_id, 1)))
    assert _trust(services, minutes_id) is None  # the old version is gone, never cited again
    with Session(services.engine) as session:
        left = session.exec(select(Document).where(Document.number == "12-NQ/CB")).all()
    assert [d.file_name for d in left] == ["nq-11-sua.txt"]
    answer = services.answers.answer(
        "hoàn thiện bản tự kiểm điểm", readable=Readable(cell_id=left[0].scope_id)
    )
    assert all(s.document_id == left[0].id for s in answer.sources if "12-NQ/CB" in s.citation)


async def test_a_different_number_asks_nothing(
    app: Application, recorder: RecordingRequest, minutes_id: int
) -> None:
    await _upload(app, recorder, "nq-khac", MINUTES.replace("12-NQ/CB", "13-NQ/CB"))
    assert [p for p in recorder.sent() if p.get("reply_markup")] == []
