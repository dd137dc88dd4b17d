"""Every Vietnamese sentence the bot says, in one place so it can be read and corrected as prose.

Strings used with parse_mode=HTML may contain tags; values filled into them are escaped by the
caller. Placeholders are named ({name}, {cell}, …).
"""

from __future__ import annotations

from bot.models import PartyStatus, Role

# ----------------------------------------------------------------------------- who may ask

STRANGER = (
    "Xin chào! Trợ lý này chỉ phục vụ đảng viên của các chi bộ đã đăng ký; đồng chí cần "
    "đường dẫn mời của bí thư chi bộ để tham gia."
)
PENDING = (
    "Yêu cầu tham gia của đồng chí đang chờ bí thư chi bộ duyệt; khi được duyệt, tôi sẽ báo ngay."
)
LEFT = (
    "Đồng chí không còn trong danh sách đảng viên của chi bộ nên không tra cứu được văn bản; "
    "nếu có nhầm lẫn, xin liên hệ bí thư chi bộ."
)
TEXT_ONLY = (
    "Xin lỗi, tôi chỉ hỗ trợ câu hỏi bằng chữ. Đồng chí hãy gõ câu hỏi, ví dụ: "
    "«Chỉ thị 05 nói về gì?»"
)
EMPTY_QUESTION = "Đồng chí hãy gõ câu hỏi sau lệnh, ví dụ: /hoi sinh hoạt chi bộ mấy lần một tháng?"
QUESTION_TOO_LONG = (
    "Câu hỏi dài quá ({length} ký tự); xin hỏi ngắn gọn, dưới {limit} ký tự. "
    "Nếu đó là một văn bản, bí thư chi bộ có thể gửi dưới dạng tệp để nạp vào kho."
)
GREETING = (
    "Chào đồng chí! Đồng chí cứ gõ câu hỏi về văn bản của Đảng, ví dụ «Chỉ thị 05 nói về gì?». "
    "Gõ /help để xem hướng dẫn."
)
ERROR = "Xin lỗi, đã có lỗi khi xử lý yêu cầu; đồng chí thử lại sau ít phút."
NOT_READY = "Kho văn bản chưa sẵn sàng (chưa có chỉ mục tìm kiếm); xin báo quản trị viên."
NOT_SECRETARY = "Lệnh này dành cho bí thư, phó bí thư chi bộ."
NOT_ADMIN = "Lệnh này dành cho quản trị viên hệ thống."

# ----------------------------------------------------------------------------- start and help

