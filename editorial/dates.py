"""Dates are typed into ``<input type="date">``: the browser's own date picker, with an ISO value.

The admin's own date widget shows and expects the locale's short format
(04/12/2026 in British English), which read as 12 April to some editors; the
Word import already used the browser's picker. One kind of input everywhere.
"""

from django import forms
from django.db import models


class IsoDateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


#: ``formfield_overrides`` of every admin that edits a date.
ISO_DATE_INPUTS = {models.DateField: {"widget": IsoDateInput}}
