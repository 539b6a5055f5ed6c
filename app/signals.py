"""Signals (blinker, as Indico's): a lower package asks or tells, the higher package that knows connects to it, so
that no package imports one above it. Each signal says who sends it, with what, and what a receiver returns."""

from blinker import Namespace

_signals = Namespace()

# accounts: sent with an account (a User) before it becomes a supervisor. Each receiver returns True when the
# account holds a duty in a contest (a judge of the pool, an entry's secretary): a supervisor must hold none.
contest_duties = _signals.signal("contest-duties")
