import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Seed the embedded demo: an admin user whose login is printed once."

    def handle(self, *args: object, **options: object) -> None:
        user_model = get_user_model()
        if user_model.objects.filter(username="admin").exists():
            self.stdout.write(
                "Demo admin 'admin' exists; its password was printed when it was created "
                "(reset it with: python manage.py changepassword admin)."
            )
            return
        password = secrets.token_urlsafe(12)
        user_model.objects.create_superuser(username="admin", email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                "Demo admin created. Log in at http://127.0.0.1:8000/admin/ as\n"
                f"    username: admin\n    password: {password}\n"
                "This password is shown only once."
            )
        )
