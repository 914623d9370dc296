"""
Settings for tests that start a real server (gunicorn) in a subprocess: the
production settings, with static files served unhashed from the apps, so the
test needs no collectstatic (tests/conftest.py does the same in-process).
"""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
