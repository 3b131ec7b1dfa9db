"""The case registration form (parties and obligations as repeated sub-forms)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from thads.forms import MoneyField, VNDateField, choices

PARTY_ROLE_CHOICES = [("debtor", "Người phải thi hành án"), ("creditor", "Người được thi hành án"),
                      ("related", "Người có quyền lợi, nghĩa vụ liên quan")]


class PartyForm(Form):
    role = SelectField("Vai trò", choices=choices(PARTY_ROLE_CHOICES), default="debtor")
    kind = SelectField("Loại", choices=choices([("person", "Cá nhân"), ("organisation", "Tổ chức")]), default="person")
    name = StringField("Họ tên / tên tổ chức", validators=[Optional(), Length(max=200)])
    id_number = StringField("Số định danh / CCCD", validators=[Optional(), Length(max=32)])
    address = StringField("Địa chỉ", validators=[Optional(), Length(max=300)])


class ObligationForm(Form):
    description = StringField("Nội dung nghĩa vụ", validators=[Optional(), Length(max=500)])
    amount = MoneyField("Số tiền (đồng)", description="Để trống nếu không phải nghĩa vụ trả tiền")
    rank = SelectField("Thứ tự thanh toán", choices=choices([("3", "3 – Khoản khác"), ("1", "1 – Cấp dưỡng, lương, bồi thường tính mạng, sức khỏe"), ("2", "2 – Án phí, lệ phí")]), default="3")


class CaseForm(FlaskForm):
    kind = SelectField("Loại việc", choices=choices([("on_request", "Theo đơn yêu cầu"), ("ex_officio", "Chủ động")]))
    received_on = VNDateField("Ngày nhận bản án / đơn", validators=[DataRequired("Hãy nhập ngày nhận.")])
    court = StringField("Tòa án", validators=[DataRequired("Hãy nhập tòa án."), Length(max=200)])
    judgment_number = StringField("Số bản án", validators=[DataRequired("Hãy nhập số bản án."), Length(max=64)])
    judgment_date = VNDateField("Ngày bản án", validators=[DataRequired("Hãy nhập ngày bản án.")])
    judgment_effective_on = VNDateField("Ngày có hiệu lực", validators=[Optional()])
    interim = BooleanField("Quyết định áp dụng biện pháp khẩn cấp tạm thời")
    priority = BooleanField("Việc trọng điểm / phức tạp")
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
