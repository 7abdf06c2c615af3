"""Recompute a reward manifest from the inputs it carries: the same bytes, or exit 1."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaigns.rewards.manifest import manifest_rebuild, manifest_sha256


class Command(BaseCommand):
    help = "Recompute a reward manifest (canonical JSON) from its inputs and compare bytes."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options) -> None:
        body = options["file"].read_bytes().rstrip(b"\n")
        try:
            rebuilt = manifest_rebuild(body)
        except (ValueError, KeyError, TypeError) as error:
            raise CommandError(f"not a reward manifest: {error!r}") from None
        if rebuilt != body:
            raise CommandError(
                f"does not verify: the inputs give sha256 {manifest_sha256(rebuilt)}, "
                f"the file is {manifest_sha256(body)}"
            )
        self.stdout.write(f"verified: sha256 {manifest_sha256(body)}")
