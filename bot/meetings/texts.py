"""Every Vietnamese sentence about meetings, and the buttons members press on meeting messages.

Strings are Telegram HTML; values filled in are escaped here or by the caller.
"""

from __future__ import annotations

import html
from datetime import datetime

from bot.models import Change, Mark, Meeting, MeetingKind, MeetingState, Rating, as_utc
from bot.when import describe

REGULAR_TITLE = "Sinh hoạt chi bộ thường kỳ tháng {month}/{year}"
THEMATIC_TITLE = "Sinh hoạt chuyên đề: {topic}"
THEMATIC = "Sinh hoạt chuyên đề"
SECRETARY = "Bí thư chi bộ"
KIND_LABELS = {MeetingKind.REGULAR: "Thường kỳ", MeetingKind.THEMATIC: "Chuyên đề"}
STATE_LABELS = {
    MeetingState.SCHEDULED: "sắp họp",
    MeetingState.CLOSED: "đã kết thúc",
    MeetingState.CANCELLED: "đã hủy",
}
RATING_LABELS = {
    Rating.GOOD: "Tốt",
    Rating.FAIR: "Khá",
    Rating.AVERAGE: "Trung bình",
    Rating.POOR: "Kém",
}
METHOD_CODE, METHOD_QR, METHOD_MANUAL = "Mã số", "Mã QR", "Ghi tay"

# ----------------------------------------------------------------------------- errors

START_PAST = "Thời gian họp đã qua; xin chọn một thời điểm sắp tới."
START_TOO_FAR = "Chỉ lên lịch họp trong vòng {days} ngày tới."
PLACE_EMPTY = "Xin ghi địa điểm họp, ví dụ: «Hội trường tầng 2»."
NO_SUCH_MEETING = "Không tìm thấy cuộc họp này (có thể đã bị xóa)."
MEETING_CANCELLED = "Cuộc họp này đã bị hủy."
MEETING_CLOSED = "Cuộc họp này đã kết thúc."
NOT_YOUR_MEETING = "Cuộc họp này không phải của chi bộ đồng chí."
REASON_EMPTY = "Xin ghi lý do vắng mặt (một câu ngắn)."
MEMBER_NOT_FOUND = (
    "Không tìm thấy đảng viên «{name}» trong chi bộ; xin ghi đúng họ và tên như trong danh sách "
    "(/thanhvien)."
)
RSVP_TOO_LATE = (
    "Cuộc họp đã bắt đầu nên không đổi được trả lời nữa; nếu vắng mặt, xin báo trực tiếp bí thư "
    "chi bộ."
)
TOO_LONG = "{what} dài quá (tối đa {limit} ký tự); xin viết gọn lại."
MEMBER_AMBIGUOUS = (
    "Chi bộ có {count} đảng viên tên «{name}»; xin ghi điểm danh cho từng người từ bảng "
    "«Ai dự, ai vắng» hoặc báo quản trị viên phân biệt tên trong danh sách."
)
CLOSE_TOO_EARLY = "Cuộc họp chưa bắt đầu nên chưa thể kết thúc."
PERIOD_INVALID = (
    "Không hiểu khoảng thời gian. Ví dụ: /diemdanh (12 tháng gần nhất), /diemdanh tháng này, "
    "/diemdanh tháng trước, /diemdanh quý 1, /diemdanh năm nay, /diemdanh 2026, "
    "/diemdanh 5/2026, /diemdanh 1/2026 6/2026."
)
NOT_SECRETARY = "Lệnh này dành cho bí thư, phó bí thư chi bộ."
PRIVATE_ONLY = (
    "Việc lên lịch và theo dõi cuộc họp làm trong trò chuyện riêng với tôi (gõ /hop, /cuochop ở "
    "đó)."
)
NOT_A_MEMBER = "Chức năng này dành cho đảng viên của chi bộ."

# ----------------------------------------------------------------------------- scheduling

