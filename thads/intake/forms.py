"""Forms of the intake pages: the register upload and the judgment to read."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional

JUDGMENT_TEXT_MAX = 200_000


class ImportForm(FlaskForm):
    unit = SelectField(_l("Đơn vị nhận các việc"))
    file = FileField(_l("Tệp sổ thụ lý (Excel hoặc CSV)"))
    mapping = FileField(_l("Tệp ánh xạ cột (YAML hoặc JSON, không bắt buộc)"))


class ConfirmForm(FlaskForm):
    pass


class JudgmentForm(FlaskForm):
    text = TextAreaField(_l("Văn bản bản án, quyết định"), validators=[Optional(), Length(max=JUDGMENT_TEXT_MAX)])
    pdf = FileField(_l("Hoặc tải lên tệp PDF có lớp chữ"))
