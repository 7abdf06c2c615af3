import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Seed the embedded demo: an admin user and a Flower login, each printed once."

    def handle(self, *args: object, **options: object) -> None:
        self._admin()
        self._flower_login()

    def _flower_login(self) -> None:
        """Flower's demo login, generated once into var/ (settings.FLOWER_DEMO_LOGIN_FILE)
        unless FLOWER_BASIC_AUTH is set; production sets it."""
        if os.environ.get("FLOWER_BASIC_AUTH"):
            self.stdout.write("Flower uses the login in FLOWER_BASIC_AUTH.")
            return
        path = settings.FLOWER_DEMO_LOGIN_FILE
        if path.exists():
            self.stdout.write(
                f"Demo Flower login exists; it was printed when it was created ({path})."
            )
            return
        password = secrets.token_urlsafe(12)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(f"flower:{password}")
        self.stdout.write(
            self.style.SUCCESS(
                "Demo Flower login created. Watch the workers at http://127.0.0.1:5555/ as\n"
                f"    username: flower\n    password: {password}\n"
                "This password is shown only once."
            )
        )

    def _admin(self) -> None:
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
