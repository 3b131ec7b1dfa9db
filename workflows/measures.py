"""Enforcement measures as data: security and coercive measures, each a small sub-procedure.

Inside the case state ``enforcing`` an officer applies measures (several at once are normal):

* **security measures** (biện pháp bảo đảm, Law 2008 Art 66–69; L106 Art 66–72): freezing an
  account or assets held by others, temporarily holding assets or papers, suspending
  registration or transfer, and (Law 106/2025 only) postponing the debtor's exit from the
  country. Each must be followed within a statutory period by a coercive measure or be lifted;
* **coercive measures** (biện pháp cưỡng chế, Art 71): deducting from an account, deducting
  from income, seizing and selling assets (also those held by a third party), exploiting
  assets, forcing the handover of things, rights or papers, forcing an act.

Every measure kind is a :class:`~workflows.definition.Workflow` built from the same data types
as the procedure (states, transitions, inputs, guards, the deadlines each step opens and closes
and its legal basis), so :class:`~workflows.machine.CaseMachine`, ``validate_inputs`` and
``plan_transition`` run it unchanged. A measure starts in the pseudo-state ``new``; its first
transition (``start_trigger``) is the decision that applies it. Periods are in
:mod:`workflows.rules` (chosen by the date of the starting event, like the procedure's), and
the figures not confirmed against Law 106/2025 are marked there, in ``UNCONFIRMED``.

Also here, pure and testable: the coercion-day rule (Art 46(2)), the payment order of Art 47
for proceeds, and the data of hard cases and the steering committee (reason categories,
member agency kinds).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from workflows.calendar import WorkingCalendar
from workflows.definition import (
    GUARD_MESSAGES,
    GUARDS,
    DeadlineOpen,
    InputSpec,
    State,
    Transition,
    Workflow,
)
from workflows.rules import COERCION_LIMITS, LAW_2008, LAW_2025, CoercionLimits, law_for

__all__ = [
    "AGENCY_KINDS",
    "CATEGORIES",
    "COERCION_OUTCOMES",
    "COST_BEARERS",
    "HARD_CASE_REASONS",
    "MEASURES",
    "MEASURE_KINDS",
    "PAYMENT_STEPS",
    "RECIPIENTS",
    "CoercionRefusal",
    "MeasureContext",
    "MeasureKind",
    "coercion_refusal",
    "distribute",
    "measure_for",
    "tet_window",
]

NEW = "new"  # the pseudo-state a measure is in before its start decision


@dataclass
class MeasureContext:
    """What a measure's guards and deadline plans may read (a :class:`GuardContext` too)."""

    state: str = NEW
    on: date = date(2026, 1, 1)
    asset_class: str | None = None  # "movable" | "immovable" (seizure and sale)
    current_price: int | None = None  # valuation, or the last reduced starting price
    revaluations: int = 0
    failed_auctions: int = 0
    # The case-level guard context fields, for the GuardContext protocol.
    kind: str = "ex_officio"
    interim: bool = False
    previous_state: str | None = None
    money_remaining: int = 0
    nonmoney_pending: int = 0
    not_enforceable_since: date | None = None


# -- guards ------------------------------------------------------------------------------------
# Registered in the shared guard registry (workflows.definition.GUARDS) so the machine evaluates
# them like the procedure's. A guard sees the step's inputs when they are given and must pass
# when they are absent (the list of available steps asks without inputs).

def _revaluation_once(ctx: Any, inputs: Mapping[str, Any]) -> bool:
    return int(getattr(ctx, "revaluations", 0) or 0) == 0


def _reduction_within_limit(ctx: Any, inputs: Mapping[str, Any]) -> bool:
    new_price = inputs.get("new_price")
    current = getattr(ctx, "current_price", None)
    if new_price is None or not current:
        return True
    return lowest_reduced_price(current) <= int(new_price) < current


def _agreed_price_given(ctx: Any, inputs: Mapping[str, Any]) -> bool:
    if inputs.get("price_basis") != "agreed":
        return True
    return bool(inputs.get("agreed_price"))


#: Each step's reduction is at most 10 % of the previous starting price (Art 104).
MAX_REDUCTION_PERCENT = 10


def lowest_reduced_price(current: int) -> int:
    """The lowest price one reduction may set: 90 % of ``current``, rounded up to the đồng."""
    return math.ceil(current * (100 - MAX_REDUCTION_PERCENT) / 100)


GUARDS.update({
    "revaluation_once": _revaluation_once,
    "reduction_within_limit": _reduction_within_limit,
    "agreed_price_given": _agreed_price_given,
})
GUARD_MESSAGES.update({
    "revaluation_once": {
        "label_vi": "Đương sự chỉ được yêu cầu định giá lại một lần (Điều 99 Luật THADS 2008, sửa đổi 2014).",
        "label_en": "Re-valuation may be asked for once only (Enforcement Law 2008, Art 99).",
    },
    "reduction_within_limit": {
        "label_vi": ("Mỗi lần giảm giá không quá 10% giá khởi điểm của lần bán đấu giá trước và giá mới "
                     "phải thấp hơn giá cũ (Điều 104 Luật THADS 2008, sửa đổi 2014)."),
        "label_en": ("Each reduction is at most 10% of the previous starting price and must lower it "
                     "(Enforcement Law 2008, Art 104)."),
    },
    "agreed_price_given": {
        "label_vi": "Đương sự thỏa thuận được giá thì phải nhập giá đã thỏa thuận (khoản 1 Điều 98).",
        "label_en": "An agreed price must be entered when the parties agreed on it (Art 98(1)).",
    },
})


