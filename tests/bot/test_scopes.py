"""Each cell's knowledge stays in its cell: two cells (one under a đảng bộ, with a sister cell)
and every path a member of another cell could read through — search, numbers, «more results»,
the answer's example, /vanban, /tailieu, passages, pages, original files, reading lists,
duplicate uploads — on SQLite and PostgreSQL. Each test also reads the same path as someone who
may, so it fails if the scope filter it guards is taken away."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot import members
from bot.answers import library
from bot.models import Cell, Committee
from bot.telegram.handlers.meetings import _reading
from index.answer import Answer, AnswerService
from index.embedder import HashEmbedder
from index.retriever import Retriever
from index.settings import IndexSettings
from knowledge.ingest import Ingester
from knowledge.models import Document, Passage, Scope
from knowledge.provenance import Provenance
from knowledge.scopes import SHARED, Readable
from knowledge.settings import KnowledgeSettings
from tests.utils.cell_factories import make_cell, make_member
from tests.utils.cli import chibo_runner
from tests.utils.factories import SAMPLE_DIR

LAN, MAI, HUNG = 500_001, 500_002, 500_003  # cell A (under the đảng bộ), cell D (too), cell B
SECRET = "hoàn thiện bản tự kiểm điểm của đảng viên dự bị"
MINUTES = f"""CHI BỘ XÍ NGHIỆP XE BUÝT SỐ 1
*
Số 12-NQ/CB
ĐẢNG CỘNG SẢN VIỆT NAM
Thanh Hóa, ngày 25 tháng 11 năm 2026

NGHỊ QUYẾT
hội nghị chi bộ tháng 11 năm 2026

Giao đồng chí Trần Văn Hải {SECRET} trước ngày 30 tháng 11 năm 2026.
Đồng chí Lê Thị Hoa điều trị bệnh dài ngày, chi bộ thăm hỏi động viên.
"""
COMMITTEE_NOTICE = """ĐẢNG ỦY CÔNG TY
*
Số 77-TB/ĐU
ĐẢNG CỘNG SẢN VIỆT NAM
Thanh Hóa, ngày 02 tháng 12 năm 2026

THÔNG BÁO
về lịch kiểm tra giám sát quý IV

