"""Words for program values, shared by the pages: a person never reads ``False``, ``2027-01-15``,
``postpone``, ``inapp`` or a role code (issue 10). Labels are in the request's language."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from thads.i18n import current_locale, format_date, format_money, localized
from thads.services.worklist import kind_labels, trigger_labels

CASE_KINDS = {"on_request": _l("Theo đơn yêu cầu"), "ex_officio": _l("Chủ động")}
PARTY_ROLES = {"debtor": _l("Người phải thi hành án"), "creditor": _l("Người được thi hành án"),
               "related": _l("Người có quyền lợi, nghĩa vụ liên quan")}
PARTY_KINDS = {"person": _l("Cá nhân"), "organisation": _l("Tổ chức")}
PAYMENT_KINDS = {"collection": _l("Thu tiền"), "payout": _l("Chi trả"), "reduction": _l("Miễn, giảm")}
PAYMENT_METHODS = {"cash": _l("Tiền mặt"), "transfer": _l("Chuyển khoản"),
                   "deduction": _l("Khấu trừ tài khoản, thu nhập"), "auction": _l("Tiền bán tài sản"),
                   "other": _l("Khác")}
RANKS = {1: _l("1 – Cấp dưỡng, lương, bồi thường tính mạng, sức khỏe"), 2: _l("2 – Án phí, lệ phí"),
         3: _l("3 – Khoản khác")}
REMINDER_STEPS = {"upcoming": _l("Sắp đến hạn"), "due": _l("Đến hạn hôm nay"), "overdue": _l("Quá hạn"),
                  "escalated": _l("Quá hạn, cần đôn đốc"), "digest": _l("Tổng hợp thời hạn")}
CHANNELS = {"inapp": _l("trong hệ thống"), "email": _l("thư điện tử")}
PROPOSAL_STATUSES = {"pending": _l("chờ duyệt"), "approved": _l("đã duyệt"), "returned": _l("đã trả lại"),
                     "withdrawn": _l("đã rút")}
RESOLUTIONS = {"deadline_met": _l("Đã xử lý: thời hạn đã được thực hiện"),
               "deadline_missed": _l("Đã xử lý: việc đã được thực hiện (sau hạn)"),
               "deadline_cancelled": _l("Đã xử lý: thời hạn không còn (việc đã chuyển bước)"),
               "deadline_moved": _l("Đã xử lý: hạn đã được tính lại"),
               "proposal_decided": _l("Đã xử lý: đề xuất đã được quyết định"),
               "reassigned": _l("Đã xử lý: việc đã giao cho chấp hành viên khác")}


def label(table: dict, value) -> str:
    """``table[value]`` as text; an unknown value shows as a dash rather than as a code."""
    return str(table[value]) if value in table else "—"


def reminder_step_labels() -> dict[str, str]:
    return {k: str(v) for k, v in REMINDER_STEPS.items()}


def input_text(spec, value, officers: dict | None = None) -> str:
    """One transition input as a person reads it: Có/Không, dd/mm/yyyy, the choice's label, the
    officer's name, an amount in đồng."""
    if value is None or value == "":
        return "—"
    if spec.type == "bool":
        return _("Có") if value in (True, "true", "y", "on", 1) else _("Không")
    if spec.type == "date":
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                return value
        return format_date(value)
    if spec.type == "choice":
        en = current_locale() == "en"
        for v, lv, le in spec.choices:
            if v == value:
                return le if en and le else lv
        return str(value)
    if spec.type == "money":
        return format_money(int(value))
    if spec.type == "officer":
        return (officers or {}).get(value) or (officers or {}).get(str(value)) or "—"
    return str(value)


def describe_inputs(spec, inputs: dict, officers: dict | None = None) -> list[tuple[str, str]]:
    """(label, text) of each input of ``spec`` given in ``inputs`` (a box left unticked: "Không")."""
    rows = []
    for s in spec.inputs:
        value = (inputs or {}).get(s.name)
        if value is None or value == "":
            continue
        rows.append((localized(s), input_text(s, value, officers)))
    return rows


# Names of the events that are not workflow transitions (those take the transition's label).
EVENT_LABELS = {
    "registered": _l("Thụ lý"), "reassigned": _l("Thay đổi chấp hành viên"), "proposal": _l("Đề xuất"),
    "collection": _l("Thu tiền"), "payout": _l("Chi trả"), "reduction": _l("Miễn, giảm"),
    "obligation_done": _l("Đã thi hành nghĩa vụ không phải tiền"),
    "party_added": _l("Thêm đương sự"), "party_edited": _l("Sửa thông tin đương sự"),
    "party_removed": _l("Xóa đương sự"), "obligation_added": _l("Thêm nghĩa vụ"),
    "obligation_edited": _l("Sửa nghĩa vụ"),
    # Issue 11 (their details are on the measure, plan and hard-case pages).
    "measure": _l("Biện pháp bảo đảm, cưỡng chế"), "coercion": _l("Kế hoạch cưỡng chế"),
    "hard_case": _l("Việc khó khăn, phức tạp"), "committee": _l("Ban chỉ đạo thi hành án dân sự"),
    "plan_drafted": _l("Lập kế hoạch cưỡng chế"), "plan_approved": _l("Duyệt kế hoạch cưỡng chế"),
    "plan_sent": _l("Gửi kế hoạch cưỡng chế"), "police_requested": _l("Đề nghị Công an bảo vệ cưỡng chế"),
    "police_plan_received": _l("Nhận kế hoạch bảo vệ của Công an"),
    "police_forces_confirmed": _l("Công an xác nhận lực lượng bảo vệ"), "plan_postponed": _l("Hoãn cưỡng chế"),
    "plan_cancelled": _l("Hủy kế hoạch cưỡng chế"), "plan_outcome": _l("Kết quả cưỡng chế"),
    "task_given": _l("Ban chỉ đạo giao nhiệm vụ"), "task_answered": _l("Cơ quan thành viên trả lời nhiệm vụ"),
    "concluded": _l("Kết luận của Ban chỉ đạo"),
}


def _act_label(event) -> str | None:
    return kind_labels(current_locale()).get(event.trigger) if event.kind == "act" else None


def event_label(event) -> str:
    """A person's name for an event of the timeline, in the request's language."""
    if event.kind == "transition":
        return trigger_labels(current_locale()).get(event.trigger, "—")
    return str(_act_label(event) or EVENT_LABELS.get(event.trigger) or EVENT_LABELS.get(event.kind) or "—")


def event_detail(event) -> str:
    """What an event changed, in a few words (the amount, the party, the obligation)."""
    inputs = event.inputs or {}
    if event.kind == "payment":
        text = format_money(event.amount_delta)
        if inputs.get("receipt_number"):
            text += " · " + _("biên lai %(n)s", n=inputs["receipt_number"])
        if (inputs.get("payee") or {}).get("name"):
            text += " · " + _("cho %(name)s", name=inputs["payee"]["name"])
        return text
    if event.kind == "edited":
        after = inputs.get("after") or inputs.get("before") or {}
        text = after.get("name") or after.get("description") or inputs.get("description") or ""
        if event.amount_delta:
            sign = "+" if event.amount_delta > 0 else ""
            text += f" ({sign}{format_money(event.amount_delta)})"
        return text
    if event.kind == "proposal":
        what = {"proposed": _("đã gửi"), "returned": _("bị trả lại")}.get(inputs.get("action"), "")
        return " ".join(x for x in (trigger_labels(current_locale()).get(event.trigger, ""), what) if x)
    return ""
