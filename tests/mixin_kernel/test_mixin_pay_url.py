"""The single-asset pay link https://mixin.one/pay/{recipient}?asset=&amount=&trace=&memo=."""

from decimal import Decimal

import pytest

from mixin_kernel.errors import InvalidAmountError, MalformedEncodingError
from mixin_kernel.invoice import PayRequest, parse_pay_url

BOT = "f3a2b0a1-6c3e-4d7a-9f6b-2b1c0d9e8f70"
USDT = "4d8c508b-91c5-375b-92b0-ee702ed2dac5"
TRACE = "0b6f9a3c-2d4e-4f5a-8b7c-6d5e4f3a2b1c"


def test_pay_url_carries_every_field_url_encoded():
    request = PayRequest(
        recipient_id=BOT, asset_id=USDT, amount=Decimal("12.50"), trace_id=TRACE, memo="a b&c=d"
    )

    url = request.url()

    assert url == (
        f"https://mixin.one/pay/{BOT}?asset={USDT}&amount=12.5&trace={TRACE}&memo=a%20b%26c%3Dd"
    )
    assert parse_pay_url(url) == PayRequest(
        recipient_id=BOT, asset_id=USDT, amount=Decimal("12.5"), trace_id=TRACE, memo="a b&c=d"
    )


def test_large_round_amounts_are_written_without_exponent():
    request = PayRequest(recipient_id=BOT, asset_id=USDT, amount=Decimal("1E+3"), trace_id=TRACE)

    assert "amount=1000&" in request.url()
    assert parse_pay_url(request.url()).amount == Decimal(1000)


def test_memo_is_optional():
    url = f"https://mixin.one/pay/{BOT}?asset={USDT}&amount=1&trace={TRACE}"

    assert parse_pay_url(url).memo == ""


QUERY = f"asset={USDT}&amount=1&trace={TRACE}"


@pytest.mark.parametrize(
    ("url", "error"),
    [
        (f"https://evil.example/pay/{BOT}?{QUERY}", MalformedEncodingError),
        (f"https://mixin.one/pay/{BOT}?amount=1&trace={TRACE}", MalformedEncodingError),
        (f"https://mixin.one/pay/{BOT}?{QUERY}&amount=2", MalformedEncodingError),
        (f"https://mixin.one/pay/not-a-user?{QUERY}", MalformedEncodingError),
        (
            f"https://mixin.one/pay/{BOT}?{QUERY}".replace("=1&", "=0.000000001&"),
            InvalidAmountError,
        ),
        (f"https://mixin.one/pay/{BOT}?{QUERY}".replace("=1&", "=-1&"), InvalidAmountError),
        (f"https://mixin.one/pay/{BOT}?{QUERY}".replace("=1&", "=lots&"), InvalidAmountError),
    ],
    ids=["other host", "no asset", "two amounts", "bad user", "nine places", "negative", "text"],
)
def test_bad_pay_urls_are_refused(url, error):
    with pytest.raises(error):
        parse_pay_url(url)
