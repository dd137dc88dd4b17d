"""Every Vietnamese sentence of notices, and how the status, report and list read.

Strings are HTML (parse_mode=HTML); values filled into them are escaped here or by the caller.
"""

from __future__ import annotations

import html
import re
from datetime import datetime

from bot.models import AudienceKind, Notice, NoticeState, Role, as_utc
from bot.notices.figures import Figures, Report
from bot.when import VIETNAM

# ----------------------------------------------------------------------------- the guided steps

NOT_SECRETARY = "Lệnh /thongbao dành cho bí thư, phó bí thư chi bộ và quản trị viên."
PRIVATE_ONLY = "Xin soạn thông báo trong tin nhắn riêng với tôi."
ASK_TEXT = (
    "📢 <b>Soạn thông báo</b>\n\n"
    "Gửi nội dung thông báo. Có thể dùng định dạng của Telegram (đậm, nghiêng, liên kết…); "
    "muốn kèm ảnh hoặc tệp thì gửi ảnh/tệp và ghi nội dung vào phần chú thích.\n\n"
    "Gõ /huy để bỏ."
)
ASK_ATTACHMENT = (
    "Đã nhận nội dung ({length} ký tự). Gửi thêm <b>một ảnh hoặc tệp</b> đính kèm, "
    "hoặc bấm «Không đính kèm»."
)
NO_ATTACHMENT = "Không đính kèm"
ATTACHMENT_ONLY = "Ở bước này tôi chỉ nhận một ảnh hoặc tệp; hoặc bấm «Không đính kèm»."
TEXT_EXPECTED = "Xin gửi nội dung thông báo bằng chữ (hoặc ảnh/tệp có chú thích)."
ASK_CELLS = "Gửi tới những chi bộ nào? Bấm để chọn/bỏ chọn, rồi bấm «Tiếp tục»."
ALL_CELLS = "Tất cả chi bộ"
NEXT = "Tiếp tục ➡"
NO_CELLS = "Chưa có chi bộ nào trong hệ thống."
PICK_A_CELL = "Xin chọn ít nhất một chi bộ."
ASK_AUDIENCE = "Gửi tới ai?"
AUDIENCE_CELL = "Toàn thể đảng viên"
AUDIENCE_COMMITTEE = "Chi ủy"
AUDIENCE_ROLE = "Theo chức vụ…"
ASK_ROLE = "Chọn chức vụ nhận thông báo:"
ASK_SEND_AT = (
    "Thông báo sẽ tới <b>{reachable}</b> đồng chí ({label}).{missing}\n\n"
    "Gửi ngay, hay hẹn giờ? Để hẹn, gõ thời điểm (giờ Việt Nam), ví dụ <code>07:30</code>, "
    "<code>19h 25/12</code> hoặc <code>19h thứ 6 tuần sau</code>."
)
MISSING_ACCOUNTS = "\n{count} đồng chí chưa liên kết Telegram nên sẽ không nhận được: {names}."
SEND_NOW = "Gửi ngay"
PREVIEW_INTRO = "👇 <b>Bản xem trước</b> — đảng viên sẽ nhận đúng như sau:"
PREVIEW_SUMMARY = (
    "<b>Xác nhận gửi thông báo</b>\n"
    "• Người nhận: {reachable} đồng chí ({label})\n"
    "• Thời điểm gửi: {when}\n"
    "• Số tin nhắn mỗi người: {parts}{split}"
)
PREVIEW_SPLIT = " (nội dung dài {length} ký tự, vượt giới hạn 4.096 của Telegram nên được chia)"
SEND_NOW_LABEL = "ngay khi xác nhận"
CONFIRM = "✅ Gửi"
CANCEL = "✖ Hủy"
CANCELLED = "Đã hủy bản thông báo."
DRAFT_EXPIRED = (
    "Bản thông báo đang soạn đã quá lâu không hoàn tất nên đã được bỏ; gõ /thongbao để soạn lại."
)
DRAFT_BUTTON_STALE = "Nút này thuộc một bước đã qua hoặc một bản soạn đã kết thúc."
PREVIEW_BUTTON = "Đây là bản xem trước; nút «Đã đọc» chỉ hoạt động ở bản đảng viên nhận."
STATUS_PREPARING = "📢 Đang xếp thông báo vào hàng gửi…"
NOT_QUEUED = "Không xếp được thông báo vào hàng gửi vì lỗi hệ thống; xin thử lại sau ít phút."

