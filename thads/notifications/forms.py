"""Forms of the notifications slice (CSRF-protected posts)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField
from wtforms.validators import DataRequired


class ActionForm(FlaskForm):
    """An empty form: only the CSRF token (acknowledge buttons)."""


class SnoozeForm(FlaskForm):
    until = DateField(_l("Nhắc lại vào ngày"), validators=[DataRequired(message=_l("Hãy chọn ngày."))])


class PreferenceForm(FlaskForm):
    email_enabled = BooleanField(_l("Nhận nhắc hạn qua thư điện tử"))