WELCOME_MEMBER = (
    "Chào đồng chí {name}! Tôi là trợ lý tra cứu văn bản của Đảng cho {cell}.\n\n"
    "Đồng chí cứ gõ câu hỏi, tôi trả lời bằng trích dẫn nguyên văn kèm nguồn. "
    "Gõ /help để xem hướng dẫn."
)
WELCOME_ADMIN = (
    "Chào đồng chí! Đồng chí là quản trị viên của hệ thống. Tạo chi bộ bằng "
    "/taochibo &lt;tên chi bộ&gt;, rồi gửi đường dẫn mời cho bí thư chi bộ. Gõ /help để xem "
    "các lệnh."
)
LIBRARY_EMPTY_ADMIN = (
    "Kho văn bản đang trống nên tôi chưa trả lời được câu hỏi nào. Để nạp văn bản dùng chung: "
    "gửi tệp (.docx, .pdf, .txt, .md, .html) cho tôi trong tin nhắn riêng, hoặc chạy "
    "<code>chibo ingest &lt;thư mục&gt;</code> trên máy chủ. Nên ghi kèm nguồn (ví dụ đường dẫn "
    "trang chính thức) và xác nhận đã đối chiếu khi đã so với bản chính thức."
)
LIBRARY_ONLY_SAMPLES_ADMIN = (
    "Lưu ý: kho chỉ có văn bản mẫu (do nhóm phát triển viết để minh hoạ, không phải văn bản "
    "chính thức). Trước khi đưa vào dùng, xin gỡ chúng (<code>chibo remove corpus/sample</code>) "
    "và nạp văn bản thật."
)
HELP = (
    "<b>Hỏi đáp văn bản</b>\n"
    "• Gõ câu hỏi bằng tiếng Việt (có dấu hay không dấu đều được), ví dụ: "
    "«sinh hoạt chi bộ mấy lần một tháng?». Trong nhóm: /hoi &lt;câu hỏi&gt; hoặc nhắc tên tôi.\n"
    "• Câu trả lời là các câu trích nguyên văn, mỗi câu có số [1], [2]… chỉ tới nguồn ở cuối.\n"
    "• Nút 📄 mở toàn văn đoạn được trích; 🔎 xem thêm kết quả; 👍 / 👎 đánh giá câu trả lời.\n"
    "• /vanban &lt;số hiệu&gt; — thông tin, dàn ý và tệp gốc của một văn bản.\n"
    "• /tailieu [loại] [năm] — danh sách văn bản trong kho.\n"
    "• Từ bất kỳ cuộc trò chuyện nào: gõ @{bot} &lt;câu hỏi&gt;."
)
HELP_SECRETARY = (
    "\n\n<b>Dành cho bí thư, phó bí thư</b>\n"
    "• /moi — tạo đường dẫn mời đảng viên vào chi bộ.\n"
    "• /duyet — các yêu cầu tham gia đang chờ duyệt.\n"
    "• /thanhvien — danh sách đảng viên; /chuyendi &lt;họ tên&gt; — ghi nhận đã chuyển đi; "
    "/lienket — ghép tài khoản Telegram đã duyệt với dòng trong danh sách đảng viên.\n"
    "• Gửi tệp .docx, .pdf, .txt, .md, .html để nạp văn bản vào kho; gửi tệp .xlsx hoặc "
    ".csv để nhập danh sách đảng viên.\n"
    "• /phanhoi — các câu trả lời bị đánh giá 👎 cần xem lại.\n"
    "• /nhom (gõ trong nhóm Telegram của chi bộ) — ghi nhận nhóm của chi bộ.\n"
    "• /thongbao — gửi thông báo tới đảng viên; /thongbao_ds — các thông báo đã gửi.\n"
    "• /hop — lên lịch họp chi bộ (giấy mời, nhắc họp tự động); /cuochop — các cuộc họp: "
    "mã điểm danh, ai dự ai vắng, đổi giờ, hủy, kết thúc và báo cáo, biên bản.\n"
    "• /ghicomat &lt;họ tên&gt; — ghi điểm danh hộ đảng viên không dùng Telegram.\n"
    "• /diemdanh [5/2026 | 2026 | 1/2026 6/2026] — thống kê điểm danh của chi bộ (kèm tệp "
    "Excel); /diemdanh &lt;họ tên&gt; — của một đảng viên."
)
HELP_ADMIN = (
    "\n\n<b>Dành cho quản trị viên</b>\n"
    "• /taochibo &lt;tên chi bộ&gt; — tạo chi bộ và đường dẫn mời bí thư.\n"
    "• /dangbo — nhóm các chi bộ vào một đảng bộ, giao quyền bí thư đảng bộ.\n"
    "• /moi &lt;tên chi bộ&gt; — đường dẫn mời vào một chi bộ cụ thể."
)
SECRETARY_COMMANDS = {
    "hop": "Lên lịch họp chi bộ",
    "cuochop": "Các cuộc họp: điểm danh, báo cáo",
    "ghicomat": "Ghi điểm danh hộ đảng viên",
    "thongbao": "Gửi thông báo tới đảng viên",
    "thongbao_ds": "Các thông báo đã gửi",
    "moi": "Tạo đường dẫn mời đảng viên",
    "duyet": "Yêu cầu tham gia chờ duyệt",
    "thanhvien": "Danh sách đảng viên",
    "lienket": "Ghép tài khoản với danh sách",
    "phanhoi": "Câu trả lời bị đánh giá 👎",
}
ADMIN_COMMANDS = {"taochibo": "Tạo chi bộ mới", "dangbo": "Đảng bộ: nhóm chi bộ, bí thư"}
COMMANDS = {
    "hoi": "Hỏi về văn bản của Đảng",
    "comat": "Điểm danh tại cuộc họp (nhập mã)",
    "diemdanh": "Xem điểm danh của tôi",
    "vanban": "Xem một văn bản theo số hiệu",
    "tailieu": "Danh sách văn bản trong kho",
    "help": "Hướng dẫn sử dụng",
    "start": "Bắt đầu",
}

