"""Agency names in Vietnamese provincial documents: recognition, normalisation, tone-mark-free lookup.

Recognition reads an agency list at a position ("Sở Kế hoạch và Đầu tư, Sở Tài chính và các đơn vị
liên quan"): a known name from :data:`ALIASES` (longest match, spelling-insensitive) or a head word
("Sở", "Ban", "UBND", "Trung tâm", "các cơ quan", ...) followed by the name's words up to the verb
that follows the subject. Normalisation maps each name to one canonical spelling
(`Sở KH&ĐT` -> `Sở Kế hoạch và Đầu tư`); groups such as `UBND các huyện, thị xã, thành phố` stay
one agency. :class:`AgencyMatcher` answers lookups typed without tone marks or abbreviated.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ingest.places import province_end
from ingest.vietnamese import fold_chars, fold_key

# Canonical name -> other spellings. Generic vocabulary of provincial administrations, not one province.
ALIASES: dict[str, tuple[str, ...]] = {
    # Provincial departments (sở) and equivalent bodies.
    "Sở Kế hoạch và Đầu tư": ("Sở KH&ĐT", "Sở KHĐT", "Sở KH và ĐT", "Sở Kế hoạch - Đầu tư"),
    "Sở Tài chính": ("Sở TC",),
    "Sở Nội vụ": ("Sở NV",),
    "Sở Tư pháp": ("Sở TP",),
    "Sở Công Thương": ("Sở CT", "Sở Công nghiệp và Thương mại"),
    "Sở Xây dựng": ("Sở XD",),
    "Sở Giao thông vận tải": ("Sở GTVT", "Sở Giao thông - Vận tải", "Sở Giao thông và Vận tải"),
    "Sở Nông nghiệp và Phát triển nông thôn": ("Sở NN&PTNT", "Sở Nông nghiệp và PTNT", "Sở NNPTNT"),
    "Sở Nông nghiệp và Môi trường": ("Sở NN&MT", "Sở NNMT"),
    "Sở Tài nguyên và Môi trường": ("Sở TN&MT", "Sở TNMT"),
    "Sở Thông tin và Truyền thông": ("Sở TT&TT", "Sở TTTT"),
    "Sở Khoa học và Công nghệ": ("Sở KH&CN", "Sở KHCN"),
    "Sở Giáo dục và Đào tạo": ("Sở GD&ĐT", "Sở GDĐT"),
    "Sở Y tế": ("Sở YT",),
    "Sở Lao động - Thương binh và Xã hội": ("Sở LĐ-TB&XH", "Sở LĐTBXH", "Sở Lao động, Thương binh và Xã hội"),
    "Sở Văn hóa, Thể thao và Du lịch": ("Sở VH,TT&DL", "Sở VHTTDL", "Sở VH-TT&DL", "Sở Văn hoá, Thể thao và Du lịch"),
    "Sở Văn hóa và Thể thao": ("Sở VH&TT", "Sở Văn hoá và Thể thao"),
    "Sở Du lịch": (),
    "Sở Ngoại vụ": (),
    "Sở Dân tộc và Tôn giáo": ("Sở DT&TG",),
    "Ban Dân tộc": ("Ban Dân tộc tỉnh",),
    "Thanh tra tỉnh": ("Thanh tra",),
    "Văn phòng UBND tỉnh": ("Văn phòng Ủy ban nhân dân tỉnh", "VP UBND tỉnh", "VPUBND tỉnh", "Văn phòng UBND"),
    "Văn phòng Đoàn ĐBQH và HĐND tỉnh": ("Văn phòng Đoàn ĐBQH&HĐND tỉnh",),
    "Công an tỉnh": ("CA tỉnh",),
    "Bộ Chỉ huy Quân sự tỉnh": ("Bộ CHQS tỉnh",),
    "Bộ Chỉ huy Bộ đội Biên phòng tỉnh": ("BĐBP tỉnh", "Bộ CH BĐBP tỉnh"),
    "Cục Thuế tỉnh": ("Cục Thuế", "Thuế tỉnh"),
    "Cục Hải quan tỉnh": ("Cục Hải quan",),
    "Cục Thống kê tỉnh": ("Cục Thống kê",),
    "Cục Quản lý thị trường tỉnh": ("Cục Quản lý thị trường", "Cục QLTT"),
    "Kho bạc Nhà nước tỉnh": ("Kho bạc Nhà nước", "KBNN tỉnh", "KBNN"),
    "Ngân hàng Nhà nước chi nhánh tỉnh": ("Ngân hàng Nhà nước", "NHNN chi nhánh tỉnh"),
    "Bảo hiểm xã hội tỉnh": ("BHXH tỉnh", "Bảo hiểm xã hội"),
    "Ban Quản lý Khu kinh tế tỉnh": ("Ban Quản lý Khu kinh tế", "BQL Khu kinh tế", "Ban QL Khu kinh tế"),
    "Ban Quản lý các khu công nghiệp tỉnh": ("Ban Quản lý các khu công nghiệp", "Ban quản lý các khu công nghiệp"),
    "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch tỉnh": (
        "Trung tâm XTĐT, TM&DL", "Trung tâm XTĐTTM & DL", "Trung tâm XTĐT Thương mại và Du lịch",
        "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch"),
    "Trung tâm Phát triển quỹ đất tỉnh": ("Trung tâm Phát triển quỹ đất", "TTPTQĐ"),
    "Trung tâm Phục vụ hành chính công tỉnh": ("Trung tâm Phục vụ hành chính công",),
    "Đài Phát thanh và Truyền hình tỉnh": ("Đài PT-TH tỉnh",),
    "Liên đoàn Thương mại và Công nghiệp Việt Nam": ("VCCI", "Liên đoàn Thương mại và Công nghiệp Việt Nam (VCCI)"),
    "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh": ("Ủy ban MTTQ Việt Nam tỉnh", "Ủy ban MTTQVN tỉnh", "MTTQ tỉnh"),
    "UBND tỉnh": ("Ủy ban nhân dân tỉnh",),
    "HĐND tỉnh": ("Hội đồng nhân dân tỉnh",),
    # Groups, kept as one agency each.
    "UBND các huyện, thị xã, thành phố": ("UBND các huyện, thành phố", "UBND huyện, thị xã, thành phố",
                                         "UBND các huyện, thị xã, thành phố trực thuộc tỉnh"),
    "UBND cấp huyện": (),
    "UBND các xã, phường, đặc khu": ("UBND xã, phường, đặc khu",),
    "UBND các xã, phường, thị trấn": ("UBND xã, phường, thị trấn",),
    "UBND cấp xã": (),
    "UBND các xã": (),
    "Chủ tịch UBND các huyện, thị xã, thành phố": (),
    "Chủ tịch UBND cấp huyện": (),
    "Chủ tịch UBND các xã": (),
    "Thủ trưởng các cơ quan, đơn vị": ("Thủ trưởng các sở, ban, ngành",),
    "Các sở, ban, ngành": ("các sở, ban, ngành tỉnh", "các sở, ngành", "các Sở, ngành", "sở, ban, ngành",
                           "các sở, ban, ngành thuộc UBND tỉnh", "các sở, ban, ngành của tỉnh"),
    "Các sở, ban, ngành, địa phương": ("các sở, ngành, địa phương",),
    "Các sở, ban, ngành, đoàn thể": ("các sở, ban, ngành, đoàn thể tỉnh", "các sở, ban, ngành, đoàn thể cấp tỉnh",
                                     "sở, ban, ngành, đoàn thể", "các sở, ngành, đoàn thể"),
    "Các sở, ban, ngành, đoàn thể, địa phương": ("các sở, ngành, đoàn thể, địa phương",),
    "Thủ trưởng các sở, ban, ngành, đoàn thể": ("Thủ trưởng các sở, ban, ngành, đoàn thể cấp tỉnh",),
    "Các cơ quan, địa phương": ("cơ quan, địa phương",),
    "Các cơ quan, đơn vị": ("cơ quan, đơn vị",),
    "Các cơ quan, đơn vị, địa phương": ("cơ quan, đơn vị, địa phương",),
    "Các cơ quan chuyên môn thuộc UBND tỉnh": (),
    "Các đơn vị": ("đơn vị",),
    "Các địa phương": ("địa phương",),
    "Các cơ quan": (),
    "Nhà đầu tư": ("Nhà Đầu tư", "các nhà đầu tư"),
    "Chủ đầu tư": ("các chủ đầu tư",),
}

# Long forms folded to the short forms used in keys, so "Ban QLDA" and "Ban Quản lý dự án" compare equal.
_KEY_SHORT = (
    ("uy ban nhan dan", "ubnd"), ("hoi dong nhan dan", "hdnd"), ("quan ly du an", "qlda"),
    ("dau tu xay dung", "dtxd"), ("van phong ubnd", "vp ubnd"), ("ban quan ly", "bql"), ("ban ql", "bql"),
)

# Words that may open an agency's name. Proper heads are matched with their capital letter so that
# "ban hành", "báo cáo", "hội nghị" or "bộ máy" are not taken for agencies.
_CAP = r"(?= [A-ZĐÀ-ỸẠ-Ỵ])"  # followed by a capitalised word: "Bộ Nội vụ" but not "Bộ tiêu chí"
_PROPER_HEADS = (
    r"Sở", r"Ban(?! hành)", r"UBND", r"Ủy ban(?: nhân dân| Mặt trận)?", r"Uỷ ban(?: nhân dân)?", r"HĐND",
    r"Hội đồng nhân dân", r"Văn phòng", r"VP", r"Công an", r"Bộ Chỉ huy", r"Bộ CHQS", r"Bộ trưởng", r"Bộ" + _CAP,
    r"Cục", r"Chi cục", r"Tổng cục", r"Trung tâm", r"Kho bạc", r"Thanh tra", r"Ngân hàng", r"Bảo hiểm xã hội",
    r"BHXH", r"Đài" + _CAP, r"Báo" + _CAP, r"Tỉnh đoàn", r"Tỉnh ủy", r"Tỉnh uỷ", r"Thành ủy", r"Huyện ủy",
    r"Hội" + _CAP, r"Liên đoàn", r"Liên minh", r"Mặt trận", r"MTTQ", r"Nhà [Đđ]ầu tư", r"Chủ đầu tư", r"Công ty",
    r"Tập đoàn", r"Tổng công ty", r"Viện" + _CAP, r"Bệnh viện", r"Trường" + _CAP, r"Chủ tịch", r"Thủ trưởng",
    r"Giám đốc", r"Đoàn" + _CAP, r"Hạt" + _CAP, r"Phòng" + _CAP, r"Chính phủ", r"Thủ tướng", r"Quỹ" + _CAP,
    r"Tổ công tác", r"BCĐ", r"Cơ quan", r"Đơn vị", r"Thường trực(?= (?:UBND|HĐND|Tỉnh))", r"VCCI", r"VNPT",
    r"Viettel", r"Điện lực", r"Bưu điện", r"Từng(?= (?:sở|cơ quan|đơn vị))", r"Viễn thông" + _CAP,
    r"Tổ giúp việc", r"Tổ trưởng", r"Tổ phó", r"(?:Phó )?Trưởng [Bb]an", r"Chánh Văn phòng", r"Chánh Thanh tra",
)
_GROUP_HEADS = (
    r"các sở", r"các cơ quan", r"các đơn vị", r"các địa phương", r"các ngành", r"các cơ sở", r"các doanh nghiệp",
    r"các chủ đầu tư", r"các nhà đầu tư", r"các huyện", r"các xã", r"các phường", r"các bộ", r"các tỉnh", r"các ban",
    r"địa phương", r"nhà đầu tư", r"chủ đầu tư", r"thủ trưởng", r"sở, ban, ngành",
)
_HEAD = re.compile(rf"(?:{'|'.join(_PROPER_HEADS)})\b|(?i:{'|'.join(_GROUP_HEADS)})\b")

# Where the subject's name ends: the verbs and markers that follow a subject in directives.
_STOP_WORDS = (
    "chủ trì", "phối hợp", "tiếp tục", "khẩn trương", "chủ động", "tập trung", "tăng cường", "đẩy mạnh", "đẩy nhanh",
    "nâng cao", "nghiên cứu", "rà soát", "hoàn thiện", "hoàn thành", "tham mưu", "theo dõi", "đôn đốc", "kiểm tra",
    "chỉ đạo", "hướng dẫn", "thực hiện", "triển khai", "tổ chức", "báo cáo", "trình", "chuẩn bị", "căn cứ",
    "bám sát", "thường xuyên", "kịp thời", "có trách nhiệm", "chịu trách nhiệm", "cần", "phải", "quan tâm",
    "bảo đảm", "đảm bảo", "giải quyết", "xử lý", "lập", "thẩm định", "phê duyệt", "cung cấp", "gửi", "nộp",
    "ban hành", "duy trì", "làm việc", "vận động", "tuyên truyền", "đề xuất", "kiến nghị", "sớm", "xây dựng",
    "được", "đã", "đang", "sẽ", "để", "nhằm", "lĩnh hội", "quán triệt", "xác định", "tiến hành", "cập nhật",
    "công bố", "công khai", "đánh giá", "huy động", "mời", "hỗ trợ", "giao", "ghi nhận", "thống nhất", "yêu cầu",
    "đề nghị", "ưu tiên", "phát huy", "tích cực", "sắp xếp", "bố trí", "điều chỉnh", "bổ sung", "sửa đổi", "nắm",
    "tổng hợp", "khắc phục", "cùng", "với", "về", "trước", "trong", "tại", "theo", "cho", "từ", "đến", "khi",
    "nếu", "thì", "là", "có", "không", "chưa", "mà", "tham gia", "lãnh đạo", "tăng", "giảm", "đạt", "ghi",
    "nhận", "chuyển", "bàn giao", "chi trả", "dự kiến", "đối với", "trên cơ sở", "tuy nhiên", "năm", "định kỳ",
    "hằng", "hàng", "mỗi", "trực tiếp", "tự", "nhập", "đăng nhập", "truy cập", "lựa chọn", "chọn", "cử", "dự",
    "thông báo", "quyết định", "tiếp nhận", "cấp", "ký", "phân công", "phân bổ", "chấp hành", "tuân thủ", "sử dụng",
    "cam kết", "khảo sát", "điều tra", "kết nối", "nghiêm túc", "trân trọng", "kính", "nâng cấp", "tập huấn",
)
# Second syllables of nouns that are verbs on their own: "chương trình" is not "trình" (submit).
_COMPOUNDS = frozenset({"chương trình", "quy trình", "công trình", "lộ trình", "tờ trình", "tiến trình",
                        "hành trình", "thành lập", "bàn giao", "tiếp nhận", "xác nhận", "phê duyệt", "ngoại giao"})
_STOP = re.compile(rf"(?:{'|'.join(sorted(map(re.escape, _STOP_WORDS), key=len, reverse=True))})(?=[\s,.;:]|$)")


def _is_stop(text: str, prev_end: int, pos: int) -> bool:
    """Whether a verb or marker that ends a name starts at ``pos`` (the previous word ends at ``prev_end``)."""
    m = _STOP.match(text, pos)
    if not m:
        return False
    prev = text[:prev_end].rsplit(" ", 1)[-1].lower()
    return f"{prev} {m.group(0).split(' ')[0]}" not in _COMPOUNDS


# A head of an agency named by title: the agency's own name follows, read as one ("Giám đốc Ngân hàng Nhà nước
# chi nhánh Khu vực 10", where "hàng" would end a name read word by word).
_TITLE = re.compile(r"(?:Giám đốc|Chủ tịch|Thủ trưởng|Bộ trưởng|Cục trưởng|Chi cục trưởng|Viện trưởng|Chánh Văn phòng"
                    r"|Chánh Thanh tra)\s+")
_QUALIFIER = re.compile(r"(?:\s*,)?\s+(?:có liên quan|liên quan|trên địa bàn(?: tỉnh)?|của tỉnh|tỉnh có liên quan)$")
_WORD = re.compile(r"\S+")
_MAX_WORDS = 14
# "các sở: Tài chính, Xây dựng", "UBND các xã: Đức Trọng, Hiệp Thạnh" name the members after a colon.
_MEMBER_LIST = re.compile(r"(?:UBND\s+|Ủy ban nhân dân\s+)?"
                          r"(?i:(các sở|các bộ)(?:,\s*(?:ban,\s*)?ngành)?|các xã|các phường|các huyện)\s*:\s*")
_NAME_TOKEN = re.compile(r"[^\s,;:.()]+")


def member_names(text: str, pos: int, proper: bool = False) -> tuple[list[str], int]:
    """Names separated by commas from ``pos`` up to a verb or punctuation ("Nông nghiệp và Môi trường, Tài chính").

    ``proper`` names (communes, districts) capitalise every word, so a lower-case word ends them.
    """
    names: list[str] = []
    current: list[str] = []
    end = pos
    for _ in range(40):
        space = re.compile(r"\s*(,)?\s*").match(text, pos)
        if space.group(1) and current:
            names.append(" ".join(current))
            current = []
        pos = space.end()
        token = _NAME_TOKEN.match(text, pos)
        word = token.group(0) if token else ""
        if (not token or _is_stop(text, end, pos)
                or ((proper or not current) and not (word[0].isupper() or word[0].isdigit()))):
            break
        current.append(token.group(0))
        end = pos = token.end()
    if current:
        names.append(" ".join(current))
    return names, end


@dataclass(frozen=True)
class AgencyMention:
    """An agency as written (``text``) with its canonical name; offsets are relative to the searched string."""

    text: str
    name: str
    start: int
    end: int


def _short_key(key: str) -> str:
    for long, short in _KEY_SHORT:
        key = re.sub(rf"\b{long}\b", short, key)
    return key


def agency_key(name: str) -> str:
    """Spelling-insensitive key: folded, abbreviations shortened, trailing "tỉnh" and "liên quan" dropped."""
    key = _short_key(fold_key(name))
    key = re.sub(r"\s+(?:co lien quan|lien quan)$", "", key)
    return re.sub(r"\s+tinh$", "", key)


@dataclass
class AliasTable:
    """Canonical names by key; built from :data:`ALIASES`, extendable with a deployment's own names."""

    aliases: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(ALIASES))

    def __post_init__(self) -> None:
        self._by_key: dict[str, str] = {}
        spellings: set[str] = set()
        for canonical, others in self.aliases.items():
            for spelling in _spelled_out((canonical, *others)):
                self._by_key.setdefault(agency_key(spelling), canonical)
                spellings.add(fold_chars(spelling))
        # Matched on folded text, longest spellings first, so "UBND các huyện, thị xã, thành phố" wins over
        # "UBND" and "Văn hoá" matches "Văn hóa".
        spellings = sorted(spellings, key=len, reverse=True)
        self._pattern = re.compile(rf"(?:{'|'.join(map(_spelling_regex, spellings))})(?:\s+tinh)?(?=[\s,.;:()]|$)")
        self._keys_by_head: dict[str, list[str]] = {}
        for key in self._by_key:
            self._keys_by_head.setdefault(key.split(" ")[0], []).append(key)

    def canonical(self, written: str) -> str:
        """The canonical name of an agency as written; unknown names come back cleaned."""
        cleaned = clean_name(written)
        key = agency_key(cleaned)
        if key in self._by_key:
            return self._by_key[key]
        for lead in ("nha dau tu", "chu dau tu"):
            if key.startswith(lead + " "):  # "Nhà đầu tư của 02 dự án ..." is the investor
                return self._by_key[lead]
        head = key.split(" ")[0] if key else ""
        close = difflib.get_close_matches(key, self._keys_by_head.get(head, []), n=1, cutoff=0.9)
        if close:
            return self._by_key[close[0]]
        return cleaned[:1].upper() + cleaned[1:]

    def match_known(self, folded: str, pos: int) -> int | None:
        """End of a known spelling starting exactly at ``pos`` of the folded text (see ``fold_chars``)."""
        m = self._pattern.match(folded, pos)
        return m.end() if m else None

    def resolve(self, query: str) -> str | None:
        """The canonical name a lookup means, when it names a known agency (tone marks optional)."""
        key = agency_key(query)
        if key in self._by_key:
            return self._by_key[key]
        close = difflib.get_close_matches(key, list(self._by_key), n=1, cutoff=0.88)
        return self._by_key[close[0]] if close else None


