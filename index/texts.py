"""The Vietnamese sentences of an answer: its sources heading, and what it says when nothing is
found.
"""

SOURCES_HEADING = "Nguồn:"
# Added to every citation of a document whose text is not known to be the official one.
SAMPLE_LABEL = "văn bản mẫu minh hoạ, không phải văn bản chính thức"
UNCHECKED_LABEL = "chưa đối chiếu với bản chính thức"
# {numbers}: «văn bản số 99-CT/TW», or «Chỉ thị số 03» for a number asked by its kind alone.
UNKNOWN_NUMBERS = "Trong kho chưa có {numbers}."
UNKNOWN_NUMBERS_MENTIONED = (
    "Trong kho chưa có {numbers}; dưới đây là những đoạn văn bản khác nhắc tới nó."
)
UNKNOWN_BY_NUMBER = "văn bản số {number}"
UNKNOWN_BY_KIND = "{kind} số {number:02d}"
UNKNOWN_AS_TYPED = "văn bản «{number}»"
MISSING_ARTICLE = "{document} trong kho chỉ có {articles} điều, không có Điều {article}."
NOT_FOUND = (
    "Chưa tìm thấy đoạn văn bản nào trả lời câu hỏi này trong kho. Đồng chí thử hỏi lại bằng "
    "từ ngữ khác, hoặc nêu số hiệu văn bản (ví dụ «{example}»). Gõ /tailieu để xem các văn bản "
    "hiện có."
)
NOT_FOUND_EMPTY_STORE = (
    "Kho hiện chưa có văn bản nào; bí thư chi bộ có thể gửi tệp văn bản cho tôi để nạp vào kho."
)
