"""
The public page cache: rendered pages kept in Django's cache, keyed by the
content version, and the cache backends it runs on (see ``middleware`` and
``backends``).
"""
