"""What the scoring desk shows of a round's published result, answered through app/signals.py."""

from app import signals
from app.contests.models import Round
from app.notices.services import latest_notices
from app.result_scope import result_scope_key


@signals.round_publication.connect
def round_publication(rnd: Round) -> str | None:
    notice = latest_notices(rnd.contest_id).get(result_scope_key(rnd.code))
    return f"第 {notice.number} 版，{notice.label}" if notice else None
