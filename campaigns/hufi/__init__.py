"""The HuFi port: HuFi's campaign launcher and recording oracle over HTTP.

    from campaigns.hufi import hufi_client
    with hufi_client(signer=identity_signer(identity)) as hufi:
        hufi.campaign_join(chain_id=137, address="0x…")

protocol     `HufiApi`, the port, and `HufiSigner`, the node's EVM identity it signs in with.
http_client  `HufiClient` over httpx (timeouts, retries, token refresh), and `hufi_client()`.
login        the exact login message and its EIP-191 signature.
"""

from campaigns.hufi.http_client import HufiClient, HufiNotConfiguredError, hufi_client
from campaigns.hufi.login import login_message, login_signature
from campaigns.hufi.protocol import LAUNCHER_PAGE_LIMIT, HufiApi, HufiObject, HufiSigner

__all__ = [
    "LAUNCHER_PAGE_LIMIT",
    "HufiApi",
    "HufiClient",
    "HufiNotConfiguredError",
    "HufiObject",
    "HufiSigner",
    "hufi_client",
    "login_message",
    "login_signature",
]
