"""The error hierarchy of every layer: a PlanqaError is a user-facing message, never a traceback."""


class PlanqaError(Exception):
    """A user-facing error: the message says what went wrong and what to do; no traceback."""


class CorpusError(PlanqaError):
    """A document could not be read or parsed."""
