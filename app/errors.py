"""Domain errors raised by services: the message is shown to the user as is (the pages: app/errorpages.py)."""


class DomainError(Exception):
    """A rule of the domain refused the request; the message is shown to the user as is."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(DomainError):
    status = 404


class ForbiddenError(DomainError):
    status = 403
