"""What an exchange API key may do, against what its declared use needs.

A market-making key reads balances and orders, trades, withdraws the funds back at exit,
and reads the deposit addresses the funds arrive at. The exchange accepting the key says
only the first; each of the others is asked for on its own. Whether what was found is enough
is decided by exchanges.permission_rule, the one rule every reader of a key uses.
"""

from core.errors import AuthFailedError, RejectedError, RemoteNotFoundError
from exchanges.gateway import Balances, ExchangeGateway
from exchanges.models import ExchangeAPIKey, NetworkMapping, TradingPair
from exchanges.permission_rule import MARKET_MAKING_NEEDS, NEEDS_BY_USE, KeyPermissions


def validation_outcome(permissions: KeyPermissions) -> tuple[str, str]:
    """The key's validation status and message: `valid` only with every needed permission
    granted (exchanges.permission_rule), else `insufficient` naming what is short."""
    status = ExchangeAPIKey.ValidationStatus
    if permissions.usable:
        return status.VALID, ""
    use = "market making" if permissions.needed == MARKET_MAKING_NEEDS else "its use"
    message = (
        f"The exchange accepted the key, but for {use} it is short: {permissions.shortfall} "
        "(an unknown permission is not counted as granted)."
    )
    if "deposit_address" in permissions.unknown:
        # The usual first-setup case: nothing to read a deposit address for yet.
        message += (
            " A deposit address is read for each chain of an enabled pair with a network "
            "mapping on this exchange; adding one asks the exchange again."
        )
    return status.INSUFFICIENT, message


def deposit_routes(*, exchange_id: int) -> list[tuple[str, str]]:
    """(coin, network) of every asset the exchange's enabled pairs receive deposits in."""
    networks = dict(
        NetworkMapping.objects.filter(exchange_id=exchange_id).values_list(
            "chain_id", "network_code"
        )
    )
    routes: set[tuple[str, str]] = set()
    pairs = TradingPair.objects.filter(
        exchange_id=exchange_id, enabled=True, kind=TradingPair.Kind.MARKET_MAKING
    )
    for pair in pairs:
        for coin, chain_id in (
            (pair.base_symbol, pair.base_chain_id),
            (pair.quote_symbol, pair.quote_chain_id),
        ):
            if chain_id in networks:
                routes.add((coin, networks[chain_id]))
    return sorted(routes)


def _deposit_addresses_readable(
    gateway: ExchangeGateway, routes: list[tuple[str, str]]
) -> bool | None:
    if not routes:
        return None  # no pair yet: nothing to read, asked again at the next validation
    for coin, network in routes:
        try:
            gateway.deposit_address(asset=coin, network=network)
        except (AuthFailedError, RejectedError, RemoteNotFoundError):
            return False
    return True


def api_key_permissions_read(
    *, api_key: ExchangeAPIKey, gateway: ExchangeGateway, balances: Balances
) -> KeyPermissions:
    """Each permission the key's use needs, asked of the exchange (balances: read)."""
    needed = NEEDS_BY_USE[api_key.permission]
    found: dict[str, bool | None] = {
        "read": True,  # the exchange answered the balances request
        "trade": balances.can_trade,
        "withdraw": balances.can_withdraw,
    }
    if "deposit_address" in needed:
        found["deposit_address"] = _deposit_addresses_readable(
            gateway, deposit_routes(exchange_id=api_key.exchange_id)
        )
    return KeyPermissions(found=found, needed=needed)
