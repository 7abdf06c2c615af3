"""The venue's refusals, with the codes and messages of the Binance dialect.

`reason` names the refusal for the in-process gateway, which has no HTTP response to
read; the HTTP dialect sends `{"code", "msg"}` with `http_status`, as ccxt expects.
"""

from __future__ import annotations


class VenueError(Exception):
    def __init__(self, code: int, msg: str, *, reason: str, http_status: int = 400) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg
        self.reason = reason
        self.http_status = http_status

    def body(self) -> dict[str, object]:
        return {"code": self.code, "msg": self.msg}

    @classmethod
    def insufficient_balance(cls) -> VenueError:
        return cls(
            -2010,
            "Account has insufficient balance for requested action.",
            reason="insufficient_funds",
        )

    @classmethod
    def would_match_and_take(cls) -> VenueError:
        return cls(-2010, "Order would immediately match and take.", reason="post_only_would_cross")

    @classmethod
    def duplicate_order(cls) -> VenueError:
        return cls(-2010, "Duplicate order sent.", reason="duplicate_order")

    @classmethod
    def filter_failure(cls, name: str) -> VenueError:
        reason = "below_min" if name == "NOTIONAL" else "invalid_order"
        return cls(-1013, f"Filter failure: {name}", reason=reason)

    @classmethod
    def invalid_symbol(cls) -> VenueError:
        return cls(-1121, "Invalid symbol.", reason="unknown_symbol")

    @classmethod
    def bad_parameter(cls, name: str) -> VenueError:
        return cls(-1100, f"Illegal characters found in parameter '{name}'.", reason="bad_request")

    @classmethod
    def mandatory_parameter(cls, name: str) -> VenueError:
        return cls(
            -1102,
            f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.",
            reason="bad_request",
        )

    @classmethod
    def unknown_order_on_cancel(cls) -> VenueError:
        return cls(-2011, "Unknown order sent.", reason="not_found")

    @classmethod
    def order_does_not_exist(cls) -> VenueError:
        return cls(-2013, "Order does not exist.", reason="not_found")

    @classmethod
    def bad_signature(cls) -> VenueError:
        return cls(
            -1022, "Signature for this request is not valid.", reason="auth", http_status=401
        )

    @classmethod
    def unknown_api_key(cls) -> VenueError:
        return cls(-2014, "API-key format invalid.", reason="auth", http_status=401)

    @classmethod
    def not_permitted(cls) -> VenueError:
        return cls(
            -1002, "You are not authorized to execute this request.", reason="auth", http_status=401
        )

    @classmethod
    def outside_recv_window(cls) -> VenueError:
        return cls(
            -1021,
            "Timestamp for this request is outside of the recvWindow.",
            reason="clock_skew",
        )

    @classmethod
    def withdrawal_refused(cls, msg: str) -> VenueError:
        # ccxt reads -4003 as BadRequest; the reason says what the ccxt gateway would.
        return cls(-4003, msg, reason="bad_request")