# -- inputs shared by several measures ----------------------------------------------------------

ASSET_CLASSES = (("movable", "Động sản", "Movable"), ("immovable", "Bất động sản", "Immovable"))
PRICE_BASES = (
    ("valuation", "Chưa thỏa thuận được giá: thẩm định giá", "No agreed price: valuation"),
    ("agreed", "Đương sự thỏa thuận được giá khi kê biên", "Price agreed at seizure"),
)


def _in(name: str, type_: str, vi: str, en: str, required: bool = True, **kw: Any) -> InputSpec:
    return InputSpec(name, type_, required=required, label_vi=vi, label_en=en, **kw)


NOTE = _in("note", "text", "Ghi chú", "Note", required=False)
REASON = _in("reason", "text", "Lý do", "Reason")
AMOUNT = _in("amount", "money", "Số tiền thu được (đồng)", "Amount collected (đồng)")
RECEIPT = _in("receipt_number", "str", "Số biên lai / chứng từ", "Receipt / voucher number", required=False,
              max_length=64)


# -- the catalogue -------------------------------------------------------------------------------

CATEGORIES = {
    "security": ("Biện pháp bảo đảm thi hành án", "Security measure"),
    "coercive": ("Biện pháp cưỡng chế thi hành án", "Coercive measure"),
}


@dataclass(frozen=True)
class MeasureKind:
    """One kind of measure: its category, names, the law versions it exists under, and how its
    sub-procedure is built (``states`` and ``steps(basis)``, ``basis`` = article per step)."""

    kind: str
    category: str
    label_vi: str
    label_en: str
    states: tuple[State, ...]
    transitions_2008: tuple[Transition, ...] | None
    transitions_2025: tuple[Transition, ...]
    start_trigger: str

    def workflow(self, law: str) -> Workflow | None:
        transitions = self.transitions_2025 if law == LAW_2025 else self.transitions_2008
        if transitions is None:
            return None
        return Workflow(id=f"measure-{self.kind}-{law[-4:]}", version=1, law=law, label_vi=self.label_vi,
                        label_en=self.label_en, states=self.states, transitions=transitions, initial=NEW)


def _state(name: str, vi: str, en: str, final: bool = False) -> State:
    return State(name, vi, en, final=final)


S_NEW = _state(NEW, "Chưa áp dụng", "Not applied yet")


def _t(trigger: str, sources: tuple[str, ...] | str, dest: str | None, vi: str, en: str,
       basis: tuple[str, str], role: str = "officer", **kw: Any) -> Transition:
    if isinstance(sources, str):
        sources = (sources,)
    return Transition(trigger=trigger, sources=sources, dest=dest, role=role, label_vi=vi, label_en=en,
                      legal_basis=basis[0], legal_basis_en=basis[1], **kw)


def _law(art_vi: str, art_en: str, law: str) -> tuple[str, str]:
    if law == LAW_2008:
        return f"{art_vi} Luật THADS 2008 (sửa đổi 2014)", f"Enforcement Law 2008 (amended 2014), {art_en}"
    return f"Luật 106/2025/QH15, {art_vi}", f"Law 106/2025, {art_en}"


# Articles per law: (2008 Vietnamese, 2008 English, 2025 Vietnamese, 2025 English). For Law
# 106/2025 only what is known is cited (Art 66 lists the security measures and gives the exit
# postponement to the head; security measures are Art 66–72, valuation and sale Art 82–83,
# payout Art 54); otherwise the step cites the 2008 article it corresponds to, marked unconfirmed.
ARTICLES: dict[str, tuple[str, str, str | None, str | None]] = {
    "freeze": ("Điều 67", "Art 67", "Điều 66–72", "Art 66–72"),
    "hold": ("Điều 68", "Art 68", "Điều 66–72", "Art 66–72"),
    "suspend_transfer": ("Điều 69", "Art 69", "Điều 66–72", "Art 66–72"),
    "exit_ban": ("", "", "Điều 66", "Art 66"),
    "account_deduction": ("Điều 76", "Art 76", None, None),
    "income_deduction": ("Điều 78", "Art 78", None, None),
    "seize": ("Điều 87, 90, 98", "Art 87, 90, 98", "Điều 82–83", "Art 82–83"),
    "valuation": ("Khoản 2, 3 Điều 98", "Art 98(2)–(3)", "Điều 82–83", "Art 82–83"),
    "revaluation": ("Điều 99", "Art 99", "Điều 82–83", "Art 82–83"),
    "auction": ("Điều 101", "Art 101", "Điều 82–83", "Art 82–83"),
    "reduction": ("Điều 104", "Art 104", "Điều 82–83", "Art 82–83"),
    "proceeds": ("Điều 47, 101", "Art 47, 101", "Điều 54, 82–83", "Art 54, 82–83"),
    "release": ("Điều 105", "Art 105", None, None),
    "exploit": ("Điều 107–109", "Art 107–109", None, None),
    "handover": ("Điều 114–117", "Art 114–117", None, None),
    "force_act": ("Điều 118–120", "Art 118–120", None, None),
    "coerce": ("Điều 71", "Art 71", None, None),
}


