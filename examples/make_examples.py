"""Writes the bundled sample notices (fictional province Hòa Sơn) as TXT, DOCX and PDF.

Run from the repository root: ``python examples/make_examples.py``. The output is committed;
re-run it only when the texts below change.
"""
from __future__ import annotations

from pathlib import Path

from docgen import write_docx, write_pdf

HERE = Path(__file__).resolve().parent

PHIEN_HOP = """ỦY BAN NHÂN DÂN
TỈNH HÒA SƠN
Số: 15/TB-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hòa Sơn, ngày 10 tháng 01 năm 2025
THÔNG BÁO
Kết luận của Chủ tịch UBND tỉnh tại phiên họp thường kỳ tháng 01 năm 2025
Ngày 06 tháng 01 năm 2025, UBND tỉnh Hòa Sơn tổ chức phiên họp thường kỳ tháng 01 năm 2025 dưới sự chủ trì của đồng chí Lê Minh An - Chủ tịch UBND tỉnh. Sau khi nghe báo cáo và ý kiến thảo luận của các đại biểu, đồng chí Chủ tịch UBND tỉnh kết luận như sau:
I. Kết quả thực hiện nhiệm vụ năm 2024
Năm 2024, tình hình kinh tế - xã hội của tỉnh tiếp tục phục hồi và phát triển:
- Tốc độ tăng trưởng kinh tế (GRDP) đạt 6,42%, cao hơn mức bình quân cả nước.
- Thu ngân sách nhà nước trên địa bàn đạt 4.812 tỷ đồng, bằng 104,6% dự toán Trung ương giao.
- Giải ngân vốn đầu tư công đạt 92,3% kế hoạch vốn được giao.
- Tổng lượt khách du lịch đạt 2,1 triệu lượt, tăng 18% so với năm 2023.
Tuy nhiên, còn 05/36 chỉ tiêu không đạt kế hoạch, trong đó có tỷ lệ hộ nghèo và giá trị xuất khẩu.
II. Nhiệm vụ trọng tâm tháng 01 và Quý I năm 2025
1. Nhiệm vụ chung
Các sở, ban, ngành, UBND các huyện, thành phố khẩn trương xây dựng kế hoạch hành động thực hiện Nghị quyết của HĐND tỉnh về phát triển kinh tế - xã hội năm 2025, ban hành trước ngày 20/01/2025.
2. Nhiệm vụ cụ thể
2.1. Tài chính - ngân sách
- Giao Sở Tài chính chủ trì, phối hợp với Cục Thuế tỉnh xây dựng kịch bản thu ngân sách năm 2025 theo từng quý, báo cáo UBND tỉnh trước ngày 31/01/2025.
- Cục Thuế tỉnh tăng cường đôn đốc thu hồi nợ đọng thuế, phấn đấu giảm nợ thuế xuống dưới 5% tổng thu.
2.2. Đầu tư công
- Giao Sở Kế hoạch và Đầu tư chủ trì, phối hợp với Sở Tài chính tham mưu phân bổ chi tiết kế hoạch vốn đầu tư công năm 2025, hoàn thành trong tháng 01/2025.
- Các chủ đầu tư phấn đấu giải ngân 100% kế hoạch vốn năm 2025; chủ đầu tư chậm giải ngân phải báo cáo, giải trình với UBND tỉnh.
2.3. Văn hóa - xã hội
- Giao Sở Lao động - Thương binh và Xã hội chủ trì tổ chức thăm hỏi, tặng quà các gia đình chính sách dịp Tết Nguyên đán Ất Tỵ, hoàn thành trước ngày 25/01/2025.
- Sở Y tế bảo đảm thuốc, vật tư y tế và trực cấp cứu 24/24 giờ trong dịp Tết.
III. Tổ chức thực hiện
Văn phòng UBND tỉnh theo dõi, đôn đốc việc thực hiện, tổng hợp báo cáo Chủ tịch UBND tỉnh kết quả thực hiện các nhiệm vụ trên vào ngày 28 hằng tháng.
Nơi nhận:
- Thường trực Tỉnh ủy;
- Các sở, ban, ngành tỉnh;
- Lưu: VT.
TL. CHỦ TỊCH
CHÁNH VĂN PHÒNG
Trần Thị Bình
"""