ASK_KIND = "<b>Lên lịch họp chi bộ</b>\nLoại cuộc họp? (gõ /huy để bỏ)"
ASK_TOPIC = "Chuyên đề của cuộc họp là gì? (ví dụ: «Học tập Nghị quyết Hội nghị Trung ương 10»)"
ASK_WHEN = "Họp lúc nào? Ví dụ: «14h thứ 6 tuần sau», «8h30 ngày 15/12», «19h30 mai». Giờ Việt Nam."
ASK_PLACE = "Địa điểm họp?"
ASK_AGENDA = "Nội dung (chương trình) cuộc họp? Gõ «không» nếu chưa có."
ASK_READINGS = (
    "Văn bản cần đọc trước? Gõ số hiệu, cách nhau bằng dấu phẩy (ví dụ: «05-CT/TW, KL 21»), "
    "hoặc gửi tệp văn bản (sẽ được nạp vào kho), hoặc «không»."
)
READING_ADDED = (
    "Đã thêm «{label}» vào danh sách đọc trước. Gửi thêm tệp, gõ số hiệu, hoặc gõ «xong»."
)
DONE_WORDS = frozenset({"xong", "du", "het", "ok"})
READING_UNKNOWN = "Không tìm thấy văn bản: {missing}. Xin gõ lại (hoặc «không»)."
SKIP_WORDS = frozenset({"khong", "k", "ko", "bo qua", "-", "khong co"})
TOPIC_EMPTY = "Xin ghi chuyên đề của cuộc họp."
DRAFT_EXPIRED = "Việc lên lịch họp đã bị bỏ vì lâu không có trả lời; gõ /hop để làm lại."
DRAFT_CANCELLED = "Đã bỏ việc lên lịch họp."
BUTTON_STALE = "Nút này đã cũ; xin dùng tin nhắn mới nhất."
CONFIRM_BUTTON, CANCEL_BUTTON = "✅ Gửi giấy mời", "✖️ Hủy"
SCHEDULED = (
    "Đã lên lịch và đang gửi giấy mời tới {count} đảng viên. Nhắc họp: {reminders}. "
    "Gõ /cuochop để xem các cuộc họp."
)
SCHEDULED_NOBODY = "Đã lên lịch; chi bộ chưa có đảng viên nào liên kết Telegram để nhận giấy mời."

# ----------------------------------------------------------------------------- panel

