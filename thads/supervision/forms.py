"""Forms of the supervision pages. Selections (case check boxes) are read from the request;
these forms carry CSRF and the typed fields."""
from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional

from thads.extensions import db
from thads.forms import MoneyField, VNDateField, choices
from thads.i18n import current_locale, localized
from thads.models import User, UserRole


class ReassignForm(FlaskForm):
    to_officer = SelectField(_l("Chuyển cho chấp hành viên"), validators=[DataRequired(_l("Hãy chọn chấp hành viên nhận."))],
                             validate_choice=False)
    reason = StringField(_l("Lý do"), validators=[Optional()])


class ApproveForm(FlaskForm):
    on = VNDateField(_l("Ngày quyết định"), validators=[Optional()])


class ReturnForm(FlaskForm):
    comment = TextAreaField(_l("Lý do trả lại"), validators=[DataRequired(_l("Hãy ghi lý do trả lại."))])


def proposal_form(spec, case):
    """A form for the proposal of ``spec`` (a workflow transition): its inputs plus a note
    (labels in the request's language: the class is built per request)."""

    class F(FlaskForm):
        note = TextAreaField(_l("Giải trình của chấp hành viên"), validators=[Optional()])
        version = HiddenField()

    locale = current_locale()
    for s in spec.inputs:
        label = localized(s, locale=locale)
        required = s.required and s.type != "bool"
        validators = [DataRequired(gettext("Hãy nhập %(f)s.", f=label.lower()))] if required else [Optional()]
        if s.type == "text":
            field = TextAreaField(label, validators=validators)
        elif s.type == "date":
            field = VNDateField(label, validators=validators, allow_future=True)
        elif s.type == "int":
            field = IntegerField(label, validators=validators)
        elif s.type == "money":
            field = MoneyField(label, validators=validators)
        elif s.type == "choice":
            field = SelectField(label, choices=choices((v, le if locale == "en" and le else lv) for v, lv, le in s.choices),
                                validators=validators)
        elif s.type == "officer":
            officers = db.session.scalars(
                select(User).join(UserRole, UserRole.user_id == User.id)
                .where(User.unit_id == case.unit_id, User.active.is_(True), UserRole.role == "officer")
                .order_by(User.full_name)).unique()
            field = SelectField(label, choices=choices((u.id, u.full_name) for u in officers), validators=validators)
        elif s.type == "bool":
            field = BooleanField(label)
        else:
            field = StringField(label, validators=validators)
        setattr(F, "in_" + s.name, field)
    return F