# ----------------------------------------------------------------------------- refusals

EMPTY = "Thông báo trống: xin gửi nội dung bằng chữ (có thể kèm ảnh hoặc tệp)."
TOO_LONG = (
    "Thông báo dài quá ({length} ký tự): Telegram giới hạn {limit} ký tự mỗi tin nhắn, và tôi "
    "chỉ chia một thông báo thành tối đa {parts} tin. Xin rút gọn, hoặc gửi toàn văn dưới dạng "
    "tệp đính kèm kèm một đoạn tóm tắt."
)
BAD_FORMAT = (
    "Định dạng không hợp lệ: {reason}. Đồng chí có thể dùng định dạng có sẵn của Telegram "
    "(bôi đen chữ rồi chọn Đậm/Nghiêng) thay cho thẻ HTML."
)
FORMAT_AMPERSAND = "ký tự «&amp;» phải viết là «&amp;amp;»"
FORMAT_LESS_THAN = "ký tự «&lt;» không thuộc thẻ nào phải viết là «&amp;lt;»"
FORMAT_UNKNOWN_TAG = "Telegram không hỗ trợ thẻ &lt;{tag}&gt;"
FORMAT_STRAY_END = "thẻ đóng &lt;/{tag}&gt; không có thẻ mở tương ứng"
FORMAT_MISNESTED = "thẻ &lt;/{tag}&gt; đóng sai thứ tự (cần đóng &lt;/{expected}&gt; trước)"
FORMAT_UNCLOSED = "thẻ &lt;{tag}&gt; chưa được đóng"
FORMAT_SPAN = 'thẻ &lt;span&gt; chỉ dùng với class="tg-spoiler"'
PHOTO_TOO_BIG = "Ảnh nặng {size} MB, vượt giới hạn {limit} MB của Telegram; xin gửi dưới dạng tệp."
FILE_TOO_BIG = (
    "Tệp nặng {size} MB, vượt giới hạn {limit} MB Telegram cho phép bot gửi; xin nén lại hoặc "
    "gửi đường dẫn tải về trong nội dung."
)
SEND_NOW_HINT = "Hoặc bấm «Gửi ngay»."
NO_RECIPIENTS = (
    "Không có đảng viên nào trong nhóm người nhận này dùng Telegram với tôi, nên không ai nhận "
    "được thông báo. Xin chọn nhóm khác, hoặc mời đảng viên liên kết tài khoản bằng /moi."
)
NOT_ALLOWED = "Đồng chí không quản lý thông báo này."
NOTICE_GONE = "Không còn thông báo này."

# ----------------------------------------------------------------------------- members' side

HEADER = "📢 <b>THÔNG BÁO</b>{source}\n\n"
FOOTER = "\n\n<i>— {sender}</i>"
READ_BUTTON = "✅ Đã đọc"
READ_DONE_BUTTON = "✔ Đã xác nhận đọc"
READ_THANKS = "Cảm ơn đồng chí đã xác nhận."
READ_ALREADY = "Đồng chí đã xác nhận đọc thông báo này rồi."
READ_NOT_YOURS = (
    "Nút này chỉ dành cho người được gửi thông báo; bản chuyển tiếp không xác nhận thay được."
)
READ_GONE = "Thông báo này không còn được theo dõi."
REMINDER = (
    "🔔 <b>Nhắc lại</b>: đồng chí chưa xác nhận đã đọc thông báo của {sender} "
    "gửi ngày {date}:\n\n<i>{excerpt}</i>\n\nXin đọc và bấm «Đã đọc»."
)

# ----------------------------------------------------------------------------- secretary's side

STOP_BUTTON = "⛔ Dừng gửi"
REMIND_BUTTON = "🔔 Nhắc {count} đồng chí chưa đọc"
RESEND_BUTTON = "↻ Gửi lại {count} bản chưa rõ"
REPORT_BUTTON = "📋 Báo cáo"
STOPPED = "Đã dừng thông báo #{id}: {count} bản chưa gửi đã được hủy."
NOT_RUNNING = "Thông báo #{id} đã gửi xong hoặc đã dừng."
REMINDED = "Sẽ nhắc lại {count} đồng chí chưa đọc."
NOTHING_TO_REMIND = "Không có ai cần nhắc (mọi người đã đọc, hoặc lượt nhắc trước chưa xong)."
RESENDING = "Sẽ gửi lại {count} bản chưa rõ."
NOTHING_TO_RESEND = "Không có bản nào chưa rõ."
LIST_EMPTY = "Chưa có thông báo nào."
LIST_TITLE = "<b>Thông báo gần đây</b>"
LIST_SYSTEM_TITLE = (
    "<b>Tin tôi tự gửi về cuộc họp</b> (giấy mời, thay đổi, nhắc họp, phiếu đánh giá)"
)