def _spelled_out(spellings: tuple[str, ...]) -> list[str]:
    """Spellings plus their long forms: "UBND các xã" is also written "Ủy ban nhân dân các xã"."""
    out = list(spellings)
    for spelling in spellings:
        for short, long in (("UBND", "Ủy ban nhân dân"), ("UBND", "Uỷ ban nhân dân"), ("HĐND", "Hội đồng nhân dân")):
            if short in spelling:
                out.append(spelling.replace(short, long))
    return out


def _spelling_regex(folded_spelling: str) -> str:
    # Spacing around "&" and "," varies ("KH&ĐT", "KH & ĐT", "huyện,thị xã").
    words = [re.escape(w) for w in folded_spelling.split()]
    return r"\s+".join(words).replace("&", r"\s*&\s*").replace(",", r"\s*,")


def clean_name(written: str) -> str:
    """An agency as written, without surrounding punctuation, trailing qualifiers or a leading "Giao"."""
    name = re.sub(r"\s+", " ", written).strip(" ,;:.-–")
    name = re.sub(r"(?:\s+(?:và|của|–|-))+$", "", name)
    name = re.sub(r"^(?:[Gg]iao|[Yy]êu cầu|[Đđ]ề nghị)\s+", "", name)
    name = re.sub(r"(các (?:xã|phường|huyện|sở))\s*:\s*", r"\1 ", name)
    while True:
        stripped = _QUALIFIER.sub("", name).strip(" ,;:")
        if stripped == name:
            return name
        name = stripped


