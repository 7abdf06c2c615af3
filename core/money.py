"""Money is Decimal end to end; these are the field shapes and checks that keep it so."""

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, TypeAlias

from django.db import models

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable

    # A decimal column as django-stubs types one: what it accepts, what it reads back.
    DecimalColumn: TypeAlias = models.DecimalField[str | float | Decimal | Combinable, Decimal]

MONEY_MAX_DIGITS = 38
MONEY_DECIMAL_PLACES = 18
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
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValueError(f"{value!r} has more than {places} decimal places")
    return amount


def decimal_text(amount: Decimal) -> str:
    """An amount as plain decimal text without trailing zeros or an exponent:
    Decimal("0E-18") → "0", Decimal("0.100000000000000000") → "0.1"."""
    normalized = amount.normalize()
    return format(normalized, "f") if normalized != 0 else "0"


def amount_at_places(amount: Decimal, places: int) -> str:
    """An amount written to an asset's precision (1.5 at 8 places → "1.50000000"), as the
    operators compare columns. A finer amount is written in full: money is never rounded
    for display."""
    shown = amount.quantize(Decimal(1).scaleb(-places))
    return format(shown if shown == amount else amount.normalize(), "f")