STATE_LABELS = {
    NoticeState.QUEUED: "đang gửi",
    NoticeState.DONE: "đã gửi xong",
    NoticeState.CANCELLED: "đã dừng",
}
ROLE_LABELS = {
    Role.SECRETARY: "Bí thư",
    Role.DEPUTY: "Phó bí thư",
    Role.COMMITTEE: "Chi ủy viên",
    Role.MEMBER: "Đảng viên",
}
_REASONS = (
    ("blocked", "đã chặn bot"),
    ("can't initiate", "chưa bấm «Bắt đầu» (Start) với bot"),
    ("deactivated", "tài khoản Telegram đã bị xóa"),
    ("no_account", "chưa liên kết Telegram"),
    ("chat not found", "Telegram không tìm thấy cuộc trò chuyện"),
    ("interrupted", "bot dừng đột ngột khi đang gửi"),
)


def local_time(moment: datetime) -> str:
    """ "07:30 25/12/2025" in Vietnam's time."""
    return as_utc(moment).astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def reason(error: str) -> str:
    """Why a copy did not arrive, in words; Telegram's own reason when it is something else."""
    lowered = error.lower()
    for key, words in _REASONS:
        if key in lowered:
            return words
    return f"Telegram trả lời: «{html.escape(error)}»"


def audience_label(kind: AudienceKind, role: Role | None, cells: list[str]) -> str:
    """Who receives it, in words."""
    if kind == AudienceKind.COMMITTEE:
        who = "chi ủy"
    elif kind == AudienceKind.ROLE and role is not None:
        who = ROLE_LABELS[role].lower()
    else:
        who = "toàn thể đảng viên"
    where = cells[0] if len(cells) == 1 else f"{len(cells)} chi bộ"
    return f"{who} — {where}"


def header(cell: str | None) -> str:
    """The first line of every notice."""
    return HEADER.format(source=f" — {html.escape(cell)}" if cell else "")


def footer(sender: str) -> str:
    """Who sent it."""
    return FOOTER.format(sender=html.escape(sender))


def reminder(sender: str, created_at: datetime, text_html: str) -> str:
    """The reminder sent in reply to a member's unread copy."""
    plain = re.sub(r"<[^>]*>", "", text_html)
    plain = html.unescape(" ".join(plain.split()))
    excerpt = plain if len(plain) <= 160 else plain[:157].rsplit(" ", 1)[0] + "…"
    return REMINDER.format(
        sender=html.escape(sender),
        date=local_time(created_at)[6:],
        excerpt=html.escape(excerpt),
    )


def _headline(notice: Notice) -> str:
    return (
        f"📢 <b>Thông báo #{notice.id}</b> — {html.escape(notice.audience_label)}\n"
        f"<i>{html.escape(_excerpt(notice.text_html, 60))}</i>"
    )


def _excerpt(text_html: str, limit: int) -> str:
    plain = html.unescape(" ".join(re.sub(r"<[^>]*>", "", text_html).split()))
    return plain if len(plain) <= limit else plain[: limit - 1] + "…"


def status(notice: Notice, figures: Figures, *, now: datetime) -> str:
    """The status message: figures as sending goes on, then the outcome and reads."""
    lines = [_headline(notice), ""]
    if notice.state == NoticeState.QUEUED and as_utc(notice.send_at) > now and not figures.sent:
        lines.append(f"⏰ Hẹn gửi lúc {local_time(notice.send_at)}")
    else:
        lines.append(f"Trạng thái: <b>{STATE_LABELS[NoticeState(notice.state)]}</b>")
    lines.append(f"👥 Người nhận: {figures.recipients}")
    lines.append(f"✅ Đã gửi: {figures.sent}   👁 Đã đọc: {figures.read}")
    if figures.open:
        lines.append(f"⏳ Chờ gửi: {figures.open}")
    if figures.unreachable:
        lines.append(f"🚫 Không liên lạc được: {figures.unreachable}")
    if figures.failed:
        lines.append(f"❌ Lỗi: {figures.failed}")
    if figures.uncertain:
        lines.append(f"❓ Chưa rõ đã nhận: {figures.uncertain}")
    if figures.cancelled:
        lines.append(f"⛔ Đã hủy: {figures.cancelled}")
    if figures.reminded or figures.reminders_open:
        lines.append(f"🔔 Đã nhắc: {figures.reminded}")
    return "\n".join(lines)


