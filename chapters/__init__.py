"""
Report chapters in and out: the reader (``reader``: text to a ``Chapter``,
touching no database), the writer (``writer``), the importer (``importer``:
a ``Chapter`` into countries, goals and citations), the admin upload, and the
``import_strategy``, ``export_strategy`` and ``build_fixture`` commands.
"""