Ban Thường vụ thông báo lịch kiểm tra giám sát quý IV đối với các chi bộ trực thuộc vào ngày
15 tháng 12 năm 2026 tại hội trường Đảng ủy.
"""


class World:
    """Cells, members, documents and a search over them."""

    def __init__(self, engine: Engine, folder: Path) -> None:
        self.engine = engine
        with Session(engine, expire_on_commit=False) as session:
            committee = Committee(name="Đảng bộ Công ty Cổ phần Vận tải Hàm Rồng")
            session.add(committee)
            session.commit()
            self.cell_a = make_cell(session, committee_id=committee.id)
            self.cell_d = make_cell(
                session, name="Chi bộ Xưởng sửa chữa", committee_id=committee.id
            )
            self.cell_b = make_cell(session, name="Chi bộ Phòng Kế toán")
            make_member(session, self.cell_a, full_name="Nguyễn Thị Lan", telegram_user_id=LAN)
            make_member(session, self.cell_d, full_name="Đỗ Thị Mai", telegram_user_id=MAI)
            make_member(session, self.cell_b, full_name="Phạm Văn Hùng", telegram_user_id=HUNG)
            self.committee_id = committee.id
        ingester = Ingester(engine, KnowledgeSettings())
        assert not ingester.ingest_paths([SAMPLE_DIR / "chi-thi-05-ct-tw-2016.txt"]).failed
        self.minutes_file = folder / "nghi-quyet-thang-11.txt"
        self.minutes_file.write_text(MINUTES, encoding="utf-8")
        added = ingester.ingest_file(
            self.minutes_file,
            provenance=Provenance(added_by="Bình", scope=Scope.CELL, scope_id=self.cell_a.id),
        )
        notice = folder / "thong-bao-77.txt"
        notice.write_text(COMMITTEE_NOTICE, encoding="utf-8")
        ingester.ingest_file(
            notice, provenance=Provenance(scope=Scope.COMMITTEE, scope_id=self.committee_id)
        )
        assert added.status == "added" and added.document_id is not None
        self.minutes_id = added.document_id
        with Session(engine) as session:
            passages = session.exec(select(Passage).where(Passage.document_id == self.minutes_id))
            self.minutes_passages = [p.id for p in passages]
        self.retriever = Retriever(engine, HashEmbedder(), IndexSettings(), folder / "index")
        self.retriever.sync()
        self.answers = AnswerService(self.retriever, engine, min_relevance=0.0, page_size=5)

    def readable(self, telegram_user_id: int) -> Readable:
        with Session(self.engine) as session:
            return members.readable_of(session, telegram_user_id=telegram_user_id)

    def add_cell_a_document(self, file_name: str, text: str, *, cell_b: bool = False) -> None:
        """A document Bình adds to cell A's own library (Hùng to cell B's), indexed."""
        path = self.minutes_file.with_name(file_name)
        path.write_text(text, encoding="utf-8")
        cell = self.cell_b if cell_b else self.cell_a
        added = Ingester(self.engine, KnowledgeSettings()).ingest_file(
            path, provenance=Provenance(added_by="Bình", scope=Scope.CELL, scope_id=cell.id)
        )
        assert added.status == "added"
        self.retriever.sync()


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> World:
    return World(engine, tmp_path)


def test_readers_are_their_cell_its_committee_and_the_shared_documents(world: World) -> None:
    assert world.readable(LAN) == Readable(cell_id=world.cell_a.id, committee_id=world.committee_id)
    assert world.readable(HUNG) == Readable(cell_id=world.cell_b.id)
    assert world.readable(999) == SHARED  # a stranger, an admin with no cell


def test_search_never_ranks_another_cells_passages(world: World) -> None:
    for question in (SECRET, "hoan thien ban tu kiem diem dang vien du bi", "điều trị bệnh"):
        for k in (1, 5, 50, 500):
            hung = world.retriever.search(question, k, readable=world.readable(HUNG))
            assert world.minutes_id not in {h.document.id for h in hung.hits}, (question, k)
            mai = world.retriever.search(question, k, readable=world.readable(MAI))
            assert world.minutes_id not in {h.document.id for h in mai.hits}, (question, k)
        lan = world.retriever.search(question, 3, readable=world.readable(LAN))
        assert lan.hits[0].document.id == world.minutes_id  # the control: Lan's own cell


def test_a_number_only_another_cell_holds_is_unknown_to_others(world: World) -> None:
    for spelling in ("nghị quyết 12-NQ/CB", "NQ 12/CB nói gì", "nghi quyet so 12-NQ/CB"):
        hung = world.retriever.search(spelling, 5, readable=world.readable(HUNG))
        assert hung.hits == [] and hung.unknown_numbers == ["12-NQ/CB"], spelling
        lan = world.retriever.search(spelling, 5, readable=world.readable(LAN))
        assert lan.hits and lan.hits[0].document.number == "12-NQ/CB"
    answer = world.answers.answer("nghị quyết 12-NQ/CB", readable=world.readable(HUNG))
    assert answer.not_found and answer.unknown_numbers == ("12-NQ/CB",)
    assert answer.example == "Chỉ thị 05-CT/TW"  # named from Hùng's documents only


def test_the_committees_documents_reach_its_cells_only(world: World) -> None:
    question = "lịch kiểm tra giám sát quý IV"
    for reader, sees in ((LAN, True), (MAI, True), (HUNG, False)):
        hits = world.retriever.search(question, 5, readable=world.readable(reader)).hits
        assert any(h.document.number == "77-TB/ĐU" for h in hits) == sees, reader


def test_answers_and_every_page_of_more_results_hold_nothing_of_another_cell(
    world: World,
) -> None:
    hung = world.readable(HUNG)
    answer = world.answers.answer(SECRET, readable=hung)
    assert all(SECRET not in q.text for q in answer.quotes)
    assert all(s.document_id != world.minutes_id for s in answer.sources)
    offset: int | None = 0
    listed = []
    while offset is not None:
        page = world.answers.more(SECRET, offset, readable=hung)
        listed += page.items
        offset = page.next_offset
    assert listed and all(item.passage_id not in world.minutes_passages for item in listed)
    lan_page = world.answers.more(SECRET, 0, readable=world.readable(LAN))
    assert lan_page.items[0].passage_id in world.minutes_passages


def test_library_paths_show_another_cells_document_to_nobody_else(world: World) -> None:
    with Session(world.engine) as session:
        passage = world.minutes_passages[0]
        assert library.passage_page(session, reader=HUNG, passage_id=passage) is None
        assert library.passage_page(session, reader=MAI, passage_id=passage) is None
        assert library.passage_page(session, reader=LAN, passage_id=passage) is not None
        assert (
            library.passage_page(session, reader=HUNG, document_id=world.minutes_id, ordinal=0)
            is None
        )
        assert library.document_cards(session, reader=HUNG, text="12-NQ/CB") == []
        assert library.document_cards(session, reader=LAN, text="12-NQ/CB") != []
        assert library.original_file(session, reader=HUNG, document_id=world.minutes_id) is None
        assert library.original_file(session, reader=LAN, document_id=world.minutes_id)
        hung_list = library.catalogue(session, reader=HUNG, doc_type=None, year=None)
        lan_list = library.catalogue(session, reader=LAN, doc_type=None, year=None)
        assert "12-NQ/CB" not in hung_list and "77-TB/ĐU" not in hung_list
        assert hung_list.splitlines()[0] == "<b>Văn bản trong kho</b> (1):"  # not a count of theirs
        assert "12-NQ/CB" in lan_list and "77-TB/ĐU" in lan_list
        assert _reading(session, reader=HUNG, number="12-NQ/CB") is None
        assert _reading(session, reader=LAN, number="12-NQ/CB") is not None


def test_the_same_file_uploaded_by_another_cell_is_its_own_copy(world: World) -> None:
    ingester = Ingester(world.engine, KnowledgeSettings())
    theirs = Provenance(added_by="Hùng", scope=Scope.CELL, scope_id=world.cell_b.id)
    outcome = ingester.ingest_bytes(
        MINUTES.encode(), file_name="nq.txt", source="/uploads/cell-b/nq.txt", provenance=theirs
    )
    # Not «trùng với tệp đã nạp …» naming cell A's file: cell B cannot read that one.
    assert outcome.status == "added", outcome.message
    again = Provenance(added_by="Bình", scope=Scope.CELL, scope_id=world.cell_a.id)
    twin = ingester.ingest_bytes(
        MINUTES.encode(), file_name="nq2.txt", source="/uploads/cell-a/nq2.txt", provenance=again
    )
    assert twin.status == "duplicate"  # within cell A it is one document
    with Session(world.engine) as session:
        scopes = {
            d.scope_id for d in session.exec(select(Document).where(Document.number == "12-NQ/CB"))
        }
        cells = {c.id for c in session.exec(select(Cell))}
    assert scopes == {world.cell_a.id, world.cell_b.id} <= cells


def test_the_operator_groups_cells_and_files_documents_under_them(
    engine: Engine, tmp_path: Path
) -> None:
    run = chibo_runner(engine, tmp_path)

    def chibo(*args: str) -> tuple[int, str]:
        result = run(*args)
        return result.exit_code, result.output

    with Session(engine, expire_on_commit=False) as session:
        cell = make_cell(session, name="Chi bộ Phòng Kế toán")
    assert chibo("dangbo") == (0, "Chưa có đảng bộ nào. Tạo bằng: chibo dangbo tao «Tên đảng bộ»\n")
    code, said = chibo("dangbo", "tao", "Đảng bộ Công ty Hàm Rồng")
    assert code == 0 and said.startswith("Đã tạo đảng bộ số ")
    assert chibo("dangbo", "tao", "dang bo cong ty ham rong")[0] == 1  # the same name
    code, said = chibo("dangbo", "gan", "ke toan", "Hàm Rồng")
    assert code == 0 and "Chi bộ Phòng Kế toán nay thuộc Đảng bộ Công ty Hàm Rồng" in said
    assert "Chi bộ Phòng Kế toán" in chibo("dangbo")[1]
    code, said = chibo("dangbo", "bithu", "Hàm Rồng", "600002")
    assert code == 0 and "Tài khoản 600002 nay là bí thư của Đảng bộ Công ty Hàm Rồng" in said
    assert chibo("dangbo", "bithu", "không có", "600002")[0] == 1
    with Session(engine) as session:
        granted = members.committee_secretary_of(session, telegram_user_id=600002)
        assert granted is not None and granted.name == "Đảng bộ Công ty Hàm Rồng"

    minutes = tmp_path / "nq.txt"
    minutes.write_text(MINUTES, encoding="utf-8")
    code, said = chibo("ingest", "--quiet", "--cell", "999", str(minutes))
    assert code == 2 and "không có chi bộ số 999" in said
    code, said = chibo("ingest", "--quiet", "--cell", str(cell.id), str(minutes))
    assert code == 0, said
    assert f"riêng chi bộ số {cell.id}" in chibo("docs")[1]
    with Session(engine) as session:
        readable = members.readable_of(session, telegram_user_id=1)  # nobody: shared only
        assert library.document_cards(session, reader=1, text="12-NQ/CB") == []
    assert readable == SHARED


def test_the_hnsw_index_keeps_the_same_scopes(world: World, tmp_path: Path) -> None:
    settings = IndexSettings().model_copy(update={"faiss": "hnsw"})
    retriever = Retriever(world.engine, HashEmbedder(), settings, tmp_path / "hnsw")
    retriever.sync()
    for k in (1, 5, 50):
        hung = retriever.search(SECRET, k, readable=world.readable(HUNG))
        assert world.minutes_id not in {h.document.id for h in hung.hits}
    lan = retriever.search(SECRET, 3, readable=world.readable(LAN))
    assert lan.hits[0].document.id == world.minutes_id


CELL_RULES = """CHI BỘ XÍ NGHIỆP XE BUÝT SỐ 1
*
Số 03-QĐ/CB
ĐẢNG CỘNG SẢN VIỆT NAM
Thanh Hóa, ngày 26 tháng 11 năm 2026

