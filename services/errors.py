"""Errors that services raise; the HTTP layer turns each into an application/problem+json answer.

`detail` is an English message id with `%(name)s` placeholders: the web layer translates it into
the caller's language and fills in `params`, so services stay free of request and locale.
"""


class ServiceError(Exception):
    status = 400

    def __init__(
        self, detail: str, *, field_errors: dict | None = None, extra: dict | None = None, **params
    ):
        super().__init__(detail % params if params else detail)
        self.detail = detail
        self.params = params
        self.field_errors = field_errors
        # Extension members of the problem document, e.g. the current state of a loan.
        self.extra = extra or {}


class NotAuthenticated(ServiceError):
    status = 401


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


class InvalidInput(ServiceError):
    status = 422


def field_error(field: str, message: str, **params) -> InvalidInput:
    """A 422 about one field, whose message is also the problem's detail."""
    return InvalidInput(message, field_errors={field: [(message, params)]}, **params)
