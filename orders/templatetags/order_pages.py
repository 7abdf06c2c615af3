from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def amount(value: object) -> str:
    """A money amount without the trailing zeros of its 18 stored places: 1.50, not 1.500…0."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
