"""Forms of the case pages: registration (parties and obligations as rows that can be added and
removed), payments, and the corrections of parties and obligations after intake."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from thads.display import PARTY_KINDS, PARTY_ROLES, PAYMENT_KINDS, PAYMENT_METHODS, RANKS
from thads.forms import MoneyField, MoneyRequired, VNDateField, choices
from thads.models import Case, Obligation, Party, Payment
from thads.schemas.cases import MAX_OBLIGATIONS, MAX_PARTIES
from thads.schemas.types import column_length as _len

PARTY_ROLE_CHOICES = list(PARTY_ROLES.items())
#: A row added to the registration form asks for its role (no silent default).
BLANK_ROLE = [("", _l("— Chọn vai trò —"))]
#: The rows shown without JavaScript, with their roles: one debtor, one creditor, one more.
DEFAULT_ROLES = ("debtor", "creditor", "")
PARTY_ROWS, OBLIGATION_ROWS = len(DEFAULT_ROLES), 3
RANK_CHOICES = [("3", RANKS[3]), ("1", RANKS[1]), ("2", RANKS[2])]


class PartyForm(Form):
    role = SelectField(_l("Vai trò"), choices=choices(BLANK_ROLE + PARTY_ROLE_CHOICES), default="")
    kind = SelectField(_l("Loại"), choices=choices(PARTY_KINDS.items()), default="person")
    name = StringField(_l("Họ tên / tên tổ chức"), validators=[Optional(), Length(max=_len(Party.name))])
    id_number = StringField(_l("Số định danh / CCCD"), validators=[Optional(), Length(max=_len(Party.id_number))])
    address = StringField(_l("Địa chỉ"), validators=[Optional(), Length(max=_len(Party.address))])


class ObligationForm(Form):
    description = StringField(_l("Nội dung nghĩa vụ"), validators=[Optional(), Length(max=_len(Obligation.description))])
    amount = MoneyField(_l("Số tiền (đồng)"), description=_l("Để trống nếu không phải nghĩa vụ trả tiền"))
    rank = SelectField(_l("Thứ tự thanh toán"), choices=choices(RANK_CHOICES), default="3")


class CaseForm(FlaskForm):
    kind = SelectField(_l("Loại việc"), choices=choices([("on_request", _l("Theo đơn yêu cầu")), ("ex_officio", _l("Chủ động"))]))
    received_on = VNDateField(_l("Ngày nhận bản án / đơn"), validators=[DataRequired(_l("Hãy nhập ngày nhận."))])
    court = StringField(_l("Tòa án"), validators=[DataRequired(_l("Hãy nhập tòa án.")), Length(max=_len(Case.court))],
                        description=_l("Chọn trong danh sách tòa án đơn vị đã nhập, hoặc gõ tên tòa án khác."))
    judgment_number = StringField(_l("Số bản án"), validators=[DataRequired(_l("Hãy nhập số bản án.")), Length(max=_len(Case.judgment_number))])
    judgment_date = VNDateField(_l("Ngày bản án"), validators=[DataRequired(_l("Hãy nhập ngày bản án."))])
    judgment_effective_on = VNDateField(_l("Ngày có hiệu lực"), validators=[Optional()])
    interim = BooleanField(_l("Quyết định áp dụng biện pháp khẩn cấp tạm thời"))
    priority = BooleanField(_l("Việc trọng điểm / phức tạp"))
    # A one-time key per opened form: a double submit registers the case once.
    submission_key = HiddenField()
    parties = FieldList(FormField(PartyForm), min_entries=PARTY_ROWS, max_entries=MAX_PARTIES)
    obligations = FieldList(FormField(ObligationForm), min_entries=OBLIGATION_ROWS, max_entries=MAX_OBLIGATIONS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_submitted():
            # A new form: the first row is the debtor, the second the creditor (the requester of
            # a case on request), the rest ask which.
            for entry, role in zip(self.parties, DEFAULT_ROLES, strict=False):
                entry.form.role.data = role

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for p in self.parties:
            if (p.form.name.data or "").strip() and not p.form.role.data:
                p.form.role.errors = list(p.form.role.errors) + [str(_l("Hãy chọn vai trò của đương sự."))]
                ok = False
        return ok

    def to_input(self) -> dict:
        """The service's input dict; blank sub-form rows are ignored."""
        return {
            "kind": self.kind.data,
            "received_on": self.received_on.data,
            "judgment": {"court": self.court.data, "number": self.judgment_number.data,
                         "date": self.judgment_date.data, "effective_on": self.judgment_effective_on.data},
            "interim": self.interim.data, "priority": self.priority.data,
            "parties": [dict(p.data) for p in self.parties if (p.data.get("name") or "").strip()],
            "obligations": [
                {"description": o.data["description"], "amount": o.data["amount"], "rank": int(o.data["rank"])}
                for o in self.obligations
                if (o.data.get("description") or "").strip() or o.data.get("amount") is not None
            ],
        }


