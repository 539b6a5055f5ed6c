"""A job's record: what was asked, by whom, its state with the allowed moves, progress, result or error."""

import json
from dataclasses import dataclass
from datetime import datetime
from enum import nonmember
from typing import ClassVar

from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.states import State, TransitionRefused

# The jobs' name for the shared refusal of a move a state machine does not allow (app/states.py).
IllegalTransition = TransitionRefused


class JobState(State):
    """queued → running → done | failed; done and failed are final (a rerun is a new job)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    noun = nonmember("任务")
    labels = nonmember({QUEUED: "排队中", RUNNING: "进行中", DONE: "已完成", FAILED: "失败"})
    transitions = nonmember({QUEUED: (RUNNING,), RUNNING: (DONE, FAILED)})

    @property
    def next_states(self) -> frozenset["JobState"]:
        return frozenset(JobState(n) for n in JobState.transitions[self])

    @property
    def active(self) -> bool:
        """Still to change: the page polls while a job is queued or running."""
        return bool(self.next_states)

    @property
    def queued(self) -> bool:
        return self is JobState.QUEUED

    @property
    def running(self) -> bool:
        return self is JobState.RUNNING

    @property
    def done(self) -> bool:
        return self is JobState.DONE

    def check_move(self, to: "JobState") -> None:
        JobState.check_transition(self, to, refused=f"任务状态不能从“{self.label}”变为“{to.label}”。")

KIND_LENGTH = 40
TASK_LENGTH = 200
ARGS_LENGTH = 4000
PAGE_LENGTH = 300
MESSAGE_LENGTH = 200
RESULT_LENGTH = 16000
ERROR_LENGTH = 500


class Job(db.Model):  # type: ignore[name-defined,misc]
    """One run of a task. The worker writes state, progress and outcome; the page only reads them."""

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(KIND_LENGTH), index=True)
    task: Mapped[str] = mapped_column(String(TASK_LENGTH))  # "module:function", resolved by the worker
    args: Mapped[str] = mapped_column(Text)  # JSON object of the task's keyword arguments
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    page: Mapped[str | None] = mapped_column(String(PAGE_LENGTH))  # the path of the page that asked
    shared: Mapped[bool] = mapped_column(Boolean, default=False)  # visible to whoever may open `page`
    state: Mapped[JobState] = mapped_column(
        Enum(JobState, native_enum=False, length=10, values_callable=lambda states: [s.value for s in states]),
        default=JobState.QUEUED)
    # Not "done"/"total": a column named total is taken for a score (tests/services/test_audit_covered.py).
    steps_done: Mapped[int | None] = mapped_column(Integer)
    steps_total: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str | None] = mapped_column(String(MESSAGE_LENGTH))  # the progress step, in Chinese
    result: Mapped[str | None] = mapped_column(Text)  # JobResult as JSON, bounded by RESULT_LENGTH
    error: Mapped[str | None] = mapped_column(String(ERROR_LENGTH))  # shown to the user; the traceback is logged
    created_at: Mapped[datetime] = mapped_column(DateTime)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    def move_to(self, state: JobState) -> None:
        self.state.check_move(state)
        self.state = state

    @property
    def label(self) -> str:
        return self.state.label

    @property
    def percent(self) -> int:
        """Done over total as a whole percentage for the progress bar (0 before the task says how many)."""
        if not self.steps_total or self.steps_done is None:
            return 0
        return min(100, max(0, self.steps_done * 100 // self.steps_total))

    @property
    def outcome(self) -> "JobResult | None":
        return None if self.result is None else JobResult.from_json(self.result)


@dataclass(frozen=True)
class JobResult:
    """What a task returns, small and shown as is: a sentence, the lines under it (problems found, files made),
    whether all was well (green or red on the page), and a same-site link to download what was made."""

    message: str
    items: tuple[str, ...] = ()
    ok: bool = True
    download: str | None = None

    ITEMS: ClassVar[int] = 50  # lines kept; the message says how many there were
    ITEM_LENGTH: ClassVar[int] = 300

    def to_json(self) -> str:
        items = [item[: self.ITEM_LENGTH] for item in self.items[: self.ITEMS]]
        text = json.dumps({"message": self.message[:MESSAGE_LENGTH * 2], "items": items, "ok": self.ok,
                           "download": self.download}, ensure_ascii=False)
        if len(text) > RESULT_LENGTH:  # only reachable with a very long download link: refuse it, loudly
            raise ValueError(f"job result of {len(text)} characters exceeds {RESULT_LENGTH}")
        return text

    @classmethod
    def from_json(cls, text: str) -> "JobResult":
        data = json.loads(text)
        return cls(data["message"], tuple(data["items"]), bool(data["ok"]), data.get("download"))
