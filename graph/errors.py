"""One root error for everything plankg reports to a user; each subclass is one kind of problem.

Messages are one line and say what was wrong and what would be valid. Front ends (CLI, HTTP)
print them as they are; anything else escaping is a bug.
"""


class PlankgError(Exception):
    """Root of every error plankg reports to a user."""


class ParseError(PlankgError):
    """A document could not be read or yielded no plan."""


class StoreError(PlankgError):
    """A store could not be opened, read or written."""


class StoreUnavailable(StoreError):
    """The store's server is unreachable or refused the credentials."""


class QueryError(PlankgError):
    """A catalog query is unknown, or one of its parameters is."""


class UnknownQuery(QueryError):
    """No catalog entry has that name."""


class BadParameter(QueryError):
    """A parameter is unknown, missing or of the wrong type."""


class NotFound(PlankgError):
    """A named entity (department, plan, task, industry) is not in the store."""
