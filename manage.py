#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrmarket.settings")
    # manage.py is the developer's entry point: unless DEBUG is set, it runs the embedded
    # demo's settings (secrets generated once under var/). Deployments set DEBUG=false and
    # run the WSGI app and Celery, which default to DEBUG off and refuse missing secrets.
    os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
