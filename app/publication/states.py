"""A publication's state: published, then finalized (定榜) once its 公示 ends without a correction."""

from enum import nonmember

from app.states import State


class PublicationState(State):
    PUBLISHED = "published"
    FINALIZED = "finalized"

    noun = nonmember("成绩版本")
    labels = nonmember({PUBLISHED: "已发布", FINALIZED: "已定榜"})
    transitions = nonmember({PUBLISHED: (FINALIZED,)})
