"""Forms of the measures pages. A measure step's form is generated from its declared inputs (as a
transition's is); the coercion, hard-case and committee forms carry their own typed fields."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from thads.forms import MoneyField, VNDateField, add_transition_inputs, choices
from thads.i18n import current_locale


def _pairs(rows, locale: str | None = None):
    """(value, label) in the request's language from workflow data (value, label_vi, label_en)."""
    en = (locale or current_locale()) == "en"
    return choices((v, e if en else vi) for v, vi, e in rows)


def step_form(spec, case):
    """A form for a measure step (``spec``: its transition), labels in the request's language."""

    class F(FlaskForm):
        on = VNDateField(_l("Ngày thực hiện"), validators=[Optional()])
        version = HiddenField()

    return add_transition_inputs(F, spec, case, current_locale())


class PlanForm(FlaskForm):
    measure_id = SelectField(_l("Thuộc biện pháp"), validators=[Optional()], validate_choice=False)
    measures_text = TextAreaField(_l("Biện pháp cưỡng chế"), validators=[DataRequired(_l("Hãy nhập biện pháp cưỡng chế.")),
                                                                         Length(max=4000)])
    planned_on = VNDateField(_l("Ngày cưỡng chế"), validators=[DataRequired(_l("Hãy nhập ngày cưỡng chế."))],
                             allow_future=True)
    start_time = StringField(_l("Giờ bắt đầu"), validators=[DataRequired(_l("Hãy nhập giờ bắt đầu."))],
                             default="08:00")
    end_time = StringField(_l("Giờ kết thúc dự kiến"), validators=[Optional()])
    place = StringField(_l("Địa điểm"), validators=[DataRequired(_l("Hãy nhập địa điểm.")), Length(max=300)])
    procedure = TextAreaField(_l("Cách thức tiến hành"), validators=[DataRequired(_l("Hãy nhập cách thức tiến hành.")),
                                                                     Length(max=4000)])
    forces = TextAreaField(_l("Lực lượng tham gia"), validators=[DataRequired(_l("Hãy nhập lực lượng tham gia.")),
                                                                 Length(max=4000)])
    protection = TextAreaField(_l("Đề nghị Công an bảo vệ"), validators=[Optional(), Length(max=4000)])
    cost_estimate = MoneyField(_l("Dự trù chi phí cưỡng chế (đồng)"))


class VersionForm(FlaskForm):
    version = HiddenField()


class DispatchForm(FlaskForm):
    procuracy_name = StringField(_l("Viện kiểm sát nhận"), validators=[Optional(), Length(max=200)])
    procuracy_on = VNDateField(_l("Ngày gửi Viện kiểm sát"), validators=[Optional()])
    police_name = StringField(_l("Cơ quan Công an nhận"), validators=[Optional(), Length(max=200)])
    police_on = VNDateField(_l("Ngày gửi Công an"), validators=[Optional()])
    commune_name = StringField(_l("Ủy ban nhân dân cấp xã nhận"), validators=[Optional(), Length(max=200)])
    commune_on = VNDateField(_l("Ngày gửi Ủy ban nhân dân cấp xã"), validators=[Optional()])


POLICE_STEPS = (("requested", _l("Đã đề nghị Công an bảo vệ")), ("plan_received", _l("Đã nhận kế hoạch bảo vệ")),
                ("forces_confirmed", _l("Công an đã xác nhận lực lượng")))


class PoliceForm(FlaskForm):
    police_status = SelectField(_l("Bảo vệ của Công an"), choices=choices(POLICE_STEPS))
    police_on = VNDateField(_l("Ngày"), validators=[DataRequired(_l("Hãy nhập ngày."))])
    police_forces = IntegerField(_l("Số cán bộ, chiến sĩ được bố trí"),
                                 validators=[Optional(), NumberRange(min=1, max=9999)])


