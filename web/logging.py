"""Logging helpers for the settings' LOGGING."""

import logging


class WithoutTraceback(logging.Filter):
    """
    Log the record's message on one line, without the traceback of the
    exception it carries: for expected refusals (a Host header the site does
    not serve) that strangers can send by the thousand.
    """

    def filter(self, record):
        record.exc_info = None
        record.exc_text = None
        return True