def _basis(key: str, law: str) -> tuple[str, str]:
    vi08, en08, vi25, en25 = ARTICLES[key]
    if law == LAW_2008:
        return _law(vi08, en08, law)
    if vi25 is None:
        return (f"Luật 106/2025/QH15 (tương ứng {vi08} Luật THADS 2008; điều khoản chưa xác nhận)",
                f"Law 106/2025 (as Enforcement Law 2008 {en08}; article unconfirmed)")
    return _law(vi25, en25 or "", law)


def _security(kind: str, follow_kind: str, start_vi: str, start_en: str, inputs: tuple[InputSpec, ...],
              opens: tuple[DeadlineOpen, ...], end_trigger: str, end_vi: str, end_en: str,
              ended_state: tuple[str, str, str], law: str) -> tuple[Transition, ...]:
    b = _basis(kind, law)
    return (
        _t("start", NEW, "active", start_vi, start_en, b, inputs=inputs, opens=opens),
        _t("coerce", "active", "coerced", "Áp dụng biện pháp cưỡng chế tiếp theo", "Follow with a coercive measure",
           _basis("coerce", law), inputs=(NOTE,), closes=(follow_kind,)),
        _t(end_trigger, "active", ended_state[0], end_vi, end_en, b, inputs=(REASON,), closes=(follow_kind,)),
    )


def _security_states(ended: tuple[str, str, str]) -> tuple[State, ...]:
    return (S_NEW, _state("active", "Đang áp dụng", "In force"),
            _state("coerced", "Đã chuyển sang cưỡng chế", "Followed by coercion", final=True),
            _state(*ended, final=True))


def _freeze(law: str) -> tuple[Transition, ...]:
    return _security(
        "freeze", "freeze_followup", "Phong tỏa tài khoản, tài sản ở nơi gửi giữ", "Freeze the account or assets",
        (_in("holder", "str", "Nơi gửi giữ (ngân hàng, tổ chức, cá nhân)", "Held by (bank, organisation, person)"),
         _in("account", "str", "Số tài khoản / tài sản", "Account number / assets", required=False),
         _in("frozen_amount", "money", "Số tiền phong tỏa (đồng)", "Amount frozen (đồng)", required=False)),
        (DeadlineOpen("freeze_followup", "event"),),
        "lift", "Chấm dứt phong tỏa", "End the freeze", ("lifted", "Đã chấm dứt phong tỏa", "Freeze ended"), law)


def _hold(law: str) -> tuple[Transition, ...]:
    return _security(
        "hold", "hold_followup", "Tạm giữ tài sản, giấy tờ", "Hold assets or papers",
        (_in("items", "text", "Tài sản, giấy tờ tạm giữ", "Assets or papers held"),
         _in("owner_established_on", "date", "Ngày xác định được tài sản thuộc người phải thi hành án",
             "Day it was established that they belong to the debtor", required=False)),
        # Art 68(5): the period runs from the day it is established that what is held belongs to
        # the debtor — that date when it is known at once, else the day of holding.
        (DeadlineOpen("hold_followup", "input:owner_established_on"),
         DeadlineOpen("hold_followup", "event", unless="input:owner_established_on")),
        "release", "Trả lại tài sản, giấy tờ tạm giữ", "Return what was held",
        ("returned", "Đã trả lại", "Returned"), law)


def _suspend_transfer(law: str) -> tuple[Transition, ...]:
    return _security(
        "suspend_transfer", "suspension_followup", "Tạm dừng đăng ký, chuyển quyền sở hữu, sử dụng, thay đổi hiện trạng tài sản",
        "Suspend registration, transfer or change of the asset",
        (_in("asset", "text", "Tài sản", "Asset"),
         _in("registry", "str", "Cơ quan đăng ký nhận quyết định", "Registry notified")),
        (DeadlineOpen("suspension_followup", "event"),),
        "lift", "Chấm dứt tạm dừng", "End the suspension", ("lifted", "Đã chấm dứt tạm dừng", "Suspension ended"), law)


def _exit_ban(law: str) -> tuple[Transition, ...]:
    b = _basis("exit_ban", law)
    return (
        _t("start", NEW, "active", "Tạm hoãn xuất cảnh", "Postpone the debtor's exit", b, role="head",
           inputs=(_in("person", "str", "Người bị tạm hoãn xuất cảnh", "Person concerned"),
                   _in("authority", "str", "Cơ quan quản lý xuất nhập cảnh nhận quyết định",
                       "Immigration authority notified"))),
        _t("lift", "active", "lifted", "Hủy bỏ tạm hoãn xuất cảnh", "Lift the exit postponement", b, role="head",
           inputs=(REASON,)),
    )


