from django.urls import path

from adoption.views import barriers, enablement, exports, page, usage

app_name = "adoption"

PRODUCT = "products/<slug:slug>/adoption/"

urlpatterns = [
    path(PRODUCT, page.adoption_page, name="page"),
    # Weekly usage
    path(f"{PRODUCT}usage/", usage.usage_add, name="usage_add"),
    path(f"{PRODUCT}usage/import/", usage.usage_import, name="usage_import"),
    path(f"{PRODUCT}usage.csv", exports.usage_csv, name="usage_csv"),
    path(f"{PRODUCT}usage/<int:pk>/edit/", usage.usage_edit, name="usage_edit"),
    path(f"{PRODUCT}usage/<int:pk>/delete/", usage.usage_delete, name="usage_delete"),
    # Barriers
    path(f"{PRODUCT}barriers/new/", barriers.barrier_new, name="barrier_new"),
    path(f"{PRODUCT}barriers/<int:pk>/edit/", barriers.barrier_edit, name="barrier_edit"),
    path(f"{PRODUCT}barriers/<int:pk>/move/", barriers.barrier_move, name="barrier_move"),
    # Enablement assets and feedback
    path(f"{PRODUCT}assets/", enablement.asset_add, name="asset_add"),
    path(f"{PRODUCT}assets/<int:pk>/delete/", enablement.asset_remove, name="asset_remove"),
    path(f"{PRODUCT}feedback/", enablement.feedback_add, name="feedback_add"),
]
