from django.urls import path

from crm.planning import views

app_name = "plans"
urlpatterns = [
    path("", views.editor, name="editor"),
]
