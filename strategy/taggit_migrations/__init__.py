"""
django-taggit's migrations, as the package ships them (0001 to 0006, copied
unchanged), and the atlas's own after them: the theme name in each language
(``strategy/translation.py``). Kept here (settings.MIGRATION_MODULES) because
a migration cannot be added to an installed package. When django-taggit is
upgraded, copy any new migration of its own here before the atlas's.
"""