def _account_deduction(law: str) -> tuple[Transition, ...]:
    b = _basis("account_deduction", law)
    return (
        _t("start", NEW, "ordered", "Quyết định khấu trừ tiền trong tài khoản", "Order a deduction from the account", b,
           inputs=(_in("bank", "str", "Ngân hàng, tổ chức tín dụng", "Bank"),
                   _in("account", "str", "Số tài khoản", "Account number", required=False),
                   _in("ordered_amount", "money", "Số tiền khấu trừ (đồng)", "Amount to deduct (đồng)"))),
        _t("deducted", "ordered", "done", "Ghi nhận tiền đã khấu trừ", "Record the money deducted", b,
           inputs=(AMOUNT, RECEIPT)),
        _t("end", "ordered", "ended", "Kết thúc (không khấu trừ được)", "End (nothing deducted)", b, inputs=(REASON,)),
    )


def _income_deduction(law: str) -> tuple[Transition, ...]:
    b = _basis("income_deduction", law)
    return (
        _t("start", NEW, "deducting", "Quyết định trừ vào thu nhập", "Order a deduction from income", b,
           inputs=(_in("payer", "str", "Nơi trả thu nhập (người sử dụng lao động, cơ quan bảo hiểm)",
                       "Who pays the income (employer, insurer)"),
                   _in("income", "choice", "Loại thu nhập", "Income",
                       choices=(("salary", "Tiền lương, tiền công", "Salary, wages"),
                                ("pension", "Lương hưu, trợ cấp", "Pension, allowance"),
                                ("other", "Thu nhập hợp pháp khác", "Other lawful income"))),
                   _in("percent", "int", "Tỷ lệ khấu trừ (%)", "Share deducted (%)", required=False))),
        _t("deducted", "deducting", "deducting", "Ghi nhận tiền khấu trừ kỳ này", "Record this period's deduction", b,
           inputs=(AMOUNT, RECEIPT)),
        _t("end", "deducting", "ended", "Chấm dứt trừ vào thu nhập", "End the deduction", b, inputs=(REASON,)),
    )


def _seize_sell(law: str) -> tuple[Transition, ...]:
    val, reval, auc, red = (_basis(k, law) for k in ("valuation", "revaluation", "auction", "reduction"))
    sale = ("auction_contracted", "price_reduced")
    return (
        _t("start", NEW, "seized", "Kê biên tài sản", "Seize the asset", _basis("seize", law),
           inputs=(_in("asset", "text", "Tài sản kê biên", "Asset seized"),
                   _in("asset_class", "choice", "Loại tài sản", "Kind of asset", choices=ASSET_CLASSES),
                   _in("held_by", "str", "Người thứ ba đang giữ tài sản (nếu có)", "Third party holding it (if any)",
                       required=False),
                   _in("price_basis", "choice", "Giá tài sản", "Price", choices=PRICE_BASES),
                   _in("agreed_price", "money", "Giá đã thỏa thuận (đồng)", "Agreed price (đồng)", required=False)),
           guards=("agreed_price_given",),
           dest_from_input=(("price_basis", "valuation", "seized"), ("price_basis", "agreed", "valued")),
           opens=(DeadlineOpen("valuation", "event", when="input:price_basis=valuation"),
                  DeadlineOpen("auction_agreement", "event", when="input:price_basis=agreed"),
                  DeadlineOpen("auction_contract", "event", when="input:price_basis=agreed"))),
        _t("valuation_contract", "seized", "valuation_contracted", "Ký hợp đồng thẩm định giá",
           "Sign the valuation contract", val,
           inputs=(_in("appraiser", "str", "Tổ chức thẩm định giá", "Valuation firm"),
                   _in("contract_number", "str", "Số hợp đồng", "Contract number", required=False, max_length=64)),
           closes=("valuation",)),
        _t("valuation_result", "valuation_contracted", "valued", "Nhận kết quả thẩm định giá",
           "Record the valuation result", val,
           inputs=(_in("price", "money", "Giá trị tài sản theo kết quả thẩm định (đồng)", "Value found (đồng)"),),
           opens=(DeadlineOpen("revaluation_request", "event"), DeadlineOpen("auction_agreement", "event"),
                  DeadlineOpen("auction_contract", "event"))),
        _t("revaluation", "valued", "valuation_contracted", "Định giá lại theo yêu cầu của đương sự",
           "Re-valuation at a party's request", reval, guards=("revaluation_once",),
           inputs=(_in("requested_by", "str", "Người yêu cầu định giá lại", "Asked by"),
                   _in("appraiser", "str", "Tổ chức thẩm định giá", "Valuation firm")),
           closes=("revaluation_request",), cancels_open=True),
        _t("auction_contract", "valued", "auction_contracted", "Ký hợp đồng bán đấu giá", "Sign the auction contract",
           auc, inputs=(_in("auction_house", "str", "Tổ chức đấu giá tài sản", "Auction house"),
                        _in("contract_number", "str", "Số hợp đồng", "Contract number", required=False,
                            max_length=64)),
           closes=("auction_contract", "auction_agreement", "revaluation_request"),
           opens=(DeadlineOpen("auction", "event", variant_from="ctx:asset_class"),)),
        _t("auction_failed", sale, "auction_failed", "Bán đấu giá không thành", "Auction failed", red,
           inputs=(_in("reason", "text", "Lý do (không có người tham gia, không trả giá…)",
                       "Why (no bidders, no bid…)", required=False),),
           closes=("auction", "reauction"), opens=(DeadlineOpen("price_reduction", "event"),)),
        _t("reduce_price", "auction_failed", "price_reduced", "Quyết định giảm giá tài sản", "Reduce the price", red,
           inputs=(_in("new_price", "money", "Giá khởi điểm mới (đồng)", "New starting price (đồng)"),),
           guards=("reduction_within_limit",), closes=("price_reduction",),
           opens=(DeadlineOpen("reauction", "event", variant_from="ctx:asset_class"),)),
        _t("sold", sale, "sold", "Bán đấu giá thành", "Sold at auction", auc,
           inputs=(_in("price", "money", "Giá bán (đồng)", "Price (đồng)"),
                   _in("buyer", "str", "Người mua trúng đấu giá", "Buyer")),
           closes=("auction", "reauction")),
        _t("proceeds", "sold", "proceeds_collected", "Thu tiền bán tài sản", "Collect the proceeds",
           _basis("proceeds", law), inputs=(AMOUNT, RECEIPT)),
        _t("release", ("seized", "valuation_contracted", "valued", "auction_contracted", "auction_failed",
                       "price_reduced"), "released", "Giải tỏa kê biên", "Release the seizure",
           _basis("release", law), inputs=(REASON,), cancels_open=True),
    )


