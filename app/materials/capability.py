"""Materials as the factory plugs them in: upload pages, event names, and the files the audit log covers."""

from app.audit.covered import Covered, orm_rows, whole
from app.capabilities import Capability
from app.materials.models import Material
from app.materials.services import material_fields
from app.materials.views import bp

MATERIAL_FIELDS = ("round", "entry", "version", "sha256", "size", "income_target")

CAPABILITY = Capability(
    "materials",
    blueprints=(bp,),
    audit_actions={"material_uploaded": "上传参赛材料", "material_replaced": "替换参赛材料"},
    audit_objects={"material": "参赛材料"},
    covered=(Covered("material", frozenset({"material"}),
                     dict.fromkeys(("material_uploaded", "material_replaced"),
                                   whole(MATERIAL_FIELDS, ("income_target",))),
                     orm_rows(Material, material_fields, MATERIAL_FIELDS, ("income_target",))),),
)
