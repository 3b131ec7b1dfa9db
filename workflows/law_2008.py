"""The enforcement procedure under Law 26/2008/QH12 (as amended), in force until 30/06/2026.

Articles are those of the consolidated Law on Civil Judgment Enforcement 2008
and Decree 62/2015/NĐ-CP. Deadline amounts are in :mod:`workflows.rules`
(``RULES_2008``).
"""

from __future__ import annotations

from workflows._procedure import STATES, build_transitions
from workflows.definition import DeadlineOpen, Workflow
from workflows.rules import LAW_2008, RULES_2008

__all__ = ["BASIS", "RULES", "WORKFLOW"]

RULES = RULES_2008

#: Legal basis of each transition: (Vietnamese, English).
BASIS: dict[str, tuple[str, str]] = {
    "decide": ("Điều 36 Luật THADS 2008", "Enforcement Law 2008, Art 36"),
    "refuse": ("Điều 31 Luật THADS 2008", "Enforcement Law 2008, Art 31"),
    "notify": ("Điều 39–43 Luật THADS 2008", "Enforcement Law 2008, Art 39–43"),
    "verify": ("Điều 44, 44a Luật THADS 2008", "Enforcement Law 2008, Art 44, 44a"),
    "complete": ("Điều 52, 53 Luật THADS 2008", "Enforcement Law 2008, Art 52–53"),
    "postpone": ("Điều 48 Luật THADS 2008", "Enforcement Law 2008, Art 48"),
    "suspend": ("Điều 49 Luật THADS 2008", "Enforcement Law 2008, Art 49"),
    "resume": ("Điều 48, 49 Luật THADS 2008", "Enforcement Law 2008, Art 48–49"),
    "terminate": ("Điều 50 Luật THADS 2008", "Enforcement Law 2008, Art 50"),
    "entrust": ("Điều 55–57 Luật THADS 2008", "Enforcement Law 2008, Art 55–57"),
}

#: Postponement at the parties' agreement (its statistics row differs: TTLT 12/2021).
AGREEMENT = ("điểm c khoản 1 Điều 48 Luật THADS 2008", "Enforcement Law 2008, Art 48(1)(c)")

WORKFLOW = Workflow(
    id="thads-2008",
    version=1,
    law=LAW_2008,
    label_vi="Quy trình thi hành án dân sự theo Luật THADS 2008",
    label_en="Civil judgment enforcement under the 2008 Law",
    states=STATES,
    transitions=build_transitions(BASIS, AGREEMENT),
    initial="received",
    # Registration opens the decision deadline from the receipt date;
    # interim measures are decided immediately.
    initial_opens=(DeadlineOpen("decision", "event", variant_from="ctx:interim"),),
)