QUYẾT ĐỊNH
ban hành quy chế làm việc của chi ủy

Điều 1. Phạm vi
Quy chế này quy định việc phân công trong chi ủy nhiệm kỳ 2025 - 2027.

Điều 2. Phân công
1. Đồng chí Trần Văn Hải phụ trách công tác kiểm tra đảng viên dự bị.
2. Đồng chí Lê Thị Hoa phụ trách công tác thăm hỏi đảng viên.
"""


def test_an_article_of_another_cells_document_is_neither_quoted_nor_counted(
    world: World,
) -> None:
    world.add_cell_a_document("quyet-dinh-03.txt", CELL_RULES)

    lan = world.answers.answer("Điều 2 Quyết định 03-QĐ/CB nói gì", readable=world.readable(LAN))
    lan_missing = world.answers.answer("Điều 9 Quyết định 03-QĐ/CB", readable=world.readable(LAN))
    for question in ("Điều 2 Quyết định 03-QĐ/CB nói gì", "Điều 9 Quyết định 03-QĐ/CB"):
        hung = world.answers.answer(question, readable=world.readable(HUNG))
        # Hùng's cell learns nothing: not the clauses, not how many articles the decision has
        assert hung.not_found and hung.missing_article is None, question
        assert hung.unknown_numbers == ("03-QĐ/CB",)

    assert lan.quotes[0].text.startswith("1. Đồng chí Trần Văn Hải phụ trách")
    assert lan_missing.missing_article == (
        "Quyết định 03-QĐ/CB trong kho chỉ có 2 điều, không có Điều 9."
    )


CELL_PLAN = """CHI BỘ XÍ NGHIỆP XE BUÝT SỐ 1
*
Số 07-KH/CB
ĐẢNG CỘNG SẢN VIỆT NAM
Thanh Hóa, ngày 28 tháng 11 năm 2026

