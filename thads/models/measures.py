"""Enforcement measures, coercion plans and days, hard cases and the steering committee (issue 11).

The law (states, steps, periods, the coercion-day rule) is data in ``workflows/measures.py``;
these tables record what was done. Each step is also an event of the case's hash-chained trail
(``case_event``), and each statutory period is a ``deadline`` row of the case carrying the
``measure_id`` it belongs to, so reminders, the worklist and the board see them unchanged.
"""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from thads.extensions import db
from thads.models.base import UTCDateTime, check_in, utcnow

MEASURE_CATEGORIES = ("security", "coercive")
ASSET_CLASSES = ("movable", "immovable")
PLAN_STATUSES = ("draft", "approved", "postponed", "cancelled", "carried_out")
POLICE_STATUSES = ("not_requested", "requested", "plan_received", "forces_confirmed")
OUTCOMES = ("done", "partial", "obstructed")
COST_BEARERS = ("debtor", "creditor", "state")
RECIPIENTS = ("procuracy", "police", "commune")
HARD_CASE_STATUSES = ("open", "settled")
HARD_CASE_REASONS = ("large_amount", "organised_obstruction", "land_dispute", "enterprise", "public_concern",
                     "inter_agency", "other")
AGENCY_KINDS = ("police", "procuracy", "court", "justice", "agri_env", "military", "bank", "inspectorate",
                "commune", "other")
TASK_STATUSES = ("open", "answered", "cancelled")


class Measure(db.Model):
    """One security or coercive measure applied to a case, at its current step."""

    __tablename__ = "measure"
    __table_args__ = (
        CheckConstraint(check_in("category", MEASURE_CATEGORIES), name="category"),
        CheckConstraint(f"asset_class IS NULL OR {check_in('asset_class', ASSET_CLASSES)}", name="asset_class"),
        CheckConstraint("proceeds >= 0 AND revaluations >= 0 AND failed_auctions >= 0", name="counts"),
        Index("ix_measure_unit_kind_started", "unit_id", "kind", "started_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_case.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))  # the case's unit when started
    kind: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(32))
    law: Mapped[str] = mapped_column(String(10))  # law governing the latest step
    workflow: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300), default="")  # what it bears on, for lists
    asset_class: Mapped[str | None] = mapped_column(String(16))
    held_by: Mapped[str | None] = mapped_column(String(200))  # a third party holding the asset
    current_price: Mapped[int | None] = mapped_column(BigInteger)  # valuation / reduced price
    sold_price: Mapped[int | None] = mapped_column(BigInteger)
    proceeds: Mapped[int] = mapped_column(BigInteger, default=0)  # money this measure brought in
    revaluations: Mapped[int] = mapped_column(Integer, default=0)
    failed_auctions: Mapped[int] = mapped_column(Integer, default=0)
    started_on: Mapped[date] = mapped_column(Date)
    last_step_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()  # noqa: F821
    steps: Mapped[list[MeasureStep]] = relationship(back_populates="measure", cascade="all, delete-orphan",
                                                    order_by="MeasureStep.id")


class MeasureStep(db.Model):
    """A step taken on a measure (its start included): the dated record the figures count."""

    __tablename__ = "measure_step"
    __table_args__ = (Index("ix_measure_step_trigger_on", "trigger", "on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_case.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("case_event.id"))
    trigger: Mapped[str] = mapped_column(String(32))
    on: Mapped[date] = mapped_column(Date)
    from_state: Mapped[str] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    inputs: Mapped[dict] = mapped_column(JSON, default=dict)
    legal_basis: Mapped[str | None] = mapped_column(String(200))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    measure: Mapped[Measure] = relationship(back_populates="steps")


class CoercionPlan(db.Model):
    """A coercion plan (kế hoạch cưỡng chế, Art 72): drafted by the officer, approved by the head,
    sent at once to the procuracy, the police and the commune; then carried out or not."""

    __tablename__ = "coercion_plan"
    __table_args__ = (
        CheckConstraint(check_in("status", PLAN_STATUSES), name="status"),
        CheckConstraint(check_in("police_status", POLICE_STATUSES), name="police_status"),
        CheckConstraint(f"outcome IS NULL OR {check_in('outcome', OUTCOMES)}", name="outcome"),
        CheckConstraint(check_in("cost_borne_by", COST_BEARERS), name="cost_borne_by"),
        CheckConstraint("cost_estimate >= 0 AND (actual_cost IS NULL OR actual_cost >= 0)", name="costs"),
        Index("ix_coercion_plan_unit_day", "unit_id", "planned_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_case.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("measure.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    measures_text: Mapped[str] = mapped_column(Text)  # the measures to apply
    planned_on: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)
    place: Mapped[str] = mapped_column(String(300))
    procedure: Mapped[str] = mapped_column(Text)  # how it will proceed
    forces: Mapped[str] = mapped_column(Text)  # forces needed
    protection: Mapped[str] = mapped_column(Text, default="")  # protection asked of the police
    cost_estimate: Mapped[int] = mapped_column(BigInteger, default=0)
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    drafted_on: Mapped[date] = mapped_column(Date)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_on: Mapped[date | None] = mapped_column(Date)
    police_status: Mapped[str] = mapped_column(String(20), default="not_requested")
    police_requested_on: Mapped[date | None] = mapped_column(Date)
    police_plan_received_on: Mapped[date | None] = mapped_column(Date)
    police_confirmed_on: Mapped[date | None] = mapped_column(Date)
    police_forces: Mapped[int | None] = mapped_column(Integer)  # officers the police confirmed
    postponements: Mapped[int] = mapped_column(Integer, default=0)
    last_reason: Mapped[str | None] = mapped_column(Text)  # why postponed / called off
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(16))
    police_intervened: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome_note: Mapped[str | None] = mapped_column(Text)
    actual_cost: Mapped[int | None] = mapped_column(BigInteger)
    cost_borne_by: Mapped[str] = mapped_column(String(16), default="debtor")  # Art 73
    carried_out_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()  # noqa: F821
    measure: Mapped[Measure | None] = relationship()
    drafted_by: Mapped[User | None] = relationship(foreign_keys=[drafted_by_id])  # noqa: F821
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])  # noqa: F821
    dispatches: Mapped[list[CoercionDispatch]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="CoercionDispatch.id")