SEIZE_SELL_STATES = (
    S_NEW,
    _state("seized", "Đã kê biên, chờ thẩm định giá", "Seized, awaiting valuation"),
    _state("valuation_contracted", "Đã ký hợp đồng thẩm định giá", "Valuation contracted"),
    _state("valued", "Đã định giá", "Valued"),
    _state("auction_contracted", "Đã ký hợp đồng bán đấu giá", "Auction contracted"),
    _state("auction_failed", "Bán đấu giá không thành", "Auction failed"),
    _state("price_reduced", "Đã giảm giá, chờ bán đấu giá lại", "Price reduced, awaiting auction"),
    _state("sold", "Đã bán đấu giá thành", "Sold"),
    _state("proceeds_collected", "Đã thu tiền bán tài sản", "Proceeds collected", final=True),
    _state("released", "Đã giải tỏa kê biên", "Seizure released", final=True),
)


def _exploit(law: str) -> tuple[Transition, ...]:
    b = _basis("exploit", law)
    return (
        _t("start", NEW, "exploiting", "Quyết định khai thác tài sản", "Order the exploitation of the asset", b,
           inputs=(_in("asset", "text", "Tài sản khai thác", "Asset exploited"),
                   _in("operator", "str", "Tổ chức, cá nhân khai thác", "Operated by"))),
        _t("revenue", "exploiting", "exploiting", "Ghi nhận tiền thu từ khai thác", "Record revenue collected", b,
           inputs=(AMOUNT, RECEIPT)),
        _t("end", "exploiting", "ended", "Chấm dứt khai thác", "End the exploitation", b, inputs=(REASON,)),
    )


def _handover(law: str) -> tuple[Transition, ...]:
    b = _basis("handover", law)
    return (
        _t("start", NEW, "ordered", "Cưỡng chế chuyển giao vật, quyền tài sản, giấy tờ",
           "Force the handover of things, rights or papers", b,
           inputs=(_in("what", "text", "Vật, quyền, giấy tờ phải chuyển giao", "What must be handed over"),
                   _in("to_whom", "str", "Người nhận", "Handed to"))),
        _t("handed_over", "ordered", "done", "Đã chuyển giao", "Handed over", b, inputs=(NOTE,)),
        _t("end", "ordered", "ended", "Kết thúc không chuyển giao được", "End without handover", b, inputs=(REASON,)),
    )


def _force_act(law: str) -> tuple[Transition, ...]:
    b = _basis("force_act", law)
    return (
        _t("start", NEW, "ordered", "Cưỡng chế thực hiện hoặc không thực hiện công việc nhất định",
           "Force an act or an abstention", b,
           inputs=(_in("act", "text", "Công việc phải thực hiện / không được thực hiện", "The act concerned"),)),
        _t("performed", "ordered", "done", "Đã thực hiện", "Performed", b, inputs=(NOTE,)),
        _t("end", "ordered", "ended", "Kết thúc", "End", b, inputs=(REASON,)),
    )


