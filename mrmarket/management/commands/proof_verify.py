"""Check a node's signed proof (/proof.json): its canonical form, hash and signature."""

from pathlib import Path

import httpx
from django.core.management.base import BaseCommand, CommandError

from mrmarket.proof import proof_problems
from reports.keys import report_public_key


class Command(BaseCommand):
    help = (
        "Verify a node's proof (a file, or an http(s) URL of /proof.json); exits 1 and "
        "prints each problem when it does not hold."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="a proof.json file, or its URL")
        parser.add_argument(
            "--public-key",
            help="the node's report public key (hex) to expect; default: this node's",
        )

    def handle(self, *args, source, public_key, **options):
        content = self._read(source)
        problems = proof_problems(content, public_key=public_key or report_public_key())
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problem(s): the proof does not verify")
        self.stdout.write("verified: canonical form, hash and signature match")

    def _read(self, source: str) -> bytes:
        if source.startswith(("http://", "https://")):
            try:
                response = httpx.get(source, timeout=10, follow_redirects=True)
                response.raise_for_status()
            except httpx.HTTPError as error:
                raise CommandError(f"could not read {source}: {error}") from None
            return response.content
        path = Path(source)
        if not path.is_file():
            raise CommandError(f"no such file: {source}")
        return path.read_bytes()
