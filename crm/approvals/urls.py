from django.urls import path

from crm.approvals import views

app_name = "approvals"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/approve/", views.decide, {"transition": "approve"}, name="approve"),
    path("<int:pk>/reject/", views.decide, {"transition": "reject"}, name="reject"),
    path("<int:pk>/return/", views.decide, {"transition": "return"}, name="return"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/resubmit/", views.resubmit, name="resubmit"),
    path("deal/<int:deal_pk>/new/", views.create, name="create"),
    path("deal/<int:deal_pk>/panel/", views.deal_panel, name="deal_panel"),
]
