import uuid

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from core.money import MoneyField, RateField
from exchanges.permission_rule import MARKET_MAKING_NEEDS, NEEDS_BY_USE, KeyPermissions


class Exchange(models.Model):
    name = models.CharField(max_length=100, unique=True, help_text="Display name.")
    ccxt_id = models.CharField(max_length=50, help_text="ccxt class id, e.g. binance, mexc, okx.")
    enabled = models.BooleanField(default=True)
    api_base_url = models.URLField(
        blank=True,
        help_text=(
            "Optional override of the exchange's API host (keeps the dialect's paths). "
            "The demo points ccxt.binance at the venue simulator with it."
        ),
    )
    maker_fee_rate = RateField(default=0, validators=[MinValueValidator(0)])
    taker_fee_rate = RateField(default=0, validators=[MinValueValidator(0)])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(maker_fee_rate__gte=0) & Q(taker_fee_rate__gte=0),
                name="exchange_fee_rates_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ExchangeAPIKey(models.Model):
    class Permission(models.TextChoices):
        READ = "read", "read"
        READ_TRADE = "read-trade", "read + trade"

    class ValidationStatus(models.TextChoices):
        PENDING = "pending", "pending"
        VALID = "valid", "valid"
        INVALID = "invalid", "invalid"
        # Accepted by the exchange, but without a permission its declared use needs.
        INSUFFICIENT = "insufficient", "lacks permissions"

    exchange = models.ForeignKey(Exchange, on_delete=models.PROTECT, related_name="api_keys")
    label = models.CharField(max_length=100)
    api_key = models.CharField(max_length=200)
    # Fernet ciphertext (core.crypto); the plaintext is never shown after it is saved.
    secret_encrypted = models.TextField(editable=False)
    permission = models.CharField(
        max_length=20, choices=Permission.choices, default=Permission.READ_TRADE
    )
    enabled = models.BooleanField(default=True)
    validation_status = models.CharField(
        max_length=12, choices=ValidationStatus.choices, default=ValidationStatus.PENDING
    )
    validation_error = models.TextField(blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    can_trade = models.BooleanField(
        null=True, blank=True, help_text="What the exchange said at the last validation."
    )
    permission_report = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            "Each permission the funds loop needs, as the last validation found it: "
            "read, trade, withdraw, deposit_address (true, false, or null when the "
            "exchange does not say)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["exchange__name", "label"]
        verbose_name = "exchange API key"
        constraints = [
            models.UniqueConstraint(fields=["exchange", "label"], name="api_key_label_unique"),
            models.UniqueConstraint(fields=["exchange", "api_key"], name="api_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.exchange} / {self.label}"

    def loop_permissions(self) -> KeyPermissions:
        """What the funds loop needs of the key, as its last validation found it: read the
        account, trade, withdraw (the exit) and read a deposit address (the funding). A key
        is usable for market making only when each is granted (exchanges.permission_rule);
        a pending key has none yet, a refused one lacks read."""
        return KeyPermissions(found=self.permission_report or {}, needed=MARKET_MAKING_NEEDS)

    def use_permissions(self) -> KeyPermissions:
        """What the key's declared use needs (a read-only key: read), as last found."""
        return KeyPermissions(
            found=self.permission_report or {}, needed=NEEDS_BY_USE[self.permission]
        )

    @property
    def api_key_hint(self) -> str:
        """Enough of the public key to tell keys apart, never the whole of it."""
        return f"{self.api_key[:4]}…{self.api_key[-4:]}" if len(self.api_key) > 10 else "…"


class TradingPair(models.Model):
    class Kind(models.TextChoices):
        MARKET_MAKING = "market_making", "market making"
        SPOT = "spot", "spot"

    # The pair's id in payment memos (the memo format carries 16-byte UUIDs).
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    exchange = models.ForeignKey(Exchange, on_delete=models.PROTECT, related_name="pairs")
    symbol = models.CharField(max_length=50, help_text="The exchange's symbol, e.g. XIN/USDT.")
    base_symbol = models.CharField(max_length=20)
    quote_symbol = models.CharField(max_length=20)
    base_asset_id = models.UUIDField(help_text="Mixin asset id of the base asset.")
    quote_asset_id = models.UUIDField(help_text="Mixin asset id of the quote asset.")
    base_chain_id = models.UUIDField(help_text="Mixin chain id of the base asset.")
    quote_chain_id = models.UUIDField(help_text="Mixin chain id of the quote asset.")
    min_order_amount = MoneyField(default=0)
    max_order_amount = MoneyField(null=True, blank=True)
    price_precision = models.PositiveSmallIntegerField(help_text="Decimal places of a price.")
    amount_precision = models.PositiveSmallIntegerField(
        help_text="Decimal places of a base amount."
    )
    fee_rate_override = RateField(
        null=True, blank=True, help_text="Overrides the exchange's fee rates for this pair."
    )
    enabled = models.BooleanField(default=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MARKET_MAKING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["exchange__name", "symbol"]
        constraints = [
            models.UniqueConstraint(
                fields=["exchange", "symbol", "kind"], name="pair_unique_per_exchange_kind"
            ),
            models.CheckConstraint(
                condition=Q(min_order_amount__gte=0), name="pair_min_order_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(max_order_amount__isnull=True)
                | Q(max_order_amount__gte=models.F("min_order_amount")),
                name="pair_max_order_amount_at_least_min",
            ),
            models.CheckConstraint(
                condition=~Q(base_asset_id=models.F("quote_asset_id")),
                name="pair_base_differs_from_quote",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} on {self.exchange}"


class NetworkMapping(models.Model):
    """How one exchange names the network of a Mixin chain (e.g. ETH chain → ERC20)."""

    exchange = models.ForeignKey(
        Exchange, on_delete=models.CASCADE, related_name="network_mappings"
    )
    chain_id = models.UUIDField(help_text="Mixin chain id.")
    chain_name = models.CharField(max_length=50, blank=True)
    network_code = models.CharField(max_length=50, help_text="The exchange's network code.")

    class Meta:
        ordering = ["exchange__name", "chain_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["exchange", "chain_id"], name="network_mapping_unique_chain"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chain_name or self.chain_id} → {self.network_code} on {self.exchange}"
