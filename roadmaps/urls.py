from django.urls import path

from roadmaps import views

app_name = "roadmaps"
urlpatterns = [
    path("roadmap/", views.board, name="board"),
]