# ----------------------------------------------------------------------------- answers

ANSWER_BROKEN = (
    "Xin lỗi, tôi chưa ghép được câu trả lời có trích dẫn chính xác cho câu hỏi này; đồng chí "
    "thử hỏi lại theo cách khác."
)
MORE_HEADING = "<b>Thêm kết quả</b> cho «{question}»:"
NO_MORE = "Không còn đoạn nào khác đủ liên quan tới câu hỏi."
PASSAGE_POSITION = "Đoạn {n}/{total}"
PASSAGE_GONE = "Đoạn văn bản này không còn trong kho (văn bản đã được cập nhật hoặc gỡ bỏ)."
STALE_BUTTON = "Nút này thuộc một tin nhắn cũ, không còn dùng được; đồng chí hãy hỏi lại."
FEEDBACK_UP = "Cảm ơn đồng chí đã đánh giá."
FEEDBACK_DOWN = "Cảm ơn đồng chí; bí thư chi bộ sẽ xem lại câu trả lời này."
BTN_OPEN = "📄 [{n}]"
BTN_MORE = "🔎 Thêm kết quả"
BTN_UP = "👍"
BTN_DOWN = "👎"
BTN_PREV = "◀ Đoạn trước"
BTN_NEXT = "Đoạn sau ▶"
BTN_FILE = "📎 Tệp gốc"
BTN_READ = "📖 Đọc toàn văn"

# ----------------------------------------------------------------------------- groups

GROUP_ANSWERED_PRIVATELY = (
    "Tôi đã trả lời riêng đồng chí {name}: nhóm này có người chưa được xác nhận là đảng viên "
    "của chi bộ nên tôi không đăng văn bản ở đây."
)
GROUP_OPEN_PRIVATE_CHAT = (
    "Đồng chí {name} hãy nhắn riêng cho tôi (@{bot}, bấm «Bắt đầu») rồi hỏi lại; tôi chỉ trả "
    "lời riêng vì nhóm có người chưa được xác nhận là đảng viên của chi bộ."
)
GROUP_NOT_MEMBER = "Xin lỗi, tôi chỉ trả lời đảng viên của chi bộ."
GROUP_LINKED = (
    "Đã ghi nhận nhóm này là nhóm của {cell}. Tôi chỉ đăng câu trả lời trong nhóm khi mọi "
    "thành viên nhóm đều là đảng viên của chi bộ; nếu không, tôi trả lời riêng từng người."
)
GROUP_SENT_PRIVATELY = (
    "Tôi đã gửi riêng cho đồng chí {name} (thông tin riêng, không đăng trong nhóm)."
)
GROUP_ONLY = "Xin gõ lệnh này trong nhóm Telegram của chi bộ."
SLOW_DOWN = (
    "Đồng chí gửi nhanh quá nên tôi tạm bỏ qua các tin vừa rồi. Xin đợi khoảng {seconds} giây "
    "rồi gửi lại câu hỏi."
)
SLOW_DOWN_BUTTON = "Đồng chí bấm nhanh quá, xin đợi vài giây rồi bấm lại."
GROUP_COMMAND_PRIVATE = "Lệnh này dùng trong tin nhắn riêng với tôi."

# ----------------------------------------------------------------------------- documents

