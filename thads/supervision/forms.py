"""Forms of the supervision pages. Selections (case check boxes) are read from the request;
these forms carry CSRF and the typed fields."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional

from thads.forms import VNDateField, add_transition_inputs
from thads.i18n import current_locale


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

    return add_transition_inputs(F, spec, case, current_locale())

