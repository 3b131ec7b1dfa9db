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

    @property
    def label_vi(self) -> str:
        """"10 ngày", "5 ngày làm việc", "6 tháng"; "ngay" for an immediate step."""
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
        )
    return table


RULES_2008 = _build(LAW_2008, _ROWS_2008)
RULES_2025 = _build(LAW_2025, _ROWS_2025)
RULES: dict[str, dict[tuple[str, str | None], DeadlineRule]] = {
    LAW_2008: RULES_2008,
    LAW_2025: RULES_2025,
}

ALL_KINDS: tuple[str, ...] = tuple(dict.fromkeys(k for k, _ in (*RULES_2008, *RULES_2025)))


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
    nguyện; Điều 44 Luật THADS 2008".
    """
    if rule.amount == 0:
        span = f"ngay trong ngày {basis_on:%d/%m/%Y}"
    else:
        span = f"{rule.label_vi} kể từ {basis_on:%d/%m/%Y}"
    return f"đến hạn {due_on:%d/%m/%Y} — {span}, {rule.runs_from_vi}; {rule.legal_basis}"


def explain_en(rule: DeadlineRule, basis_on: date, due_on: date) -> str:
    """English counterpart of :func:`explain` (dates stay dd/mm/yyyy)."""
    if rule.amount == 0:
        span = f"immediately, on {basis_on:%d/%m/%Y},"
    else:
        span = f"{rule.label_en} from {basis_on:%d/%m/%Y},"
    return f"due {due_on:%d/%m/%Y} — {span} {rule.runs_from_en}; {rule.legal_basis_en}"
