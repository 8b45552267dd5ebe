from django.urls import path

from crm.audit import views

app_name = "audit"
urlpatterns = [path("", views.journal_view, name="journal")]
