"""The register's columns: what each field means, its usual heading, and the mapping file that
names another spreadsheet's headings (a province's own register, an export of the ministry's
software) so it can be read without editing it.

A mapping file is YAML (JSON is YAML too, so a JSON file works as well)::

    # tên trường: tiêu đề cột trong tệp
    sheet: "Sổ thụ lý"          # optional: the sheet to read (the first one by default)
    header_row: 2               # optional: the row of headings (1 by default)
    columns:
      register_number: "STT thụ lý"
      register_date: "Ngày TL"
      debtors: "Người phải THA"
    states:                     # optional: extra words for states
      "Đang tổ chức THA": enforcing

Headings are compared without case, diacritics or repeated spaces; a field missing from the
mapping is looked up under its usual heading (and under its field name).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from thads.services.values import fold


@dataclass(frozen=True)
class Column:
    key: str
    heading: str  # the usual heading (what an export writes)
    kind: str  # text, int, date, money, bool, list, money_list, int_list, state, choice
    required: bool = False
    help: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("unit", "Đơn vị", "text", help="mã đơn vị (để trống: đơn vị được chọn khi nhập)"),
    Column("register_number", "Số thụ lý", "int", True, "số thụ lý trong năm thống kê, ví dụ 125 hoặc 125/2026"),
    Column("register_date", "Ngày thụ lý", "date", True, "ngày nhận bản án / đơn yêu cầu"),
    Column("kind", "Loại việc", "choice", help="Chủ động / Theo đơn (để trống: theo đơn)"),
    Column("interim", "Biện pháp khẩn cấp tạm thời", "bool"),
    Column("priority", "Việc trọng điểm", "bool"),
    Column("court", "Tòa án", "text", True),
    Column("judgment_number", "Số bản án", "text", True),
    Column("judgment_date", "Ngày bản án", "date", True),
    Column("judgment_effective_on", "Ngày có hiệu lực", "date"),
    Column("creditors", "Người được thi hành án", "list", help="nhiều người cách nhau bằng dấu ;"),
    Column("creditor_ids", "Số định danh người được THA", "list"),
    Column("creditor_addresses", "Địa chỉ người được THA", "list"),
    Column("debtors", "Người phải thi hành án", "list", True),
    Column("debtor_ids", "Số định danh người phải THA", "list"),
    Column("debtor_addresses", "Địa chỉ người phải THA", "list"),
    Column("obligations", "Nghĩa vụ", "list", True, "nhiều nghĩa vụ cách nhau bằng dấu ;"),
    Column("amounts", "Số tiền phải thi hành", "money_list", help="theo thứ tự nghĩa vụ; để trống: không phải tiền"),
    Column("ranks", "Thứ tự thanh toán", "int_list", help="1, 2 hoặc 3 theo thứ tự nghĩa vụ (Điều 47)"),
    Column("officer", "Chấp hành viên", "text", help="tên đăng nhập hoặc họ tên"),
    Column("state", "Trạng thái", "state", True),
    Column("decision_number", "Số quyết định THA", "text"),
    Column("decision_date", "Ngày quyết định THA", "date"),
    Column("case_file_on", "Ngày lập hồ sơ", "date"),
    Column("procuracy_on", "Ngày gửi Viện kiểm sát", "date"),
    Column("notified_on", "Ngày thông báo", "date"),
    Column("verified_on", "Ngày xác minh", "date"),
    Column("verification_outcome", "Kết quả xác minh", "choice", help="Có điều kiện / Chưa có điều kiện"),
    Column("reverified_on", "Ngày xác minh lại", "date"),
    Column("paused_on", "Ngày hoãn, tạm đình chỉ", "date"),
    Column("pause_ground", "Căn cứ hoãn, tạm đình chỉ", "text"),
    Column("pause_ends_on", "Ngày dự kiến hết căn cứ", "date"),
    Column("by_agreement", "Hoãn theo thỏa thuận", "bool"),
    Column("closed_on", "Ngày kết thúc", "date", help="ngày thi hành xong, đình chỉ, ủy thác, từ chối, gửi lại"),
    Column("closing_ground", "Căn cứ kết thúc", "text", help="căn cứ đình chỉ, lý do từ chối, ghi chú gửi lại"),
    Column("entrusted_to", "Cơ quan nhận ủy thác", "text"),
    Column("collected", "Đã thu", "money"),
    Column("collected_on", "Ngày thu", "date"),
    Column("paid_out", "Đã chi trả", "money"),
    Column("paid_out_on", "Ngày chi trả", "date"),
    Column("reduced", "Đã miễn, giảm", "money"),
    Column("reduced_on", "Ngày miễn, giảm", "date"),
)
BY_KEY = {c.key: c for c in COLUMNS}

# Words for states, besides the workflows' own labels and codes (compared folded).
STATE_WORDS: dict[str, tuple[str, ...]] = {
    "received": ("đã nhận", "thụ lý", "đã thụ lý", "chưa ra quyết định", "mới thụ lý"),
    "refused": ("từ chối", "từ chối nhận đơn", "từ chối yêu cầu"),
    "decided": ("đã ra quyết định", "đã ra quyết định thi hành án", "đã ra qđ"),
    "notified": ("đã thông báo", "đang trong thời hạn tự nguyện", "chờ xác minh"),
    "enforcing": ("có điều kiện thi hành", "có điều kiện", "đang thi hành", "đang tổ chức thi hành",
                  "đang thi hành án"),
    "not_enforceable": ("chưa có điều kiện thi hành", "chưa có điều kiện", "chưa có đk"),
    "postponed": ("hoãn", "hoãn thi hành án", "đang hoãn"),
    "suspended": ("tạm đình chỉ", "tạm đình chỉ thi hành án"),
    "terminated": ("đình chỉ", "đình chỉ thi hành án"),
    "entrusted": ("ủy thác", "uỷ thác", "ủy thác thi hành án", "đã ủy thác"),
    "completed": ("thi hành xong", "xong", "đã thi hành xong", "hoàn thành"),
    "sent_back": ("gửi lại yêu cầu", "đã gửi lại yêu cầu", "gửi lại yêu cầu thi hành án"),
}
KIND_WORDS = {"ex_officio": ("chủ động", "chu dong", "ex_officio"),
              "on_request": ("theo đơn", "theo đơn yêu cầu", "theo yêu cầu", "on_request")}
OUTCOME_WORDS = {"enforceable": ("có điều kiện", "có điều kiện thi hành", "enforceable"),
                 "not_enforceable": ("chưa có điều kiện", "chưa có điều kiện thi hành", "not_enforceable")}
TRUE_WORDS = ("x", "có", "co", "1", "true", "yes", "đúng")
FALSE_WORDS = ("", "không", "khong", "0", "false", "no")


def norm(text) -> str:
    """A heading or a word compared loosely: folded, single spaces, no trailing colon."""
    return " ".join(fold(str(text or "")).replace("\u00a0", " ").split()).rstrip(":").strip()


class MappingProblem(ValueError):
    """The mapping file cannot be used; ``str(exc)`` is the Vietnamese message."""


@dataclass
class Mapping:
    """Which heading of the file holds which field, plus extra state words."""

    columns: dict[str, str] = field(default_factory=dict)  # field key → heading in the file
    states: dict[str, str] = field(default_factory=dict)  # word → state code
    sheet: str | None = None
    header_row: int = 1

    def to_json(self) -> dict:
        return {"columns": self.columns, "states": self.states, "sheet": self.sheet, "header_row": self.header_row}

    @classmethod
    def from_json(cls, data: dict | None) -> Mapping:
        data = data or {}
        return cls(columns=dict(data.get("columns") or {}), states=dict(data.get("states") or {}),
                   sheet=data.get("sheet"), header_row=int(data.get("header_row") or 1))


def load_mapping(text: str | bytes | None) -> Mapping:
    """Read a mapping file (YAML or JSON). Unknown field names are refused, so a typo is seen."""
    import yaml

    from thads.models.cases import CASE_STATES

    if not text:
        return Mapping()
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MappingProblem(f"Tệp ánh xạ không đọc được (YAML/JSON): {exc}") from None
    if data is None:
        return Mapping()
    if not isinstance(data, dict):
        raise MappingProblem("Tệp ánh xạ phải là một bảng tên trường → tiêu đề cột.")
    unknown_top = set(data) - {"columns", "states", "sheet", "header_row"}
    if unknown_top:
        raise MappingProblem(f"Tệp ánh xạ có mục không biết: {', '.join(sorted(map(str, unknown_top)))} "
                             "(dùng columns, states, sheet, header_row).")
    columns = data.get("columns") or {}
    if not isinstance(columns, dict):
        raise MappingProblem("Mục «columns» phải là bảng tên trường → tiêu đề cột.")
    bad = [str(k) for k in columns if k not in BY_KEY]
    if bad:
        raise MappingProblem(f"Tên trường không có: {', '.join(bad)}. Các trường: {', '.join(BY_KEY)}.")
    states = data.get("states") or {}
    if not isinstance(states, dict) or any(v not in CASE_STATES for v in states.values()):
        raise MappingProblem(f"Mục «states» phải gán từ → mã trạng thái ({', '.join(CASE_STATES)}).")
    header_row = data.get("header_row", 1)
    if not isinstance(header_row, int) or not 1 <= header_row <= 50:
        raise MappingProblem("«header_row» phải là số dòng tiêu đề, từ 1 đến 50.")
    sheet = data.get("sheet")
    return Mapping(columns={k: str(v) for k, v in columns.items()}, states={str(k): v for k, v in states.items()},
                   sheet=str(sheet) if sheet is not None else None, header_row=header_row)


def resolve(headers: list, mapping: Mapping) -> tuple[dict[str, int], list[str]]:
    """Field key → column index in the file; and the problems (a mapped heading not found,
    a required field with no column)."""
    index: dict[str, int] = {}
    for i, h in enumerate(headers):
        index.setdefault(norm(h), i)
    found: dict[str, int] = {}
    problems: list[str] = []
    for col in COLUMNS:
        wanted = mapping.columns.get(col.key)
        if wanted is not None:
            if norm(wanted) in index:
                found[col.key] = index[norm(wanted)]
            else:
                problems.append(f"Không tìm thấy cột «{wanted}» (trường {col.key}) trong dòng tiêu đề.")
            continue
        for name in (col.heading, col.key):
            if norm(name) in index:
                found[col.key] = index[norm(name)]
                break
    for col in COLUMNS:
        if col.required and col.key not in found and col.key not in mapping.columns:
            problems.append(f"Thiếu cột bắt buộc «{col.heading}» ({col.key}).")
    return found, problems


def state_words(mapping: Mapping | None = None) -> dict[str, str]:
    """Folded word → state code: codes, the workflows' labels, the usual words, the mapping's."""
    from workflows import WORKFLOWS

    words: dict[str, str] = {}
    for wf in WORKFLOWS.values():
        for s in wf.states:
            words[norm(s.name)] = s.name
            words[norm(s.label_vi)] = s.name
            words[norm(s.label_en)] = s.name
    for code, ws in STATE_WORDS.items():
        for w in ws:
            words[norm(w)] = code
    for w, code in (mapping.states if mapping else {}).items():
        words[norm(w)] = code
    return words
