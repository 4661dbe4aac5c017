from django.urls import path

from roadmaps import views

app_name = "roadmaps"
urlpatterns = [
    path("roadmap/", views.board, name="board"),
    path("roadmap/export.csv", views.board_export, name="export"),
    path("roadmap/scoring/", views.scoring_settings, name="scoring"),
    path("roadmap/items/<int:pk>/move/", views.board_move, name="move"),
    path("roadmap/items/<int:pk>/inputs/", views.board_inputs, name="inputs"),
    path("products/<slug:slug>/roadmap/", views.product_roadmap, name="product_roadmap"),
    path("products/<slug:slug>/roadmap/new/", views.item_new, name="item_new"),
    path("products/<slug:slug>/roadmap/<int:pk>/", views.item_detail, name="item"),
    path("products/<slug:slug>/roadmap/<int:pk>/edit/", views.item_edit, name="item_edit"),
]
