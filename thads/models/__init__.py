"""SQLAlchemy models. Import from here: ``from thads.models import Case, User``."""
from thads.models.audit import AuditAnchor, AuditAnchorHead
from thads.models.base import utcnow
from thads.models.calendar import CalendarDay
from thads.models.cases import Case, Obligation, Party, Payment, stat_year_of
from thads.models.deadlines import Deadline
from thads.models.events import CaseEvent
from thads.models.idempotency import IdempotencyKey
from thads.models.intake import FormPrefill, ImportedCase, ImportRun
from thads.models.measures import (
    CoercionDispatch,
    CoercionExcludedDay,
    CoercionPlan,
    CommitteeAgency,
    CommitteeMeeting,
    CommitteeTask,
    HardCase,
    HardCaseReview,
    Measure,
    MeasureStep,
)
from thads.models.notifications import Notification
from thads.models.proposals import Proposal
from thads.models.targets import Target
from thads.models.units import Unit
from thads.models.users import ROLES, ApiToken, LoginSession, User, UserRole

__all__ = [
    "ApiToken", "AuditAnchor", "AuditAnchorHead", "CalendarDay", "Case", "CaseEvent", "CoercionDispatch",
    "CoercionExcludedDay", "CoercionPlan", "CommitteeAgency", "CommitteeMeeting", "CommitteeTask", "Deadline",
    "FormPrefill", "HardCase", "HardCaseReview", "IdempotencyKey", "ImportRun", "ImportedCase", "LoginSession",
    "Measure", "MeasureStep", "Notification",
    "Obligation", "Party", "Payment", "Proposal", "ROLES", "Target", "Unit", "User", "UserRole",
    "stat_year_of", "utcnow",
]
