"""The one error type of the policy package: a stable code and a Chinese message.

Rule functions raise these for inputs they cannot decide on (a score with two
decimals, a malformed policy file, a level change over quota). A page shows
``message_zh``; an API returns ``code``.
"""

from __future__ import annotations


class PolicyError(ValueError):
    """A refusal by a rule, with a stable ``code`` and a Chinese ``message_zh``."""

    code = "policy_error"

    def __init__(self, message_zh: str, *, code: str | None = None) -> None:
        super().__init__(message_zh)
        self.message_zh = message_zh
        if code is not None:
            self.code = code


class InvalidScore(PolicyError):
    """C2: a score outside 0–100, with two decimals, or not a decimal at all."""

    code = "invalid_score"


class InvalidInput(PolicyError):
    """Facts that no rule can decide on (e.g. a veto event without severity)."""

    code = "invalid_input"


class PolicyFormatError(PolicyError):
    """P1: a policy file with unknown, missing or mistyped keys."""

    code = "policy_format"


class QuotaExceeded(PolicyError):
    """K3: a committee change that would put a level over its quota."""

    code = "quota_exceeded"


class IllegalTransition(PolicyError):
    """R2/Y2: a workflow move that the transition table does not allow."""

    code = "illegal_transition"
