from django.urls import path

from metrics.views import dod, experiments, exports, kpis, page, service_levels

app_name = "metrics"

PRODUCT = "products/<slug:slug>/metrics/"

urlpatterns = [
    path(PRODUCT, page.metrics_page, name="page"),
    # Definition of Done
    path(f"{PRODUCT}done/start/", dod.dod_start, name="dod_start"),
    path(f"{PRODUCT}done/criteria/", dod.criterion_add, name="criterion_add"),
    path(f"{PRODUCT}done/criteria/<int:pk>/toggle/", dod.criterion_toggle, name="criterion_toggle"),
    path(f"{PRODUCT}done/criteria/<int:pk>/delete/", dod.criterion_remove, name="criterion_remove"),
    path(f"{PRODUCT}done/sign-off/", dod.dod_sign_off, name="dod_sign_off"),
    # KPIs and measurements
    path(f"{PRODUCT}kpis/new/", kpis.kpi_new, name="kpi_new"),
    path(f"{PRODUCT}kpis/<int:pk>/", kpis.kpi_detail, name="kpi"),
    path(f"{PRODUCT}kpis/<int:pk>/edit/", kpis.kpi_edit, name="kpi_edit"),
    path(f"{PRODUCT}kpis/<int:pk>/measurements/", kpis.measurement_add, name="measurement_add"),
    path(
        f"{PRODUCT}kpis/<int:pk>/measurements/import/",
        kpis.measurement_import,
        name="measurement_import",
    ),
    path(
        f"{PRODUCT}kpis/<int:pk>/measurements.csv",
        exports.measurements_csv,
        name="measurements_csv",
    ),
    path(f"{PRODUCT}kpis.csv", exports.kpis_csv, name="kpis_csv"),
    # Experiments
    path(f"{PRODUCT}experiments/new/", experiments.experiment_new, name="experiment_new"),
    path(f"{PRODUCT}experiments/<int:pk>/", experiments.experiment_detail, name="experiment"),
    path(
        f"{PRODUCT}experiments/<int:pk>/edit/", experiments.experiment_edit, name="experiment_edit"
    ),
    path(
        f"{PRODUCT}experiments/<int:pk>/decision/",
        experiments.experiment_decide,
        name="experiment_decide",
    ),
    path(
        f"{PRODUCT}experiments/<int:pk>/evidence/",
        experiments.experiment_evidence,
        name="experiment_evidence",
    ),
    # Service levels
    path(f"{PRODUCT}service-levels/new/", service_levels.service_level_new, name="sl_new"),
    path(
        f"{PRODUCT}service-levels/<int:pk>/checks/", service_levels.check_add, name="sl_check_add"
    ),
    path(
        f"{PRODUCT}service-levels/<int:pk>/checks/import/",
        service_levels.check_import,
        name="sl_check_import",
    ),
]