# Names whose own words look like verbs: "Ban Quản lý dự án đầu tư xây dựng số 1".
_FAMILY = re.compile(r"Ban\s+(?:Quản lý dự án|QLDA)(?:\s+[^\s,;:.]+){0,8}?"
                     r"\s+(?:số\s+\d+|tỉnh|(?:huyện|thị xã|thành phố)(?:\s+[A-ZĐÀ-Ỹ][^\s,;:.]*)+)")
# Group names that a qualifier may follow ("Các cơ quan thường trực các chương trình MTQG").
GENERIC = frozenset({"Các cơ quan", "Các đơn vị", "Các địa phương", "Nhà đầu tư", "Chủ đầu tư", "UBND các xã",
                     "Các cơ quan, đơn vị", "Các cơ quan, đơn vị, địa phương"})
_LIST_SEP = re.compile(r"\s*(?:,|;|\bvà\b|\bcùng\b)\s*(?:với\s+)?")
_TRAILING_QUALIFIER = re.compile(r"\s+(?:có\s+)?liên\s+quan\b")
_ABBREVIATION = re.compile(r"\s*\([A-ZĐ&\-]{2,}\)")


@dataclass
class AgencyParser:
    """Reads agency lists out of text using an :class:`AliasTable`."""

    table: AliasTable = field(default_factory=AliasTable)

    def one(self, text: str, pos: int) -> AgencyMention | None:
        """The agency whose name starts at ``pos`` (leading spaces skipped), or None."""
        while pos < len(text) and text[pos] == " ":
            pos += 1
        head = _HEAD.match(text, pos)
        known = self.table.match_known(_folded(text), pos)
        if known is not None and not head and not text[pos:pos + 1].isupper():
            known = None  # a lower-case verb spelled like a name ("thanh tra")
        if known is None and not head:
            return None
        # A title heads the agency named after it, read whole: "Chủ tịch UBND các xã, phường, đặc khu", not the
        # known "Chủ tịch UBND các xã" alone.
        title = _TITLE.match(text, pos)
        inner = self.one(text, title.end()) if title else None
        if inner is not None and (known is None or inner.end > known):
            return self._mention(text, pos, inner.end, written=text[pos:title.end()] + inner.text)
        members = _MEMBER_LIST.match(text, pos)
        if members and not members.group(1):
            names, end = member_names(text, members.end(), proper=True)
            if names:
                return self._mention(text, pos, end)
        family = _FAMILY.match(text, pos)
        if family:
            end = family.end()
        elif known is not None and self.table.canonical(text[pos:known]) not in GENERIC:
            qualifier = _TRAILING_QUALIFIER.match(text, known)  # "các sở, ngành, địa phương liên quan"
            place = province_end(text, known) if text[pos:known].endswith(" tỉnh") else None
            if place is not None:  # "Thuế tỉnh Lâm Đồng" is the known "Thuế tỉnh", named with its province
                return self._mention(text, pos, place, written=text[pos:known])
            end = qualifier.end() if qualifier else known
        elif known is not None:  # a group with a qualifier: "Các cơ quan thường trực các chương trình MTQG"
            end = self._extend_name(text, known, commas=False)
        else:
            end = self._extend_name(text, head.end(), commas=True, proper=head.group(0).lower() not in _GROUP_HEADS)
        m = _ABBREVIATION.match(text, end)
        return self._mention(text, pos, m.end() if m else end)

    def _extend_name(self, text: str, end: int, commas: bool, proper: bool = False) -> int:
        """Extend a name past its head word up to the verb, preposition or punctuation that ends it.

        A comma continues the name unless an agency or a verb follows it; after a proper name only a
        capitalised word continues it ("Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch", not
        "Bộ Nội vụ, cơ quan chủ trì"). "và" continues a name unless an agency follows.
        """
        pos = end
        for _ in range(_MAX_WORDS):
            gap = re.compile(r"\s*,\s*|\s+").match(text, pos)
            if not gap or gap.end() >= len(text):
                break
            nxt = gap.end()
            comma = "," in gap.group(0)
            # "về" + a capitalised word goes on naming a board: "Ban Chỉ đạo về Cải cách hành chính".
            subject = text.startswith("về ", nxt) and text[nxt + 3:nxt + 4].isupper()
            if (text[nxt] in ",;:.(“\"" or (_is_stop(text, pos, nxt) and not subject)
                    or (comma and (not commas or self.head_at(text, nxt)
                                   or (proper and not text[nxt].isupper())))):
                break
            word = _WORD.match(text, nxt).group(0)
            token = word.rstrip(",;:.)")
            if token.lower() == "và" and self.head_at(text, nxt + len(word) + 1):
                break  # "... và các đơn vị liên quan": a second agency follows
            pos = nxt + len(token)
            if len(token) < len(word) and word[len(token)] != ",":
                break
        return pos

    def head_at(self, text: str, pos: int) -> bool:
        """Whether an agency name starts at ``pos``."""
        return bool(_HEAD.match(text, pos)) or (
            text[pos:pos + 1].isupper() and self.table.match_known(_folded(text), pos) is not None)

    def _mention(self, text: str, start: int, end: int, written: str | None = None) -> AgencyMention | None:
        written = text[start:end] if written is None else written
        name = self.table.canonical(written)
        if not name or agency_key(name) in ("cac", "tung", ""):
            return None
        return AgencyMention(text=clean_name(written), name=name, start=start, end=end)

    def many(self, text: str, pos: int) -> list[AgencyMention]:
        """Agencies listed from ``pos``: separated by ",", ";", "và" or "cùng", each opening with a head word."""
        found: list[AgencyMention] = []
        while True:
            while pos < len(text) and text[pos] == " ":
                pos += 1
            members = _MEMBER_LIST.match(text, pos)
            if members and members.group(1):
                # "các sở: Nông nghiệp và Môi trường, Tài chính" lists departments by their short names.
                names, end = member_names(text, members.end())
                kind = "Bộ" if members.group(1).lower().endswith("bộ") else "Sở"
                batch = [self._mention(text, pos, end, written=f"{kind} {n}") for n in names]
            else:
                batch = [self.one(text, pos)]
            batch = [m for m in batch if m is not None]
            if not batch:
                return found
            found += batch
            sep = _LIST_SEP.match(text, batch[-1].end)
            if not sep or not self.head_at(text, sep.end()):
                return found
            pos = sep.end()


