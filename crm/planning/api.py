"""REST API of this app (routes included from config/api.py)."""

urlpatterns: list = []
