from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.unit_list, name="units"),
    path("<slug:unit_code>/", views.unit_detail, name="unit"),
]
