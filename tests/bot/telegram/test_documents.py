"""Managing the library from Telegram: a secretary checks or removes their cell's document
(asked first, naming it), an admin the shared ones; nobody else sees the buttons or can press
them; a sample can never be marked checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select
from telegram.ext import Application

from bot import members
from bot.answers import texts as ant
from bot.members import texts as mbt
from bot.models import Cell, Committee, Role
from bot.services import Services
from bot.telegram.callbacks import Action, pack
from knowledge.models import Document, Scope, Trust
from knowledge.scopes import Readable
from tests.bot.support import (
    ADMIN_ID,
    RecordingRequest,
    callback_update,
    feed,
    message_update,
    user,
)
from tests.utils.cell_factories import CELL_MINUTES, add_cell_document, make_cell, make_member

BINH = user(600_001, "Bình")  # secretary of cell A
LAN = user(500_001, "Lan")  # member of cell A
ADMIN = user(ADMIN_ID, "Quản trị")


@pytest.fixture
def minutes_id(session: Session, services: Services, tmp_path: Path) -> int:
    cell = make_cell(session)
    make_member(session, cell, full_name="Trần Văn Bình", role=Role.SECRETARY,
                telegram_user_id=BINH["id"])  # fmt: skip
    make_member(session, cell, full_name="Nguyễn Thị Lan", telegram_user_id=LAN["id"])
    return add_cell_document(services.ingester, cell, tmp_path)


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
    assert ant.BTN_DOC_CHECK in _buttons(recorder) and ant.BTN_DOC_REMOVE in _buttons(recorder)

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
    assert ant.BTN_DOC_REMOVE not in _buttons(recorder)
    for data in (pack(Action.DOC_CHECK, minutes_id), pack(Action.DOC_REMOVE, minutes_id, 1)):
        await feed(app, callback_update(LAN, data))
    assert _trust(services, minutes_id) == Trust.UNCHECKED
    alerts = [c.params for c in recorder.calls if c.method == "answerCallbackQuery"]
    assert [a["text"] for a in alerts] == [ant.DOC_NOT_YOURS] * 2


async def test_an_admin_manages_shared_documents_but_never_checks_a_sample(
    app: Application, recorder: RecordingRequest, services: Services, minutes_id: int
) -> None:
    with Session(services.engine) as session:
        sample = session.exec(select(Document).where(Document.number == "05-CT/TW")).one()
    assert sample.trust == Trust.SAMPLE and sample.id is not None
    await feed(app, message_update(ADMIN, "/vanban CT 05"))
    buttons = _buttons(recorder)
    assert ant.BTN_DOC_REMOVE in buttons and ant.BTN_DOC_CHECK not in buttons
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
    amended = CELL_MINUTES.replace("đảng viên dự bị.", "đảng viên dự bị trước ngày 30/11.")
    await _upload(app, recorder, "nq-11-sua", amended)
    asked = [p for p in recorder.sent() if p.get("reply_markup")]
    assert len(asked) == 1
    assert str(asked[0]["text"]).startswith(
        "Trong kho đã có Nghị quyết số 12-NQ/CB ngày 25/11/2026 của Chi bộ Xí nghiệp Xe buýt số 1"
    )
    assert [label for label, _ in recorder.buttons(asked[0])] == [
        ant.BTN_DOC_REPLACE,
        ant.BTN_DOC_KEEP_BOTH,
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
    await _upload(app, recorder, "nq-khac", CELL_MINUTES.replace("12-NQ/CB", "13-NQ/CB"))
    assert [p for p in recorder.sent() if p.get("reply_markup")] == []


# ----------------------------------------------------------------------------- đảng bộ


HOA = user(600_002, "Hoa")  # secretary of the đảng bộ, a plain member of another cell under it
MAI = user(500_002, "Mai")  # member of that other cell
HUNG = user(500_003, "Hùng")  # member of a cell outside the đảng bộ
COMMITTEE_NOTICE = CELL_MINUTES.replace("CHI BỘ XÍ NGHIỆP XE BUÝT SỐ 1", "ĐẢNG ỦY CÔNG TY").replace(
    "12-NQ/CB", "77-NQ/ĐU"
)


@pytest.fixture
def committee(session: Session, minutes_id: int) -> Committee:
    """Cell A (Bình's) and cell D (Hoa's, Mai's) under one đảng bộ; cell B (Hùng's) outside."""
    committee = members.create_committee(session, name="Đảng bộ Công ty Hàm Rồng")
    cell_a = session.exec(select(Cell).where(Cell.name == "Chi bộ Xí nghiệp Xe buýt số 1")).one()
    cell_d = make_cell(session, name="Chi bộ Xưởng sửa chữa")
    cell_b = make_cell(session, name="Chi bộ Phòng Kế toán")
    for cell in (cell_a, cell_d):
        members.attach_cell(session, cell=cell, committee=committee)
    make_member(session, cell_d, full_name="Lê Thị Hoa", telegram_user_id=HOA["id"])
    make_member(session, cell_d, full_name="Đỗ Thị Mai", telegram_user_id=MAI["id"])
    make_member(session, cell_b, full_name="Phạm Văn Hùng", telegram_user_id=HUNG["id"])
    members.grant_committee_secretary(session, committee=committee, telegram_user_id=HOA["id"])
    session.commit()
    return committee


async def test_a_committee_secretary_adds_the_committees_documents_for_its_cells_only(
    app: Application, recorder: RecordingRequest, services: Services, committee: Committee
) -> None:
    recorder.files["tb"] = COMMITTEE_NOTICE.encode("utf-8")
    document = {"file_id": "tb", "file_unique_id": "tb", "file_name": "nq-77.txt", "file_size": 400}
    await feed(app, message_update(HOA, None, document=document))
    with Session(services.engine) as session:
        stored = session.exec(select(Document).where(Document.number == "77-NQ/ĐU")).one()
    assert (stored.scope, stored.scope_id) == (Scope.COMMITTEE, committee.id)
    for reader, sees in ((MAI, True), (LAN, True), (HUNG, False)):
        recorder.clear()
        await feed(app, message_update(reader, "/vanban 77-NQ/ĐU"))
        found = not recorder.texts(reader["id"])[0].startswith("Trong kho không có")
        assert found == sees, reader
    # Hoa manages it (check); Bình, a cell secretary of the same đảng bộ, does not.
    assert stored.id is not None
    await feed(app, callback_update(BINH, pack(Action.DOC_CHECK, stored.id)))
    assert _trust(services, stored.id) == Trust.UNCHECKED
    await feed(app, callback_update(HOA, pack(Action.DOC_CHECK, stored.id)))
    assert _trust(services, stored.id) == Trust.CHECKED


async def test_a_cell_secretary_who_is_also_the_committees_shares_an_upload_with_it(
    app: Application,
    recorder: RecordingRequest,
    services: Services,
    session: Session,
    committee: Committee,
    minutes_id: int,
) -> None:
    members.grant_committee_secretary(session, committee=committee, telegram_user_id=BINH["id"])
    session.commit()
    await _upload(app, recorder, "tb-77", COMMITTEE_NOTICE)
    offers = [p for p in recorder.sent() if "Dùng cho cả" in str(p.get("reply_markup"))]
    assert len(offers) == 1 and "Đảng bộ Công ty Hàm Rồng" in str(offers[0]["text"])
    with Session(services.engine) as check:
        stored = check.exec(select(Document).where(Document.number == "77-NQ/ĐU")).one()
    assert stored.scope == Scope.CELL and stored.id is not None  # the cell's until Bình says so
    await feed(app, callback_update(LAN, pack(Action.DOC_SHARE, stored.id)))  # not hers to move
    await feed(app, callback_update(BINH, pack(Action.DOC_SHARE, stored.id)))
    with Session(services.engine) as check:
        moved = check.get(Document, stored.id)
        assert moved is not None and (moved.scope, moved.scope_id) == (
            Scope.COMMITTEE,
            committee.id,
        )
    recorder.clear()
    await feed(app, message_update(MAI, "/vanban 77-NQ/ĐU"))
    assert not recorder.texts(MAI["id"])[0].startswith("Trong kho không có")


async def test_an_admin_groups_cells_and_names_a_committee_secretary_in_telegram(
    app: Application, recorder: RecordingRequest, session: Session, minutes_id: int
) -> None:
    make_member(session, make_cell(session, name="Chi bộ Xưởng sửa chữa"),
                full_name="Lê Thị Hoa", telegram_user_id=HOA["id"])  # fmt: skip
    for command in (
        "/dangbo tao Đảng bộ Công ty Hàm Rồng",
        "/dangbo gan xe buyt so 1 | Hàm Rồng",
        "/dangbo bithu Hàm Rồng | le thi hoa",
        "/dangbo",
    ):
        await feed(app, message_update(ADMIN, command))
    said = recorder.texts(ADMIN["id"])
    assert said[0].startswith("Đã tạo đảng bộ số ")
    assert said[1] == (
        "Chi bộ Xí nghiệp Xe buýt số 1 nay thuộc Đảng bộ Công ty Hàm Rồng: đảng viên của chi bộ "
        "đọc được văn bản của đảng bộ."
    )
    assert said[2].startswith("Tài khoản Lê Thị Hoa nay là bí thư của Đảng bộ Công ty Hàm Rồng")
    assert "Đảng bộ Công ty Hàm Rồng — Chi bộ Xí nghiệp Xe buýt số 1" in said[3]
    assert members.committee_secretary_of(session, telegram_user_id=HOA["id"]) is not None

    recorder.clear()
    await feed(app, message_update(BINH, "/dangbo tao Đảng bộ khác"))  # a cell secretary
    assert recorder.texts(BINH["id"]) == [mbt.COMMITTEE_ADMIN_ONLY]
    assert [c.name for c, _ in members.list_committees(session)] == ["Đảng bộ Công ty Hàm Rồng"]
