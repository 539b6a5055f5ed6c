"""A result scope: what one result is computed over, one round ("round:plan") or the whole year ("year").

The key is built and parsed here only. "Scope" alone means a county organizer's county scope elsewhere.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

YEAR_KEY = "year"
ROUND_PREFIX = "round:"


class HasCode(Protocol):
    @property
    def code(self) -> str: ...


R = TypeVar("R", bound=HasCode, covariant=True)


class HasRounds(Protocol[R]):
    @property
    def rounds(self) -> Sequence[R]: ...


def result_scope_key(round_code: str | None) -> str:
    """The key of a round's result ("round:plan"), or of the year's with None ("year")."""
    return YEAR_KEY if round_code is None else ROUND_PREFIX + round_code


def round_code_of(key: str) -> str | None:
    """The round code of a round's key; None for the year's key or anything else."""
    return key[len(ROUND_PREFIX):] if key.startswith(ROUND_PREFIX) else None


@dataclass(frozen=True)
class ResultScope:
    """One round's result or the year's, by its key."""

    key: str

    @classmethod
    def of_round(cls, round_code: str | None) -> "ResultScope":
        return cls(result_scope_key(round_code))

    @property
    def round_code(self) -> str | None:
        return round_code_of(self.key)

    @property
    def is_year(self) -> bool:
        return self.key == YEAR_KEY

    def rounds(self, contest: HasRounds[R]) -> list[R]:
        """The contest's rounds it covers: all of them for the year, else its own."""
        code = self.round_code
        return [r for r in contest.rounds if code is None or r.code == code]
