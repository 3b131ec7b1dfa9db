"""Form fields shared by blueprints: money in whole đồng, dates as dd/mm/yyyy."""
from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation

from thads.services import clock
from thads.services.values import ValueProblem, parse_date, parse_money


def choices(pairs) -> list[SelectChoice]:
    """WTForms 3.3 wants SelectChoice objects (tuples are deprecated and warn)."""
    return [SelectChoice(str(value), label) for value, label in pairs]


class MoneyField(StringField):
    """Whole đồng; accepts ``1.500.000``. ``data`` is an int, or None when left empty."""

    def process_formdata(self, valuelist):
        self.raw_text = valuelist[0] if valuelist else ""
        self.data = None
        self.parse_error = None
        if self.raw_text.strip():
            try:
                self.data = parse_money(self.raw_text)
            except ValueProblem as exc:
                self.parse_error = str(exc)

    def pre_validate(self, form):
        if getattr(self, "parse_error", None):
            raise StopValidation(self.parse_error)

    def _value(self):
        if getattr(self, "raw_text", None):
            return self.raw_text
        return "" if self.data is None else f"{self.data:,}".replace(",", ".")


class MoneyRequired:
    """A money field must be filled in. Unlike ``DataRequired`` it accepts 0, so that "0 đồng" is
    answered by the rule about the amount ("must be greater than 0"), not by "enter an amount"."""

    field_flags = {"required": True}

    def __init__(self, message=None):
        self.message = message

    def __call__(self, form, field):
        if field.data is None and not getattr(field, "parse_error", None):
            field.errors[:] = []
            raise StopValidation(self.message or gettext("Hãy nhập số tiền."))


class VNDateField(StringField):
    """A date typed as dd/mm/yyyy (or picked as yyyy-mm-dd); never in the future."""

    def __init__(self, label=None, validators=None, allow_future=False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.allow_future = allow_future

    def process_formdata(self, valuelist):
        self.raw_text = valuelist[0] if valuelist else ""
        self.data = None
        self.parse_error = None
        if self.raw_text.strip():
            try:
                self.data = parse_date(
                    self.raw_text, not_after=None if self.allow_future else clock.today(),
                    field_label=str(self.label.text),
                )
            except ValueProblem as exc:
                self.parse_error = str(exc)

    def pre_validate(self, form):
        if getattr(self, "parse_error", None):
            raise StopValidation(self.parse_error)

    def _value(self):
        if getattr(self, "raw_text", None):
            return self.raw_text
        return self.data.strftime("%d/%m/%Y") if self.data else ""


def add_transition_inputs(form_cls, spec, case, locale: str) -> type:
    """Add one field ``in_<name>`` per declared input of a workflow transition to ``form_cls``.

    Used by the transition form and by the officer's proposal form, so both ask for the same
    inputs with the same widgets, labels (in ``locale``) and required-ness.
    """
    from thads.extensions import db
    from thads.i18n import localized
    from thads.models import User, UserRole

    for s in spec.inputs:
        label = localized(s, locale=locale)
        required = s.required and s.type != "bool"
        validators = [DataRequired(gettext("Hãy nhập %(f)s.", f=label.lower()))] if required else [Optional()]
        if s.length_limit():  # the same limit the service applies (workflows.definition.TEXT_LIMITS)
            validators.append(Length(max=s.length_limit()))
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
            field = SelectField(label, choices=choices((u.username, u.full_name) for u in officers),
                                validators=validators)
        elif s.type == "bool":
            field = BooleanField(label)
        else:
            field = StringField(label, validators=validators)
        setattr(form_cls, "in_" + s.name, field)
    return form_cls
