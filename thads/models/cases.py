"""Enforcement cases (việc thi hành án), their parties, obligations and money movements."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from thads.extensions import db
from thads.models.base import UTCDateTime, check_in, utcnow

# The contract's state names (workflows/ defines their meaning and transitions).
CASE_STATES = (
    "received", "refused", "decided", "notified", "enforcing", "not_enforceable", "postponed",
    "suspended", "entrusted", "terminated", "sent_back", "completed",
)
FINAL_STATES = ("refused", "entrusted", "terminated", "sent_back", "completed")
# ``next_due_on`` of a case with no open deadline: sorts after every real date, so the
# worklist is one index range scan on (officer_id, next_due_on, id) with no NULL handling.
NO_DEADLINE = date(9999, 12, 31)
CASE_KINDS = ("ex_officio", "on_request")
LAWS = ("law_2008", "law_2025")
PARTY_ROLES = ("creditor", "debtor", "related")
PARTY_KINDS = ("person", "organisation")
PAYMENT_KINDS = ("collection", "payout", "reduction")
# How money moved (migration 0006b): cash at the agency's cashier, a bank transfer, a deduction
# from the debtor's account or income, the proceeds of a sale of seized assets, anything else.
PAYMENT_METHODS = ("cash", "transfer", "deduction", "auction", "other")


def stat_year_of(d: date) -> int:
    """The statistical year (1 October – 30 September) a date falls in, named by its end year."""
    return d.year + 1 if d.month >= 10 else d.year


class Case(db.Model):
    __tablename__ = "enforcement_case"
    __table_args__ = (
        UniqueConstraint("unit_id", "stat_year", "number"),
        CheckConstraint(check_in("state", CASE_STATES), name="state"),
        CheckConstraint(check_in("kind", CASE_KINDS), name="kind"),
        CheckConstraint(check_in("law", LAWS), name="law"),
        CheckConstraint("amount_total >= 0 AND collected >= 0 AND paid_out >= 0 AND reduced >= 0",
                        name="money_nonnegative"),
        CheckConstraint("collected + reduced <= amount_total", name="money_not_over"),
        CheckConstraint("paid_out <= collected", name="payout_not_over"),
        Index("ix_case_officer_state", "officer_id", "state"),
        Index("ix_case_unit_state", "unit_id", "state"),
        Index("ix_case_officer_next_due", "officer_id", "next_due_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    stat_year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)  # register number within unit and year
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(20), default="received")
    previous_state: Mapped[str | None] = mapped_column(String(20))  # restored by `resume`
    workflow: Mapped[str] = mapped_column(String(32))
    law: Mapped[str] = mapped_column(String(10))  # law governing the latest step
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    received_on: Mapped[date] = mapped_column(Date)
    court: Mapped[str] = mapped_column(String(200))
    judgment_number: Mapped[str] = mapped_column(String(64))
    judgment_date: Mapped[date] = mapped_column(Date)
    judgment_effective_on: Mapped[date | None] = mapped_column(Date)
    decision_number: Mapped[str | None] = mapped_column(String(64))
    decided_on: Mapped[date | None] = mapped_column(Date)
    interim: Mapped[bool] = mapped_column(Boolean, default=False)
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    not_enforceable_since: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    last_event_on: Mapped[date] = mapped_column(Date)
    # The nearest open deadline's due date (NO_DEADLINE when none), kept by the deadline service.
    next_due_on: Mapped[date] = mapped_column(Date, default=NO_DEADLINE)
    # Money in whole đồng, maintained by the services from obligations and payments.
    amount_total: Mapped[int] = mapped_column(BigInteger, default=0)
    collected: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_out: Mapped[int] = mapped_column(BigInteger, default=0)
    reduced: Mapped[int] = mapped_column(BigInteger, default=0)
    nonmoney_pending: Mapped[int] = mapped_column(Integer, default=0)
    # Lower-case, diacritics-free text of number, parties, identity numbers and judgment.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Head of the event chain (issue 9): the last event's sequence number and hash, written in
    # the same transaction as the event, so a deleted tail event or a rewritten chain no longer
    # matches the case row. ``chain_mac`` is an HMAC of (id, seq, hash) under THADS_AUDIT_KEY.
    chain_seq: Mapped[int] = mapped_column(Integer, default=0)
    chain_hash: Mapped[str] = mapped_column(String(64), default="0" * 64)
    chain_mac: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    unit: Mapped[Unit] = relationship()  # noqa: F821
    officer: Mapped[User | None] = relationship()  # noqa: F821
    parties: Mapped[list[Party]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Party.id"
    )
    obligations: Mapped[list[Obligation]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Obligation.id"
    )
    payments: Mapped[list[Payment]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Payment.id"
    )

    @property
    def remaining(self) -> int:
        return self.amount_total - self.collected - self.reduced

    @property
    def display_number(self) -> str:
        return f"{self.number}/{self.stat_year}"

    @property
    def debtors(self) -> list[Party]:
        return [p for p in self.parties if p.role == "debtor"]

    @property
    def creditors(self) -> list[Party]:
        return [p for p in self.parties if p.role == "creditor"]


class Party(db.Model):
    __tablename__ = "party"
    __table_args__ = (
        CheckConstraint(check_in("role", PARTY_ROLES), name="role"),
        CheckConstraint(check_in("kind", PARTY_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_case.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default="person")
    name: Mapped[str] = mapped_column(String(200))
    id_number: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(300))

    case: Mapped[Case] = relationship(back_populates="parties")


class Obligation(db.Model):
    """One obligation of the judgment: a sum of money (đồng) or a non-money act."""

    __tablename__ = "obligation"
    __table_args__ = (
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount_nonnegative"),
        CheckConstraint("rank BETWEEN 1 AND 3", name="rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_case.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(String(500))
    amount: Mapped[int | None] = mapped_column(BigInteger)  # None: a non-money obligation
    # Payment order, Law 26/2008 Art 47: 1 maintenance/wages/life-health; 2 court fees; 3 other.
    rank: Mapped[int] = mapped_column(Integer, default=3)
    done: Mapped[bool] = mapped_column(Boolean, default=False)  # non-money obligations

    case: Mapped[Case] = relationship(back_populates="obligations")

    @property
    def is_money(self) -> bool:
        return self.amount is not None


class Payment(db.Model):
    """A money movement: collected from the debtor, paid out to creditors, or reduced (giảm)."""

    __tablename__ = "payment"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(check_in("kind", PAYMENT_KINDS), name="kind"),
        CheckConstraint("method IS NULL OR " + check_in("method", PAYMENT_METHODS), name="method"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("enforcement_case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="collection")
    amount: Mapped[int] = mapped_column(BigInteger)
    on: Mapped[date] = mapped_column(Date)
    receipt_number: Mapped[str | None] = mapped_column(String(64))
    method: Mapped[str | None] = mapped_column(String(16))  # PAYMENT_METHODS; None for a reduction
    # Who received a payout: a creditor of the case (None for collections and reductions).
    payee_party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="payments")
    payee: Mapped[Party | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()  # noqa: F821
