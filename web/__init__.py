"""
What the site's public, read-only views share: the ``public_view`` decorator
(and ``PublicListView`` for lists), and strict page numbers. No models.
"""