KẾ HOẠCH
sửa chữa đội xe quý I năm 2027

I. MỤC ĐÍCH
Bảo đảm đội xe chạy đúng giờ trong dịp Tết.

II. NHIỆM VỤ
1. Kiểm định phanh xe tuyến 03
Đội xe số 2 kiểm định toàn bộ hệ thống phanh trước ngày 15/01/2027.
2. Thay lốp xe tuyến 05
Tổ kỹ thuật thay lốp 12 xe, xong trong tháng 01/2027.
"""


def test_the_outline_of_another_cells_plan_is_shown_to_nobody_else(world: World) -> None:
    world.add_cell_a_document("ke-hoach-07.txt", CELL_PLAN)
    headings = ["1. Kiểm định phanh xe tuyến 03", "2. Thay lốp xe tuyến 05"]

    for question in (
        "Kế hoạch 07-KH/CB có mấy nhóm nhiệm vụ?",
        "kế hoạch sửa chữa đội xe quý I năm 2027 gồm những nhiệm vụ gì",
    ):
        lan = world.answers.answer(question, readable=world.readable(LAN))
        hung = world.answers.answer(question, readable=world.readable(HUNG))
        assert [q.text for q in lan.quotes] == headings, question
        shown = " ".join(q.text for q in hung.quotes)
        assert not any(h in shown for h in headings), question
        assert "Kiểm định phanh" not in shown and "Thay lốp" not in shown, question


CELL_CT05_PLAN = """CHI BỘ XÍ NGHIỆP XE BUÝT SỐ 1
*
Số 09-KH/CB
ĐẢNG CỘNG SẢN VIỆT NAM
Thanh Hóa, ngày 30 tháng 11 năm 2026

