from tests.wallet.conftest import keystore, mixin, mixin_sim, wallet_settings  # noqa: F401
