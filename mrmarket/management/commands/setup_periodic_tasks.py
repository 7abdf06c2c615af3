from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from mrmarket.schedule import PERIODIC_JOBS


class Command(BaseCommand):
    help = "Write the periodic jobs declared in mrmarket/schedule.py to the beat schedule."

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        declared = set()
        for job in PERIODIC_JOBS:
            # Intervals are whole seconds at least; sub-second polling loops live in tasks.
            every = max(1, int(job.every_seconds))
            interval, _ = IntervalSchedule.objects.get_or_create(
                every=every, period=IntervalSchedule.SECONDS
            )
            PeriodicTask.objects.update_or_create(
                name=job.name,
                defaults={
                    "task": job.task,
                    "interval": interval,
                    "expire_seconds": job.expire_seconds,
                },
            )
            declared.add(job.name)
        removed, _ = (
            PeriodicTask.objects.exclude(name__in=declared)
            .exclude(name__startswith="celery.")
            .delete()
        )
        self.stdout.write(f"{len(declared)} periodic job(s) declared, {removed} removed")