PANEL_BUTTONS = {
    "code": "🔢 Mã điểm danh",
    "board": "📋 Ai dự, ai vắng",
    "edit_time": "🕑 Đổi giờ",
    "edit_place": "📍 Đổi địa điểm",
    "edit_agenda": "📝 Đổi nội dung",
    "cancel": "✖️ Hủy cuộc họp",
    "close": "🏁 Kết thúc và báo cáo",
    "report": "📊 Báo cáo",
    "tally": "⭐ Kết quả đánh giá",
    "minutes": "📎 Gửi biên bản",
    "correct": "✏️ Sửa điểm danh",
    "original": "📄 Báo cáo ban đầu",
}
BOARD_WAITING = "⏳ Chưa điểm danh ({count}): "
BOARD_MARKS = {
    Mark.PRESENT: "✅ Có mặt ({count}): ",
    Mark.LATE: "⏰ Đi muộn ({count}): ",
    Mark.EXCUSED: "🙏 Vắng có lý do ({count}): ",
    Mark.ABSENT: "❌ Vắng không lý do ({count}): ",
}
BOARD_CORRECTED = "✏️ Đã sửa điểm danh {count} lần sau khi kết thúc."
LIST_TITLE = "<b>Các cuộc họp của chi bộ</b>"
LIST_EMPTY = "Chi bộ chưa có cuộc họp nào. Gõ /hop để lên lịch."
ASK_NEW_TIME = "Giờ họp mới? (ví dụ: «15h thứ 6 tuần sau»)"
ASK_NEW_PLACE = "Địa điểm mới?"
ASK_NEW_AGENDA = "Nội dung mới của cuộc họp?"
ASK_CANCEL_REASON = "Lý do hủy (sẽ báo cho đảng viên)? Gõ «không» nếu không ghi lý do."
CONFIRM_CANCEL = "Hủy cuộc họp và báo cho mọi đảng viên? Lý do: {reason}. Bấm nút dưới để xác nhận."
CANCEL_CONFIRM = "✖️ Xác nhận hủy"
NO_REASON = "(không ghi)"
EDITED = "Đã cập nhật và báo cho đảng viên."
CHANGE_PREVIEW = (
    "<b>Xem trước</b> — thông báo sẽ gửi tới {count} đảng viên:\n\n{body}\n\n"
    "Bấm «📤 Gửi» để đổi và báo cho đảng viên, hoặc «Hủy» để giữ nguyên."
)
CHANGE_SEND = "📤 Gửi"
CHANGE_DROP = "Hủy"
CHANGE_DROPPED = "Đã bỏ thay đổi; cuộc họp giữ nguyên, không ai nhận thông báo."
CANCELLED_DONE = "Đã hủy cuộc họp và báo cho đảng viên."
CONFIRM_CLOSE = (
    "Kết thúc cuộc họp? Ai chưa điểm danh sẽ được ghi vắng (có lý do nếu đã xin vắng). "
    "Không thể mở lại cuộc họp; điểm danh ghi sai vẫn sửa được sau bằng /suadiemdanh."
)
CLOSE_BUTTON = "🏁 Kết thúc"
ASK_MINUTES = (
    "Xin gửi tệp biên bản hoặc nghị quyết của cuộc họp (DOCX, PDF, TXT…). Tệp sẽ được nạp vào kho "
    "để đảng viên tra cứu. Gõ /huy để bỏ."
)
MINUTES_ATTACHED = "Đã nạp «{title}» vào kho và gắn với cuộc họp «{meeting}»."
TALLY_TITLE = "<b>Đánh giá chất lượng sinh hoạt</b> — {title}"
TALLY_LINE = "{label}: {count}"
TALLY_TOTAL = "Tổng: {total} phiếu{secret}."
TALLY_SECRET = " (bỏ phiếu kín)"

# ----------------------------------------------------------------------------- members

RSVP_ATTEND, RSVP_EXCUSE = "✅ Sẽ dự", "🙏 Xin vắng"
CHOSEN = "{label} ✔"  # the member's own choice on RSVP and vote buttons
ASK_REASON = "Đồng chí xin vắng vì lý do gì? (gõ một câu ngắn)"
RSVP_ATTEND_DONE = "Đã ghi: đồng chí sẽ dự {title}. Cảm ơn đồng chí!"
RSVP_EXCUSE_DONE = "Đã ghi: đồng chí xin vắng ({reason})."
EXCUSES_TITLE = "🙏 <b>Xin vắng họp</b> — {title}, {when}"
EXCUSE_LINE = "• {name}: {reason}"
VOTE_THANKS = "Cảm ơn đồng chí đã đánh giá: {label}."
VOTE_ALREADY = "Đồng chí đã đánh giá cuộc họp này rồi."
VOTE_NOT_CLOSED = "Cuộc họp chưa kết thúc; đánh giá sau khi bí thư kết thúc cuộc họp."
VOTE_NOT_ATTENDEE = "Chỉ đảng viên dự họp mới đánh giá được cuộc họp này."