def _ordered_states(first: tuple[str, str, str]) -> tuple[State, ...]:
    return (S_NEW, _state(*first), _state("done", "Đã thực hiện xong", "Done", final=True),
            _state("ended", "Đã kết thúc", "Ended", final=True))


def _kind(kind: str, category: str, vi: str, en: str, states: tuple[State, ...], build,
          since_2025: bool = False) -> MeasureKind:
    return MeasureKind(kind, category, vi, en, states, None if since_2025 else build(LAW_2008), build(LAW_2025),
                       "start")


MEASURE_KINDS: dict[str, MeasureKind] = {k.kind: k for k in (
    _kind("freeze", "security", "Phong tỏa tài khoản, tài sản ở nơi gửi giữ", "Freeze of an account or assets",
          _security_states(("lifted", "Đã chấm dứt phong tỏa", "Freeze ended")), _freeze),
    _kind("hold", "security", "Tạm giữ tài sản, giấy tờ", "Holding assets or papers",
          _security_states(("returned", "Đã trả lại", "Returned")), _hold),
    _kind("suspend_transfer", "security", "Tạm dừng đăng ký, chuyển dịch, thay đổi hiện trạng tài sản",
          "Suspension of registration or transfer",
          _security_states(("lifted", "Đã chấm dứt tạm dừng", "Suspension ended")), _suspend_transfer),
    _kind("exit_ban", "security", "Tạm hoãn xuất cảnh", "Postponement of exit",
          (S_NEW, _state("active", "Đang áp dụng", "In force"),
           _state("lifted", "Đã hủy bỏ", "Lifted", final=True)), _exit_ban, since_2025=True),
    _kind("account_deduction", "coercive", "Khấu trừ tiền trong tài khoản", "Deduction from an account",
          _ordered_states(("ordered", "Đã ra quyết định khấu trừ", "Deduction ordered")), _account_deduction),
    _kind("income_deduction", "coercive", "Trừ vào thu nhập", "Deduction from income",
          (S_NEW, _state("deducting", "Đang khấu trừ", "Deducting"),
           _state("ended", "Đã chấm dứt", "Ended", final=True)), _income_deduction),
    _kind("seize_sell", "coercive", "Kê biên, xử lý tài sản", "Seizure and sale of assets", SEIZE_SELL_STATES,
          _seize_sell),
    _kind("exploit", "coercive", "Khai thác tài sản", "Exploitation of assets",
          (S_NEW, _state("exploiting", "Đang khai thác", "Being exploited"),
           _state("ended", "Đã chấm dứt khai thác", "Ended", final=True)), _exploit),
    _kind("handover", "coercive", "Buộc chuyển giao vật, quyền tài sản, giấy tờ", "Forced handover",
          _ordered_states(("ordered", "Đã quyết định cưỡng chế", "Ordered")), _handover),
    _kind("force_act", "coercive", "Buộc thực hiện hoặc không thực hiện công việc nhất định", "Forced act",
          _ordered_states(("ordered", "Đã quyết định cưỡng chế", "Ordered")), _force_act),
)}

#: Every measure workflow per law: MEASURES[law][kind] (a kind may be missing under a law).
MEASURES: dict[str, dict[str, Workflow]] = {
    law: {k: wf for k, mk in MEASURE_KINDS.items() if (wf := mk.workflow(law)) is not None}
    for law in (LAW_2008, LAW_2025)
}

#: Steps that bring money in: the service records their ``amount`` as a collection in the case's
#: ledger (``lifecycle.record_payment``), which opens the payout deadline (Art 47(5)).
PAYMENT_STEPS: frozenset[tuple[str, str]] = frozenset({
    ("account_deduction", "deducted"), ("income_deduction", "deducted"), ("exploit", "revenue"),
    ("seize_sell", "proceeds"),
})


def measure_for(kind: str, on: date) -> Workflow | None:
    """The sub-procedure of ``kind`` for a step taken on ``on`` (None: not under that law)."""
    return MEASURES[law_for(on)].get(kind)


def kinds_on(on: date) -> list[MeasureKind]:
    """Measure kinds that can be started on ``on`` (exit postponement only from 01/07/2026)."""
    law = law_for(on)
    return [mk for mk in MEASURE_KINDS.values() if mk.workflow(law) is not None]


# -- coercion days (Art 46(2)) ------------------------------------------------------------------

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class CoercionRefusal:
    """Why a coercion cannot be organised at that time: ``rule`` names the limb of Art 46(2)."""

    rule: str  # rest_day | holiday | night | tet | local
    message_vi: str
    message_en: str


def tet_holidays(cal: WorkingCalendar, year: int) -> tuple[date, date]:
    """First and last day of the Tết Nguyên đán public holiday of ``year`` (Labour Code Art 112),
    as the working calendar names them (e.g. 16/02–20/02/2026). Tết always falls between late
    January and February; the holidays named "Tết …" there, New Year's Day excepted, are it."""
    days = []
    d = date(year, 1, 15)
    while d <= date(year, 3, 1):
        name = cal.holiday_name(d) or ""
        if "Tết" in name and "Dương lịch" not in name:
            days.append(d)
        d += timedelta(days=1)
    if not days:
        raise ValueError(f"the calendar knows no Tết holiday in {year}")
    return days[0], days[-1]


