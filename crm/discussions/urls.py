from django.urls import path

from crm.discussions import views

app_name = "discussions"
urlpatterns = [
    path("<slug:kind>/<int:object_id>/", views.thread, name="thread"),
    path("<slug:kind>/<int:object_id>/poll/", views.poll, name="poll"),
    path("<slug:kind>/<int:object_id>/post/", views.post, name="post"),
]
