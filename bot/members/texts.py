"""Every Vietnamese sentence about membership: joining, cells, invites, roster, đảng bộ, labels.

Strings used with parse_mode=HTML may contain tags; values filled into them are escaped by the
caller. Placeholders are named ({name}, {cell}, …).
"""

from __future__ import annotations

from bot.models import PartyStatus, Role

# ----------------------------------------------------------------------------- joining

INVITE_ASK_NAME = (
    "Chào đồng chí! Đây là lời mời tham gia {cell} trên trợ lý Chibo.\n"
    "Xin đồng chí gửi <b>họ và tên đầy đủ</b> (ví dụ: Nguyễn Văn An) để bí thư chi bộ xác nhận."
)

INVITE_INVALID = (
    "Đường dẫn mời không hợp lệ; xin đồng chí liên hệ bí thư chi bộ để nhận đường dẫn mới."
)

INVITE_EXPIRED = (
    "Đường dẫn mời đã hết hạn; xin đồng chí liên hệ bí thư chi bộ để nhận đường dẫn mới."
)

INVITE_REVOKED = (
    "Đường dẫn mời đã bị thu hồi; xin đồng chí liên hệ bí thư chi bộ để nhận đường dẫn mới."
)

ALREADY_MEMBER = "Đồng chí đã là thành viên; cứ gõ câu hỏi để tra cứu văn bản."

NAME_INVALID = "Xin gửi họ và tên đầy đủ bằng chữ (từ 2 đến 7 chữ, ví dụ: Nguyễn Văn An)."

NAME_RECEIVED = (
    "Cảm ơn đồng chí {name}. Yêu cầu đã được gửi tới bí thư {cell}; tôi sẽ báo ngay khi được duyệt."
)

JOIN_REQUEST = "🆕 Yêu cầu tham gia {cell}:\n<b>{name}</b> ({account})\nVai trò khi duyệt: {role}"

JOIN_REQUEST_ROSTER = "Trong danh sách chi bộ có: {matches}. Chọn đúng người để liên kết."

JOIN_REQUEST_NO_ROSTER = "Chưa có tên này trong danh sách chi bộ đã nhập."

BTN_APPROVE = "✅ Duyệt"

BTN_APPROVE_NEW = "✅ Duyệt (người mới)"

BTN_APPROVE_ROSTER = "✅ Là {name}{born}"

BTN_REJECT = "❌ Từ chối"

APPROVED = "✅ Đã duyệt {name} vào {cell}."

REJECTED = "❌ Đã từ chối yêu cầu của {name}."

WELCOME_APPROVED = (
    "🎉 Đồng chí đã được duyệt vào {cell}. Từ nay:\n"
    "• cứ gõ câu hỏi về văn bản của Đảng, ví dụ «Chỉ thị 05 nói về gì?»;\n"
    "• giấy mời họp chi bộ sẽ đến đây: bấm «✅ Sẽ dự» hoặc «🙏 Xin vắng»;\n"
    "• tại cuộc họp, điểm danh bằng /comat &lt;mã số&gt; hoặc quét mã QR;\n"
    "• /diemdanh để xem các buổi đồng chí đã dự.\n"
    "Gõ /help để xem hướng dẫn đầy đủ."
)

REJECTED_TO_USER = (
    "Yêu cầu tham gia {cell} của đồng chí chưa được chấp nhận; xin liên hệ trực tiếp bí thư chi bộ."
)

REQUEST_GONE = "Yêu cầu này đã được xử lý hoặc không còn."

RELINK_GONE = "Tài khoản này đã được ghép hoặc không còn."

RELINK_NONE = (
    "Không có tài khoản nào trùng tên với một dòng danh sách chưa có tài khoản. Nếu tên khác "
    "nhau, gõ: /lienket &lt;tên tài khoản&gt; = &lt;tên trong danh sách&gt;"
)

RELINK_TITLE = "<b>Ghép tài khoản với danh sách đảng viên</b>\nBấm để ghép:"

RELINK_BUTTON = "🔗 {account} = {row}"

RELINK_DONE = "Đã ghép tài khoản Telegram vào dòng «{name}» của danh sách."

RELINK_USAGE = "Cú pháp: /lienket &lt;tên tài khoản&gt; = &lt;tên trong danh sách&gt;"

