from django.urls import path

from crm.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.job_page, name="job"),
    path("<int:pk>/validate/", views.validate, name="validate"),
    path("<int:pk>/import/", views.start, name="start"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/errors.csv", views.error_report, name="errors"),
    path("template/<slug:kind>.csv", views.template, name="template"),
]