class CoercionDispatch(db.Model):
    """The sending of a plan to one recipient (procuracy, police, commune) on a date."""

    __tablename__ = "coercion_dispatch"
    __table_args__ = (
        UniqueConstraint("plan_id", "recipient"),
        CheckConstraint(check_in("recipient", RECIPIENTS), name="recipient"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("coercion_plan.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(16))
    recipient_name: Mapped[str] = mapped_column(String(200))
    sent_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(64))  # the dispatch's document number
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    plan: Mapped[CoercionPlan] = relationship(back_populates="dispatches")


class CoercionExcludedDay(db.Model):
    """A day the head marked as without coercion in the unit (and every unit below it)."""

    __tablename__ = "coercion_excluded_day"
    __table_args__ = (UniqueConstraint("unit_id", "on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HardCase(db.Model):
    """A case a head marked as difficult or complex (việc khó khăn, phức tạp)."""

    __tablename__ = "hard_case"
    __table_args__ = (
        CheckConstraint(check_in("status", HARD_CASE_STATUSES), name="status"),
        CheckConstraint(check_in("reason", HARD_CASE_REASONS), name="reason"),
        Index("ix_hard_case_unit_status", "unit_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_case.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    reason: Mapped[str] = mapped_column(String(32))
    reason_note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="open")
    opened_on: Mapped[date] = mapped_column(Date)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    settled_on: Mapped[date | None] = mapped_column(Date)
    settled_note: Mapped[str | None] = mapped_column(Text)
    next_review_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()  # noqa: F821
    tasks: Mapped[list[CommitteeTask]] = relationship(back_populates="hard_case", cascade="all, delete-orphan",
                                                      order_by="CommitteeTask.id")
    reviews: Mapped[list[HardCaseReview]] = relationship(back_populates="hard_case", cascade="all, delete-orphan",
                                                         order_by="HardCaseReview.id")


class CommitteeAgency(db.Model):
    """A member agency of a province's steering committee (Ban chỉ đạo THADS)."""

    __tablename__ = "committee_agency"
    __table_args__ = (
        UniqueConstraint("unit_id", "name"),
        CheckConstraint(check_in("kind", AGENCY_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)  # the province
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CommitteeMeeting(db.Model):
    """A meeting of the steering committee."""

    __tablename__ = "committee_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    chaired_by: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CommitteeTask(db.Model):
    """A task the committee gave a member agency for a hard case, with its due date (a deadline
    row of the case, so it is reminded to the following officer and escalated) and its answer."""

    __tablename__ = "committee_task"
    __table_args__ = (
        CheckConstraint(check_in("status", TASK_STATUSES), name="status"),
        Index("ix_committee_task_agency_status", "agency_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hard_case_id: Mapped[int] = mapped_column(ForeignKey("hard_case.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_case.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("committee_meeting.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("committee_agency.id"))
    description: Mapped[str] = mapped_column(Text)
    given_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    deadline_id: Mapped[int | None] = mapped_column(ForeignKey("deadline.id"))
    status: Mapped[str] = mapped_column(String(12), default="open")
    answer: Mapped[str | None] = mapped_column(Text)
    answered_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)  # answered or cancelled on (as-of figures)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    hard_case: Mapped[HardCase] = relationship(back_populates="tasks")
    agency: Mapped[CommitteeAgency] = relationship()
    meeting: Mapped[CommitteeMeeting | None] = relationship()


class HardCaseReview(db.Model):
    """The committee's conclusion on a hard case at a meeting, and the next review date."""

    __tablename__ = "hard_case_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    hard_case_id: Mapped[int] = mapped_column(ForeignKey("hard_case.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("committee_meeting.id"))
    on: Mapped[date] = mapped_column(Date)
    conclusion: Mapped[str] = mapped_column(Text)
    next_review_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    hard_case: Mapped[HardCase] = relationship(back_populates="reviews")
    meeting: Mapped[CommitteeMeeting | None] = relationship()
