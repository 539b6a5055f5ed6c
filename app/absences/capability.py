"""Absences as the factory plugs them in: their page, event names, and the record the audit log covers."""

from sqlalchemy.orm import joinedload

from app.absences.services import absence_fields
from app.absences.views import bp
from app.audit.covered import Covered, orm_rows, whole
from app.capabilities import Capability
from app.panels.models import RoundAbsence

ABSENCE_FIELDS = ("round", "entry", "reason", "in_effect")

CAPABILITY = Capability(
    "absences",
    blueprints=(bp,),
    audit_actions={"absence_recorded": "登记缺席", "absence_withdrawn": "撤销缺席"},
    audit_objects={"round_absence": "缺席登记"},
    covered=(Covered("round_absence", frozenset({"round_absence"}),
                     dict.fromkeys(("absence_recorded", "absence_withdrawn"), whole(ABSENCE_FIELDS)),
                     orm_rows(RoundAbsence, absence_fields, ABSENCE_FIELDS, (), joinedload(RoundAbsence.entry))),),
)
