"""The one rule for whether an exchange API key may do what its use needs.

Each permission is granted (`True`), refused (`False`) or unknown (`None`: the exchange does
not say, or it was not asked yet). Only a granted permission counts: an unknown one blocks
like a refused one, so a key is never taken for market making on a permission nobody
confirmed. The two are named apart ("lacks", "unknown") so an operator knows whether to fix
the key on the exchange or to find out what it may do. Validation (exchanges.permissions),
the setup guide, the status page and order creation all read keys through this class.
"""

from collections.abc import Mapping
from dataclasses import dataclass

MARKET_MAKING_NEEDS = ("read", "trade", "withdraw", "deposit_address")
# By the key's declared use (ExchangeAPIKey.Permission values).
NEEDS_BY_USE = {
    "read": ("read",),
    "read-trade": MARKET_MAKING_NEEDS,
}


@dataclass(frozen=True)
class KeyPermissions:
    found: Mapping[str, bool | None]
    needed: tuple[str, ...]

    @property
    def refused(self) -> list[str]:
        return [name for name in self.needed if self.found.get(name) is False]

    @property
    def unknown(self) -> list[str]:
        return [name for name in self.needed if self.found.get(name) not in (True, False)]

    @property
    def usable(self) -> bool:
        return all(self.found.get(name) is True for name in self.needed)

    @property
    def shortfall(self) -> str:
        """What keeps the key from its use, e.g. 'lacks withdraw; unknown: trade'."""
        parts = []
        if self.refused:
            parts.append(f"lacks {', '.join(self.refused)}")
        if self.unknown:
            parts.append(f"unknown: {', '.join(self.unknown)}")
        return "; ".join(parts)

    def as_states(self) -> dict[str, str]:
        """Each needed permission as 'granted', 'refused' or 'unknown', for display."""
        refused, unknown = self.refused, self.unknown
        return {
            name: "refused" if name in refused else "unknown" if name in unknown else "granted"
            for name in self.needed
        }
