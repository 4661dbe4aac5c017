from django.urls import path

from products import views, views_odps

app_name = "products"
urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/count/", views.alert_count, name="alert_count"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("products/new/", views.product_new, name="new"),
    path("products/import/", views_odps.product_import, name="import_odps"),
    path("products/<slug:slug>/", views.product_detail, name="detail"),
    path("products/<slug:slug>/edit/", views.product_edit, name="edit"),
    path("products/<slug:slug>/stage/", views.product_stage, name="stage"),
    path("products/<slug:slug>/review/", views.product_review, name="review"),
    path("products/<slug:slug>/health/", views.product_health, name="health"),
    path(
        "products/<slug:slug>/export.odps.yaml",
        views_odps.product_export_odps,
        name="export_odps",
    ),
]
