"""Members of a cell: who a Telegram user is, cells and groups, invites, the roster, relinking.

The package's functions are its public API (`from bot import members; members.approve(...)`);
each lives in the module of its seam:

- `membership`: access (who is writing, with which rights), requests, approval, leaving;
- `cells`: cells and their registered groups;
- `invites`: invite links;
- `roster` (reading sheets) and `roster_import` (applying rows to members);
- `relink`: joining an account to its roster row after approval;
- `secretary`: a secretary's or admin's verbs, with their rights decided inside each call.
"""

from bot.members.cells import (
    attach_cell,
    committee_secretary_of,
    create_cell,
    create_committee,
    find_cell,
    find_committee,
    get_cell,
    grant_committee_secretary,
    group_of,
    is_committee_secretary,
    link_group,
    list_cells,
    list_committees,
)
from bot.members.invites import (
    create_invite,
    hash_token,
    redeem_invite,
    revoke_invite,
)
from bot.members.membership import (
    CHECK_IN_PREFIX,
    Access,
    Actor,
    MembershipError,
    access,
    active_member_ids,
    approve,
    approvers,
    describe_role,
    find_member,
    find_members,
    give_name,
    list_members,
    mark_left,
    member_by_telegram,
    pending_requests,
    readable_of,
    reject,
)
from bot.members.relink import (
    relink,
    unlinked_accounts,
)
from bot.members.roster_import import (
    RosterPlan,
    RosterReport,
    apply_plan,
    import_roster,
    plan_import,
    roster_candidates,
)
from bot.members.secretary import (
    apply_roster,
    claim_group,
    decide_request,
    move_away,
    new_cell,
    new_invite,
    preview_roster,
    relink_by,
    relink_suggestions,
    requests_for,
    roll_call,
    withdraw_invite,
)

__all__ = [
    "CHECK_IN_PREFIX",
    "Access",
    "Actor",
    "MembershipError",
    "RosterPlan",
    "RosterReport",
    "access",
    "active_member_ids",
    "apply_plan",
    "apply_roster",
    "approve",
    "approvers",
    "attach_cell",
    "claim_group",
    "committee_secretary_of",
    "create_cell",
    "create_committee",
    "create_invite",
    "decide_request",
    "describe_role",
    "find_cell",
    "find_committee",
    "find_member",
    "find_members",
    "get_cell",
    "give_name",
    "grant_committee_secretary",
    "group_of",
    "hash_token",
    "import_roster",
    "is_committee_secretary",
    "link_group",
    "list_cells",
    "list_committees",
    "list_members",
    "mark_left",
    "member_by_telegram",
    "move_away",
    "new_cell",
    "new_invite",
    "pending_requests",
    "plan_import",
    "preview_roster",
    "readable_of",
    "redeem_invite",
    "reject",
    "relink",
    "relink_by",
    "relink_suggestions",
    "requests_for",
    "revoke_invite",
    "roll_call",
    "roster_candidates",
    "unlinked_accounts",
    "withdraw_invite",
]
