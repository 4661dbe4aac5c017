from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from api import v1 as api_v1
from api.ratelimit import limit_login
from dpm import views
from dpm.http import LoginView

# A busy or unreachable database answers 503, wherever in the request it failed.
handler500 = "dpm.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        limit_login(LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("products.urls")),
    path("", include("roadmaps.urls")),
    path("", include("discovery.urls")),
    path("", include("metrics.urls")),
    path("", include("adoption.urls")),
    path("api/v1/", api_v1.urls()),
    path("", include("api.urls")),
]