def tet_window(cal: WorkingCalendar, year: int, margin_days: int = 15) -> tuple[date, date, date, date]:
    """(first excluded day, Tết's first day, Tết's last day, last excluded day).

    How "15 days before and after Tết Nguyên đán" is counted here: Tết is the public holiday
    (16–20/02/2026), not only the lunar New Year's day; the 15 days are calendar days counted
    as periods are (Civil Code Art 147): the 15 days before its first day and the 15 days after
    its last day. So 2026: from 01/02 to 07/03/2026. This covers the narrower reading around
    the New Year's day (17/02: 02/02–04/03) entirely.
    """
    first, last = tet_holidays(cal, year)
    return first - timedelta(days=margin_days), first, last, last + timedelta(days=margin_days)


def coercion_refusal(cal: WorkingCalendar, on: date, start: time, end: time | None = None,
                     excluded: Mapping[date, str] | None = None,
                     limits: CoercionLimits | None = None) -> CoercionRefusal | None:
    """Why a coercion cannot take place on ``on`` from ``start`` (to ``end``), or None.

    Checked in this order, each refusal naming its rule: a day the head marked as locally
    excluded; a public holiday; a weekly rest day; the 15 days before and after Tết; the night
    (22:00–06:00). ``limits`` defaults to the law in force on ``on``.
    """
    lim = limits or COERCION_LIMITS[law_for(on)]
    basis_vi = lim.legal_basis
    basis_en = lim.legal_basis_en
    if lim.unconfirmed:
        basis_vi += " (chưa xác nhận theo văn bản mới)"
        basis_en += " (not confirmed against the new text)"
    day_vi = f"{WEEKDAYS_VI[on.weekday()]} {on:%d/%m/%Y}"
    day_en = f"{WEEKDAYS_EN[on.weekday()]} {on:%d/%m/%Y}"
    if excluded and on in excluded:
        reason = excluded[on]
        return CoercionRefusal(
            "local",
            f"Không tổ chức cưỡng chế vào {day_vi}: Thủ trưởng đã xác định là ngày không cưỡng chế tại địa "
            f"phương ({reason}) — trường hợp đặc biệt tại địa phương, {basis_vi}.",
            f"No coercion on {day_en}: the head marked it as a local no-coercion day ({reason}) — special "
            f"local situation, {basis_en}.")
    if not cal.is_working_day(on):
        name = cal.holiday_name(on)
        if name:
            return CoercionRefusal(
                "holiday",
                f"Không được cưỡng chế vào ngày lễ, ngày nghỉ: {day_vi} ({name}) — {basis_vi}.",
                f"No coercion on a public holiday: {day_en} ({name}) — {basis_en}.")
        return CoercionRefusal(
            "rest_day",
            f"Không được cưỡng chế vào ngày nghỉ hằng tuần: {day_vi} — {basis_vi}.",
            f"No coercion on a weekly rest day: {day_en} — {basis_en}.")
    if date(on.year, 1, 1) <= on <= date(on.year, 3, 31):
        before, first, last, after = tet_window(cal, on.year, lim.tet_margin_days)
        if before <= on <= after:
            n = lim.tet_margin_days
            return CoercionRefusal(
                "tet",
                f"Không được cưỡng chế trong {n} ngày trước và sau Tết Nguyên đán: {day_vi} nằm trong khoảng "
                f"{before:%d/%m/%Y}–{after:%d/%m/%Y} (Tết {first:%d/%m}–{last:%d/%m/%Y}) — {basis_vi}.",
                f"No coercion within {n} days before and after Tết: {day_en} is within "
                f"{before:%d/%m/%Y}–{after:%d/%m/%Y} (Tết {first:%d/%m}–{last:%d/%m/%Y}) — {basis_en}.")
    night_from, night_to = time(lim.night_from), time(lim.night_to)
    late_end = end is not None and (end > night_from or end <= start)
    if start >= night_from or start < night_to or late_end:
        shown = start if not late_end or start >= night_from or start < night_to else end
        return CoercionRefusal(
            "night",
            f"Không được cưỡng chế từ {lim.night_from} giờ đến {lim.night_to} giờ sáng ngày hôm sau "
            f"({shown:%H:%M} ngày {on:%d/%m/%Y}) — {basis_vi}.",
            f"No coercion between {lim.night_from:02d}:00 and {lim.night_to:02d}:00 "
            f"({shown:%H:%M} on {on:%d/%m/%Y}) — {basis_en}.")
    return None


# -- coercion plans (Art 72) and their outcome (Art 73) --------------------------------------------