CHECKIN_PRESENT = "✅ Đã điểm danh: đồng chí có mặt tại «{title}» lúc {time}."
CHECKIN_LATE = "✅ Đã điểm danh lúc {time} (ghi nhận đi muộn) — «{title}»."
CHECKIN_ALREADY = "Đồng chí đã điểm danh cuộc họp «{title}» rồi (lúc {time})."
CHECKIN_TOO_EARLY = "Chưa đến giờ điểm danh: mở từ {opens} cho cuộc họp «{title}»."
CHECKIN_TOO_LATE = "Đã hết giờ điểm danh cuộc họp «{title}»; xin báo bí thư chi bộ."
CHECKIN_WRONG_CODE = (
    "Mã điểm danh không đúng hoặc đã đổi (mã đổi sau mỗi {seconds} giây). Xin nhập mã đang hiện "
    "ở cuộc họp."
)
CHECKIN_LOCKED = (
    "Đồng chí đã nhập sai mã {attempts} lần; xin thử lại sau {minutes} phút, hoặc báo bí thư chi "
    "bộ ghi điểm danh."
)
CHECKIN_CODES_PAUSED = (
    "Cuộc họp «{title}» tạm ngừng nhận mã điểm danh vì có quá nhiều lần nhập sai. Xin quét mã "
    "QR đang hiện tại cuộc họp, hoặc báo bí thư chi bộ ghi điểm danh."
)
CHECKIN_NO_MEETING = "Chi bộ của đồng chí không có cuộc họp nào đang điểm danh."
CHECKIN_QR_EXPIRED = "Mã QR này đã hết hạn. Xin quét mã QR đang hiện tại cuộc họp, hoặc nhập mã số."
CHECKIN_QR_FORGED = "Đường dẫn điểm danh không hợp lệ."
CHECKIN_CANCELLED = "Cuộc họp «{title}» đã bị hủy."
CHECKIN_CLOSED = "Cuộc họp «{title}» đã kết thúc; không điểm danh được nữa."
CHECKIN_NOT_MEMBER = "Chỉ đảng viên của chi bộ mới điểm danh được."
CHECKIN_OTHER_CELL = "Cuộc họp này không phải của chi bộ đồng chí."
CHECKIN_USAGE = "Nhập mã điểm danh đang hiện ở cuộc họp, ví dụ: /comat 123456"
CODE_MESSAGE = (
    "<b>Điểm danh — {title}</b>\n"
    "Mã số: <code>{code}</code> (đổi lúc {changes_at})\n"
    "Đảng viên gõ /comat {code} cho bot, hoặc quét mã QR (hiệu lực {qr_minutes} phút).\n"
    "Đã điểm danh: {count}/{total}."
)
CODE_CLOSED = "Giờ điểm danh: từ {opens} đến {closes}."
QR_CAPTION = "Quét để điểm danh «{title}» (hiệu lực đến {until})."
HAND_USAGE = (
    "Ghi điểm danh hộ đảng viên không dùng Telegram: /ghicomat &lt;họ và tên&gt; "
    "(thêm «muộn» ở cuối nếu đi muộn)."
)
HAND_DONE = "Đã ghi {name}: {mark} (người ghi: {by})."
HAND_ALREADY = "{name} đã có trong danh sách điểm danh."
NO_OPEN_MEETING = "Chi bộ không có cuộc họp nào đang diễn ra hoặc sắp họp."
HAND_LATE_TOO_EARLY = (
    "Cuộc họp đến {start} mới bắt đầu nên chưa thể ghi đi muộn. Nếu đồng chí {name} đã có mặt, xin "
    "ghi /ghicomat {name} (không thêm «muộn»)."
)

