"""Reading a judgment or decision to prefill the registration form.

Rules, not a model: judgments follow the forms of Resolution 01/2017/NQ-HĐTP and the Criminal
Procedure Code closely (a header with the court and number, the parties with their roles, then
"QUYẾT ĐỊNH:" with "Buộc … phải trả cho … số tiền … đồng", "Về án phí: …"). Each field found
carries where it came from (character offsets into the text, NFC) and how sure the rule is
(0–1). underthesea 9.5's offline CRF NER was tried for names and dropped: the honorific and
role rules already give the same person names, it mis-tags organisations ("Công ty TNHH Xây
dựng Hùng Vương" as a place) and it brings ~90 MB of dependencies (docs/intake.md).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from thads.intake.judgment.numbers import find_amounts
from thads.services.values import fold

UPPER = "A-ZÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴÈÉẸẺẼÊỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠÙÚỤỦŨƯỪỨỰỬỮỲÝỴỶỸĐ"
LOWER = "a-zàáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ"
NAME_WORD = rf"[{UPPER}][{LOWER}]*"
PERSON_NAME = rf"{NAME_WORD}(?:\s+{NAME_WORD}){{1,5}}"
HONORIFIC = r"(?:[Ôô]ng|[Bb]à|[Aa]nh|[Cc]hị|[Cc]háu|[Ee]m|[Cc]ụ)"
ORG_START = (r"(?:Công ty|Tổng công ty|Ngân hàng|Quỹ tín dụng|Hợp tác xã|Doanh nghiệp tư nhân|Ủy ban nhân dân|"
             r"UBND|Chi nhánh|Chi cục|Cục|Văn phòng|Trường|Bệnh viện|Tập đoàn|Trung tâm|Ban quản lý|"
             r"Chủ tịch Ủy ban nhân dân|Chủ tịch UBND|Cục trưởng|Chi cục trưởng|Giám đốc Sở|Thủ trưởng)")
PLACE_TAIL = re.compile(r",\s*(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\s+" + r"[" + "A-ZÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴÈÉẸẺẼÊỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠÙÚỤỦŨƯỪỨỰỬỮỲÝỴỶỸĐ" + r"][^,;(\n.]*")
DATE_NUM = re.compile(r"(?<![0-9])([0-9]{1,2})\s*[/.-]\s*([0-9]{1,2})\s*[/.-]\s*([0-9]{4})(?![0-9])")
DATE_WORDS = re.compile(r"ngày\s+([0-9]{1,2})\s+tháng\s+([0-9]{1,2})\s+năm\s+([0-9]{4})", re.IGNORECASE)
NUMBER = re.compile(r"(?<![0-9/])([0-9]{1,5}/[0-9]{4}/[A-ZĐ0-9]+(?:[-–][A-ZĐ0-9]+)*)")

# Role labels of the parties' section → (role, label for the officer).
ROLE_LABELS: list[tuple[str, str]] = [
    (r"người đại diện hợp pháp của (?:người )?bị hại", "creditor"),
    (r"nguyên đơn dân sự", "creditor"), (r"bị đơn dân sự", "debtor"),
    (r"người có quyền lợi,? nghĩa vụ liên quan", "related"), (r"người có nghĩa vụ liên quan", "related"),
    (r"nguyên đơn", "creditor"), (r"bị đơn", "debtor"), (r"bị cáo", "debtor"), (r"bị hại", "creditor"),
    (r"người bị hại", "creditor"), (r"người khởi kiện", "creditor"), (r"người bị kiện", "debtor"),
    (r"người yêu cầu", "related"), (r"người phải thi hành án", "debtor"), (r"người được thi hành án", "creditor"),
    (r"người bị yêu cầu", "debtor"), (r"người vi phạm", "debtor"), (r"người bị xử phạt", "debtor"),
]
ROLE_RE = re.compile(r"^[\s\-–+•*0-9.)]*(" + "|".join(p for p, _ in ROLE_LABELS) + r")"
                     r"(?:\s+(?:có kháng cáo|kháng cáo|bị kháng cáo|bị kháng nghị))?\s*(?:\([^)]*\))?\s*:",
                     re.IGNORECASE | re.MULTILINE)
STOP_LINE = re.compile(r"^[\s\-–+•*]*(người đại diện|đại diện theo|người bảo vệ|người làm chứng|người phiên dịch|"
                       r"người giám định|kiểm sát viên|thư ký|thẩm phán|hội thẩm|NỘI DUNG|NHẬN THẤY|NHẬN ĐỊNH|"
                       r"XÉT THẤY|QUYẾT ĐỊNH|THẤY RẰNG|Theo)", re.IGNORECASE | re.MULTILINE)
ID_RE = re.compile(r"(?:CCCD|CMND|CMTND|[Cc]ăn cước(?: công dân)?|[Cc]hứng minh (?:nhân dân|thư)|[Hh]ộ chiếu|"
                   r"[Ss]ố định danh(?: cá nhân)?|[Mm]ã số (?:doanh nghiệp|thuế))\s*(?:số)?\s*[:.]?\s*([0-9A-Z]{8,15})")
ADDRESS_RE = re.compile(r"(?:[Đđ]ịa chỉ(?: trụ sở)?(?: chính)?|[Cc]ư trú(?: tại)?|[Nn]ơi cư trú|[Tt]rú tại|HKTT|"
                        r"[Nn]ơi đăng ký (?:hộ khẩu )?thường trú|[Tt]hường trú(?: tại)?|[Tt]rụ sở(?: chính)?(?: tại)?|"
                        r"[Cc]hỗ ở hiện nay|[Nn]ơi ở)\s*(?:tại)?\s*:?\s*")
ADDRESS_END = re.compile(r"(;|\n|\(|\.\s|\.$|,\s*(?:có mặt|vắng mặt|nghề nghiệp|nghề|quốc tịch|dân tộc|"
                         r"số điện thoại|điện thoại|CCCD|CMND|căn cước|sinh năm|sinh ngày)|\s[-–]\s)", re.IGNORECASE)


@dataclass
class Found:
    """One value read from the text, with its place (offsets into the text) and how sure."""

    value: object
    start: int
    end: int
    confidence: float
    rule: str

    def to_json(self, text: str) -> dict:
        return {"value": _jsonable(self.value), "start": self.start, "end": self.end,
                "confidence": round(self.confidence, 2), "rule": self.rule,
                "snippet": text[self.start:self.end]}


@dataclass
class Party:
    role: str
    kind: str
    name: Found
    id_number: Found | None = None
    address: Found | None = None
    label: str = ""


@dataclass
class ObligationFound:
    description: str
    amount: Found | None
    rank: int
    state: bool  # owed to the State (court fees, fines, confiscation)
    debtor: str | None = None
    creditor: str | None = None
    sentence: tuple[int, int] = (0, 0)


@dataclass
class Reading:
    text: str
    court: Found | None = None
    judgment_number: Found | None = None
    judgment_date: Found | None = None
    effective_on: Found | None = None
    parties: list[Party] = field(default_factory=list)
    obligations: list[ObligationFound] = field(default_factory=list)
    interest: Found | None = None

    @property
    def court_fees(self) -> list[int]:
        return [o.amount.value for o in self.obligations if o.rank == 2 and o.amount]

    @property
    def money(self) -> list[int]:
        return [o.amount.value for o in self.obligations if o.rank != 2 and o.amount]

    def form_data(self) -> dict:
        """The registration form's fields by name (``thads.cases.forms.CaseForm``)."""
        private = any(not o.state for o in self.obligations)
        parties = []
        for p in self.parties:
            parties.append({"role": p.role, "kind": p.kind, "name": p.name.value,
                            "id_number": p.id_number.value if p.id_number else "",
                            "address": p.address.value if p.address else ""})
        obligations = [{"description": o.description[:500], "amount": o.amount.value if o.amount else None,
                        "rank": str(o.rank)} for o in self.obligations]
        return {
            "kind": "on_request" if private or not self.obligations else "ex_officio",
            "court": self.court.value if self.court else "",
            "judgment_number": self.judgment_number.value if self.judgment_number else "",
            "judgment_date": self.judgment_date.value if self.judgment_date else None,
            "judgment_effective_on": self.effective_on.value if self.effective_on else None,
            # The form takes at most ten of each (thads.cases.forms.CaseForm).
            "parties": parties[:10], "obligations": obligations[:10],
        }

    def sources(self) -> list[dict]:
        """Each field for the review page: label, value shown, snippet with its offsets, confidence."""
        t = self.text
        out = []

        def add(label: str, f: Found | None, shown=None):
            if f is not None:
                item = f.to_json(t)
                item["label"] = label
                item["shown"] = shown if shown is not None else _show(f.value)
                out.append(item)

        add("Tòa án", self.court)
        add("Số bản án, quyết định", self.judgment_number)
        add("Ngày bản án, quyết định", self.judgment_date)
        add("Ngày có hiệu lực", self.effective_on)
        role_vi = {"creditor": "Người được thi hành án", "debtor": "Người phải thi hành án",
                   "related": "Người có quyền lợi, nghĩa vụ liên quan"}
        for p in self.parties:
            add(f"{role_vi[p.role]} ({p.label})", p.name)
            add(f"Số định danh — {p.name.value}", p.id_number)
            add(f"Địa chỉ — {p.name.value}", p.address)
        for o in self.obligations:
            add(("Án phí" if o.rank == 2 else "Nghĩa vụ") + f": {o.description[:80]}", o.amount,
                shown=f"{o.amount.value:,} đồng".replace(",", ".") if o.amount else None)
        add("Lãi chậm thi hành án", self.interest, shown="có")
        return out