REPORT_NAMES = 60  # a report names at most this many members per list
MORE_NAMES = "… và {count} đồng chí khác"


def _names(names: list[str]) -> str:
    shown = ", ".join(html.escape(n or "?") for n in names[:REPORT_NAMES])
    more = len(names) - REPORT_NAMES
    return shown + (" " + MORE_NAMES.format(count=more) if more > 0 else "")


def _reasons(rows: list[tuple[str, str]]) -> list[str]:
    lines = [f"• {html.escape(n or '?')}: {reason(e)}" for n, e in rows[:REPORT_NAMES]]
    if len(rows) > REPORT_NAMES:
        lines.append(MORE_NAMES.format(count=len(rows) - REPORT_NAMES))
    return lines


def report(found: Report) -> str:
    """The final report: figures, then every member not reached or not yet reading, by name."""
    notice, figures = found.notice, found.figures
    lines = [f"📋 <b>Báo cáo</b>\n{_headline(notice)}", ""]
    lines.append(
        f"Đã gửi {figures.sent}/{figures.recipients} · đã đọc {figures.read} · "
        f"chưa đọc {figures.unread}"
    )
    if found.unreachable:
        lines.append(f"\n🚫 <b>Không liên lạc được ({len(found.unreachable)})</b> — không gửi lại:")
        lines.extend(_reasons(found.unreachable))
    if found.failed:
        lines.append(f"\n❌ <b>Lỗi ({len(found.failed)})</b>:")
        lines.extend(_reasons(found.failed))
    if found.uncertain:
        lines.append(
            f"\n❓ <b>Chưa rõ đã nhận ({len(found.uncertain)})</b> — bot dừng đột ngột đúng lúc "
            "đang gửi; Telegram không cho biết tin đã tới chưa. Tôi không tự gửi lại để không ai "
            "nhận hai lần; bấm «Gửi lại» nếu cần (có thể có người nhận hai lần):"
        )
        lines.append(_names(found.uncertain))
    if figures.cancelled:
        lines.append(f"\n⛔ Đã hủy trước khi gửi: {figures.cancelled}")
    if found.unread:
        lines.append(f"\n👁 <b>Chưa đọc ({len(found.unread)})</b>: {_names(found.unread)}")
    elif figures.sent:
        lines.append("\n👁 Mọi người nhận được đều đã đọc.")
    return "\n".join(lines)


def listing(rows: list[tuple[Notice, Figures]]) -> str:
    """/thongbao_ds: one paragraph per notice; the bot's own meeting messages (invitations,
    changes, reminders, ballots) apart, below, without a read count they never ask for."""
    if not rows:
        return LIST_EMPTY
    composed = [(n, f) for n, f in rows if n.audience]
    system = [(n, f) for n, f in rows if not n.audience]
    blocks = [LIST_TITLE] if composed else []
    blocks += [_listed(n, f, read=True) for n, f in composed]
    if system:
        blocks.append(LIST_SYSTEM_TITLE)
        blocks += [_listed(n, f, read=False) for n, f in system]
    return "\n\n".join(blocks)


def _listed(notice: Notice, figures: Figures, *, read: bool) -> str:
    return (
        f"<b>#{notice.id}</b> · {local_time(notice.created_at)} · "
        f"{STATE_LABELS[NoticeState(notice.state)]}\n"
        f"{html.escape(notice.audience_label)}\n"
        f"<i>{html.escape(_excerpt(notice.text_html, 80))}</i>\n"
        f"Gửi {figures.sent}/{figures.recipients}"
        + (f" · đọc {figures.read}" if read else "")
        + (f" · chờ {figures.open}" if figures.open else "")
        + (f" · không liên lạc được {figures.unreachable}" if figures.unreachable else "")
        + (f" · lỗi {figures.failed}" if figures.failed else "")
        + (f" · chưa rõ {figures.uncertain}" if figures.uncertain else "")
    )
