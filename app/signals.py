"""Signals (blinker, as Indico's): a lower package asks or tells, the higher package that knows connects to it, so
that no package imports one above it. Each signal says who sends it, with what, and what a receiver returns."""

from typing import Any

from blinker import Namespace, Signal

_signals = Namespace()


def answers(signal: Signal, sender: Any, **kwargs: Any) -> list[Any]:
    """What the receivers answered (Indico's values_from_signal), leaving out those with nothing to say (None)."""
    return [value for _, value in signal.send(sender, **kwargs) if value is not None]


# accounts: sent with an account (a User) before it becomes a supervisor. Each receiver returns True when the
# account holds a duty in a contest (a judge of the pool, an entry's secretary): a supervisor must hold none.
contest_duties = _signals.signal("contest-duties")

# Marking answers set-up and assignment, which must not change what marks already rest on (app/judging/answers.py).
round_has_marks = _signals.signal("round-has-marks", doc="""Sender: a round id. True when a mark is stored on
a sheet of the round: its criteria, maxima and steps are then fixed.""")
contest_has_sheets = _signals.signal("contest-has-sheets", doc="""Sender: a contest id. True when a sheet version
of the contest is stored.""")
sheets_exist = _signals.signal("sheets-exist", doc="""Sender: a round id; `entry_ids`, and `judge_id` (None: any
judge). True when a sheet of one of the entries exists in the round, even one not yet confirmed.""")
# Entries answer contest set-up, which counts them and keeps a group they use (app/entries/answers.py).
entries_per_contest = _signals.signal("entries-per-contest", doc="""Sender: None. {contest id: number of active
entries} over the contests that have any.""")
entries_per_group = _signals.signal("entries-per-group", doc="""Sender: a contest id. {group id: number of entries
in it as group plus as sub-group} over the groups and sub-groups that entries use.""")
group_in_use = _signals.signal("group-in-use", doc="""Sender: a group id. True when an entry, active or not, has it
as its group or sub-group.""")
# Publication answers the scoring desk, which asks before opening scoring again (app/notices/desk_answers.py).
round_publication = _signals.signal("round-publication", doc="""Sender: a contest round (Round). The round's
published result as the desk names it, e.g. "第 1 版，公示中"; None when it has none.""")

# Publication (app/publication): what follows a publication listens instead of being called.
published = _signals.signal("published", doc="""A publication (app.publication.models.Publication) was just stored.

Sent with the publication as sender, inside the publishing transaction after its row is flushed and before
the single commit: receivers write in that transaction (the notices open the 公示 of a result), and an
exception in a receiver leaves nothing published. Keyword `previous`: the scope's publication before it,
or None.""")

after_publication_commit = _signals.signal("after-publication-commit", doc="""A publication was committed.

Sent with the publication as sender once its transaction is committed: work that follows a publication and
must not hold its transaction (rendering its documents) is queued from here, never run in the request.""")

publication_lines = _signals.signal("publication-lines", doc="""What a page listing a contest's scopes shows of each.

Sent with the contest id as sender; a receiver returns {scope key: line}, a line being what
templates/notices/_phase.html's notice_state prints (the notices answer with each scope's newest 公示).""")

notice_reprinted = _signals.signal("notice-reprinted", doc="""What a 公示 prints changed (app/notices).

Sent with the notice id as sender once the change is committed: its contact lines were edited, or it was
finalized (its state is printed). Keyword `actor`: the User who changed it. The public pages queue the
rendering of its PDF again from here.""")
