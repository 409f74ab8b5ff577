"""A fictional notice for the answering tests: items introduced by "Giao X chủ trì ...:" lines."""
from __future__ import annotations

from pathlib import Path

NOTICE = """ỦY BAN NHÂN DÂN
TỈNH HÒA SƠN
Số: 08/TB-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hòa Sơn, ngày 20 tháng 01 năm 2025
THÔNG BÁO
Kết luận của Phó Chủ tịch UBND tỉnh tại Hội nghị cải cách hành chính năm 2024
Ngày 16/01/2025, đồng chí Vũ Thanh Hà - Phó Chủ tịch UBND tỉnh chủ trì Hội nghị đánh giá công tác cải cách hành chính năm 2024 của tỉnh Hòa Sơn. Sau khi nghe báo cáo của Sở Nội vụ, đồng chí kết luận như sau:
I. ĐÁNH GIÁ CHUNG
Năm 2024, tỉnh đã hoàn thành 38/40 nhiệm vụ cải cách hành chính đề ra, đạt 95% kế hoạch. Tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng hạn đạt 98,7%.
Tuy nhiên, việc số hóa hồ sơ ở một số xã còn chậm; năng lực của đội ngũ công chức cấp xã còn hạn chế; một số cơ quan chưa sử dụng chữ ký số thường xuyên.
II. NHIỆM VỤ TRỌNG TÂM NĂM 2025
1. Về cải cách thủ tục hành chính
Giao Văn phòng UBND tỉnh chủ trì, phối hợp với các sở, ngành, địa phương:
a) Rà soát quy trình tiếp nhận, giải quyết thủ tục hành chính, tập trung vào các hồ sơ trả lại và hồ sơ trễ hạn; hằng tuần báo cáo UBND tỉnh.
b) Công khai đầy đủ thủ tục hành chính trên Cổng Dịch vụ công của tỉnh trước ngày 28/02/2025.
2. Về chính quyền số
Giao Sở Khoa học và Công nghệ chủ trì, phối hợp với Viễn thông Hòa Sơn:
a) Theo dõi tình hình sử dụng chữ ký số của từng cơ quan, đơn vị, báo cáo UBND tỉnh hằng quý.
b) Nâng cấp Trung tâm giám sát điều hành thông minh của tỉnh, hoàn thành trong Quý III/2025.
3. Về tài chính công
Sở Tài chính tham mưu bố trí kinh phí cho các xã thực hiện số hóa hồ sơ, báo cáo UBND tỉnh trước ngày 15/3/2025.
III. TỔ CHỨC THỰC HIỆN
Sở Nội vụ theo dõi, tổng hợp tình hình thực hiện Thông báo này, báo cáo UBND tỉnh trước ngày 10 hằng tháng.
Nơi nhận:
- Các sở, ban, ngành tỉnh;
- Lưu: VT.
TL. CHỦ TỊCH
CHÁNH VĂN PHÒNG
Trần Thị Bình
"""
SOURCE = "TB_08_cai_cach_hanh_chinh.txt"


def write_notices(folder: Path, extra: dict[str, str] | None = None) -> Path:
    """Writes :data:`NOTICE` (and ``extra`` files: name -> text) into ``folder``; returns the folder."""
    for name, text in {SOURCE: NOTICE, **(extra or {})}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# A second notice of the same province, as a Word file: tasks with deadlines in its paragraphs and in an
# assignment table, so questions gathering tasks ("Sở Tài chính có những nhiệm vụ gì?", "những việc nào phải
# hoàn thành trước ngày 31/3/2025?") have items in both notices.
TASKS_SOURCE = "TB_31_giao_ban_quy_I_2025.docx"
TASKS_HEADER = [["ỦY BAN NHÂN DÂN\nTỈNH HÒA SƠN\nSố: 31/TB-UBND",
                 "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nHòa Sơn, ngày 05 tháng 3 năm 2025"]]
TASKS_PARAGRAPHS = [
    "THÔNG BÁO",
    "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp giao ban kinh tế - xã hội quý I năm 2025",
    "Ngày 03/3/2025, đồng chí Lê Minh Khôi - Chủ tịch UBND tỉnh chủ trì cuộc họp giao ban kinh tế - xã hội "
    "quý I năm 2025. Sau khi nghe báo cáo của các sở, ngành, đồng chí Chủ tịch UBND tỉnh kết luận như sau:",
    "1. Về thu ngân sách",
    "Giao Sở Tài chính chủ trì, phối hợp với Cục Thuế tỉnh xây dựng kịch bản thu ngân sách quý II năm 2025, "
    "báo cáo UBND tỉnh trước ngày 10/4/2025.",
    "2. Về quy hoạch và đất đai",
    "Sở Xây dựng hoàn thành thẩm định đồ án quy hoạch chung đô thị Bắc Sơn trong tháng 3/2025; Sở Nông nghiệp và "
    "Môi trường cập nhật bản đồ địa chính xã Tân Lập trước ngày 20/4/2025.",
    "3. Về giáo dục",
    "Sở Giáo dục và Đào tạo chủ trì rà soát, sắp xếp mạng lưới trường mầm non trên địa bàn tỉnh, trình UBND tỉnh "
    "phê duyệt trước ngày 30/6/2025.",
    "4. Các nhiệm vụ khác theo bảng sau:",
]
TASKS_TABLE = [
    ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn"],
    ["1", "Tổng hợp đề xuất danh mục dự án đầu tư công năm 2026", "Sở Tài chính", "Trước ngày 25/3/2025"],
    ["2", "Kiểm tra an toàn phòng cháy tại các chợ đầu mối", "Công an tỉnh", "Quý III/2025"],
]


def write_task_notice(folder: Path) -> Path:
    """Writes the Word notice with tasks (:data:`TASKS_SOURCE`) into ``folder``; returns its path."""
    from docgen import write_docx

    return write_docx(folder / TASKS_SOURCE, TASKS_PARAGRAPHS, header_table=TASKS_HEADER, tables=[TASKS_TABLE])