class PostponeForm(FlaskForm):
    reason = TextAreaField(_l("Lý do hoãn"), validators=[DataRequired(_l("Hãy ghi lý do.")), Length(max=4000)])
    new_date = VNDateField(_l("Ngày cưỡng chế mới"), validators=[Optional()], allow_future=True)
    new_start = StringField(_l("Giờ bắt đầu mới"), validators=[Optional()])


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Lý do hủy"), validators=[DataRequired(_l("Hãy ghi lý do.")), Length(max=4000)])


def outcome_form():
    from workflows.measures import COERCION_OUTCOMES, COST_BEARERS

    class F(FlaskForm):
        outcome = SelectField(_l("Kết quả"), choices=_pairs(COERCION_OUTCOMES))
        police_intervened = BooleanField(_l("Công an đã can thiệp"))
        note = TextAreaField(_l("Diễn biến"), validators=[Optional(), Length(max=4000)])
        actual_cost = MoneyField(_l("Chi phí cưỡng chế thực tế (đồng)"))
        cost_borne_by = SelectField(_l("Người chịu chi phí"), choices=_pairs(COST_BEARERS), default="debtor")
        on = VNDateField(_l("Ngày cưỡng chế"), validators=[Optional()])

    return F


class ExcludedDayForm(FlaskForm):
    on = VNDateField(_l("Ngày"), validators=[DataRequired(_l("Hãy nhập ngày."))], allow_future=True)
    reason = StringField(_l("Lý do"), validators=[DataRequired(_l("Hãy ghi lý do.")), Length(max=200)])


def hard_case_form():
    from workflows.measures import HARD_CASE_REASONS

    class F(FlaskForm):
        reason = SelectField(_l("Lý do"), choices=_pairs(HARD_CASE_REASONS))
        note = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=4000)])
        next_review_on = VNDateField(_l("Ngày xem xét lại"), validators=[Optional()], allow_future=True)

    return F


class TaskForm(FlaskForm):
    agency_id = SelectField(_l("Cơ quan thành viên"), validate_choice=False,
                            validators=[DataRequired(_l("Hãy chọn cơ quan."))])
    description = TextAreaField(_l("Nhiệm vụ"), validators=[DataRequired(_l("Hãy nhập nhiệm vụ.")), Length(max=4000)])
    due_on = VNDateField(_l("Hạn hoàn thành"), validators=[DataRequired(_l("Hãy nhập hạn hoàn thành."))],
                         allow_future=True)
    meeting_id = SelectField(_l("Tại cuộc họp"), validate_choice=False, validators=[Optional()])


class ReviewForm(FlaskForm):
    conclusion = TextAreaField(_l("Kết luận"), validators=[DataRequired(_l("Hãy nhập kết luận.")), Length(max=4000)])
    next_review_on = VNDateField(_l("Ngày xem xét lại"), validators=[Optional()], allow_future=True)
    meeting_id = SelectField(_l("Tại cuộc họp"), validate_choice=False, validators=[Optional()])


class SettleForm(FlaskForm):
    note = TextAreaField(_l("Kết quả giải quyết"), validators=[DataRequired(_l("Hãy nhập kết quả.")), Length(max=4000)])


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Trả lời của cơ quan"), validators=[DataRequired(_l("Hãy nhập nội dung trả lời.")),
                                                                 Length(max=4000)])
    on = VNDateField(_l("Ngày trả lời"), validators=[Optional()])


def agency_form():
    from workflows.measures import AGENCY_KINDS

    class F(FlaskForm):
        kind = SelectField(_l("Loại cơ quan"), choices=_pairs(AGENCY_KINDS))
        name = StringField(_l("Tên cơ quan"), validators=[DataRequired(_l("Hãy nhập tên cơ quan.")), Length(max=200)])

    return F


class MeetingForm(FlaskForm):
    held_on = VNDateField(_l("Ngày họp"), validators=[DataRequired(_l("Hãy nhập ngày họp."))])
    title = StringField(_l("Nội dung"), validators=[DataRequired(_l("Hãy nhập nội dung.")), Length(max=200)])
    chaired_by = StringField(_l("Chủ trì"), validators=[Optional(), Length(max=200)])
    notes = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=4000)])
