from django.urls import path

from api import views

app_name = "api"
urlpatterns = [
    path("products/<slug:slug>/tokens/", views.product_tokens, name="product_tokens"),
    path(
        "products/<slug:slug>/tokens/<int:pk>/revoke/",
        views.product_token_revoke,
        name="product_token_revoke",
    ),
    path("api/tokens/", views.portfolio_tokens, name="portfolio_tokens"),
    path(
        "api/tokens/<int:pk>/revoke/", views.portfolio_token_revoke, name="portfolio_token_revoke"
    ),
]
