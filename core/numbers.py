"""Reading a number a person sent, before any arithmetic touches it (pure: no Django).

Accepted: ASCII decimal text ("12.5", "-3") and exact JSON numbers, which the API's parser
hands over as int or Decimal. Refused: anything `Decimal()` would also take but a person
did not mean as plain decimal text ("1_000", "٢", " 2 ", "1e3", "NaN"), floats, and
exponents so large or small that arithmetic on them overflows the decimal context.
"""

import re
from decimal import Decimal

# Digits and an optional fraction; `[0-9]`, not `\d`, which matches every script's digits.
DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")
MAX_TEXT_LENGTH = 80
# Far beyond any amount or parameter and far inside the default context's exponent
# range (±999999), so later arithmetic cannot raise decimal.Overflow.
MAX_MAGNITUDE = 60

NON_FINITE = frozenset({"nan", "snan", "inf", "infinity"})
PLAIN_DECIMAL_HINT = 'Give a plain decimal such as "12.5" or an exact JSON number.'


def decimal_from_input(value: object) -> Decimal:
    """The value as a finite Decimal of sane magnitude; ValueError says what is wrong."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValueError(PLAIN_DECIMAL_HINT)
    if isinstance(value, str):
        if value.strip().lower().lstrip("+-") in NON_FINITE:
            raise ValueError("Must be a finite number.")
        if len(value) > MAX_TEXT_LENGTH or not DECIMAL_TEXT.fullmatch(value):
            shown = value[:MAX_TEXT_LENGTH]
            raise ValueError(f"{shown!r} is not a number. {PLAIN_DECIMAL_HINT}")
        number = Decimal(value)
    elif isinstance(value, int):
        if abs(value) >= 10**MAX_MAGNITUDE:
            raise ValueError("The number is too large.")
        number = Decimal(value)
    else:
        number = value
    if not number.is_finite():
        raise ValueError("Must be a finite number.")
    # adjusted() reads the exponent without rounding, so it cannot overflow itself.
    if number and not -MAX_MAGNITUDE <= number.adjusted() < MAX_MAGNITUDE:
        raise ValueError(
            "The number is too large." if number.adjusted() > 0 else "The number is too small."
        )
    return number


def decimal_plain_text(number: Decimal) -> str:
    """A bounded Decimal as plain text without an exponent: Decimal("1E+2") → "100"."""
    return format(number, "f")
