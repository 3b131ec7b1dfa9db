"""The case registration form (parties and obligations as repeated sub-forms)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from thads.forms import MoneyField, VNDateField, choices
from thads.models import Case, Obligation, Party
from thads.schemas.types import column_length as _len

PARTY_ROLE_CHOICES = [("debtor", _l("Người phải thi hành án")), ("creditor", _l("Người được thi hành án")),
                      ("related", _l("Người có quyền lợi, nghĩa vụ liên quan"))]


class PartyForm(Form):
    role = SelectField(_l("Vai trò"), choices=choices(PARTY_ROLE_CHOICES), default="debtor")
    kind = SelectField(_l("Loại"), choices=choices([("person", _l("Cá nhân")), ("organisation", _l("Tổ chức"))]), default="person")
    name = StringField(_l("Họ tên / tên tổ chức"), validators=[Optional(), Length(max=_len(Party.name))])
    id_number = StringField(_l("Số định danh / CCCD"), validators=[Optional(), Length(max=_len(Party.id_number))])
    address = StringField(_l("Địa chỉ"), validators=[Optional(), Length(max=_len(Party.address))])


class ObligationForm(Form):
    description = StringField(_l("Nội dung nghĩa vụ"), validators=[Optional(), Length(max=_len(Obligation.description))])
    amount = MoneyField(_l("Số tiền (đồng)"), description=_l("Để trống nếu không phải nghĩa vụ trả tiền"))
    rank = SelectField(_l("Thứ tự thanh toán"), choices=choices([("3", _l("3 – Khoản khác")), ("1", _l("1 – Cấp dưỡng, lương, bồi thường tính mạng, sức khỏe")), ("2", _l("2 – Án phí, lệ phí"))]), default="3")


class CaseForm(FlaskForm):
    kind = SelectField(_l("Loại việc"), choices=choices([("on_request", _l("Theo đơn yêu cầu")), ("ex_officio", _l("Chủ động"))]))
    received_on = VNDateField(_l("Ngày nhận bản án / đơn"), validators=[DataRequired(_l("Hãy nhập ngày nhận."))])
    court = StringField(_l("Tòa án"), validators=[DataRequired(_l("Hãy nhập tòa án.")), Length(max=_len(Case.court))])
    judgment_number = StringField(_l("Số bản án"), validators=[DataRequired(_l("Hãy nhập số bản án.")), Length(max=_len(Case.judgment_number))])
    judgment_date = VNDateField(_l("Ngày bản án"), validators=[DataRequired(_l("Hãy nhập ngày bản án."))])
    judgment_effective_on = VNDateField(_l("Ngày có hiệu lực"), validators=[Optional()])
    interim = BooleanField(_l("Quyết định áp dụng biện pháp khẩn cấp tạm thời"))
    priority = BooleanField(_l("Việc trọng điểm / phức tạp"))
    # A one-time key per opened form: a double submit registers the case once.
    submission_key = HiddenField()
    parties = FieldList(FormField(PartyForm), min_entries=3, max_entries=10)
    obligations = FieldList(FormField(ObligationForm), min_entries=3, max_entries=10)

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
