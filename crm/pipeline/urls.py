from django.urls import path

from crm.pipeline import views

app_name = "deals"
urlpatterns = [
    path("", views.deal_list, name="list"),
    path("board/", views.board, name="board"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/close-won/", views.close_won, name="close_won"),
    path("<int:pk>/close-lost/", views.close_lost, name="close_lost"),
]
