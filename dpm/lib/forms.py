from django import forms
from django.db import models

from dpm.lib.validators import OBSERVATION_VALIDATORS, to_the_second

# Scheme-less URLs typed into forms are taken as https (Django 6's default; silences its warning).
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class ObservedAtField(forms.DateTimeField):
    """When something was observed: not in the future, within the date range, and to the whole
    second (dpm/lib/validators.py), for the forms, CSV rows and API items alike."""

    default_validators = OBSERVATION_VALIDATORS

    def to_python(self, value):
        return to_the_second(super().to_python(value))