class VersionedForm(FlaskForm):
    """Carries the case version the user saw, so a stale submit is detected."""

    version = HiddenField()


class PaymentForm(FlaskForm):
    kind = SelectField(_l("Loại"), choices=choices(PAYMENT_KINDS.items()))
    amount = MoneyField(_l("Số tiền (đồng)"), validators=[MoneyRequired(_l("Hãy nhập số tiền."))])
    on = VNDateField(_l("Ngày"), validators=[DataRequired(_l("Hãy nhập ngày."))])
    method = SelectField(_l("Hình thức"), choices=choices([("", _l("— Không áp dụng (miễn, giảm) —")),
                                                          *PAYMENT_METHODS.items()]), default="cash",
                         description=_l("Thu, chi bằng tiền mặt, chuyển khoản…; để trống khi miễn, giảm."))
    payee = SelectField(_l("Người nhận tiền chi trả"), choices=[], validate_choice=False,
                        description=_l("Người được thi hành án nhận khoản chi trả."))
    receipt_number = StringField(_l("Số biên lai / chứng từ"),
                                 validators=[Optional(), Length(max=_len(Payment.receipt_number))])
    version = HiddenField()
    seen_seq = HiddenField()

    def set_creditors(self, creditors) -> None:
        self.payee.choices = choices([("", _l("— Chọn người nhận —"))] + [(str(p.id), p.name) for p in creditors])
        self.creditor_ids = {str(p.id) for p in creditors}

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        kind = self.kind.data
        if kind in ("collection", "payout") and not self.method.data:
            self.method.errors = list(self.method.errors) + [str(_l("Hãy chọn hình thức thu, chi."))]
            ok = False
        if kind == "reduction":
            self.method.data = ""
        if kind == "payout" and getattr(self, "creditor_ids", None) and self.payee.data not in self.creditor_ids:
            self.payee.errors = list(self.payee.errors) + [str(_l("Hãy chọn người nhận khoản chi trả."))]
            ok = False
        if kind != "payout":
            self.payee.data = ""
        return ok


class PartyEditForm(FlaskForm):
    role = SelectField(_l("Vai trò"), choices=choices(PARTY_ROLE_CHOICES))
    kind = SelectField(_l("Loại"), choices=choices(PARTY_KINDS.items()), default="person")
    name = StringField(_l("Họ tên / tên tổ chức"), validators=[DataRequired(_l("Hãy nhập họ tên.")),
                                                               Length(max=_len(Party.name))])
    id_number = StringField(_l("Số định danh / CCCD"), validators=[Optional(), Length(max=_len(Party.id_number))])
    address = StringField(_l("Địa chỉ"), validators=[Optional(), Length(max=_len(Party.address))])
    version = HiddenField()

    def to_input(self) -> dict:
        return {"role": self.role.data, "kind": self.kind.data, "name": self.name.data,
                "id_number": self.id_number.data or None, "address": self.address.data or None}


class ObligationEditForm(FlaskForm):
    description = StringField(_l("Nội dung nghĩa vụ"), validators=[DataRequired(_l("Hãy nhập nội dung nghĩa vụ.")),
                                                                  Length(max=_len(Obligation.description))])
    amount = MoneyField(_l("Số tiền (đồng)"), description=_l("Để trống nếu không phải nghĩa vụ trả tiền"))
    rank = SelectField(_l("Thứ tự thanh toán"), choices=choices(RANK_CHOICES), default="3")
    version = HiddenField()

    def to_input(self) -> dict:
        return {"description": self.description.data, "amount": self.amount.data, "rank": int(self.rank.data)}
