"""The request type our views receive: a Django request with a user and django-htmx's details."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class AuthedRequest(HttpRequest):
    user: AbstractBaseUser | AnonymousUser
    htmx: HtmxDetails
