"""
Safe editing in the admin, for any model editors change: the edit-version
field, conflict-checked forms, and an admin base with history, restore and
recover that can neither lose work nor reach beyond its own object.
"""
