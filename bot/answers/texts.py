"""Every Vietnamese sentence about answers and the library: quotes, documents, uploads, feedback.

Strings used with parse_mode=HTML may contain tags; values filled into them are escaped by the
caller. Placeholders are named ({name}, {label}, …).
"""

from __future__ import annotations

# ----------------------------------------------------------------------------- questions

EMPTY_QUESTION = "Đồng chí hãy gõ câu hỏi sau lệnh, ví dụ: /hoi sinh hoạt chi bộ mấy lần một tháng?"

QUESTION_TOO_LONG = (
    "Câu hỏi dài quá ({length} ký tự); xin hỏi ngắn gọn, dưới {limit} ký tự. "
    "Nếu đó là một văn bản, bí thư chi bộ có thể gửi dưới dạng tệp để nạp vào kho."
)

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
    "Không nạp được «{name}»: định dạng này không được hỗ trợ. Tôi nhận văn bản .docx, .doc, "
    ".pdf (cả bản quét), ảnh chụp trang văn bản (.jpg, .png), .txt, .md, .html và danh sách "
    "đảng viên .xlsx, .csv."
)

UPLOAD_TOO_LARGE = "Không nạp được «{name}»: tệp quá lớn ({size:.1f} MB; giới hạn {limit:g} MB)."

UPLOAD_DOWNLOADING = "⏳ Đang tải «{name}»…"

OCR_PAGE = "⏳ Đang nhận dạng chữ trang {page}/{total}…"
BTN_OCR_STOP = "⛔ Dừng"
OCR_STOPPING = "Đang dừng; trang đang đọc dở sẽ bị bỏ, chưa nạp gì vào kho."
OCR_NOT_YOURS = "Chỉ người gửi các trang này mới dừng được việc nhận dạng."
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

# ----------------------------------------------------------------------------- feedback review

PHANHOI_EMPTY = "Chưa có câu trả lời nào bị đánh giá 👎 cần xem lại."

PHANHOI_ITEM = "👎 {when} — {who}\n<b>Hỏi:</b> {question}\n<b>Đã trích:</b>\n{cited}"

BTN_REVIEWED = "✔ Đã xem"

REVIEWED = "✔ Đã đánh dấu là đã xem."

# ----------------------------------------------------------------------------- inline mode

INLINE_JOIN = "Chỉ dành cho đảng viên — bấm để bắt đầu"