CORRECT_USAGE = (
    "Sửa điểm danh cuộc họp đã kết thúc: gõ họ và tên, điểm danh đúng và lý do sửa, ví dụ:\n"
    "<code>/suadiemdanh Nguyễn Văn An có mặt, ghi nhầm khi điểm danh</code>\n"
    "Điểm danh: <i>có mặt</i>, <i>đi muộn</i>, <i>vắng có lý do</i> hoặc <i>vắng</i>. "
    "Bản báo cáo ban đầu vẫn được giữ."
)
CORRECT_WHICH = "Cuộc họp sẽ sửa: <b>{title}</b> ({when})."
CORRECT_OTHER = "Để sửa một cuộc họp khác: /cuochop → chọn cuộc họp → «✏️ Sửa điểm danh»."
CORRECT_ASK = (
    "Sửa điểm danh «{title}»: gõ họ và tên, điểm danh đúng và lý do sửa, ví dụ "
    "«Nguyễn Văn An có mặt, ghi nhầm khi điểm danh». Gõ /huy để bỏ."
)
CORRECT_NONE_CLOSED = "Chi bộ chưa có cuộc họp nào đã kết thúc để sửa điểm danh."
CORRECT_NOT_CLOSED = (
    "Cuộc họp chưa kết thúc; trong lúc họp, ghi điểm danh bằng /ghicomat. Sau khi kết thúc "
    "mới sửa bằng /suadiemdanh."
)
CORRECT_NO_MARK = (
    "Chưa rõ điểm danh đúng là gì. Sau họ và tên, xin ghi một trong: có mặt, đi muộn, "
    "vắng có lý do, vắng — rồi lý do sửa."
)
CORRECT_NO_MEMBER = (
    "Không có «{name}» trong danh sách điểm danh cuộc họp «{title}»; xin ghi đúng họ và tên như "
    "trong báo cáo."
)
CORRECT_NAMESAKES = (
    "Danh sách điểm danh có {count} đồng chí tên «{name}»; không thể biết sửa cho ai. Xin báo "
    "quản trị viên phân biệt tên trong danh sách chi bộ."
)
CORRECT_NO_WHY = (
    "Xin ghi lý do sửa sau điểm danh đúng, ví dụ «…có mặt, ghi nhầm khi điểm danh»; lý do được "
    "lưu cùng lần sửa."
)
CORRECT_SAME = "Đồng chí {name} đã được ghi «{mark}»; không có gì để sửa."
CORRECT_DONE = (
    "✅ Đã sửa điểm danh «{title}»:\n{name}: {old} → <b>{new}</b>\nLý do: {why}\n"
    "Người sửa: {by}, lúc {at}.\nTỷ lệ dự nay: {present}/{denominator}, {rate}. "
    "Báo cáo ban đầu vẫn được giữ: /cuochop → chọn cuộc họp → «📄 Báo cáo ban đầu»."
)

HISTORY_TITLE = "<b>Điểm danh của đồng chí {name}</b> (12 tháng gần nhất)"
HISTORY_EMPTY = "Chưa có cuộc họp nào đã kết thúc trong 12 tháng qua."
HISTORY_LINE = "• {when} — {title}: {mark}"
HISTORY_SUMMARY = "Dự {present}/{total} cuộc họp."
STATS_TITLE = "<b>Thống kê điểm danh {cell}</b>, {start} – {end}"
STATS_EMPTY = "Không có cuộc họp nào đã kết thúc trong khoảng {start} – {end}."
STATS_MONTH = "• Tháng {month}: {meetings} cuộc họp, dự {present}/{denominator} ({rate})"
REPORT_FILES = "Báo cáo điểm danh (XLSX, CSV) và biểu đồ tỷ lệ dự họp các cuộc gần đây."
CHART_TITLE = "Tỷ lệ đảng viên dự sinh hoạt — {cell}"


NO_REMINDERS = "không (đã quá giờ nhắc)"


def before(minutes: int) -> str:
    """ "1 ngày trước", "1 giờ trước", "30 phút trước", "1 giờ 30 phút trước"."""
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} ngày"] * bool(days) + [f"{hours} giờ"] * bool(hours)
    parts += [f"{mins} phút"] * bool(mins)
    return " ".join(parts or ["0 phút"]) + " trước"


def names(people: list[str], limit: int = 25) -> str:
    """A list of names for the panel, cut after ``limit`` so the message stays within
    Telegram's 4,096 characters in a large cell."""
    if not people:
        return "—"
    shown = ", ".join(people[:limit])
    more = len(people) - limit
    return f"{shown} … và {more} người khác" if more > 0 else shown


