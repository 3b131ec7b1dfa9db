"""The enforcement procedure under Law 106/2025/QH15 and Decree 152/2026/NĐ-CP (from 01/07/2026).

Same steps as the 2008 procedure, cited to the new articles, plus the new
"send back the request" step (gửi lại yêu cầu thi hành án) for on-request
cases unenforceable for two years (L106 Art 38(4); D152 Art 22). Deadline
amounts are in :mod:`workflows.rules` (``RULES_2025``).
"""

from __future__ import annotations

from workflows._procedure import STATES, build_transitions
from workflows.definition import DeadlineOpen, State, Transition, Workflow
from workflows.rules import LAW_2025, RULES_2025

__all__ = ["BASIS", "RULES", "WORKFLOW"]

RULES = RULES_2025

BASIS: dict[str, tuple[str, str]] = {
    "decide": ("Luật 106/2025/QH15, Điều 33, 34", "Law 106/2025, Art 33–34"),
    "refuse": ("Luật 106/2025/QH15, Điều 34; Nghị định 152/2026/NĐ-CP, Điều 9",
               "Law 106/2025, Art 34; Decree 152/2026, Art 9"),
    "notify": ("Luật 106/2025/QH15, Điều 35", "Law 106/2025, Art 35"),
    "verify": ("Luật 106/2025/QH15, Điều 37, 38", "Law 106/2025, Art 37–38"),
    "complete": ("Nghị định 152/2026/NĐ-CP, Điều 32", "Decree 152/2026, Art 32"),
    "postpone": ("Luật 106/2025/QH15, Điều 46", "Law 106/2025, Art 46"),
    "suspend": ("Luật 106/2025/QH15, Điều 47", "Law 106/2025, Art 47"),
    "resume": ("Luật 106/2025/QH15, Điều 46, 47", "Law 106/2025, Art 46–47"),
    "terminate": ("Luật 106/2025/QH15, Điều 48", "Law 106/2025, Art 48"),
    "entrust": ("Luật 106/2025/QH15, Điều 49, 50", "Law 106/2025, Art 49–50"),
}

#: Postponement at the parties' agreement under the new law: Art 46 (the point within the
#: article is UNCONFIRMED until the consolidated text is checked, so only the article is cited).
AGREEMENT = ("Điều 46 Luật 106/2025/QH15", "Law 106/2025, Art 46")

SEND_BACK = Transition(
    trigger="send_back",
    sources=("not_enforceable",),
    dest="sent_back",
    role="head",
    label_vi="Gửi lại yêu cầu thi hành án",
    label_en="Send the request back",
    legal_basis="Luật 106/2025/QH15, Điều 38 khoản 4; Nghị định 152/2026/NĐ-CP, Điều 22",
    legal_basis_en="Law 106/2025, Art 38(4); Decree 152/2026, Art 22",
    # Only on-request cases, only under the new law, only after two years
    # without means; ex-officio cases go to the separate register instead.
    guards=("on_request", "new_law", "two_years_not_enforceable"),
    cancels_open=True,
)

# The case ends (D152 Art 32) without being enforced. Which statistics row it
# belongs to is UNCONFIRMED; "terminated" keeps it out of the carried-forward
# cases and out of "completed money". Revisit when the 2026 statistics form is
# published.
SENT_BACK = State("sent_back", "Đã gửi lại yêu cầu thi hành án", "Request sent back",
                  final=True, stat_group="terminated")

WORKFLOW = Workflow(
    id="thads-2025",
    version=1,
    law=LAW_2025,
    label_vi="Quy trình thi hành án dân sự theo Luật THADS 2025",
    label_en="Civil judgment enforcement under the 2025 Law",
    states=(*STATES, SENT_BACK),
    transitions=(*build_transitions(BASIS, AGREEMENT), SEND_BACK),
    initial="received",
    initial_opens=(DeadlineOpen("decision", "event", variant_from="ctx:interim"),),
)
