"""
Reading settings from environment variables, for config/settings.py and
config/gunicorn.py. A value that cannot be read stops the site with a
message naming the variable and saying what it must be, never a traceback
deep in Django.
"""

import os
import re

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_bool(name, default=False):
    """
    True for "1" (or "true", "yes", "on"), False for "0" ("false", "no",
    "off"), the default when unset; a clear error for anything else.
    """
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS | FALSE_WORDS:
        return value in TRUE_WORDS
    raise ImproperlyConfigured(
        f"{name} must be 1 or 0 (or true/false, yes/no, on/off), not {os.environ[name]!r}."
    )


def env_list(name, default=""):
    """A comma-separated variable as a list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_float(name, default):
    """A number from the environment; a clear error if it is not one."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not (0 <= number < float("inf")):  # negative, infinite, or not a number at all
        raise ImproperlyConfigured(f"{name} must be a number of 0 or more, not {value!r}.")
    return number


def env_int(name, default):
    """A whole number (0 or more) from the environment; a clear error if it is not one."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise ImproperlyConfigured(f"{name} must be a whole number of 0 or more, not {value!r}.")
    return number


def env_choice(name, default, choices):
    """One of ``choices`` (case-blind) from the environment; a clear error for anything else."""
    value = os.environ.get(name, "").strip() or default
    if value.upper() not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value.upper()


HEADER_NAME_RE = re.compile(r"[A-Za-z0-9-]+")


def env_url(name, schemes):
    """A URL with one of ``schemes`` (or "" when unset); a clear error for anything else."""
    value = os.environ.get(name, "").strip()
    if value and value.partition("://")[0] not in schemes:
        raise ImproperlyConfigured(
            f"{name} must be a URL starting {' or '.join(s + '://' for s in schemes)}, "
            f"not {value!r}."
        )
    return value


def env_words(name):
    """
    A header and the value it must have, "X-Forwarded-Proto" (meaning
    "https") or "X-Forwarded-Ssl=on": (header, value), or ("", "") when unset.
    """
    text = os.environ.get(name, "").strip()
    if not text:
        return "", ""
    header, _, expected = (part.strip() for part in text.partition("="))
    if not HEADER_NAME_RE.fullmatch(header) or (expected and not expected.isprintable()):
        raise ImproperlyConfigured(
            f"{name} must be a header name, such as X-Forwarded-Proto, or a header and "
            f"its value, such as X-Forwarded-Ssl=on; not {text!r}."
        )
    return header, expected or "https"


def settings_or_exit():
    """
    Load the settings module (DJANGO_SETTINGS_MODULE), or stop with its
    configuration error as one line: for manage.py and the WSGI and ASGI
    entry points, so that a mistyped variable is a message, not a traceback.
    """
    import importlib
    import sys

    try:
        importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    except ImproperlyConfigured as error:
        sys.exit(f"Configuration error: {error}")