RELINK_NOT_FOUND = (
    "Không tìm thấy «{name}» (tài khoản đang hoạt động hoặc dòng danh sách chưa có tài khoản)."
)

ROSTER_ROW_GONE = "Dòng danh sách này đã được liên kết với tài khoản khác hoặc không còn."

DUYET_EMPTY = "Không có yêu cầu nào đang chờ duyệt."

MEMBER_NOT_FOUND = "Không tìm thấy đảng viên này trong chi bộ."

CHUYENDI_USAGE = "Cú pháp: /chuyendi &lt;họ và tên&gt;, ví dụ: /chuyendi Nguyễn Văn An"

CHUYENDI_DONE = "Đã ghi nhận đồng chí {name} không còn sinh hoạt tại {cell}."

# ----------------------------------------------------------------------------- cells and invites

TAOCHIBO_USAGE = (
    "Cú pháp: /taochibo &lt;tên chi bộ&gt;, ví dụ: /taochibo Chi bộ Xí nghiệp Xe buýt số 1"
)

CELL_NAME_INVALID = "Tên chi bộ cần từ 3 đến 120 ký tự."

CELL_EXISTS = "Đã có chi bộ «{name}»."

CELL_CREATED = (
    "Đã tạo <b>{cell}</b>. Gửi đường dẫn dưới đây cho bí thư chi bộ (vai trò khi duyệt: bí thư; "
    "hết hạn {expires}):\n{link}"
)

INVITE_CREATED = (
    "Đường dẫn mời vào <b>{cell}</b> (vai trò khi duyệt: {role}; hết hạn {expires}):\n{link}\n\n"
    "Gửi cho đảng viên của chi bộ: mỗi người mở đường dẫn, gửi họ tên, rồi đồng chí duyệt."
)

INVITE_REVOKED_DONE = "🚫 Đã thu hồi đường dẫn mời này."

BTN_REVOKE = "🚫 Thu hồi"

NO_CELLS = "Chưa có chi bộ nào; tạo bằng /taochibo &lt;tên chi bộ&gt;."

CHOOSE_CELL = "Có nhiều chi bộ; gõ /moi &lt;tên hoặc số&gt;. Danh sách:\n{cells}"

NOT_IN_CELL = "Đồng chí chưa thuộc chi bộ nào."

THANHVIEN_HEADING = "<b>{cell}</b> — {n} đảng viên ({linked} đã kết nối Telegram):"

THANHVIEN_LINKED = "✓"

THANHVIEN_UNLINKED = "—"

THANHVIEN_LEFT = "(đã chuyển đi)"

# ----------------------------------------------------------------------------- roster import

ROSTER_UNSUPPORTED = "Danh sách đảng viên cần là tệp .xlsx hoặc .csv."

ROSTER_UNREADABLE = "Không đọc được tệp danh sách (tệp hỏng hoặc không phải bảng tính)."

ROSTER_NO_HEADER = "Không tìm thấy dòng tiêu đề có cột «Họ và tên» trong 15 dòng đầu của bảng tính."

ROSTER_NO_NAME = "thiếu họ và tên"

ROSTER_BAD_NAME = "họ và tên «{name}» không hợp lệ"

ROSTER_BAD_DATE = "{field} «{value}» không đúng dạng ngày/tháng/năm"

ROSTER_DUPLICATE = "trùng với dòng {line}"

ROSTER_TOO_MANY = "danh sách quá {n} dòng; phần sau bị bỏ qua"


