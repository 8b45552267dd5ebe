from django.urls import path

from crm.discounts import views

app_name = "discounts"
urlpatterns = [
    path("", views.rule_list, name="list"),
    path("new/", views.rule_create, name="create"),
    path("simulate/", views.simulate, name="simulate"),
    path("<int:pk>/", views.rule_detail, name="detail"),
    path("<int:pk>/edit/", views.rule_edit, name="edit"),
    path("<int:pk>/active/", views.set_active, name="set_active"),
]
