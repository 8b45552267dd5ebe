from django.urls import path

from crm.integrations import views

app_name = "integrations"
urlpatterns = [
    path("", views.account_list, name="accounts"),
    path("new/", views.account_create, name="account-create"),
    path("<int:pk>/", views.account_detail, name="account"),
    path("<int:pk>/active/", views.account_set_active, name="account-active"),
    path("<int:pk>/tokens/", views.token_issue, name="token-issue"),
    path("<int:pk>/tokens/<int:token_pk>/revoke/", views.token_revoke, name="token-revoke"),
]
