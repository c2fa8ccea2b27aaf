"""WSGI entry point for gunicorn (`mubiao serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mubiao.settings")
application = get_wsgi_application()
