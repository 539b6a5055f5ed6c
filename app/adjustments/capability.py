"""Adjustments and vetoes as the factory plugs them in: pages, event names, records the audit log covers."""

from app.adjustments.models import AdjustmentRecord, VetoRecord
from app.adjustments.services import record_fields
from app.adjustments.vetoes import veto_fields
from app.adjustments.views import bp, review_bp
from app.audit.covered import Covered, orm_rows, whole
from app.capabilities import Capability

ADJUSTMENT_FIELDS = ("round", "entry", "item", "version", "measure", "points", "note", "withdrawn")
ADJUSTMENT_ACTIONS = ("adjustment_recorded", "adjustment_changed", "adjustment_withdrawn")
VETO_FIELDS = ("round", "entry", "item", "version", "withdrawn", "reason", "state", "proposed_by", "decided_by",
               "decision_note")
VETO_ACTIONS = ("veto_proposed", "veto_withdrawal_proposed", "veto_proposal_retracted", "veto_confirmed",
                "veto_rejected", "veto_withdrawal_confirmed", "veto_withdrawal_rejected")

CAPABILITY = Capability(
    "adjustments",
    blueprints=(bp, review_bp),
    audit_actions={
        "adjustment_recorded": "登记加减分", "adjustment_changed": "修改加减分", "adjustment_withdrawn": "撤销加减分",
        "veto_proposed": "提出一票否决", "veto_proposal_retracted": "撤回否决提议",
        "veto_confirmed": "确认一票否决", "veto_rejected": "驳回一票否决",
        "veto_withdrawal_proposed": "提出撤销否决", "veto_withdrawal_confirmed": "确认撤销否决",
        "veto_withdrawal_rejected": "驳回撤销否决",
    },
    audit_objects={"adjustment_record": "加减分记录", "veto_record": "否决记录"},
    covered=(
        Covered("adjustment_record", frozenset({"adjustment_record"}),
                dict.fromkeys(ADJUSTMENT_ACTIONS, whole(ADJUSTMENT_FIELDS, ("measure", "points"))),
                orm_rows(AdjustmentRecord, record_fields, ADJUSTMENT_FIELDS, ("measure", "points"))),
        Covered("veto_record", frozenset({"veto_record"}), dict.fromkeys(VETO_ACTIONS, whole(VETO_FIELDS)),
                orm_rows(VetoRecord, veto_fields, VETO_FIELDS)),
    ),
)