KẾ HOẠCH
thực hiện Chỉ thị số 05-CT/TW năm 2027

Mỗi đảng viên lái xe nhận đỡ đầu một điểm chờ xe buýt trên tuyến 03, giữ sạch mái che và bảng giờ.
"""


def test_another_cells_plan_about_a_shared_directive_is_quoted_to_nobody_else(
    world: World,
) -> None:
    # «Kế hoạch thực hiện Chỉ thị 05 …» asks about the plan citing CT 05: the plan of Lan's
    # cell for Lan; for Hùng of another cell that plan is no candidate, and CT 05 answers.
    world.add_cell_a_document("ke-hoach-09.txt", CELL_CT05_PLAN)
    question = "Kế hoạch thực hiện Chỉ thị 05 giao mỗi đảng viên lái xe nhận đỡ đầu việc gì?"
    lan = world.answers.answer(question, readable=world.readable(LAN))
    hung = world.answers.answer(question, readable=world.readable(HUNG))
    assert lan.quotes[0].text.startswith("Mỗi đảng viên lái xe nhận đỡ đầu một điểm chờ xe buýt")
    assert "09-KH/CB" in lan.sources[lan.quotes[0].source - 1].citation
    shown = " ".join(q.text for q in hung.quotes) + " ".join(s.citation for s in hung.sources)
    assert "điểm chờ xe buýt" not in shown and "09-KH/CB" not in shown


OTHER_CELL_PLAN = """CHI BỘ PHÒNG KẾ TOÁN
*
Số 07-KH/CB
ĐẢNG CỘNG SẢN VIỆT NAM
Thanh Hóa, ngày 29 tháng 11 năm 2026

