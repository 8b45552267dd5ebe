from django.urls import path

from crm.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("badge/", views.badge, name="badge"),
    path("read/", views.read_all, name="read_all"),
    path("<int:pk>/", views.open_notification, name="open"),
    path("<int:pk>/read/", views.read_one, name="read"),
]
