from django.urls import path

from products import views

app_name = "products"
urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("alerts/", views.alerts, name="alerts"),
    path("products/new/", views.product_new, name="new"),
    path("products/<slug:slug>/", views.product_detail, name="detail"),
    path("products/<slug:slug>/edit/", views.product_edit, name="edit"),
    path("products/<slug:slug>/stage/", views.product_stage, name="stage"),
    path("products/<slug:slug>/review/", views.product_review, name="review"),
    path("products/<slug:slug>/health/", views.product_health, name="health"),
]
