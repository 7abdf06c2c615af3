"""The Mixin simulator: the Mixin API endpoints the wallet uses, over real HTTP.

world = SimWorld(BotIdentity.from_keystore(keystore), peer_url=venue_url_or_none)
url, stop = start_in_thread(world)
"""

from simulators.mixin.records import BotIdentity
from simulators.mixin.server import start_in_thread
from simulators.mixin.state import SimWorld

__all__ = ["BotIdentity", "SimWorld", "start_in_thread"]