KẾ HOẠCH
quyết toán tài chính năm 2026

I. MỤC ĐÍCH
Khóa sổ kế toán năm 2026 đúng hạn, không để tồn đọng chứng từ.

II. NHIỆM VỤ
Kế toán trưởng đối chiếu công nợ với từng khách hàng trước ngày 20/12/2026.
"""


@pytest.mark.parametrize(
    "question", ["Kế hoạch 07-KH/CB nói những gì", "mục đích của kế hoạch 07-KH/CB"]
)
def test_a_number_two_cells_both_use_answers_each_from_its_own_document(
    world: World, question: str
) -> None:
    # Both cells number their plan 07-KH/CB. The whole-document answer searches the number again
    # and the section answer reads the document's passages: each within the reader's scopes.
    world.add_cell_a_document("ke-hoach-07.txt", CELL_PLAN)
    world.add_cell_a_document("ke-hoach-07-ke-toan.txt", OTHER_CELL_PLAN, cell_b=True)
    lan = world.answers.answer(question, readable=world.readable(LAN))
    hung = world.answers.answer(question, readable=world.readable(HUNG))

    def shown(answer: Answer) -> str:
        return " ".join(q.text for q in answer.quotes) + " ".join(
            s.citation for s in answer.sources
        )

    assert "đội xe" in shown(lan) and "đội xe" not in shown(hung), question
    assert "quyết toán" in shown(hung) or "Khóa sổ" in shown(hung), question
    assert "quyết toán" not in shown(lan) and "Khóa sổ" not in shown(lan), question


CELL_QUARTERS = """CHI BỘ XÍ NGHIỆP XE BUÝT SỐ 1
*
Số 09-KH/CB
ĐẢNG CỘNG SẢN VIỆT NAM
Thanh Hóa, ngày 02 tháng 12 năm 2026

KẾ HOẠCH
sinh hoạt chuyên đề năm 2027

Chi bộ sinh hoạt chuyên đề mỗi quý một lần, theo nội dung sau:
a) Quý I: Văn hóa giao thông trên các tuyến xe buýt.
b) Quý II: Tiết kiệm nhiên liệu của đội xe.
"""

OTHER_CELL_QUARTERS = """CHI BỘ PHÒNG KẾ TOÁN
*
Số 11-KH/CB
ĐẢNG CỘNG SẢN VIỆT NAM
Thanh Hóa, ngày 02 tháng 12 năm 2026

KẾ HOẠCH
sinh hoạt chuyên đề năm 2027

Chi bộ sinh hoạt chuyên đề mỗi quý một lần, theo nội dung sau:
a) Quý I: Quyết toán thuế của công ty.
b) Quý II: Kiểm kê tài sản cố định.
c) Quý III: Bảo mật số liệu kế toán.
"""


@pytest.mark.parametrize(
    "question", ["quý 3 chi bộ sinh hoạt chuyên đề về gì", "quy III chuyen de gi"]
)
def test_the_part_named_is_looked_for_only_in_the_readers_own_documents(
    world: World, question: str
) -> None:
    # When no passage quoted holds «Quý III», the answer reads the store for it: only in the
    # documents the reader's search found, never in another cell's plan that has one.
    world.add_cell_a_document("ke-hoach-09.txt", CELL_QUARTERS)
    world.add_cell_a_document("ke-hoach-11-ke-toan.txt", OTHER_CELL_QUARTERS, cell_b=True)
    lan = world.answers.answer(question, readable=world.readable(LAN))
    hung = world.answers.answer(question, readable=world.readable(HUNG))
    assert not any("kế toán" in q.text or "Quý III" in q.text for q in lan.quotes), question
    assert not any("11-KH/CB" in s.citation for s in lan.sources), question
    assert hung.quotes and hung.quotes[0].text == "c) Quý III: Bảo mật số liệu kế toán.", question
