"""Flower's options for the Procfile's `flower` process (`celery -A mrmarket flower
--conf=mrmarket/flowerconfig.py`). Flower executes this file and takes each module-level
name that is one of its options; the address and port stay on the Procfile line.

Celery has loaded the Django settings by then (`-A mrmarket`), so the login and the broker
are the product's own: FLOWER_BASIC_AUTH, or the demo login in debug mode (settings.py).
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if not settings.FLOWER_BASIC_AUTH or ":" not in settings.FLOWER_BASIC_AUTH:
    raise ImproperlyConfigured(
        "Flower needs FLOWER_BASIC_AUTH=user:password (in debug mode `manage.py demo_setup` "
        "generates a demo login); it never starts without a login."
    )
basic_auth = [settings.FLOWER_BASIC_AUTH]
# The filesystem broker carries no events (mrmarket/filesystem_broker.py): Flower must not
# ask the workers to send task events there, and reads them by inspect instead.
enable_events = not settings.CELERY_BROKER_URL.startswith("filesystem://")


def _watch_only() -> None:
    """Flower watches; it changes nothing. Its API can run any task by name (a payout, a
    withdrawal) or stop a worker, outside the product's permissions and audit trail, so
    those routes are taken out before Flower builds its application; the rest of its API
    answers to GET only. Operators act through the admin and `manage.py` commands."""
    from flower import urls
    from tornado.web import URLSpec

    def changes_something(handler: URLSpec | tuple) -> bool:
        pattern, target = (
            (handler.regex.pattern, handler.target)
            if isinstance(handler, URLSpec)
            else (handler[0], handler[1])
        )
        return pattern.startswith("/api/") and "post" in vars(target)

    urls.handlers[:] = [handler for handler in urls.handlers if not changes_something(handler)]


_watch_only()
read_only = True