def _when(moment: datetime) -> str:
    return describe(as_utc(moment))


def describe_meeting_line(meeting: Meeting) -> str:
    """ "14:00 thứ Sáu, 04/12/2026 tại Hội trường" """
    return f"{_when(meeting.starts_at)} tại {meeting.place}"


def details(meeting: Meeting) -> str:
    """The meeting's title, time, place, agenda and readings as HTML lines."""
    lines = [
        f"<b>{html.escape(meeting.title)}</b>",
        f"🕑 {_when(meeting.starts_at)}",
        f"📍 {html.escape(meeting.place)}",
    ]
    if meeting.agenda:
        lines.append(f"📝 Nội dung: {html.escape(meeting.agenda)}")
    if meeting.readings:
        labels = ", ".join(html.escape(r["label"]) for r in meeting.readings)
        lines.append(f"📚 Đọc trước: {labels} (hỏi tôi về các văn bản này)")
    return "\n".join(lines)


def invitation(meeting: Meeting, sender: str) -> str:
    """The invitation every member receives."""
    return (
        f"📣 <b>Giấy mời họp chi bộ</b>\n{details(meeting)}\n\n"
        f"Đồng chí bấm «Sẽ dự» hoặc «Xin vắng».\n— {html.escape(sender)}"
    )


def reminder(meeting: Meeting, now: datetime) -> str:
    """A reminder before the meeting."""
    left = as_utc(meeting.starts_at) - now
    hours = max(0, round(left.total_seconds() / 3600))
    soon = f"còn khoảng {hours} giờ" if hours >= 2 else "sắp bắt đầu"
    return f"⏰ <b>Nhắc họp</b> ({soon})\n{details(meeting)}"


def changed(meeting: Meeting, change: Change, before: str, by: str) -> str:
    """Members are told what changed."""
    what = {"time": "thời gian", "place": "địa điểm", "agenda": "nội dung"}[str(change)]
    return (
        f"🔔 <b>Thay đổi {what} cuộc họp</b>\n{details(meeting)}\n"
        f"(trước đây: {html.escape(before)})\n— {html.escape(by)}"
    )


def cancelled(meeting: Meeting, by: str) -> str:
    """Members are told the meeting will not take place."""
    reason = f"\nLý do: {html.escape(meeting.cancel_reason)}" if meeting.cancel_reason else ""
    return (
        f"❌ <b>Hủy cuộc họp</b>\n{html.escape(meeting.title)} — "
        f"{html.escape(describe_meeting_line(meeting))}{reason}\n— {html.escape(by)}"
    )


def vote_invitation(meeting: Meeting, *, secret: bool = True) -> str:
    """Attendees are asked to rate the meeting."""
    how = "mỗi người một lần, phiếu kín" if secret else "mỗi người một lần"
    return (
        f"⭐ <b>Đánh giá chất lượng sinh hoạt</b>\n{html.escape(meeting.title)}\n"
        f"Theo Hướng dẫn 12-HD/BTCTW, đồng chí đánh giá cuộc họp ({how}):"
    )


def attend_done(title: str) -> str:
    """The «Sẽ dự» confirmation, short enough for a button's pop-up (200 characters)."""
    text = RSVP_ATTEND_DONE.format(title=title)
    if len(text) <= 200:
        return text
    return RSVP_ATTEND_DONE.format(title=title[: len(title) - (len(text) - 200) - 1] + "…")


def excuses_message(meeting: Meeting, lines: list[tuple[str, str]]) -> str:
    """The secretary's message about members who asked to be excused (names and reasons)."""
    head = EXCUSES_TITLE.format(title=html.escape(meeting.title), when=_when(meeting.starts_at))
    body = [
        EXCUSE_LINE.format(name=html.escape(name), reason=html.escape(reason))
        for name, reason in lines
    ]
    return "\n".join([head, *body])
