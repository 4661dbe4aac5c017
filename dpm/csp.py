"""Content-Security-Policy on every response: scripts, styles, images, fonts and connections only
from dpm itself; no inline script or style, no eval, no plugins, no framing.

A small middleware rather than django-csp: dpm's pages carry no inline script, style or handler
(tests/test_csp.py keeps it so), and Django's admin and django-ninja's Swagger page have none
either (tests/e2e/test_csp.py), so one fixed header does the job — no nonces, no new dependency.
Django 6's built-in SECURE_CSP can replace it on upgrade.

DPM_CSP_EXTRA adds sources for one path prefix: Swagger UI draws its icons as data: images.
"""

from django.conf import settings


def header_value(policy: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([name, *sources]) for name, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.default = header_value(settings.DPM_CSP)
        self.by_prefix = [
            (
                prefix,
                header_value(
                    {
                        name: [*sources, *extra.get(name, [])]
                        for name, sources in settings.DPM_CSP.items()
                    }
                ),
            )
            for prefix, extra in settings.DPM_CSP_EXTRA.items()
        ]

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = next(
                (value for prefix, value in self.by_prefix if request.path.startswith(prefix)),
                self.default,
            )
        return response
