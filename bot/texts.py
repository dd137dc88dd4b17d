"""Sentences every feature shares: who may ask, start and help, groups, terminal, database.

Each feature keeps its own sentences beside its code (bot/members/texts.py, bot/answers/texts.py,
bot/meetings/texts.py, bot/notices/texts.py). Strings used with parse_mode=HTML may contain tags;
values filled into them are escaped by the caller. Placeholders are named ({name}, {cell}, …).
"""

from __future__ import annotations

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
    "• Từ bất kỳ cuộc trò chuyện nào: gõ @{bot} &lt;câu hỏi&gt;.\n\n"
    "<b>Họp chi bộ</b>\n"
    "• Khi chi bộ lên lịch họp, tôi gửi giấy mời: bấm «✅ Sẽ dự» hoặc «🙏 Xin vắng» (kèm lý do) "
    "để bí thư biết; trước giờ họp tôi nhắc lại.\n"
    "• Tại cuộc họp: gõ /comat &lt;mã số&gt; (mã bí thư đọc hoặc chiếu lên), hoặc quét mã QR "
    "để điểm danh.\n"
    "• /diemdanh — các buổi sinh hoạt đồng chí đã dự, đi muộn hay vắng trong năm qua."
)
# Telegram shows these before anyone presses Start (bot description, up to 512 characters)
# and on the bot's profile and in shared links (short description, up to 120).
DESCRIPTION = (
    "Trợ lý của chi bộ: trả lời câu hỏi về văn bản của Đảng bằng câu trích nguyên văn, có ghi "
    "nguồn (số hiệu, ngày, cơ quan ban hành); gửi giấy mời họp, thông báo của chi bộ và điểm "
    "danh tại buổi sinh hoạt. Chỉ dành cho đảng viên đã được bí thư chi bộ duyệt. Bấm «Bắt đầu» "
    "rồi gửi họ và tên để xin tham gia."
)
SHORT_DESCRIPTION = "Trợ lý chi bộ: hỏi đáp văn bản của Đảng có trích dẫn, họp và điểm danh."

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
    "• /ghicomat &lt;họ tên&gt; — ghi điểm danh hộ đảng viên không dùng Telegram; "
    "/suadiemdanh &lt;họ tên&gt; &lt;có mặt | đi muộn | vắng có lý do | vắng&gt;, &lt;lý do&gt; — "
    "sửa điểm danh cuộc họp đã kết thúc (giữ lại bản ban đầu).\n"
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
    "suadiemdanh": "Sửa điểm danh cuộc họp đã kết thúc",
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

# ----------------------------------------------------------------------------- terminal

CHAT_WELCOME = (
    "Chibo — hỏi đáp văn bản của Đảng, trả lời bằng trích dẫn nguyên văn có nguồn.\n"
    "Gõ câu hỏi rồi Enter; /thoat hoặc Ctrl+D để thoát."
)

CHAT_PROMPT = "Hỏi› "

CHAT_FALLBACK = "Không có token nên chưa chạy được bot Telegram; mở trò chuyện trong cửa sổ lệnh."

CHAT_LOADING = "Đang nạp mô hình và kho văn bản…"

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
