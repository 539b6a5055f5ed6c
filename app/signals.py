"""Events one capability sends and another listens to, so a lower package never imports a higher one (blinker)."""

from blinker import Namespace

_signals = Namespace()

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