@lru_cache(maxsize=64)
def _folded(text: str) -> str:
    return fold_chars(text)


def _load_levels() -> list[tuple[str, str]]:
    """(alternative, canonical level) pairs of ``data/agency_levels.txt``, longest alternatives first."""
    text = resources.files("ingest.facts").joinpath("data/agency_levels.txt").read_text(encoding="utf-8")
    pairs = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            names = [n.strip() for n in line.split("|")]
            pairs += [(name, names[0]) for name in names]
    return sorted(pairs, key=lambda p: -len(p[0]))


LEVELS = _load_levels()


def agency_level(key: str) -> str:
    """The level an agency key opens with ("bo", "so", "chi cuc", "ubnd" ...), or "" when none is named."""
    return next((level for name, level in LEVELS if key == name or key.startswith(name + " ")), "")


@dataclass
class AgencyMatcher:
    """Does a lookup ("so tai chinh", "Sở KH&ĐT", "ke hoach dau tu") name this agency?"""

    table: AliasTable = field(default_factory=AliasTable)
    # resolve() runs a fuzzy match over every known name: remember it per query (a lookup tests many rows).
    _resolved: dict[str, str | None] = field(default_factory=dict, init=False, repr=False, compare=False)

    def _resolve(self, query: str) -> str | None:
        if query not in self._resolved:
            if len(self._resolved) >= 1024:
                self._resolved.clear()
            self._resolved[query] = self.table.resolve(query)
        return self._resolved[query]

    def matches(self, query: str, name: str) -> bool:
        qkey, nkey = agency_key(query), agency_key(name)
        if not qkey:
            return False
        levels = agency_level(qkey), agency_level(nkey)
        if all(levels) and levels[0] != levels[1]:
            return False  # "Bộ Tài chính" asks for the ministry, not "Sở Tài chính"
        if qkey == nkey or self._resolve(query) == name:
            return True
        name_tokens = nkey.split(" ")
        if all(t in name_tokens for t in qkey.split(" ")):
            return True
        return difflib.SequenceMatcher(None, qkey, nkey).ratio() >= 0.88
