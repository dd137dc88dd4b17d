"""Where documents come from and how far they are trusted: samples stay samples wherever they
are ingested, a check is recorded with who and when, and every citation says what it is."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from index.citation import DocInfo
from knowledge import store
from knowledge.ingest import Ingester
from knowledge.models import Document, Scope, Trust
from knowledge.provenance import SIDECAR, Provenance, sample_hashes
from knowledge.settings import KnowledgeSettings
from tests.utils.cli import Chibo, chibo_runner
from tests.utils.factories import SAMPLE_DIR, SAMPLE_FILES

SAMPLE = "(văn bản mẫu minh hoạ, không phải văn bản chính thức)"
UNCHECKED = "(chưa đối chiếu với bản chính thức)"
DIRECTIVE = "chi-thi-05-ct-tw-2016.txt"


def ingester(engine: Engine) -> Ingester:
    return Ingester(engine, KnowledgeSettings())


def stored(engine: Engine) -> dict[str, Document]:
    with Session(engine) as session:
        return {d.file_name: d for d in session.exec(select(Document)).all()}


def test_the_list_of_sample_hashes_is_exactly_the_sample_corpus() -> None:
    hashes = {hashlib.sha256((SAMPLE_DIR / name).read_bytes()).hexdigest() for name in SAMPLE_FILES}
    # On failure: a sample file changed; regenerate knowledge/sample_hashes.txt (its header says
    # how) so the changed file is still recognised as a sample wherever it is ingested.
    assert hashes == sample_hashes()
    assert (SAMPLE_DIR / SIDECAR).is_file()


def test_the_sample_corpus_is_stored_as_samples_and_cited_as_such(engine: Engine) -> None:
    report = ingester(engine).ingest_paths([SAMPLE_DIR])

    assert not report.failed and len(report.outcomes) == len(SAMPLE_FILES)  # not the sidecar
    documents = stored(engine)
    assert {d.trust for d in documents.values()} == {Trust.SAMPLE}
    directive = DocInfo.of(documents[DIRECTIVE])
    assert directive.cite_prose("2.a") == (
        f"Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị — mục 2.a {SAMPLE}"
    )
    assert directive.cite() == f"Chỉ thị 05-CT/TW, 15/5/2016, Bộ Chính trị {SAMPLE}"


def test_a_sample_file_copied_elsewhere_or_uploaded_is_still_a_sample(
    engine: Engine, tmp_path: Path
) -> None:
    copy = Path(shutil.copy(SAMPLE_DIR / DIRECTIVE, tmp_path / "chi-thi-05.txt"))
    changed = tmp_path / "chi-thi-05-sua.txt"
    changed.write_bytes(copy.read_bytes() + "\nPhụ lục thêm.\n".encode())

    ingester(engine).ingest_paths([copy], provenance=Provenance(trust=Trust.CHECKED, added_by="A"))
    upload = ingester(engine).ingest_bytes(
        changed.read_bytes(), file_name=changed.name, source=str(changed)
    )

    documents = stored(engine)
    assert documents["chi-thi-05.txt"].trust == Trust.SAMPLE  # by its bytes, whatever was said
    assert documents["chi-thi-05.txt"].checked_by is None
    assert upload.status == "added"
    assert documents["chi-thi-05-sua.txt"].trust == Trust.UNCHECKED  # other bytes: not known


def test_a_check_is_recorded_with_who_and_lost_when_the_text_changes(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "ket-luan.txt"
    text = (SAMPLE_DIR / DIRECTIVE).read_text(encoding="utf-8").replace("Bộ Chính trị", "BCT")
    path.write_text(text, encoding="utf-8")
    checked = Provenance(added_by="Trần Văn Bình", trust=Trust.CHECKED, note="https://tw.dcs.vn")

    ingester(engine).ingest_paths([path], provenance=checked)

    document = stored(engine)["ket-luan.txt"]
    assert (document.trust, document.checked_by, document.source_note) == (
        Trust.CHECKED,
        "Trần Văn Bình",
        "https://tw.dcs.vn",
    )
    assert document.checked_at is not None
    assert DocInfo.of(document).trust_label == ""

    path.write_text(text + "\nSửa đổi.\n", encoding="utf-8")
    ingester(engine).ingest_paths([path])

    document = stored(engine)["ket-luan.txt"]
    assert (document.trust, document.checked_by, document.checked_at) == (
        Trust.UNCHECKED,
        None,
        None,
    )
    assert DocInfo.of(document).cite().endswith(UNCHECKED)


def test_a_sample_can_never_be_marked_checked(engine: Engine) -> None:
    ingester(engine).ingest_paths([SAMPLE_DIR / DIRECTIVE])
    with Session(engine) as session:
        doc = session.exec(select(Document)).one()
        assert doc.id is not None
        store.mark_checked(session, document_id=doc.id, by="Ai đó")
        session.commit()
        assert session.get(Document, doc.id).trust == Trust.SAMPLE  # type: ignore[union-attr]


def test_a_broken_sidecar_fails_the_files_it_covers_and_stores_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "van-ban"
    folder.mkdir()
    shutil.copy(SAMPLE_DIR / DIRECTIVE, folder / DIRECTIVE)
    (folder / SIDECAR).write_text("trust: official\n", encoding="utf-8")

    report = ingester(engine).ingest_paths([folder])

    assert [o.status for o in report.outcomes] == ["failed"]
    assert "«trust» phải là sample, unchecked hoặc checked" in report.outcomes[0].message
    assert stored(engine) == {}


def test_a_scope_needs_its_owner() -> None:
    with pytest.raises(ValueError):
        Provenance(scope=Scope.CELL)
    with pytest.raises(ValueError):
        Provenance(scope_id=3)


@pytest.fixture
def chibo(engine: Engine, tmp_path: Path) -> Chibo:
    return chibo_runner(engine, tmp_path)


def test_the_command_line_records_provenance_and_checks(chibo: Chibo, tmp_path: Path) -> None:
    official = tmp_path / "official" / "ket-luan-01.txt"
    official.parent.mkdir()
    text = (SAMPLE_DIR / DIRECTIVE).read_text(encoding="utf-8").replace("đạo đức", "đạo đức,")
    official.write_text(text, encoding="utf-8")

    refused = chibo("ingest", "--checked", str(official))
    assert refused.exit_code != 0 and "--by" in refused.output

    added = chibo(
        "ingest", "--quiet", "--note", "https://tulieuvankien.dangcongsan.vn", str(official)
    )
    assert added.exit_code == 0, added.output
    shown = chibo("doc", "05-CT/TW")
    assert "Nạp bởi: dòng lệnh; chưa đối chiếu" in shown.output
    assert "Nguồn ghi kèm: https://tulieuvankien.dangcongsan.vn" in shown.output

    checked = chibo("check", "CT 05", "--by", "Lê Thị Hoa")
    assert checked.exit_code == 0, checked.output
    assert "đã được Lê Thị Hoa đối chiếu" in checked.output
    assert "đã đối chiếu" in chibo("docs").output

    chibo("ingest", "--quiet", str(SAMPLE_DIR / "ket-luan-01-kl-tw-2021.md"))
    sample = chibo("check", "01-KL/TW", "--by", "Lê Thị Hoa")
    assert sample.exit_code == 1
    assert "là văn bản mẫu" in sample.output and "không thể ghi là đã đối chiếu" in sample.output


def test_the_samples_are_removed_by_their_folder_as_the_admin_is_told(
    chibo: Chibo, tmp_path: Path
) -> None:
    folder = tmp_path / "sample"
    folder.mkdir()
    for name in (DIRECTIVE, "ket-luan-01-kl-tw-2021.md", SIDECAR):
        shutil.copy(SAMPLE_DIR / name, folder / name)
    other = tmp_path / "that-cell" / "ct05.txt"
    other.parent.mkdir()
    other.write_text("CHỈ THỊ\nVăn bản khác.\n", encoding="utf-8")
    assert chibo("ingest", "--quiet", str(folder), str(other)).exit_code == 0

    removed = chibo("remove", str(folder))

    assert removed.exit_code == 0, removed.output
    listed = chibo("docs").output
    assert "05-CT/TW" not in listed and "01-KL/TW" not in listed
    assert "ct05.txt" in listed  # only what came from under that folder


def test_the_command_line_replaces_an_earlier_version_only_when_asked(
    chibo: Chibo, tmp_path: Path
) -> None:
    text = (SAMPLE_DIR / DIRECTIVE).read_text(encoding="utf-8").replace("Bộ Chính trị", "BCT")
    old, new, other = tmp_path / "v1.txt", tmp_path / "v2.txt", tmp_path / "v3.txt"
    old.write_text(text, encoding="utf-8")
    new.write_text(text + "\nBổ sung lần 2.\n", encoding="utf-8")
    other.write_text(text + "\nBổ sung lần 3.\n", encoding="utf-8")
    chibo("ingest", "--quiet", str(old))
    chibo("ingest", "--quiet", str(new))  # without --replace: both stay
    assert chibo("docs").output.count("05-CT/TW") == 2

    replaced = chibo("ingest", "--quiet", "--replace", str(other))

    assert replaced.exit_code == 0, replaced.output
    assert replaced.output.count("[thay thế]") == 2
    listed = chibo("docs").output
    assert listed.count("05-CT/TW") == 1 and "v3.txt" in listed
