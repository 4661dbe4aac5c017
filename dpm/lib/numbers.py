"""Numbers are finite, and of a size people mean, before they are stored or computed with.

Django's FloatField refuses inf and nan but takes 1e300, whose square is beyond a float; its
DecimalField without max_digits takes 1e309, which becomes an infinity as a float (and then
`Infinity` in JSON, which PostgreSQL refuses). Every float or decimal form field here either has
max_digits or goes through `validate_finite`, which tests/test_finite_numbers.py checks for every
form in the app.
"""

import math
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

DIGITS_BEFORE_POINT = 15  # 10¹⁵: above any count, cost or measure here; its square is a float
LIMIT = 10**DIGITS_BEFORE_POINT
MESSAGE = f"Enter a number of at most {DIGITS_BEFORE_POINT} digits before the point."


def validate_finite(value) -> None:
    """Refuse infinities, NaN and numbers of 10¹⁵ or more in size."""
    if value is None:
        return
    finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
    if not finite or abs(value) >= LIMIT:
        raise ValidationError(MESSAGE, code="too_large")


def plain_decimal(value) -> str:
    """A number as a person types it: 1000 (not 1000.0 or 1E+3), 0.5, 12.25."""
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if number == number.to_integral_value():
        return f"{number.quantize(Decimal(1)):f}"
    return f"{number.normalize():f}"


class FiniteFloatField(forms.FloatField):
    default_validators = [validate_finite]


class FiniteDecimalField(forms.DecimalField):
    """A DecimalField that refuses sizes beyond 10¹⁵ and shows its value as typed, so that a
    float initial (1000.0) is not rendered with more decimals than the field accepts."""

    default_validators = [validate_finite]

    def prepare_value(self, value):
        number = isinstance(value, float | int | Decimal) and not isinstance(value, bool)
        return plain_decimal(value) if number and math.isfinite(value) else value
