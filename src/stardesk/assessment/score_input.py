"""Reading a score or a deduction as people type it (C2): "95", "95.5", "９５．５", "95分"."""
from __future__ import annotations

import unicodedata
from decimal import Decimal

from django.utils.translation import gettext

from stardesk.policy.conventions import parse_score
from stardesk.policy.errors import InvalidScore



def normalise(raw) -> str:
    """Full-width digits and points to ASCII, surrounding spaces and a trailing 分 removed."""
    if raw is None:
        return ""
    if isinstance(raw, Decimal):
        return str(raw)
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if text.endswith("分"):
        text = text[:-1].strip()
    return text


def read_score(raw) -> Decimal:
    """C2: a score 0–100 with at most one decimal, as a Decimal; ValueError with a Chinese message otherwise."""
    text = normalise(raw)
    if text == "":
        raise ValueError(gettext("请填写得分"))
    try:
        value = parse_score(text)
    except InvalidScore:
        raise ValueError(gettext("得分须为 0–100 之间的数字，最多一位小数")) from None
    return value.quantize(Decimal("0.1"))


def read_points(raw, *, what: str | None = None) -> Decimal:
    """A number of points (a deduction, an item's value): blank is 0, else 0–100 with one decimal."""
    text = normalise(raw)
    if text == "":
        return Decimal("0.0")
    try:
        value = parse_score(text)
    except InvalidScore:
        raise ValueError(
            gettext("%(what)s须为 0–100 之间的数字，最多一位小数") % {"what": what or gettext("扣分")}
        ) from None
    return value.quantize(Decimal("0.1"))
