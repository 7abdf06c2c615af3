from django.core.management.base import BaseCommand

from exchanges.services import api_keys_rotate_encryption


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored exchange secret under the newest key of "
        "FIELD_ENCRYPTION_KEYS. Run after putting a new key first; then drop the old key."
    )

    def handle(self, *args: object, **options: object) -> None:
        count = api_keys_rotate_encryption()
        self.stdout.write(f"re-encrypted {count} secret(s) under the newest key")
