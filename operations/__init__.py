"""
Running the atlas: backups of the whole database (``backup_db``,
``restore_db``) and synthetic content for load and scale tests
(``load_synthetic_data``).
"""
