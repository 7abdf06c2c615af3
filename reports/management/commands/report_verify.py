"""Check an execution report bundle: hash, signature, facts, and every figure recomputed."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.bundle.verify import bundle_problems
from reports.keys import report_public_key


class Command(BaseCommand):
    help = "Verify a bundle file; exits 1 and prints each difference when it does not hold."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--public-key",
            help="the signing node's report public key (hex); default: this node's",
        )

    def handle(self, *args, file, public_key, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {file}")
        problems = bundle_problems(path.read_bytes(), public_key=public_key or report_public_key())
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problem(s): the bundle does not verify")
        self.stdout.write("verified: hash, signature and every figure match the facts")
