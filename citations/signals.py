from django.dispatch import Signal

# Sent by the link checker when what a public page shows of a source's link
# changes (it is found dead, or an archived copy is found), with ``citation``.
link_shown_changed = Signal()