CHUYEN_DOI_SO_HEADER = [
    ["ỦY BAN NHÂN DÂN\nTỈNH HÒA SƠN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"],
    ["Số: 42/KH-UBND", "Hòa Sơn, ngày 18 tháng 02 năm 2025"],
]
CHUYEN_DOI_SO = [
    "KẾ HOẠCH",
    "Chuyển đổi số tỉnh Hòa Sơn năm 2025",
    "Căn cứ Nghị quyết số 08/NQ-HĐND ngày 12/12/2024 của HĐND tỉnh, UBND tỉnh ban hành Kế hoạch chuyển đổi số năm 2025 như sau:",
    "I. MỤC TIÊU",
    "1. Mục tiêu chung",
    "Phát triển chính quyền số, kinh tế số và xã hội số; nâng cao chất lượng phục vụ người dân, doanh nghiệp.",
    "2. Chỉ tiêu cụ thể",
    "a) 100% hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng (trừ hồ sơ mật).",
    "b) Tỷ lệ dịch vụ công trực tuyến toàn trình đạt tối thiểu 80%.",
    "c) 95% văn bản đi của các cơ quan nhà nước được ký số.",
    "II. NHIỆM VỤ VÀ GIẢI PHÁP",
    "1. Hạ tầng số",
    "Giao Sở Thông tin và Truyền thông chủ trì, phối hợp với Viettel Hòa Sơn nâng cấp Trung tâm dữ liệu tỉnh, hoàn thành trước ngày 30/6/2025.",
    "2. Dữ liệu số",
    "a) Sở Tài nguyên và Môi trường hoàn thành cơ sở dữ liệu đất đai của 03 huyện còn lại trong Quý III/2025.",
    "b) Công an tỉnh chủ trì khai thác dữ liệu dân cư phục vụ giải quyết thủ tục hành chính.",
    "III. TỔ CHỨC THỰC HIỆN",
    "Các cơ quan, đơn vị báo cáo kết quả thực hiện về Sở Thông tin và Truyền thông trước ngày 15/12/2025 để tổng hợp.",
    "Nơi nhận:",
    "- Bộ Thông tin và Truyền thông;",
    "- Lưu: VT.",
    "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "Nguyễn Văn Hùng",
]
CHUYEN_DOI_SO_TABLE = [
    ["STT", "Chỉ tiêu", "Cơ quan chủ trì", "Thời hạn"],
    ["1", "Tỷ lệ dịch vụ công trực tuyến toàn trình", "Văn phòng UBND tỉnh", "31/12/2025"],
    ["2", "Tỷ lệ văn bản được ký số", "Sở Thông tin và Truyền thông", "30/9/2025"],
]

GIAI_NGAN_PAGES = [
    [
        "ỦY BAN NHÂN DÂN TỈNH HÒA SƠN",
        "Số: 27/TB-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hòa Sơn, ngày 05 tháng 3 năm 2025",
        "THÔNG BÁO",
        "Kết luận của Phó Chủ tịch UBND tỉnh tại cuộc họp về tiến độ giải ngân vốn đầu tư công",
        "Ngày 03/3/2025, đồng chí Phạm Quốc Việt - Phó Chủ tịch UBND tỉnh chủ trì cuộc họp về tiến độ giải ngân vốn đầu tư công năm 2025. Kết luận như sau:",
        "1. Đánh giá chung",
        "Đến ngày 28/02/2025, toàn tỉnh giải ngân được 512 tỷ đồng, đạt 11,4% kế hoạch vốn, thấp hơn cùng kỳ năm 2024 (13,2%). Nguyên nhân chủ yếu do vướng mắc trong công tác giải phóng mặt bằng.",
        "2. Nhiệm vụ thời gian tới",
        "a) Giao Ban Quản lý dự án đầu tư xây dựng tỉnh đẩy nhanh thi công tuyến đường tỉnh 615, bảo đảm giải ngân tối thiểu 40% kế hoạch vốn trước ngày 30/6/2025.",
    ],
    [
        "b) Giao UBND huyện Đồng Xuân chủ trì, phối hợp với Trung tâm Phát triển quỹ đất tỉnh hoàn thành bồi thường, giải phóng mặt bằng dự án Khu công nghiệp Nam Hòa Sơn trước ngày 15/4/2025.",
        "c) Sở Tài chính kiểm soát chặt chẽ việc thanh toán, thu hồi tạm ứng vốn đầu tư công; báo cáo UBND tỉnh định kỳ hằng tháng.",
        "3. Tổ chức thực hiện",
        "Sở Kế hoạch và Đầu tư theo dõi, tổng hợp tình hình giải ngân, báo cáo UBND tỉnh vào ngày 25 hằng tháng.",
        "Nơi nhận:",
        "- Như mục 2;",
        "- Lưu: VT.",
        "TL. CHỦ TỊCH",
        "KT. CHÁNH VĂN PHÒNG",
        "PHÓ CHÁNH VĂN PHÒNG",
        "Đỗ Thanh Tâm",
    ],
]


def main() -> None:
    (HERE / "TB_15_phien_hop_thang_01_2025.txt").write_text(PHIEN_HOP, encoding="utf-8")
    write_docx(HERE / "KH_42_chuyen_doi_so_2025.docx", CHUYEN_DOI_SO, header_table=CHUYEN_DOI_SO_HEADER,
               tables=[CHUYEN_DOI_SO_TABLE])
    write_pdf(HERE / "TB_27_giai_ngan_dau_tu_cong.pdf", GIAI_NGAN_PAGES, footer_numbers=True)


if __name__ == "__main__":
    main()
