from django.db import models

# Scheme-less URLs typed into forms are taken as https (Django 6's default; silences its warning).
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}
