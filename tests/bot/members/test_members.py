"""Cells, invites and members: who gets in, when, and as whom."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from bot import members
from bot.members import MembershipError
from bot.models import Invite, Member, MemberStatus, Role
from knowledge.models import utcnow
from tests.utils.cell_factories import make_cell, make_member

ADMINS = frozenset({1})


def _invite(session: Session, cell_id: int, **kwargs: object) -> str:
    _invite_row, token = members.create_invite(
        session,
        cell_id=cell_id,
        created_by=1,
        ttl=timedelta(hours=72),
        **kwargs,  # type: ignore[arg-type]
    )
    session.commit()
    return token


def test_an_invite_stores_only_a_hash_of_a_deep_link_safe_token(session: Session) -> None:
    cell = make_cell(session)
    token = _invite(session, cell.id or 0)

    stored = session.exec(select(Invite)).one()
    assert stored.token_hash == members.hash_token(token) and token not in stored.token_hash
    assert 16 <= len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()


def test_redeeming_then_naming_makes_a_pending_request(session: Session) -> None:
    cell = make_cell(session)
    token = _invite(session, cell.id or 0)

    member = members.redeem_invite(session, token=token, telegram_user_id=42, username="lan")
    assert members.access(session, telegram_user_id=42, admins=ADMINS).awaiting_name
    members.give_name(session, member=member, raw_name="  nguyễn   thị LAN ")
    session.commit()

    access = members.access(session, telegram_user_id=42, admins=ADMINS)
    assert access.status == MemberStatus.PENDING and not access.can_ask
    assert access.member is not None and access.member.full_name == "Nguyễn Thị Lan"
    assert [m.full_name for m in members.pending_requests(session)] == ["Nguyễn Thị Lan"]


@pytest.mark.parametrize("name", ["Lan", "12345 67", "Nguyễn <b>Lan</b>", "a " * 10])
def test_a_name_must_look_like_a_full_name(session: Session, name: str) -> None:
    cell = make_cell(session)
    member = members.redeem_invite(
        session, token=_invite(session, cell.id or 0), telegram_user_id=42, username=None
    )
    with pytest.raises(MembershipError, match="họ và tên đầy đủ"):
        members.give_name(session, member=member, raw_name=name)


def test_forged_expired_and_revoked_invites_are_refused(session: Session) -> None:
    cell = make_cell(session)
    expired_row, expired = members.create_invite(
        session,
        cell_id=cell.id or 0,
        created_by=1,
        ttl=timedelta(hours=1),
        now=utcnow() - timedelta(hours=2),
    )
    revoked_row, revoked = members.create_invite(
        session, cell_id=cell.id or 0, created_by=1, ttl=timedelta(hours=1)
    )
    members.revoke_invite(session, invite_id=revoked_row.id or 0)
    session.commit()

    for token, reason in [
        ("forgedTokenThatWasNeverIssued_123", "không hợp lệ"),
        ("short", "không hợp lệ"),
        ("../../etc/passwd", "không hợp lệ"),
        (expired, "hết hạn"),
        (revoked, "thu hồi"),
    ]:
        with pytest.raises(MembershipError, match=reason):
            members.redeem_invite(session, token=token, telegram_user_id=42, username=None)
    assert members.member_by_telegram(session, telegram_user_id=42) is None
    assert expired_row.uses == 0


def test_an_active_member_cannot_redeem_again_but_one_who_left_can(session: Session) -> None:
    cell = make_cell(session)
    make_member(session, cell, telegram_user_id=42)
    token = _invite(session, cell.id or 0)
    with pytest.raises(MembershipError, match="đã là thành viên"):
        members.redeem_invite(session, token=token, telegram_user_id=42, username=None)

    left = make_member(session, cell, telegram_user_id=43, full_name="Lê Văn Tám")
    members.mark_left(session, member_id=left.id or 0)
    session.commit()
    assert not members.access(session, telegram_user_id=43, admins=ADMINS).can_ask
    again = members.redeem_invite(session, token=token, telegram_user_id=43, username=None)
    assert again.status == MemberStatus.PENDING and again.full_name == ""


def test_approval_links_the_account_to_the_roster_row(session: Session) -> None:
    cell = make_cell(session)
    row = make_member(
        session, cell, telegram_user_id=None, full_name="Nguyễn Thị Lan", role=Role.COMMITTEE,
        in_roster=True,
    )  # fmt: skip
    request = members.redeem_invite(
        session, token=_invite(session, cell.id or 0), telegram_user_id=42, username="lan"
    )
    members.give_name(session, member=request, raw_name="nguyen thi lan")  # typed without marks
    session.commit()
    assert [c.id for c in members.roster_candidates(session, member=request)] == [row.id]

    linked = members.approve(
        session, member_id=request.id or 0, approved_by=1, roster_member_id=row.id
    )
    session.commit()

    assert linked.id == row.id and linked.telegram_user_id == 42 and linked.role == Role.COMMITTEE
    assert linked.full_name == "Nguyễn Thị Lan"  # the roster's spelling stays
    assert session.exec(select(Member)).all() == [linked]  # the request row was merged away
    assert members.access(session, telegram_user_id=42, admins=ADMINS).can_ask


def test_reject_removes_the_request_and_a_second_decision_is_refused(session: Session) -> None:
    cell = make_cell(session)
    request = members.redeem_invite(
        session, token=_invite(session, cell.id or 0), telegram_user_id=42, username=None
    )
    members.give_name(session, member=request, raw_name="Phạm Văn Đồng")
    gone = members.reject(session, member_id=request.id or 0)
    session.commit()

    assert gone.full_name == "Phạm Văn Đồng"
    assert members.access(session, telegram_user_id=42, admins=ADMINS).member is None
    with pytest.raises(MembershipError, match="đã được xử lý"):
        members.approve(session, member_id=request.id or 0, approved_by=1)


def test_who_manages_what(session: Session) -> None:
    one, two = make_cell(session, name="Chi bộ Một"), make_cell(session, name="Chi bộ Hai")
    make_member(session, one, telegram_user_id=10, role=Role.SECRETARY, full_name="Bí Thư Một")
    make_member(session, one, telegram_user_id=11, full_name="Đảng Viên Một")

    secretary = members.access(session, telegram_user_id=10, admins=ADMINS)
    plain = members.access(session, telegram_user_id=11, admins=ADMINS)
    admin = members.access(session, telegram_user_id=1, admins=ADMINS)

    assert secretary.manages(one.id or 0) and not secretary.manages(two.id or 0)
    assert not plain.is_secretary and plain.can_ask
    assert admin.can_ask and admin.manages(two.id or 0) and admin.member is None
    assert members.approvers(session, cell_id=one.id or 0, admins=ADMINS) == [10]
    assert members.approvers(session, cell_id=two.id or 0, admins=ADMINS) == [1]


def test_cell_names_are_unique_without_diacritics(session: Session) -> None:
    members.create_cell(session, name="Chi bộ Xe buýt số 1", created_by=1)
    with pytest.raises(MembershipError, match="Đã có chi bộ"):
        members.create_cell(session, name="chi bo xe buyt so 1", created_by=1)
    assert members.find_cell(session, text="xe buyt") is not None
