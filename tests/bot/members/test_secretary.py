"""A secretary's membership verbs decide the rights themselves (no Telegram): a member of one
cell cannot act on another's requests, invites, roster or groups, and each refusal says why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from bot import members, notices, texts
from bot.members import Actor, MembershipError
from bot.members import texts as mbt
from bot.models import Invite, Member, MemberStatus, Role
from bot.notices import NoticeError
from bot.notices import texts as nt
from tests.utils.cell_factories import make_cell, make_member, make_notice

ADMIN = 900_000
DAY = timedelta(days=1)


def who(telegram_user_id: int) -> Actor:
    return Actor(telegram_user_id, "Người bấm", frozenset({ADMIN}))


@pytest.fixture
def two_cells(session: Session) -> dict[str, Member]:
    ours, theirs = make_cell(session, name="Chi bộ Một"), make_cell(session, name="Chi bộ Hai")
    return {
        "secretary": make_member(
            session, ours, full_name="Trần Văn Bình", role=Role.SECRETARY, telegram_user_id=1
        ),
        "member": make_member(session, ours, full_name="Lê Thị Hoa", telegram_user_id=2),
        "other_secretary": make_member(
            session, theirs, full_name="Phạm Văn Cường", role=Role.SECRETARY, telegram_user_id=3
        ),
        "request": make_member(
            session,
            theirs,
            full_name="Đỗ Văn Dũng",
            status=MemberStatus.PENDING,
            telegram_user_id=4,
        ),
    }


def refused(session: Session, call: object, **kwargs: object) -> str:
    with pytest.raises(MembershipError) as caught:
        call(session, **kwargs)  # type: ignore[operator]
    session.rollback()
    return str(caught.value)


def test_another_cells_request_invite_and_account_are_refused(
    session: Session, two_cells: dict[str, Member]
) -> None:
    request = two_cells["request"]
    invite, _ = members.create_invite(
        session, cell_id=request.cell_id, created_by=3, ttl=DAY, role=Role.MEMBER
    )
    session.commit()
    ours = who(1)

    assert (
        refused(session, members.decide_request, actor=ours, member_id=request.id, approved=True)
        == texts.NOT_SECRETARY
    )
    assert (
        refused(session, members.withdraw_invite, actor=ours, invite_id=invite.id)
        == texts.NOT_SECRETARY
    )
    assert (
        refused(session, members.relink_by, actor=ours, account_id=request.id, roster_id=request.id)
        == texts.NOT_SECRETARY
    )
    session.expire_all()
    assert session.get(Member, request.id).status == MemberStatus.PENDING  # type: ignore[union-attr]
    assert session.get(Invite, invite.id).revoked_at is None  # type: ignore[union-attr]

    done, cell = members.decide_request(
        session, actor=who(3), member_id=request.id or 0, approved=True
    )
    assert done.status == MemberStatus.ACTIVE and cell is not None and cell.name == "Chi bộ Hai"


def test_a_member_may_not_list_invite_or_move_anyone(
    session: Session, two_cells: dict[str, Member]
) -> None:
    member = who(2)
    for call, kwargs in [
        (members.requests_for, {}),
        (members.roll_call, {"wanted": ""}),
        (members.new_invite, {"wanted": "", "ttl": DAY}),
        (members.move_away, {"name": "Trần Văn Bình"}),
        (members.claim_group, {"chat_id": -100, "title": "Nhóm"}),
        (members.relink_suggestions, {"typed": ""}),
    ]:
        assert refused(session, call, actor=member, **kwargs) == texts.NOT_SECRETARY, call
    assert refused(session, members.new_cell, actor=member, name="Chi bộ Ba", ttl=DAY) == (
        texts.NOT_ADMIN
    )
    session.expire_all()
    secretary = session.get(Member, two_cells["secretary"].id)
    assert secretary is not None and secretary.status == MemberStatus.ACTIVE


def test_a_secretary_sees_and_moves_only_their_own_cell(
    session: Session, two_cells: dict[str, Member]
) -> None:
    ours = who(1)
    [(cell, people)] = members.roll_call(session, actor=ours, wanted="Chi bộ Hai")
    assert cell.name == "Chi bộ Một"
    assert {m.full_name for m in people} == {"Trần Văn Bình", "Lê Thị Hoa"}
    assert members.requests_for(session, actor=ours) == []  # the request is the other cell's
    assert refused(session, members.move_away, actor=ours, name="Phạm Văn Cường") == (
        mbt.MEMBER_NOT_FOUND
    )
    moved, _ = members.move_away(session, actor=ours, name="Lê Thị Hoa")
    assert moved.status == MemberStatus.LEFT


def test_an_admin_without_a_cell_is_told_why(
    session: Session, two_cells: dict[str, Member]
) -> None:
    admin = who(ADMIN)
    assert refused(session, members.move_away, actor=admin, name="Lê Thị Hoa") == mbt.NOT_IN_CELL
    assert len(members.roll_call(session, actor=admin, wanted="")) == 2
    assert [m.full_name for m, _, _ in members.requests_for(session, actor=admin)] == [
        "Đỗ Văn Dũng"
    ]
    cell, _, token = members.new_cell(session, actor=admin, name="Chi bộ Ba", ttl=DAY)
    assert cell.name == "Chi bộ Ba" and token


def test_notices_are_managed_only_by_their_cell(
    session: Session, two_cells: dict[str, Member]
) -> None:
    fourth = make_cell(session, name="Chi bộ Bốn")
    make_member(session, fourth, full_name="Vũ Thị Mai", telegram_user_id=5)
    make_member(session, fourth, full_name="Hồ Văn Nam", telegram_user_id=6)
    theirs = make_notice(session, fourth, created_by=5)
    assert theirs.id is not None
    for actor, expected in [(who(1), nt.NOT_ALLOWED), (who(3), nt.NOT_ALLOWED)]:
        with pytest.raises(NoticeError) as caught:
            notices.managed(session, notice_id=theirs.id, actor=actor)
        assert str(caught.value) == expected
    with pytest.raises(NoticeError) as caught:
        notices.managed(session, notice_id=theirs.id + 1000, actor=who(ADMIN))
    assert str(caught.value) == nt.NOTICE_GONE
    assert notices.managed(session, notice_id=theirs.id, actor=who(5)).id == theirs.id  # sender
    with pytest.raises(NoticeError) as caught:
        notices.recent_for(session, actor=who(2), limit=10)
    assert str(caught.value) == nt.NOT_SECRETARY
    assert notices.recent_for(session, actor=who(1), limit=10) == []
    assert notices.sender_of(session, actor=who(1)).name == "Trần Văn Bình"
