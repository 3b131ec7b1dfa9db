"""Form fields shared by blueprints: money in whole đồng, dates as dd/mm/yyyy."""
from __future__ import annotations

from wtforms import SelectChoice, StringField
from wtforms.validators import StopValidation

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
