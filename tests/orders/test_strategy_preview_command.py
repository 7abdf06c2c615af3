import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content)
    return str(path)


MARKET = """{"bids": [[99.5, 3], [99, 10]], "asks": [[100.5, 2]], "last_price": 100.1,
             "tick_size": "0.1", "step_size": "0.01", "min_notional": 5}"""
PARAMS = """{"bid_spread": 0.01, "ask_spread": 0.01, "order_amount": 1, "order_levels": 2,
             "order_level_spread": 0.005}"""


def run(*args: str) -> dict:
    out = StringIO()
    call_command("strategy_preview", *args, stdout=out)
    return json.loads(out.getvalue())


def test_prints_the_reference_price_the_orders_and_the_dropped_levels(tmp_path):
    report = run(
        "--params",
        write(tmp_path, "P.json", PARAMS),
        "--market",
        write(tmp_path, "M.json", MARKET),
        "--balances",
        write(tmp_path, "B.json", '{"base": "1.5", "quote": "100"}'),
    )
    assert list(report) == ["reference_price", "orders", "dropped"]
    assert report["reference_price"] == "100"
    assert report["orders"] == [
        {"side": "buy", "price": "99", "amount": "1", "level": 0},
        {"side": "sell", "price": "101", "amount": "1", "level": 0},
        {"side": "sell", "price": "101.5", "amount": "0.5", "level": 1},
    ]
    # 100 quote buys 1 at 99; the 1 left buys 0.01 at 98.5, under the minimum notional of 5
    assert report["dropped"] == [{"side": "buy", "level": 1, "reason": "below_min_notional"}]


def test_without_balances_every_level_is_shown_at_full_size(tmp_path):
    report = run(
        "--params",
        write(tmp_path, "P.json", PARAMS),
        "--market",
        write(tmp_path, "M.json", MARKET),
    )
    assert [(o["side"], o["amount"]) for o in report["orders"]] == [
        ("buy", "1"),
        ("buy", "1"),
        ("sell", "1"),
        ("sell", "1"),
    ]


def test_invalid_parameters_stop_the_command_with_every_field_named(tmp_path):
    params = write(tmp_path, "P.json", '{"bid_spread": -1, "order_levels": 30}')
    with pytest.raises(CommandError) as caught:
        run("--params", params, "--market", write(tmp_path, "M.json", MARKET))
    errors = json.loads(str(caught.value))["errors"]
    assert set(errors) == {"bid_spread", "ask_spread", "order_amount", "order_levels"}


def test_unreadable_or_malformed_files_are_reported(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("--params", str(tmp_path / "missing.json"), "--market", str(tmp_path / "m.json"))
    with pytest.raises(CommandError, match="is not valid JSON"):
        run("--params", write(tmp_path, "P.json", "{"), "--market", str(tmp_path / "m.json"))
