"""Sign-in form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(_l("Hãy nhập tên đăng nhập.")), Length(max=64)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Hãy nhập mật khẩu."))])


class LogoutForm(FlaskForm):
    """Empty form: logout is a POST with a CSRF token."""


class ReauthForm(FlaskForm):
    """The password again, before sensitive administration."""

    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Hãy nhập mật khẩu."))])