#: Who a coercion plan is sent to at once (Art 72(2) as amended 2014).
RECIPIENTS = (
    ("procuracy", "Viện kiểm sát nhân dân cùng cấp", "People's Procuracy of the same level"),
    ("police", "Cơ quan Công an cùng cấp", "Police of the same level"),
    ("commune", "Ủy ban nhân dân cấp xã nơi tổ chức cưỡng chế", "Commune People's Committee where it takes place"),
)
POLICE_STATUSES = (
    ("not_requested", "Chưa đề nghị bảo vệ", "No protection asked"),
    ("requested", "Đã đề nghị Công an bảo vệ", "Protection requested"),
    ("plan_received", "Đã nhận kế hoạch bảo vệ của Công an", "Police protection plan received"),
    ("forces_confirmed", "Công an đã xác nhận lực lượng", "Police forces confirmed"),
)
COERCION_OUTCOMES = (
    ("done", "Cưỡng chế xong", "Carried out"),
    ("partial", "Cưỡng chế được một phần", "Partly carried out"),
    ("obstructed", "Bị cản trở, chống đối", "Obstructed"),
)
#: Who bears the costs of coercion (Art 73): the debtor as a rule.
COST_BEARERS = (
    ("debtor", "Người phải thi hành án", "The debtor"),
    ("creditor", "Người được thi hành án", "The creditor"),
    ("state", "Ngân sách nhà nước", "The State budget"),
)


# -- hard cases and the steering committee ------------------------------------------------------

HARD_CASE_REASONS = (
    ("large_amount", "Số tiền, tài sản phải thi hành lớn", "Large amount at stake"),
    ("organised_obstruction", "Chống đối có tổ chức, đông người", "Organised obstruction"),
    ("land_dispute", "Liên quan tranh chấp, khiếu kiện đất đai", "Land disputes"),
    ("enterprise", "Người phải thi hành án là doanh nghiệp, tổ chức tín dụng", "An enterprise or credit institution"),
    ("public_concern", "Dư luận xã hội quan tâm", "Public concern"),
    ("inter_agency", "Cần phối hợp liên ngành", "Needs several agencies"),
    ("other", "Lý do khác", "Other"),
)
AGENCY_KINDS = (
    ("police", "Công an tỉnh", "Provincial police"),
    ("procuracy", "Viện kiểm sát nhân dân tỉnh", "Provincial procuracy"),
    ("court", "Tòa án nhân dân tỉnh", "Provincial court"),
    ("justice", "Sở Tư pháp", "Department of Justice"),
    ("agri_env", "Sở Nông nghiệp và Môi trường", "Department of Agriculture and Environment"),
    ("military", "Bộ Chỉ huy quân sự tỉnh", "Provincial military command"),
    ("bank", "Ngân hàng Nhà nước chi nhánh", "State Bank branch"),
    ("inspectorate", "Thanh tra tỉnh", "Provincial inspectorate"),
    ("commune", "Ủy ban nhân dân cấp xã", "Commune People's Committee"),
    ("other", "Cơ quan khác", "Other agency"),
)


# -- proceeds: the payment order of Art 47 ------------------------------------------------------

@dataclass(frozen=True)
class Share:
    obligation_id: int
    rank: int
    amount: int


@dataclass
class _Debt:
    obligation_id: int
    rank: int
    owed: int
    paid: int = field(default=0)


def _fill(debts: list[_Debt], money: int) -> None:
    """Pay ``money`` into ``debts`` by rank (1, 2, 3), pro rata within a rank by what is still
    owed, whole đồng by the largest remainder (ties to the lower obligation id)."""
    for rank in (1, 2, 3):
        if money <= 0:
            return
        group = [d for d in debts if d.rank == rank and d.owed > d.paid]
        owed = sum(d.owed - d.paid for d in group)
        if not group:
            continue
        if money >= owed:
            for d in group:
                d.paid = d.owed
            money -= owed
            continue
        exact = [(money * (d.owed - d.paid), d) for d in group]
        base = [(q // owed, r, d) for q, d in exact for r in [q % owed]]
        given = sum(b for b, _, _ in base)
        left = money - given
        order = sorted(base, key=lambda x: (-x[1], x[2].obligation_id))
        extra = {id(d) for _, _, d in order[:left]}
        for b, _, d in base:
            d.paid += b + (1 if id(d) in extra else 0)
        return


def distribute(amount: int, obligations: Iterable[tuple[int, int, int]], already: int = 0) -> list[Share]:
    """How ``amount`` newly collected is shared among money obligations ``(id, rank, amount)``
    by the order of Art 47 (maintenance, wages, compensation for life or health first; then
    court fees; then the rest; pro rata within a rank), given that ``already`` đồng collected
    (or reduced) earlier were shared the same way. Money beyond every obligation is not shared.
    """
    debts = [_Debt(oid, rank, owed) for oid, rank, owed in obligations if owed and owed > 0]
    _fill(debts, already)
    before = {d.obligation_id: d.paid for d in debts}
    _fill(debts, amount)
    return [Share(d.obligation_id, d.rank, d.paid - before[d.obligation_id])
            for d in sorted(debts, key=lambda d: (d.rank, d.obligation_id)) if d.paid > before[d.obligation_id]]
