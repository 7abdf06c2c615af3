"""The Mixin port: the bot's signed calls to the Mixin API (or the simulator speaking it).

    from wallet.client import mixin_client
    with mixin_client() as client:          # a MixinClient on settings' base URL and keystore
        client.snapshots(offset=None)

protocol     `MixinApi`, the port, and what its answers are; how errors are classified.
http_client  `MixinClient` over httpx with mixinsdk's request signing, and `mixin_client()`.
"""

from wallet.client.http_client import MixinClient, mixin_client
from wallet.client.protocol import PAGE_LIMIT, MixinApi, MixinObject

__all__ = ["PAGE_LIMIT", "MixinApi", "MixinClient", "MixinObject", "mixin_client"]
