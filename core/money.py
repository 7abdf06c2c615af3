"""Money is Decimal end to end; these are the field shapes and checks that keep it so."""

from decimal import Context, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, TypeAlias

from django.db import models

from core.numbers import MAX_MAGNITUDE, decimal_from_input

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable

    # A decimal column as django-stubs types one: what it accepts, what it reads back.
    DecimalColumn: TypeAlias = models.DecimalField[str | float | Decimal | Combinable, Decimal]

MONEY_MAX_DIGITS = 38
MONEY_DECIMAL_PLACES = 18
# A money column holds |amount| < 10**20 (38 digits, 18 of them places).
MONEY_LIMIT = Decimal(10) ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES)
# SQLite keeps a decimal as a REAL and Django reads it back through 15 significant digits
# before quantizing to the column's places: 99999999999999999999 comes back as 1E+20, which
# no longer fits, and the row can no longer be read at all.
SQLITE_SIGNIFICANT_DIGITS = 15
# Every Mixin asset is divisible to 8 decimal places (the kernel's own amount precision,
# mixin_kernel.kernel.AMOUNT_PRECISION); the ledger's 18 places leave room for venue math.
ASSET_PLACES = 8


def MoneyField(**kwargs: Any) -> "DecimalColumn":  # noqa: N802 - reads like a field class
    return models.DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, **kwargs
    )


def RateField(**kwargs: Any) -> "DecimalColumn":  # noqa: N802
    """A fraction such as a fee rate (0.001 = 0.1%)."""
    return models.DecimalField(max_digits=12, decimal_places=8, **kwargs)


def to_decimal(value: object, *, places: int = MONEY_DECIMAL_PLACES) -> Decimal:
    """Parse an amount, refusing floats, non-finite values and too many decimals."""
    if isinstance(value, float):
        raise ValueError("amounts must be given as strings or Decimals, not floats")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a decimal amount") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not a finite amount")
    if amount and not -MAX_MAGNITUDE <= amount.adjusted() < MAX_MAGNITUDE:
        raise ValueError(f"{value!r} is out of range")  # normalize() would overflow
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValueError(f"{value!r} has more than {places} decimal places")
    return amount


def decimal_text(amount: Decimal) -> str:
    """An amount as plain decimal text without trailing zeros or an exponent:
    Decimal("0E-18") → "0", Decimal("0.100000000000000000") → "0.1"."""
    normalized = amount.normalize()
    return format(normalized, "f") if normalized != 0 else "0"


def money_storable(amount: Decimal) -> bool:
    """Whether a money column holds the amount and gives it back, on every backend."""
    as_sqlite_reads_it = Context(prec=SQLITE_SIGNIFICANT_DIGITS).create_decimal_from_float(
        float(amount)
    )
    return abs(amount) < MONEY_LIMIT and abs(as_sqlite_reads_it) < MONEY_LIMIT


def money_from_input(value: object, *, places: int = MONEY_DECIMAL_PLACES) -> Decimal:
    """An amount a person sent (core.numbers says which forms), with at most `places`
    decimals and small enough for a money column; ValueError says what is wrong."""
    amount = decimal_from_input(value)
    if amount and amount.adjusted() < -places:
        raise ValueError(f"has more than {places} decimal places")
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValueError(f"has more than {places} decimal places")
    if not money_storable(amount):
        raise ValueError(f"must be less than {MONEY_LIMIT:,f}".replace(",", ""))
    return amount


def amount_at_places(amount: Decimal, places: int) -> str:
    """An amount written to an asset's precision (1.5 at 8 places → "1.50000000"), as the
    operators compare columns. A finer amount is written in full: money is never rounded
    for display."""
    shown = amount.quantize(Decimal(1).scaleb(-places))
    return format(shown if shown == amount else amount.normalize(), "f")