ROSTER_FIELD_BIRTH = "ngày sinh"
ROSTER_FIELD_ROLE = "chức vụ"
ROSTER_FIELD_STATUS = "loại đảng viên"
ROSTER_FIELD_CARD = "số thẻ đảng"
ROSTER_FIELD_PHONE = "điện thoại"
ROSTER_FIELD_NOTE = "ghi chú"
ROSTER_EMPTY = "(trống)"
ROSTER_BORN = "sinh {born}"
ROSTER_CARD = "thẻ {card}"
ROSTER_PREVIEW = (
    "<b>Nhập danh sách {cell}</b>: thêm {created} đảng viên mới, cập nhật {updated} người đã có."
)
ROSTER_CHANGES = "Sẽ thay đổi thông tin của người đã có trong danh sách:"
ROSTER_CHANGE_LINE = "• {name} — {field}: {old} → {new}"
ROSTER_AMBIGUOUS = (
    "⚠️ {n} dòng không biết là ai (trùng họ tên, bảng tính không ghi ngày sinh hay số thẻ để "
    "phân biệt) — sẽ bỏ qua, xin bổ sung rồi gửi lại:"
)
ROSTER_AMBIGUOUS_LINE = "• dòng {line}: {name} — có thể là {who}"
ROSTER_CONFIRM = "Đồng chí xem lại rồi bấm «✅ Áp dụng»; bấm «Hủy» thì danh sách không thay đổi gì."
BTN_ROSTER_APPLY = "✅ Áp dụng"
BTN_ROSTER_CANCEL = "Hủy"
ROSTER_CANCELLED = "Đã hủy: danh sách đảng viên không thay đổi gì."
ROSTER_EXPIRED = "Bản xem trước này đã cũ; đồng chí gửi lại tệp danh sách."

ROSTER_FIELD_JOINED = "ngày vào Đảng"

ROSTER_FIELD_OFFICIAL = "ngày chính thức"

ROSTER_DONE = "✅ Đã nhập danh sách {cell}: thêm {created}, cập nhật {updated} đảng viên."

ROSTER_ERRORS = "⚠️ {n} dòng không nhập được:"

ROSTER_ERROR_LINE = "• dòng {line}: {reason}"

ROSTER_NO_CELL = "Đồng chí cần thuộc một chi bộ (là bí thư hoặc phó bí thư) để nhập danh sách."

# ----------------------------------------------------------------------------- labels

ROLE_LABELS = {
    Role.SECRETARY: "Bí thư",
    Role.DEPUTY: "Phó bí thư",
    Role.COMMITTEE: "Chi ủy viên",
    Role.MEMBER: "Đảng viên",
}

PARTY_STATUS_LABELS = {
    PartyStatus.FULL: "Đảng viên chính thức",
    PartyStatus.PROBATIONARY: "Đảng viên dự bị",
}

# ----------------------------------------------------------------------------- đảng bộ

COMMITTEE_NAME_INVALID = "Tên đảng bộ cần từ 3 đến 160 ký tự."

COMMITTEE_EXISTS = "Đã có đảng bộ «{name}»."

COMMITTEE_CREATED = "Đã tạo đảng bộ số {id}: {name}."

COMMITTEE_ATTACHED = (
    "{cell} nay thuộc {committee}: đảng viên của chi bộ đọc được văn bản của đảng bộ."
)

COMMITTEE_SECRETARY = (
    "Tài khoản {user} nay là bí thư của {name}: gửi tệp cho bot để nạp văn bản của đảng bộ."
)

COMMITTEE_ADMIN_ONLY = "Lệnh /dangbo dành cho quản trị viên của hệ thống."

# Plain text: the /dangbo handler escapes what the domain answers.
COMMITTEE_USAGE = (
    "Đảng bộ nhóm các chi bộ: đảng viên các chi bộ trực thuộc cùng tra cứu văn bản của đảng bộ.\n"
    "• /dangbo — danh sách\n"
    "• /dangbo tao <tên đảng bộ>\n"
    "• /dangbo gan <tên chi bộ> | <tên đảng bộ> (bỏ trống đảng bộ để tách chi bộ ra)\n"
    "• /dangbo bithu <tên đảng bộ> | <họ tên đảng viên hoặc số tài khoản Telegram>"
)

COMMITTEE_WHO_NONE = "Không tìm thấy đảng viên «{name}» (đang sinh hoạt, đã liên kết Telegram)."

COMMITTEE_WHO_MANY = "Có nhiều đảng viên tên «{name}»; xin ghi số tài khoản Telegram."

COMMITTEE_DETACHED = "{cell} không còn thuộc đảng bộ nào."

COMMITTEE_NONE = "Chưa có đảng bộ nào. Tạo bằng: chibo dangbo tao «Tên đảng bộ»"

COMMITTEE_LINE = "Đảng bộ số {id}: {name} — {cells}"

COMMITTEE_NO_CELLS = "chưa có chi bộ"

NO_SUCH_CELL = "Không có chi bộ «{name}»."

NO_SUCH_COMMITTEE = "Không có đảng bộ «{name}»."
