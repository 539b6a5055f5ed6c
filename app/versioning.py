"""Versioned histories (sheets, adjustments, vetoes, absences, results, notices): next number, latest, history.

A history is rows of one model that share a key (a sheet; a round, contestant and item; a contest and a
result's scope) and are numbered 1, 2, … by one column, as Tabbycat's abstract Submission serves ballots
and feedback. A version is never changed: a correction adds the next one.

Safe across worker processes as each history was before: the caller is in its writing transaction (on
SQLite a state-changing request begins IMMEDIATE and holds the one write lock, app.db_setup), and on
PostgreSQL and MariaDB the unique constraint on (key…, number) makes the flush of a second writer of the
same number fail with IntegrityError instead of storing two.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute

from app.errors import DomainError
from app.extensions import db

M = TypeVar("M")


@dataclass(frozen=True)
class History(Generic[M]):
    """The versions of `model`: `key` columns name one history, `number` numbers its versions from 1."""

    model: type[M]
    number: InstrumentedAttribute[int]
    key: tuple[InstrumentedAttribute[Any], ...]

    def key_of(self, row: M) -> tuple[Any, ...]:
        return tuple(getattr(row, column.key) for column in self.key)

    def _where(self, key: tuple[Any, ...]) -> list[ColumnElement[bool]]:
        if len(key) != len(self.key):
            raise TypeError(f"{self.model.__name__}: a history is named by {[c.key for c in self.key]}, got {key}")
        return [column == value for column, value in zip(self.key, key, strict=True)]

    def latest_number(self, *key: Any) -> int:
        """The highest number the history has: 0 for a new history."""
        return db.session.execute(select(func.max(self.number)).where(*self._where(key))).scalar() or 0

    def next_number(self, *key: Any) -> int:
        """The number the history's next version takes: 1 for a new history."""
        return self.latest_number(*key) + 1

    def latest_numbers(self) -> Select[Any]:
        """Each history's key columns and highest number (labelled `number`), as a query to narrow (join,
        where) and use as a subquery: the latest versions of many histories in one statement."""
        return select(*self.key, func.max(self.number).label("number")).group_by(*self.key)

    def latest(self, *key: Any, where: Iterable[ColumnElement[bool]] = ()) -> M | None:
        """The version with the highest number (among those matching `where`), or None."""
        return db.session.execute(select(self.model).where(*self._where(key), *where)
                                  .order_by(self.number.desc()).limit(1)).scalar_one_or_none()

    def history(self, *key: Any) -> list[M]:
        """Every version, oldest first."""
        return list(db.session.execute(select(self.model).where(*self._where(key))
                                       .order_by(self.number)).scalars())

    def latest_of(self, rows: Iterable[M]) -> dict[tuple[Any, ...], M]:
        """Of rows already read (of several histories, in any order): the highest-numbered per history."""
        latest: dict[tuple[Any, ...], M] = {}
        for row in rows:
            key = self.key_of(row)
            if key not in latest or self._number(row) > self._number(latest[key]):
                latest[key] = row
        return latest

    def _number(self, row: M) -> int:
        return int(getattr(row, self.number.key))

    def append(self, row: M, refused: str | None = None, after: int | None = None) -> int:
        """Give `row` the next number of its history (read from its key columns), add and flush it.

        `after`: the latest number the caller's checks were made on (0: none). The row then takes the one
        after it, so a version another writer stored since makes this one fail rather than stack on it
        unseen (two proposals at once); without, the history's latest number is read now.

        A second writer of the same number fails at the flush: with `refused`, the transaction is rolled
        back and DomainError(refused) raised; without, the IntegrityError reaches the caller (which may
        find that the other writer stored the same thing)."""
        number = after + 1 if after is not None else self.next_number(*self.key_of(row))
        setattr(row, self.number.key, number)
        db.session.add(row)
        try:
            db.session.flush()
        except IntegrityError:
            if refused is None:
                raise
            db.session.rollback()
            raise DomainError(refused) from None
        return number