def _show(value) -> str:
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _jsonable(value):
    return value.isoformat() if isinstance(value, date) else value


def normalise(text: str) -> str:
    """NFC, Unix line ends, no non-breaking or zero-width spaces (offsets refer to this text)."""
    text = unicodedata.normalize("NFC", text or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u200b", "")
    text = text.replace("\t", " ")
    return text


def read(text: str) -> Reading:
    """Read a judgment or decision; every field is optional (absent when not found)."""
    text = normalise(text)
    r = Reading(text)
    operative_start = _operative_start(text)
    r.court = _court(text)
    r.judgment_number, number_end = _number(text)
    r.judgment_date = _judgment_date(text, number_end)
    r.effective_on = _effective(text, r.judgment_date)
    r.parties = _parties(text, operative_start)
    r.obligations, r.interest = _obligations(text, operative_start, r.parties)
    _roles_from_obligations(r)
    return r


# ------------------------------------------------------------------------------- header


def _court(text: str) -> Found | None:
    head = re.search(r"T[OÒ]À?Ò?A ÁN NHÂN DÂN[^\n]{0,90}|TÒA ÁN NHÂN DÂN[^\n]{0,90}|TOÀ ÁN NHÂN DÂN[^\n]{0,90}", text)
    if head:
        raw = re.split(r"\s{2,}|CỘNG HÒA|CỘNG HOÀ|\t", head.group())[0].strip(" -–,")
        key = fold(raw)
        # The same name in ordinary case in the body is the best spelling.
        for m in re.finditer(r"T[oò]a án nhân dân[^\n,;:.()]{0,80}|Toà án nhân dân[^\n,;:.()]{0,80}", text):
            candidate = m.group()
            if fold(candidate).startswith(key):
                return Found(candidate[:len(raw)].strip(), m.start(), m.start() + len(raw), 0.95, "header+body")
        return Found(_title(raw), head.start(), head.start() + len(raw), 0.8, "header")
    m = re.search(r"T[oò]a án nhân dân (?:tỉnh|thành phố|huyện|quận|thị xã|khu vực|cấp cao)[^\n,;:.()]{0,60}", text)
    if m:
        return Found(m.group().strip(), m.start(), m.end(), 0.6, "body")
    return None


_PLACE_MARKERS = ("tinh", "thanh pho", "huyen", "quan", "thi xa", "tai", "-", "–")


def _title(upper: str) -> str:
    """"TÒA ÁN NHÂN DÂN TỈNH PHÚ THỌ" → "Tòa án nhân dân tỉnh Phú Thọ"."""
    words = upper.lower().split()
    out, cap = [], False
    for i, w in enumerate(words):
        if i == 0:
            out.append(w.capitalize())
            continue
        if cap and w not in ("-", "–") and not w[0].isdigit():
            out.append(w.capitalize())
        else:
            out.append(w)
        if fold(w) in ("tinh", "pho", "huyen", "quan", "xa", "tai", "-", "–"):
            cap = True
    text = " ".join(out)
    return text.replace("Toà", "Tòa")


def _number(text: str) -> tuple[Found | None, int]:
    """The judgment's own number: after "Bản án/Quyết định (số)" or a "Số:" line; a case's
    register number (…/TLST-…) or another judgment quoted later ("đối với Bản án … số …") is not it."""
    best = None
    for m in NUMBER.finditer(text):
        value = m.group(1)
        suffix = value.split("/")[-1]
        before = text[max(0, m.start() - 40):m.start()]
        if suffix.upper().startswith("TL") or re.search(r"thụ lý\s+số\s*:?\s*$", before, re.IGNORECASE):
            continue
        if re.search(r"(?:Bản án|Quyết định|BẢN ÁN|QUYẾT ĐỊNH)\s*(?:số|SỐ)?\s*:?\s*$", before):
            conf = 0.95
        elif re.search(r"(?:^|\n)\s*(?:Số|SỐ)\s*:?\s*$", before):
            conf = 0.9
        elif re.search(r"(?:số|Số|SỐ)\s*:?\s*$", before):
            conf = 0.7
        else:
            conf = 0.5
        # Quoted judgments ("đối với Bản án … số 11/2025/DS-ST ngày … của Tòa án …") come later in
        # the text: the first candidate of the best kind wins.
        if best is None or conf > best.confidence + 0.15:
            best = Found(value, m.start(1), m.end(1), conf, "số")
        if conf >= 0.9:
            break
    return best, (best.end if best else 0)


def _to_date(d: str, mth: str, y: str) -> date | None:
    try:
        return date(int(y), int(mth), int(d))
    except ValueError:
        return None


def _first_date(text: str, start: int, stop: int) -> tuple[date, int, int] | None:
    best = None
    for rx in (DATE_NUM, DATE_WORDS):
        m = rx.search(text, start, stop)
        if m:
            value = _to_date(*m.groups())
            if value and (best is None or m.start() < best[1]):
                best = (value, m.start(), m.end())
    return best


def _judgment_date(text: str, number_end: int) -> Found | None:
    if number_end:
        # "Ngày: 02-3-2026" under the number, or "ngày 02 tháng 3 năm 2026" right after it.
        hit = _first_date(text, number_end, min(len(text), number_end + 160))
        if hit:
            return Found(hit[0], hit[1], hit[2], 0.9, "sau số bản án")
    m = re.search(r"(?:Ngày|Hôm nay,? ngày|Trong (?:các )?ngày)[^\n]{0,60}?(?=tại)", text)
    if m:
        hits = [(_to_date(*x.groups()), x.start(), x.end()) for x in DATE_WORDS.finditer(text, m.start(), m.end() + 60)]
        hits = [h for h in hits if h[0]]
        if hits:
            return Found(hits[-1][0], hits[-1][1], hits[-1][2], 0.6, "ngày xét xử")
    return None


def _effective(text: str, judgment_date: Found | None) -> Found | None:
    for m in re.finditer(r"(?:đã\s+)?có hiệu lực(?: pháp luật)?(?:\s+thi hành)?", text, re.IGNORECASE):
        window = text[m.end():m.end() + 90]
        if re.match(r"\s*(?:ngay|kể từ ngày tuyên án|từ ngày tuyên án|kể từ ngày ký|kể từ ngày ban hành|"
                    r"ngay sau khi được ban hành|ngay sau khi ban hành|kể từ ngày ra quyết định)", window, re.IGNORECASE):
            if judgment_date:
                return Found(judgment_date.value, m.start(), m.end() + len(re.match(r"\s*\S+(?:\s+\S+){0,5}",
                             window).group()), 0.85, "hiệu lực từ ngày tuyên/ban hành")
        hit = _first_date(text, m.end(), min(len(text), m.end() + 40))
        if hit:
            return Found(hit[0], m.start(), hit[2], 0.9, "hiệu lực ngày")
    return None


# ------------------------------------------------------------------------------- parties


def _operative_start(text: str) -> int:
    """Where the operative part begins: the last line that is just "QUYẾT ĐỊNH" (with a colon)."""
    last = None
    for m in re.finditer(r"^[ \t]*(?:QUYẾT ĐỊNH|QUYẾT ĐỊNH:|XỬ|TUYÊN XỬ|QUYẾT ĐỊNH CỦA TÒA ÁN)[ \t]*:?[ \t]*$",
                         text, re.MULTILINE):
        last = m.end()
    if last is None:
        m = re.search(r"(?:Vì các lẽ trên|Từ những nhận định trên)[^\n]*\n", text)
        last = m.end() if m else 0
    return last


def _segment_end(text: str, start: int, limit: int) -> int:
    nxt = ROLE_RE.search(text, start, limit)
    stop = STOP_LINE.search(text, start, limit)
    ends = [m.start() for m in (nxt, stop) if m] + [limit]
    # A party's description is one paragraph: stop at an empty line too.
    blank = text.find("\n\n", start, limit)
    if blank != -1:
        ends.append(blank)
    return min(ends)


INLINE_PARTY = re.compile(r"(?:xử phạt[^.\n]{0,60}?|áp dụng[^.\n]{0,60}?)đối với\s+(?=" + HONORIFIC + r"\s|" + ORG_START + ")",
                          re.IGNORECASE)


def _parties(text: str, operative_start: int) -> list[Party]:
    """The parties' list: a line that starts with a role and a colon ("Bị đơn: Ông …"). Decisions
    (công nhận thỏa thuận, xử phạt) list them inside the operative part, so the whole text is read."""
    limit = len(text)
    parties: list[Party] = []
    for m in ROLE_RE.finditer(text, 0, limit):
        label = m.group(1)
        role = next(r for p, r in ROLE_LABELS if re.fullmatch(p, label, re.IGNORECASE))
        end = _segment_end(text, m.end(), limit)
        # The segment may list several people: "Bị đơn: 1. Ông A…; 2. Bà B…".
        for person in _people(text, m.end(), end):
            person.role, person.label = role, label.lower()
            if not any(fold(p.name.value) == fold(person.name.value) for p in parties):
                parties.append(person)
    # "Xử phạt vi phạm hành chính đối với ông X, sinh năm …; trú tại …": the one fined.
    for m in INLINE_PARTY.finditer(text):
        end = min(x for x in (text.find("\n", m.end()), len(text)) if x != -1)
        person = _person(text, m.end(), end)
        if person and not any(fold(p.name.value) == fold(person.name.value) for p in parties):
            person.role, person.label = "debtor", "người bị xử phạt"
            parties.append(person)
    return parties


def _people(text: str, start: int, end: int) -> list[Party]:
    seg = text[start:end]
    starts = [0] + [x.start() for x in re.finditer(r"(?:;|\n)\s*(?:[0-9]+[.)]|[-–+•])\s+(?=" + HONORIFIC + r"\s|"
                                                   + ORG_START + r")|\s+và\s+(?=" + HONORIFIC + rf"\s+[{UPPER}])", seg)]
    out = []
    for i, s in enumerate(starts):
        e = starts[i + 1] if i + 1 < len(starts) else len(seg)
        p = _person(text, start + s, start + e)
        if p:
            out.append(p)
    # "… và bà B, sinh năm 1978; cùng địa chỉ: …": the address is everyone's.
    shared = next((p.address for p in out if p.address and re.search(
        r"cùng\s+(?:địa chỉ|trú|cư trú|nơi cư trú)", text[max(start, p.address.start - 25):p.address.start])), None)
    if shared:
        for p in out:
            p.address = p.address or shared
    return out


def _person(text: str, start: int, end: int) -> Party | None:
    seg = text[start:end]
    lead = re.match(r"(?:[\s;:\-–+•0-9.)]|và\s)*", seg).end()
    org = re.match(ORG_START + r"[^;,(\n]*", seg[lead:])
    name = None
    if org:
        value = re.split(r"\s+(?:do|có trụ sở|trụ sở|địa chỉ|đại diện)\b", org.group().strip(" .,"))[0].strip(" .,")
        # "Ủy ban nhân dân huyện Tam Nông, tỉnh Phú Thọ": the place after a comma is part of the name.
        pos = lead + len(value)
        while True:
            tail = PLACE_TAIL.match(seg, pos)
            if not tail or re.match(r"\s*(?:,|;)?\s*(?:địa chỉ|trụ sở)", seg[tail.end():tail.end() + 12]) is None and \
                    seg[tail.end():tail.end() + 1] not in (";", ".", "", "\n", ","):
                break
            value = seg[lead:tail.end()].strip(" .,")
            pos = tail.end()
        name = Found(value, start + lead, start + lead + len(value), 0.85, "tổ chức")
        kind = "organisation"
    else:
        m = re.match(rf"(?:{HONORIFIC}\s+)?({PERSON_NAME})", seg[lead:])
        if m:
            value = m.group(1)
            conf = 0.9 if m.group().split()[0].lower() in ("ông", "bà", "anh", "chị", "cháu", "em", "cụ") else 0.8
            name = Found(value, start + lead + m.start(1), start + lead + m.end(1), conf, "tên sau vai trò")
            kind = "person"
    if name is None:
        return None
    party = Party("related", kind, name)
    idm = ID_RE.search(text, name.end, end)
    if idm:
        party.id_number = Found(idm.group(1), idm.start(1), idm.end(1), 0.9, "số giấy tờ")
    am = ADDRESS_RE.search(text, name.end, end)
    if am:
        a_start = am.end()
        stop = ADDRESS_END.search(text, a_start, end)
        a_end = stop.start() if stop else end
        value = text[a_start:a_end].strip(" ,.")
        value = " ".join(value.split())
        if value:
            party.address = Found(value, a_start, a_start + len(text[a_start:a_end].rstrip(" ,.")), 0.8, "địa chỉ")
    return party


# ------------------------------------------------------------------------------- operative part

OBLIGATION_VERB = re.compile(
    r"(?:\b(?:phải|có nghĩa vụ|có trách nhiệm)\s+(?:liên đới\s+)?(?:tiếp tục\s+)?|\bbuộc\b[^.;\n]{0,120}?|"
    r"(?:^|[\s,])(?=cấp dưỡng))"
    r"(trả|thanh toán|bồi thường|hoàn trả|trả lại|cấp dưỡng|nộp|chịu|giao)", re.IGNORECASE)
INTEREST = re.compile(r"(?:lãi suất|tiền lãi|khoản lãi|lãi chậm)[^.\n]{0,300}?(?:chậm thi hành|chưa thi hành|chậm trả|"
                      r"đơn yêu cầu thi hành án|Điều 357|Điều 468|thi hành xong|thanh toán xong|trả xong)|"
                      r"(?:tiếp tục|còn)\s+(?:phải\s+)?(?:tiếp tục\s+)?chịu[^.\n]{0,40}?(?:tiền lãi|lãi suất|khoản lãi|lãi)",
                      re.IGNORECASE)
FEE_WORDS = re.compile(r"án phí|lệ phí", re.IGNORECASE)
FINE_WORDS = re.compile(r"phạt tiền|phạt bổ sung|hình phạt tiền|sung (?:vào )?(?:công )?quỹ|sung ngân sách|"
                        r"truy thu|tịch thu|nộp (?:vào )?ngân sách|nộp phạt|tiền phạt|xử phạt", re.IGNORECASE)
RANK_1 = re.compile(r"cấp dưỡng|tiền lương|tiền công|trợ cấp|tính mạng|sức khỏe|sức khoẻ|tổn thất về tinh thần",
                    re.IGNORECASE)
NOT_OWED = re.compile(r"hoàn trả[^.;\n]{0,60}tạm ứng|trả lại[^.;\n]{0,60}tạm ứng|không phải chịu|được miễn|"
                      r"được hoàn|miễn toàn bộ", re.IGNORECASE)
SKIP_BEFORE = re.compile(r"(tạm ứng(?: án phí)?(?: là)?|đã nộp(?: là)?|còn phải nộp(?: là)?|được trừ vào|"
                         r"khấu trừ(?: vào)?(?: số tiền)?|trong đó|gồm|bao gồm|nợ gốc|tiền gốc|nợ lãi|tiền lãi|"
                         r"lãi(?: trong hạn| quá hạn)?)\s*(?:số tiền\s*)?(?:là\s*)?$", re.IGNORECASE)


def _sentences(text: str, start: int) -> list[tuple[int, int]]:
    """Clauses of the operative part: split at line breaks and at ". " / "; " before a capital."""
    out, s = [], start
    for m in re.finditer(rf"\n|\.\s+(?=[{UPPER}0-9\-–+])|;\s*\n|;\s+(?=[{UPPER}])", text[start:]):
        e = start + m.start()
        if text[s:e].strip():
            out.append((s, e))
        s = start + m.end()
    if text[s:].strip():
        out.append((s, len(text)))
    return out


NONMONEY_VERB = re.compile(r"\b(?:phải|buộc)\b[^.;\n]{0,120}?\b(trả lại|giao trả|giao|di dời|tháo dỡ|chuyển giao|bàn giao)\b",
                           re.IGNORECASE)
TOTAL_LINE = re.compile(r"^\s*(?:[-–+•]\s*)?(?:tổng cộng|tổng số(?: tiền)?)\b", re.IGNORECASE)


def _obligations(text: str, start: int, parties: list[Party]) -> tuple[list[ObligationFound], Found | None]:
    found: list[ObligationFound] = []
    interest = None
    if not start:
        return found, interest
    aliases = _aliases(parties)
    last_private: ObligationFound | None = None
    for s, e in _sentences(text, start):
        sentence = text[s:e]
        im = INTEREST.search(sentence)
        if im:
            if interest is None:
                interest = Found(True, s + im.start(), s + im.end(), 0.85, "điều khoản lãi")
            continue
        amounts = find_amounts(sentence)
        if amounts and TOTAL_LINE.match(sentence) and last_private is not None:
            # "Tổng cộng: 1.337.500.000 đồng." after the clause that listed the parts.
            value, a_s, a_e, how = amounts[0]
            # The parts listed in the clause before give way to their total.
            found = [o for o in found if o is last_private or o.sentence != last_private.sentence]
            last_private.amount = Found(value, s + a_s, s + a_e, 0.85, "tổng cộng")
            continue
        if not amounts:
            nm = NONMONEY_VERB.search(sentence)
            if nm and "tiền" not in sentence.lower() and not NOT_OWED.search(sentence):
                debtor, creditor = _who(sentence, aliases, nm.start(1))
                found.append(ObligationFound(_describe(sentence), None, 3, False, debtor, creditor, (s, e)))
            continue
        if FEE_WORDS.search(sentence):
            found += _fees(text, s, sentence, amounts, aliases)
            continue
        verb = OBLIGATION_VERB.search(sentence)
        fine = FINE_WORDS.search(sentence)
        if not verb and not fine:
            continue
        if NOT_OWED.search(sentence):
            continue
        cut = verb.start(1) if verb else None
        debtor, _creditor = _who(sentence, aliases, cut)
        rank = 1 if RANK_1.search(sentence) else 3
        # "… bồi thường cho bà A số tiền X; bồi thường cho ông B số tiền Y": one obligation per creditor.
        for c_start, c_end, creditor in _creditor_spans(sentence, aliases, cut or 0):
            part = sentence[c_start:c_end]
            part_amounts = [(v, a + c_start, b + c_start, h) for v, a, b, h in find_amounts(part)]
            for value, a_s, a_e, how in _main_amounts(sentence, part_amounts):
                state = bool(fine) and not creditor
                conf = (0.9 if how == "figures" else 0.75) * (0.9 if not verb else 1.0)
                ob = ObligationFound(_describe(sentence), Found(value, s + a_s, s + a_e, conf, how), rank, state,
                                     debtor, creditor, (s, e))
                found.append(ob)
                if not state:
                    last_private = ob
    return found, interest


def _aliases(parties: list[Party]) -> list[tuple[str, str]]:
    """(folded form, party name): the full name, and for a person "ông/bà/anh/chị … <given name>"."""
    out = []
    for p in parties:
        full = fold(p.name.value)
        out.append((full, p.name.value))
        if p.kind == "person":
            words = full.split()
            for honorific in ("ong", "ba", "anh", "chi", "cu", "chau", "em", "bi cao"):
                out.append((f"{honorific} {words[-1]}", p.name.value))
                if len(words) >= 3:
                    out.append((f"{honorific} {' '.join(words[-2:])}", p.name.value))
    out.sort(key=lambda a: -len(a[0]))
    return out


def _mentions(sentence: str, aliases) -> list[tuple[int, int, str]]:
    """Where parties are named in ``sentence`` (folded positions), longest alias first, no overlaps."""
    low = fold(sentence)
    taken: list[tuple[int, int, str]] = []
    for alias, name in aliases:
        for m in re.finditer(r"(?<![a-z])" + re.escape(alias) + r"(?![a-z])", low):
            if not any(a < m.end() and m.start() < b for a, b, _ in taken):
                taken.append((m.start(), m.end(), name))
    return sorted(taken)


def _who(sentence: str, aliases, cut: int | None) -> tuple[str | None, str | None]:
    """The debtor (named before the verb) and the first creditor (named after "cho")."""
    debtor = creditor = None
    low = fold(sentence)
    for a, _b, name in _mentions(sentence, aliases):
        if cut is not None and a < cut:
            debtor = debtor or name
        elif re.search(r"\bcho\s+(?:\S+\s+){0,2}$", low[:a]):
            creditor = creditor or name
        elif cut is None and debtor is None:
            debtor = name
    return debtor, creditor


def _creditor_spans(sentence: str, aliases, cut: int) -> list[tuple[int, int, str | None]]:
    low = fold(sentence)
    marks = [(a, name) for a, _b, name in _mentions(sentence, aliases)
             if a >= cut and re.search(r"\bcho\s+(?:\S+\s+){0,2}$", low[:a])]
    if len(marks) < 2:
        return [(0, len(sentence), marks[0][1] if marks else None)]
    spans = []
    for i, (a, name) in enumerate(marks):
        spans.append((0 if i == 0 else a, marks[i + 1][0] if i + 1 < len(marks) else len(sentence), name))
    return spans


def _main_amounts(sentence: str, amounts) -> list[tuple]:
    """The amounts a clause obliges: the total when it states one ("tổng cộng …"); otherwise each
    amount that is not an advance, a deduction or a part of a stated whole."""
    total = re.search(r"tổng (?:cộng|số(?: tiền)?)(?: là)?\s*:?\s*", sentence, re.IGNORECASE)
    if total:
        for a in amounts:
            if a[1] >= total.end() - 1:
                return [a]
    usable = [a for a in amounts if not re.search(
        r"(tạm ứng(?: án phí)?|đã nộp|còn phải nộp|được trừ(?: vào)?|khấu trừ(?: vào)?|đã bồi thường|đã trả|"
        r"trong đó|gồm|bao gồm)[^0-9]{0,25}$", sentence[max(0, a[1] - 40):a[1]], re.IGNORECASE)]
    return usable


def _fees(text: str, s: int, sentence: str, amounts, aliases) -> list[ObligationFound]:
    out = []
    if re.search(r"không phải chịu|được miễn", sentence, re.IGNORECASE) and not re.search(
            r"phải chịu\s+[0-9]|phải chịu án phí|phải nộp", sentence.replace("không phải chịu", ""), re.IGNORECASE):
        return out
    mentions = _mentions(sentence, aliases)
    for value, a_s, a_e, how in amounts:
        before = sentence[max(0, a_s - 45):a_s]
        if re.search(r"(tạm ứng(?: án phí)?(?: phúc thẩm)?|đã nộp|còn phải nộp|được trừ(?: vào)?|khấu trừ(?: vào)?)"
                     r"[^0-9]{0,30}$", before, re.IGNORECASE):
            continue
        if re.search(r"(hoàn trả|trả lại|nhận lại)[^0-9]{0,60}$", before, re.IGNORECASE):
            continue
        around = sentence[a_e:a_e + 60]
        kind_m = re.search(r"án\s+phí[^.;,0-9]{0,40}?(?:sơ\s+thẩm|phúc\s+thẩm)|lệ\s+phí[^.;,0-9]{0,30}", around,
                           re.IGNORECASE) \
            or re.search(r"án\s+phí[^.;,0-9]{0,40}?(?:sơ\s+thẩm|phúc\s+thẩm)", sentence[:a_s], re.IGNORECASE)
        desc = "Án phí" if not kind_m else " ".join(kind_m.group().split()).capitalize()
        # The one who pays: the party named last before the amount.
        low_pos = len(fold(sentence[:a_s]))
        named = [name for a, _b, name in mentions if a < low_pos]
        out.append(ObligationFound(desc[:200], Found(value, s + a_s, s + a_e, 0.85 if how == "figures" else 0.7, how),
                                   2, True, named[-1] if named else None, None, (s, s + len(sentence))))
    return out


def _describe(sentence: str) -> str:
    text = " ".join(sentence.split())
    text = re.sub(r"^[\s\-–+•0-9.)]*", "", text)
    return text[:300]


def _roles_from_obligations(r: Reading) -> None:
    """Who must pay or hand over is the debtor and who receives the creditor, whatever their
    procedural role; a party named in no obligation keeps its role only while some obligation's
    debtor (creditor) could not be told."""
    private = [o for o in r.obligations if o.rank != 2]
    debtors = {fold(o.debtor) for o in private if o.debtor}
    creditors = {fold(o.creditor) for o in private if o.creditor}
    fee_payers = {fold(o.debtor) for o in r.obligations if o.rank == 2 and o.debtor}
    all_debtors_known = bool(private) and all(o.debtor for o in private)
    for p in r.parties:
        key = fold(p.name.value)
        if key in creditors and key not in debtors:
            p.role = "creditor"
        elif key in debtors and key not in creditors:
            p.role = "debtor"
        elif key in debtors and key in creditors:
            pass  # mutual obligations: the role in the parties' list stands
        elif key in fee_payers and (not private or p.role != "creditor"):
            p.role = "debtor"
        elif p.role == "debtor" and (all_debtors_known or (not private and fee_payers)):
            p.role = "related"
