"""Effective-dated statutory deadline rules (old law 2008 and new law 2025).

Law 106/2025/QH15 replaces Law 26/2008/QH12 on 01/07/2026. Its transitional
provision (Art 116; Decree 152/2026 Art 115) keeps steps already taken and
applies the new law to every step taken from that date, so a rule is chosen by
**the date of the event that starts the period**, never by the date the case
was opened: a case opened in June 2026 whose voluntary period ends on
02/07/2026 gets the new 9-day verification period.

The rules are data (``RULES_2008`` / ``RULES_2025``); the functions below only
look them up and do arithmetic through :mod:`workflows.calendar`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workflows.calendar import PeriodUnit, WorkingCalendar, period_end

__all__ = [
    "ALL_KINDS",
    "CHANGEOVER",
    "COERCION_LIMITS",
    "MEASURE_DEADLINE_KINDS",
    "PARTY_ACTORS",
    "UNCONFIRMED",
    "CoercionLimits",
    "KIND_LABELS",
    "LAW_2008",
    "LAW_2025",
    "LAW_LABELS",
    "RULES",
    "RULES_2008",
    "RULES_2025",
    "DeadlineRule",
    "UnknownRule",
    "due_date",
    "explain",
    "explain_en",
    "law_for",
    "rule_for",
    "unconfirmed_reason",
]

LAW_2008 = "law_2008"
LAW_2025 = "law_2025"
#: Day Law 106/2025/QH15 enters into force (Art 115).
CHANGEOVER = date(2026, 7, 1)

LAW_LABELS: dict[str, tuple[str, str]] = {
    LAW_2008: ("Luật THADS 2008 (Luật 26/2008/QH12, sửa đổi, bổ sung)", "Enforcement Law 2008"),
    LAW_2025: ("Luật THADS 2025 (Luật 106/2025/QH15)", "Enforcement Law 2025"),
}

_UNIT_LABELS: dict[PeriodUnit, tuple[str, str, str]] = {
    # unit: (Vietnamese, English singular, English plural)
    PeriodUnit.WORKING_DAYS: ("ngày làm việc", "working day", "working days"),
    PeriodUnit.DAYS: ("ngày", "day", "days"),
    PeriodUnit.MONTHS: ("tháng", "month", "months"),
}


class UnknownRule(KeyError):
    """No rule for this deadline kind (or variant) under the applicable law."""


def law_for(d: date) -> str:
    """Which law governs a step whose starting event happened on ``d``."""
    return LAW_2025 if d >= CHANGEOVER else LAW_2008


@dataclass(frozen=True)
class DeadlineRule:
    """One statutory period: how long, from which event, who must act, and why."""

    kind: str
    law: str
    amount: int
    unit: PeriodUnit
    runs_from: str
    runs_from_vi: str
    actor: str
    legal_basis: str
    legal_basis_en: str
    variant: str | None = None
    # Why the figure is not confirmed against the text in force (see UNCONFIRMED), else None.
    unconfirmed: str | None = None
    # The due date is set by a decision (a steering committee's task), not counted: the row's
    # basis date *is* the due date (amount 0), so a calendar change never moves it.
    fixed: bool = False

    @property
    def label_vi(self) -> str:
        """"10 ngày", "5 ngày làm việc", "6 tháng"; "ngay" for an immediate step."""
        if self.fixed:
            return "theo hạn được giao"
        if self.amount == 0:
            return "ngay"
        return f"{self.amount} {_UNIT_LABELS[self.unit][0]}"

    @property
    def runs_from_en(self) -> str:
        """English phrase for the starting event."""
        return _FROM_EN.get(self.runs_from, self.runs_from)

    @property
    def label_en(self) -> str:
        """"10 days", "5 working days", "6 months"; "immediately" for 0."""
        if self.fixed:
            return "as set"
        if self.amount == 0:
            return "immediately"
        _, one, many = _UNIT_LABELS[self.unit]
        return f"{self.amount} {one if self.amount == 1 else many}"


#: Vietnamese and English names of each deadline kind (for lists and reminders).
KIND_LABELS: dict[str, tuple[str, str]] = {
    "decision": ("Ra quyết định thi hành án", "Enforcement decision"),
    "case_file": ("Lập hồ sơ thi hành án", "Open the case file"),
    "procuracy": ("Gửi quyết định cho Viện kiểm sát", "Send the decision to the procuracy"),
    "notification": ("Thông báo thi hành án", "Notify the parties"),
    "voluntary": ("Thời hạn tự nguyện thi hành án", "Voluntary compliance period"),
    "verification": ("Xác minh điều kiện thi hành án", "Verify the debtor's means"),
    "reverification": ("Xác minh lại điều kiện thi hành án", "Re-verify the debtor's means"),
    "resume": ("Tiếp tục thi hành án", "Resume enforcement"),
    "payout": ("Chi trả tiền thi hành án", "Pay out collected money"),
    "confirmation": ("Xác nhận kết quả thi hành án", "Confirm the enforcement result"),
    "officer_change": ("Thay đổi Chấp hành viên", "Change of enforcement officer"),
    # Enforcement measures (issue 11): named after the step that must follow.
    "freeze_followup": ("Cưỡng chế hoặc chấm dứt phong tỏa", "Coerce or end the freeze"),
    "hold_followup": ("Cưỡng chế hoặc trả lại tài sản, giấy tờ tạm giữ", "Coerce or return what was held"),
    "suspension_followup": ("Cưỡng chế hoặc chấm dứt tạm dừng đăng ký, chuyển dịch",
                            "Coerce or end the registration freeze"),
    "valuation": ("Ký hợp đồng thẩm định giá", "Sign the valuation contract"),
    "revaluation_request": ("Thời hạn yêu cầu định giá lại", "Period to ask for re-valuation"),
    "auction_agreement": ("Thời hạn thỏa thuận tổ chức bán đấu giá", "Period to agree on the auction house"),
    "auction_contract": ("Ký hợp đồng bán đấu giá", "Sign the auction contract"),
    "auction": ("Tổ chức bán đấu giá", "Hold the auction"),
    "reauction": ("Bán đấu giá lại sau khi giảm giá", "Auction again after the price reduction"),
    "price_reduction": ("Quyết định giảm giá tài sản", "Decide the price reduction"),
    "committee_task": ("Nhiệm vụ Ban chỉ đạo giao", "Task given by the steering committee"),
}

# Shared "runs from" phrases, so both laws word them identically.
_FROM = {
    "received": "ngày nhận được bản án, quyết định hoặc đơn yêu cầu thi hành án",
    "assignment": "ngày được phân công",
    "decision": "ngày ra quyết định thi hành án",
    "notification": "ngày được thông báo hợp lệ quyết định thi hành án",
    "voluntary_end": "ngày kết thúc thời hạn tự nguyện",
    "not_enforceable": "ngày xác định chưa có điều kiện thi hành án",
    "ground_end": "ngày căn cứ hoãn, tạm đình chỉ không còn",
    "collection": "ngày thu được tiền",
    "request": "ngày nhận được yêu cầu xác nhận kết quả thi hành án",
    "ground": "ngày có căn cứ thay đổi Chấp hành viên",
    "freeze": "ngày ra quyết định phong tỏa tài khoản, tài sản",
    "hold_owner": "ngày có căn cứ xác định tài sản, giấy tờ tạm giữ thuộc quyền sở hữu, sử dụng của người phải thi hành án",
    "suspension": "ngày ra quyết định tạm dừng đăng ký, chuyển quyền sở hữu, sử dụng, thay đổi hiện trạng tài sản",
    "seizure": "ngày kê biên tài sản",
    "valuation_notice": "ngày nhận được thông báo kết quả thẩm định giá",
    "valuation": "ngày định giá",
    "auction_contract": "ngày ký hợp đồng bán đấu giá",
    "price_reduction": "ngày ra quyết định giảm giá",
    "failed_auction": "ngày bán đấu giá không thành",
    "committee_due": "hạn do Ban chỉ đạo thi hành án dân sự giao",
}

_FROM_EN = {
    "received": "receipt of the judgment or of the request",
    "assignment": "assignment of the case",
    "decision": "the enforcement decision",
    "notification": "valid notification of the decision",
    "voluntary_end": "the end of the voluntary period",
    "not_enforceable": "the finding that the case is not enforceable",
    "ground_end": "the end of the ground for postponement or suspension",
    "collection": "collection of the money",
    "request": "the request for confirmation",
    "ground": "the ground for changing the officer",
    "freeze": "the freeze decision",
    "hold_owner": "the day it was established that what is held belongs to the debtor",
    "suspension": "the decision suspending registration or transfer",
    "seizure": "the seizure",
    "valuation_notice": "notice of the valuation result",
    "valuation": "the valuation",
    "auction_contract": "the auction contract",
    "price_reduction": "the price reduction decision",
    "failed_auction": "the failed auction",
    "committee_due": "the date set by the steering committee",
}

WD, D, M = PeriodUnit.WORKING_DAYS, PeriodUnit.DAYS, PeriodUnit.MONTHS

# (kind, variant, amount, unit, runs_from, actor, legal_basis, legal_basis_en)
_Row = tuple[str, "str | None", int, PeriodUnit, str, str, str, str]

_ROWS_2008: tuple[_Row, ...] = (
    ("decision", None, 5, WD, "received", "head",
     "Điều 36 Luật THADS 2008", "Enforcement Law 2008, Art 36"),
    # Interim (urgent) measures are enforced immediately (Art 36(1)).
    ("decision", "interim", 0, D, "received", "head",
     "Điều 36 Luật THADS 2008", "Enforcement Law 2008, Art 36"),
    ("decision", "bankruptcy", 3, WD, "received", "head",
     "Điều 36 Luật THADS 2008", "Enforcement Law 2008, Art 36"),
    ("case_file", None, 2, WD, "assignment", "officer",
     "Điều 8 Nghị định 62/2015/NĐ-CP", "Decree 62/2015, Art 8"),
    ("procuracy", None, 3, WD, "decision", "agency",
     "Điều 38 Luật THADS 2008", "Enforcement Law 2008, Art 38"),
    ("notification", None, 3, WD, "decision", "officer",
     "Điều 39 Luật THADS 2008", "Enforcement Law 2008, Art 39"),
    ("voluntary", None, 10, D, "notification", "debtor",
     "Điều 45 Luật THADS 2008", "Enforcement Law 2008, Art 45"),
    ("verification", None, 10, D, "voluntary_end", "officer",
     "Điều 44 Luật THADS 2008", "Enforcement Law 2008, Art 44(1)"),
    # No voluntary period for interim measures: verify at once (Art 44(1)).
    ("verification", "interim", 0, D, "notification", "officer",
     "Điều 44 Luật THADS 2008", "Enforcement Law 2008, Art 44(1)"),
    ("reverification", None, 6, M, "not_enforceable", "officer",
     "Điều 44 Luật THADS 2008", "Enforcement Law 2008, Art 44(2)"),
    # Debtor imprisoned with ≥ 2 years left, or address unknown: once a year.
    ("reverification", "yearly", 12, M, "not_enforceable", "officer",
     "Điều 44 Luật THADS 2008", "Enforcement Law 2008, Art 44(2)"),
    ("resume", None, 5, WD, "ground_end", "head",
     "Điều 48, 49 Luật THADS 2008", "Enforcement Law 2008, Art 48–49"),
    ("payout", None, 10, D, "collection", "officer",
     "Khoản 5 Điều 47 Luật THADS 2008", "Enforcement Law 2008, Art 47(5)"),
    ("confirmation", None, 5, WD, "request", "head",
     "Điều 53 Luật THADS 2008", "Enforcement Law 2008, Art 53"),
    ("officer_change", None, 5, WD, "ground", "head",
     "Điều 10 Nghị định 62/2015/NĐ-CP", "Decree 62/2015, Art 10"),
)

_ROWS_2025: tuple[_Row, ...] = (
    ("decision", None, 5, WD, "received", "head",
     "Luật 106/2025/QH15, Điều 33, 34", "Law 106/2025, Art 33(2), 34(3)"),
    ("decision", "interim", 0, D, "received", "head",
     "Luật 106/2025/QH15, Điều 33", "Law 106/2025, Art 33(3)"),
    ("decision", "bankruptcy", 3, WD, "received", "head",
     "Luật 106/2025/QH15, Điều 33", "Law 106/2025, Art 33(3)"),
    ("case_file", None, 2, WD, "assignment", "officer",
     "Nghị định 152/2026/NĐ-CP, Điều 12 khoản 2", "Decree 152/2026, Art 12(2)"),
    ("procuracy", None, 3, WD, "decision", "agency",
     "Luật 106/2025/QH15, Điều 35", "Law 106/2025, Art 35(2)"),
    ("notification", None, 3, WD, "decision", "officer",
     "Luật 106/2025/QH15, Điều 35", "Law 106/2025, Art 35"),
    ("voluntary", None, 10, D, "notification", "debtor",
     "Luật 106/2025/QH15, Điều 36", "Law 106/2025, Art 36(1)"),
    # The new law shortens the first verification from 10 to 9 days.
    ("verification", None, 9, D, "voluntary_end", "officer",
     "Luật 106/2025/QH15, Điều 37", "Law 106/2025, Art 37(1)"),
    ("verification", "interim", 0, D, "notification", "officer",
     "Luật 106/2025/QH15, Điều 37", "Law 106/2025, Art 37(1)"),
    ("reverification", None, 6, M, "not_enforceable", "officer",
     "Luật 106/2025/QH15, Điều 38", "Law 106/2025, Art 38(3)"),
    ("reverification", "yearly", 12, M, "not_enforceable", "officer",
     "Luật 106/2025/QH15, Điều 38", "Law 106/2025, Art 38(3)"),
    ("resume", None, 5, WD, "ground_end", "head",
     "Luật 106/2025/QH15, Điều 46, 47", "Law 106/2025, Art 46–47"),
    ("payout", None, 10, D, "collection", "officer",
     "Luật 106/2025/QH15, Điều 54 khoản 6", "Law 106/2025, Art 54(6)"),
    # Many creditors: up to 45 days (Art 54(6)).
    ("payout", "many_creditors", 45, D, "collection", "officer",
     "Luật 106/2025/QH15, Điều 54 khoản 6", "Law 106/2025, Art 54(6)"),
    ("confirmation", None, 3, WD, "request", "head",
     "Nghị định 152/2026/NĐ-CP, Điều 32 khoản 3", "Decree 152/2026, Art 32(3)"),
    ("officer_change", None, 3, WD, "ground", "head",
     "Nghị định 152/2026/NĐ-CP, Điều 13 khoản 3", "Decree 152/2026, Art 13(3)"),
)



# -- enforcement measures (issue 11) ---------------------------------------------------------
# Articles of Law 26/2008 as amended by Law 64/2014 (consolidated text 12/VBHN-VPQH). The
# parties' own windows (re-valuation request, agreement on the auction house) have the actor
# "parties": like the voluntary period they are not the agency's to meet (no reminders, never
# overdue), but they date the next step.
_B08 = "Luật THADS 2008 (sửa đổi 2014)"
_E08 = "Enforcement Law 2008 (amended 2014)"
_MEASURE_ROWS_2008: tuple[_Row, ...] = (
    ("freeze_followup", None, 10, D, "freeze", "officer", f"Điều 67 {_B08}", f"{_E08}, Art 67"),
    ("hold_followup", None, 10, D, "hold_owner", "officer", f"Khoản 5 Điều 68 {_B08}", f"{_E08}, Art 68(5)"),
    ("suspension_followup", None, 15, D, "suspension", "officer", f"Điều 69 {_B08}", f"{_E08}, Art 69"),
    ("valuation", None, 5, WD, "seizure", "officer", f"Khoản 2 Điều 98 {_B08}", f"{_E08}, Art 98(2)"),
    ("revaluation_request", None, 5, WD, "valuation_notice", "parties", f"Điều 99 {_B08}", f"{_E08}, Art 99"),
    ("auction_agreement", None, 5, WD, "valuation", "parties", f"Khoản 1 Điều 101 {_B08}",
     f"{_E08}, Art 101(1)"),
    ("auction_contract", None, 10, D, "valuation", "officer", f"Khoản 1 Điều 101 {_B08}", f"{_E08}, Art 101(1)"),
    ("auction", "movable", 30, D, "auction_contract", "agency", f"Khoản 2 Điều 101 {_B08} (động sản)",
     f"{_E08}, Art 101(2) (movables)"),
    ("auction", "immovable", 45, D, "auction_contract", "agency", f"Khoản 2 Điều 101 {_B08} (bất động sản)",
     f"{_E08}, Art 101(2) (immovables)"),
    ("reauction", "movable", 30, D, "price_reduction", "agency", f"Khoản 2 Điều 101, Điều 104 {_B08} (động sản)",
     f"{_E08}, Art 101(2), 104 (movables)"),
    ("reauction", "immovable", 45, D, "price_reduction", "agency",
     f"Khoản 2 Điều 101, Điều 104 {_B08} (bất động sản)", f"{_E08}, Art 101(2), 104 (immovables)"),
    ("price_reduction", None, 10, D, "failed_auction", "officer", f"Khoản 1 Điều 104 {_B08}",
     f"{_E08}, Art 104(1)"),
    ("committee_task", None, 0, D, "committee_due", "agency", "Kết luận của Ban chỉ đạo thi hành án dân sự",
     "Conclusion of the civil judgment enforcement steering committee"),
)

_B25 = "Luật 106/2025/QH15"
# Law 106/2025 keeps these steps (security measures Art 66–72, valuation and sale Art 82–83);
# its figures are not at hand here, so the 2008 figures are kept and marked in UNCONFIRMED.
_MEASURE_ROWS_2025: tuple[_Row, ...] = (
    ("freeze_followup", None, 10, D, "freeze", "officer", f"{_B25}, Điều 66–72", "Law 106/2025, Art 66–72"),
    ("hold_followup", None, 10, D, "hold_owner", "officer", f"{_B25}, Điều 66–72", "Law 106/2025, Art 66–72"),
    ("suspension_followup", None, 15, D, "suspension", "officer", f"{_B25}, Điều 66–72",
     "Law 106/2025, Art 66–72"),
    ("valuation", None, 5, WD, "seizure", "officer", f"{_B25}, Điều 82–83", "Law 106/2025, Art 82–83"),
    ("revaluation_request", None, 5, WD, "valuation_notice", "parties", f"{_B25}, Điều 82–83",
     "Law 106/2025, Art 82–83"),
    ("auction_agreement", None, 5, WD, "valuation", "parties", f"{_B25}, Điều 82–83", "Law 106/2025, Art 82–83"),
    ("auction_contract", None, 10, D, "valuation", "officer", f"{_B25}, Điều 82–83", "Law 106/2025, Art 82–83"),
    ("auction", "movable", 30, D, "auction_contract", "agency", f"{_B25}, Điều 82–83 (động sản)",
     "Law 106/2025, Art 82–83 (movables)"),
    ("auction", "immovable", 45, D, "auction_contract", "agency", f"{_B25}, Điều 82–83 (bất động sản)",
     "Law 106/2025, Art 82–83 (immovables)"),
    ("reauction", "movable", 30, D, "price_reduction", "agency", f"{_B25}, Điều 82–83 (động sản)",
     "Law 106/2025, Art 82–83 (movables)"),
    ("reauction", "immovable", 45, D, "price_reduction", "agency", f"{_B25}, Điều 82–83 (bất động sản)",
     "Law 106/2025, Art 82–83 (immovables)"),
    ("price_reduction", None, 10, D, "failed_auction", "officer", f"{_B25}, Điều 82–83", "Law 106/2025, Art 82–83"),
    ("committee_task", None, 0, D, "committee_due", "agency", "Kết luận của Ban chỉ đạo thi hành án dân sự",
     "Conclusion of the civil judgment enforcement steering committee"),
)

_L106_NOT_AT_HAND = ("the text of Law 106/2025 / Decree 152/2026 for this step is not at hand: the 2008 "
                     "figure is kept and the article is cited as a range (security measures Art 66–72, "
                     "valuation and sale Art 82–83)")

#: THE ONE PLACE where figures not confirmed against the text in force are marked:
#: (law, deadline kind or rule name, variant) → why. ``explain`` says so beside the due date,
#: docs/glossary.md and docs/measures.md list them. Remove an entry once the text is checked.
UNCONFIRMED: dict[tuple[str, str, str | None], str] = {
    **{(LAW_2025, kind, variant): _L106_NOT_AT_HAND
       for kind, variant, *_ in _MEASURE_ROWS_2025 if kind != "committee_task"},
    (LAW_2008, "suspension_followup", None): (
        "15 days read from the consolidated text 12/VBHN-VPQH, not checked against a stored copy "
        "(Art 67 and 68(5) were: 10 days)"),
    (LAW_2008, "reauction", "movable"): (
        "the law sets no separate period for the auction after a price reduction; the system counts "
        "Art 101(2)'s 30 days again from the reduction decision"),
    (LAW_2008, "reauction", "immovable"): (
        "the law sets no separate period for the auction after a price reduction; the system counts "
        "Art 101(2)'s 45 days again from the reduction decision"),
    (LAW_2025, "coercion_limits", None): _L106_NOT_AT_HAND,
}

#: Actors whose periods run for the parties, not the agency: never reminded, never overdue.
PARTY_ACTORS = ("debtor", "parties")


@dataclass(frozen=True)
class CoercionLimits:
    """When coercion may not be organised (Law 2008 Art 46(2) as amended 2014): between
    ``night_from`` and ``night_to`` (hours), on rest days and holidays, and within
    ``tet_margin_days`` days before and after the Tết Nguyên đán holiday."""

    law: str
    night_from: int
    night_to: int
    tet_margin_days: int
    legal_basis: str
    legal_basis_en: str

    @property
    def unconfirmed(self) -> str | None:
        return UNCONFIRMED.get((self.law, "coercion_limits", None))


COERCION_LIMITS: dict[str, CoercionLimits] = {
    LAW_2008: CoercionLimits(LAW_2008, 22, 6, 15, f"Khoản 2 Điều 46 {_B08}", f"{_E08}, Art 46(2)"),
    LAW_2025: CoercionLimits(LAW_2025, 22, 6, 15, f"{_B25}, như khoản 2 Điều 46 Luật THADS 2008",
                             "Law 106/2025, as Enforcement Law 2008 Art 46(2)"),
}


def unconfirmed_reason(law: str, kind: str, variant: str | None = None) -> str | None:
    """Why a figure is UNCONFIRMED, or None when it was checked."""
    return UNCONFIRMED.get((law, kind, variant))


def _build(law: str, rows: tuple[_Row, ...]) -> dict[tuple[str, str | None], DeadlineRule]:
    table: dict[tuple[str, str | None], DeadlineRule] = {}
    for kind, variant, amount, unit, runs_from, actor, basis, basis_en in rows:
        key = (kind, variant)
        if key in table:  # a duplicate row is a data-entry mistake: fail at import
            raise ValueError(f"duplicate rule {key} in {law}")
        table[key] = DeadlineRule(
            kind=kind,
            law=law,
            amount=amount,
            unit=unit,
            runs_from=runs_from,
            runs_from_vi=_FROM[runs_from],
            actor=actor,
            legal_basis=basis,
            legal_basis_en=basis_en,
            variant=variant,
            unconfirmed=UNCONFIRMED.get((law, kind, variant)),
            fixed=runs_from == "committee_due",
        )
    return table


RULES_2008 = _build(LAW_2008, _ROWS_2008 + _MEASURE_ROWS_2008)
RULES_2025 = _build(LAW_2025, _ROWS_2025 + _MEASURE_ROWS_2025)
RULES: dict[str, dict[tuple[str, str | None], DeadlineRule]] = {
    LAW_2008: RULES_2008,
    LAW_2025: RULES_2025,
}

#: Deadline kinds of the procedure (the case's own steps).
ALL_KINDS: tuple[str, ...] = tuple(dict.fromkeys(k for k, *_ in (*_ROWS_2008, *_ROWS_2025)))
#: Deadline kinds of the enforcement measures and the steering committee (issue 11).
MEASURE_DEADLINE_KINDS: tuple[str, ...] = tuple(dict.fromkeys(k for k, *_ in _MEASURE_ROWS_2008))


def rule_for(kind: str, basis_on: date, variant: str | None = None) -> DeadlineRule:
    """The rule for ``kind`` (and ``variant``) in force on ``basis_on``.

    ``basis_on`` is the date of the event that starts the period. Raises
    :class:`UnknownRule` (a ``KeyError``) for an unknown kind or variant: a
    silently substituted rule would produce a wrong legal deadline.
    """
    table = RULES[law_for(basis_on)]
    try:
        return table[(kind, variant)]
    except KeyError:
        raise UnknownRule(f"no deadline rule {kind!r} variant {variant!r}") from None


def due_date(rule: DeadlineRule, basis_on: date, cal: WorkingCalendar) -> date:
    """Last day of the period that ``rule`` opens on ``basis_on``."""
    return period_end(cal, basis_on, rule.amount, rule.unit)


def explain(rule: DeadlineRule, basis_on: date, due_on: date) -> str:
    """Vietnamese explanation, e.g.

    "đến hạn 14/05/2026 — 10 ngày kể từ 04/05/2026, ngày kết thúc thời hạn tự
    nguyện; Điều 44 Luật THADS 2008". An UNCONFIRMED figure says so at the end.
    """
    if rule.fixed:
        text = f"đến hạn {due_on:%d/%m/%Y} — {rule.runs_from_vi}; {rule.legal_basis}"
    else:
        if rule.amount == 0:
            span = f"ngay trong ngày {basis_on:%d/%m/%Y}"
        else:
            span = f"{rule.label_vi} kể từ {basis_on:%d/%m/%Y}"
        text = f"đến hạn {due_on:%d/%m/%Y} — {span}, {rule.runs_from_vi}; {rule.legal_basis}"
    if rule.unconfirmed:
        text += " (thời hạn chưa được xác nhận theo văn bản đang áp dụng)"
    return text


def explain_en(rule: DeadlineRule, basis_on: date, due_on: date) -> str:
    """English counterpart of :func:`explain` (dates stay dd/mm/yyyy)."""
    if rule.fixed:
        text = f"due {due_on:%d/%m/%Y} — {rule.runs_from_en}; {rule.legal_basis_en}"
    else:
        if rule.amount == 0:
            span = f"immediately, on {basis_on:%d/%m/%Y},"
        else:
            span = f"{rule.label_en} from {basis_on:%d/%m/%Y},"
        text = f"due {due_on:%d/%m/%Y} — {span} {rule.runs_from_en}; {rule.legal_basis_en}"
    if rule.unconfirmed:
        text += " (period not confirmed against the text in force)"
    return text
