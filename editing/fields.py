"""Model fields shared by the atlas's models."""

import time

from django.db import models


class EditVersionField(models.PositiveBigIntegerField):
    """
    A number that changes on every save, for spotting edit conflicts.

    It is taken from the clock (microseconds since 1970, and always above the
    previous value) rather than counted up from 1: restoring an old revision
    writes the old number back, and a counter could then land again on a
    number that a stale form still holds. ``QuerySet.update()`` does not
    change it; save the objects instead.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", 0)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        del kwargs["editable"]
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        previous = getattr(model_instance, self.attname) or 0
        value = max(previous + 1, time.time_ns() // 1000)
        setattr(model_instance, self.attname, value)
        return value