VANBAN_USAGE = (
    "Gõ số hiệu văn bản sau lệnh, viết kiểu nào cũng được, ví dụ: /vanban 05-CT/TW hoặc "
    "/vanban chỉ thị 05."
)
VANBAN_NOT_FOUND = (
    "Trong kho không có văn bản số «{number}». Gõ /tailieu để xem các văn bản hiện có."
)
VANBAN_MANY = "«{number}» khớp {n} văn bản:"
DOC_TITLE = "Trích yếu: {title}"
DOC_FILE = "Tệp: {file} ({n} đoạn)"
DOC_ADDED = "Nạp ngày {date}, bởi {who}."
DOC_ADDED_UNKNOWN = "Nạp ngày {date} (không ghi người nạp)."
DOC_NOTE = "Nguồn ghi kèm: {note}"
DOC_TRUST_SAMPLE = (
    "⚠️ Văn bản mẫu do nhóm phát triển viết để minh hoạ, không phải văn bản chính thức."
)
DOC_TRUST_UNCHECKED = "Chưa đối chiếu với bản chính thức."
DOC_TRUST_CHECKED = "✅ Đã đối chiếu với bản chính thức: {who}, ngày {date}."
BTN_DOC_CHECK = "✅ Đã đối chiếu"
BTN_DOC_REMOVE = "🗑 Gỡ khỏi kho"
BTN_DOC_REMOVE_CONFIRM = "🗑 Gỡ hẳn"
BTN_DOC_KEEP = "Giữ lại"
DOC_CHECKED = "Đã ghi: {label} đã được {who} đối chiếu với bản chính thức."
DOC_SAMPLE_CANNOT_CHECK = (
    "Đây là văn bản mẫu do nhóm phát triển viết để minh hoạ, không phải văn bản chính thức; "
    "không thể ghi là đã đối chiếu. Xin nạp bản chính thức."
)
DOC_REMOVE_ASK = "Gỡ {label} khỏi kho? Đảng viên sẽ không tra cứu được văn bản này nữa."
DOC_REMOVED = "Đã gỡ {label} khỏi kho."
DOC_KEPT = "Đã giữ lại văn bản."
DOC_REPLACE_ASK = (
    "Trong kho đã có {old}. Văn bản vừa nạp có thay thế bản cũ không? Nếu thay thế, bản cũ "
    "được gỡ khỏi kho và không còn được trích dẫn."
)
BTN_DOC_REPLACE = "🔁 Thay thế bản cũ"
BTN_DOC_KEEP_BOTH = "Giữ cả hai"
DOC_REPLACED = "Đã thay thế: {old} đã được gỡ khỏi kho."
DOC_KEPT_BOTH = "Đã giữ cả hai văn bản."
BTN_DOC_SHARE = "📚 Dùng cho cả {committee}"
DOC_SHARE_ASK = (
    "Văn bản này đang dành riêng cho chi bộ của đồng chí. Nếu là văn bản của đảng bộ, bấm nút "
    "dưới đây để mọi chi bộ trong {committee} cùng tra cứu."
)
DOC_SHARED = (
    "Đã chuyển {label} thành văn bản của {committee}: đảng viên các chi bộ trực thuộc tra cứu được."
)
DOC_NOT_YOURS = "Văn bản này không có trong kho, hoặc đồng chí không có quyền quản lý nó."
DOC_OUTLINE = "<b>Dàn ý:</b>"
DOC_CITES = "Dẫn chiếu: {numbers}"
DOC_CITED_BY = "Được dẫn chiếu bởi: {documents}"
TAILIEU_EMPTY = "Kho chưa có văn bản nào khớp."
TAILIEU_HEADING = "<b>Văn bản trong kho</b> ({n}):"
TAILIEU_UNDATED = "không rõ năm"
FILE_MISSING = "Không còn tệp gốc của văn bản này trên máy chủ."

# ----------------------------------------------------------------------------- uploads

