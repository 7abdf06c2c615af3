"""The embedded default's broker: kombu's filesystem transport, with each message written
whole before a worker can see it.

kombu's own `_put` creates the message file and then writes it; a worker listing the folder
in between takes the empty file, fails to decode it and stops ("Unrecoverable error:
JSONDecodeError", kombu issue #1551). Polling every 0.1 s made that happen within minutes
on `make run`. Here a message is written under a name no reader takes and renamed into
place, which is atomic on one file system.

It carries no Celery events either (see `Channel.basic_publish`): Flower reads the workers
over remote control (inspect) on this transport.
"""

import os
import uuid
from pathlib import Path
from time import monotonic

from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

# Celery's `broker_transport` setting: kombu loads the transport by this path.
TRANSPORT = "mrmarket.filesystem_broker:Transport"
# Celery's `event_exchange` (its default): worker heartbeats, task events, gossip.
EVENT_EXCHANGE = "celeryev"


def filesystem_broker_options(folder: Path) -> dict[str, object]:
    """Transport options keeping the broker's files under `folder`."""
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        # Without it kombu writes its exchange files to ./control of the working directory.
        "control_folder": str(folder / "control"),
        "store_processed": False,
        # An idle worker looks for a message this often (kombu's default is every second),
        # which is also how long a worker with every slot taken waits before it looks again.
        "polling_interval": 0.1,
    }


class Channel(filesystem.Channel):
    def basic_publish(self, message, exchange, routing_key, **kwargs):
        # A queue bound here outlives its consumer: the binding is a file in the control
        # folder, and kombu cannot expire or auto-delete it once the consumer is gone. Every
        # event consumer that ever stopped uncleanly (a Flower, a worker's gossip) would
        # keep receiving each worker's heartbeat and task events as files nobody reads:
        # 4,269 in 10 minutes after one Flower. So events go nowhere on this transport.
        if exchange == EVENT_EXCHANGE:
            return None
        return super().basic_publish(message, exchange, routing_key, **kwargs)

    def _put(self, queue: str, payload: dict, **kwargs: object) -> None:
        # kombu's name: readers take `<time>_<id>.<queue>.msg` files in name order.
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # A leading dot: readers match `<queue>.msg` after the first dot, so never this one.
        partial = os.path.join(self.data_folder_out, f".{name}.partial")
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.rename(partial, final)
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
