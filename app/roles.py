"""The roles an account can have, their Chinese names, and which of them a county can limit."""

ROLES = ("organizer", "clerk", "judge", "secretary", "supervisor")
ROLE_LABELS = {
    "organizer": "组织者",
    "clerk": "录入员",
    "judge": "评委",
    "secretary": "书记",
    "supervisor": "监督员",
}
# Organizers and clerks work for the city or for one county (their scope); the others have none.
SCOPED_ROLES = ("organizer", "clerk")