UPLOAD_FORBIDDEN = (
    "Chỉ bí thư, phó bí thư chi bộ gửi được tệp vào kho. Nếu đồng chí muốn hỏi, xin gõ câu "
    "hỏi bằng chữ."
)
UPLOAD_UNSUPPORTED = (
    "Không nạp được «{name}»: định dạng này không được hỗ trợ. Tôi nhận văn bản .docx, .pdf, "
    ".txt, .md, .html và danh sách đảng viên .xlsx, .csv."
)
UPLOAD_TOO_LARGE = "Không nạp được «{name}»: tệp quá lớn ({size:.1f} MB; giới hạn {limit:g} MB)."
UPLOAD_DOWNLOADING = "⏳ Đang tải «{name}»…"
UPLOAD_READING = "⏳ Đang đọc và cắt đoạn «{name}»…"
UPLOAD_INDEXING = "⏳ Đang lập chỉ mục {n} đoạn của {label}…"
UPLOAD_ADDED = "✅ Đã nạp {label} ({n} đoạn) — có thể hỏi ngay."
UPLOAD_UPDATED = "✅ Đã cập nhật {label} ({n} đoạn) — có thể hỏi ngay."
UPLOAD_UNCHANGED = "ℹ️ «{name}» đã có trong kho, nội dung không đổi."
UPLOAD_DUPLICATE = "ℹ️ Không nạp «{name}»: {reason}."
UPLOAD_SAME_CONTENT = "nội dung trùng với một văn bản đã có trong kho"
UPLOAD_FAILED = "❌ Không nạp được «{name}»: {reason}."
UPLOAD_DOWNLOAD_FAILED = "❌ Không tải được «{name}» từ Telegram; đồng chí gửi lại giúp."
UPLOAD_INDEX_FAILED = (
    "❌ Đã lưu «{name}» nhưng chưa lập được chỉ mục tìm kiếm; xin báo quản trị viên."
)

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
    "🎉 Đồng chí đã được duyệt vào {cell}. Từ nay đồng chí cứ gõ câu hỏi về văn bản của Đảng, "
    "ví dụ «Chỉ thị 05 nói về gì?». Gõ /help để xem hướng dẫn."
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
ROSTER_BIRTH_YEAR = "năm sinh {year}"
ROSTER_FIELD_BIRTH = "ngày sinh"
ROSTER_FIELD_JOINED = "ngày vào Đảng"
ROSTER_FIELD_OFFICIAL = "ngày chính thức"
ROSTER_DONE = "✅ Đã nhập danh sách {cell}: thêm {created}, cập nhật {updated} đảng viên."
ROSTER_ERRORS = "⚠️ {n} dòng không nhập được:"
ROSTER_ERROR_LINE = "• dòng {line}: {reason}"
ROSTER_NO_CELL = "Đồng chí cần thuộc một chi bộ (là bí thư hoặc phó bí thư) để nhập danh sách."

# ----------------------------------------------------------------------------- feedback review

PHANHOI_EMPTY = "Chưa có câu trả lời nào bị đánh giá 👎 cần xem lại."
PHANHOI_ITEM = "👎 {when} — {who}\n<b>Hỏi:</b> {question}\n<b>Đã trích:</b>\n{cited}"
BTN_REVIEWED = "✔ Đã xem"
REVIEWED = "✔ Đã đánh dấu là đã xem."

# ----------------------------------------------------------------------------- inline mode

INLINE_JOIN = "Chỉ dành cho đảng viên — bấm để bắt đầu"

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

# ----------------------------------------------------------------------------- terminal

CHAT_WELCOME = (
    "Chibo — hỏi đáp văn bản của Đảng, trả lời bằng trích dẫn nguyên văn có nguồn.\n"
    "Gõ câu hỏi rồi Enter; /thoat hoặc Ctrl+D để thoát."
)
CHAT_PROMPT = "Hỏi› "
CHAT_FALLBACK = "Không có token nên chưa chạy được bot Telegram; mở trò chuyện trong cửa sổ lệnh."
CHAT_LOADING = "Đang nạp mô hình và kho văn bản…"
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
CHAT_SEEDED = (
    "Kho trống: đã nạp {n} văn bản mẫu từ {folder} để chạy thử. Đây là văn bản do nhóm phát "
    "triển viết để minh hoạ, không phải văn bản chính thức; mỗi trích dẫn đều ghi rõ như vậy."
)
CHAT_QUIT = ("/thoat", "/exit", "/quit", "thoat", "exit", "quit")
RUN_STARTED = "Bot đang chạy ({mode}); Ctrl+C để dừng."

# ----------------------------------------------------------------------------- database

DB_AT_HEAD = "Cơ sở dữ liệu đã ở phiên bản mới nhất ({revision})."
DB_UPGRADED = "Đã nâng cấp cơ sở dữ liệu từ phiên bản {before} lên phiên bản mới nhất ({revision})."
DB_VERSIONED = "Đã đưa cơ sở dữ liệu lên phiên bản mới nhất ({revision})."
DB_BEHIND = (
    "Cơ sở dữ liệu đang ở phiên bản {revision}, bản mới nhất là {head}; "
    "chạy «chibo db upgrade» để nâng cấp."
)
DB_UNVERSIONED = (
    "Cơ sở dữ liệu chưa có phiên bản (còn trống, hoặc được tạo trước khi có phiên bản); "
    "chạy «chibo db upgrade» để đưa lên phiên bản mới nhất ({head})."
)
