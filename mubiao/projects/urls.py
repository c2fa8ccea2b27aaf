from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("<slug:plan_code>/projects/", views.project_list, name="list"),
    path("<slug:plan_code>/projects/upload/", views.project_upload, name="upload"),
    path(
        "<slug:plan_code>/projects/reporting/<slug:cycle_code>/",
        views.unit_reporting,
        name="reporting",
    ),
    path(
        "<slug:plan_code>/projects/reporting/<slug:cycle_code>/excel/",
        views.figures_excel,
        name="figures_excel",
    ),
    path("<slug:plan_code>/projects/counties/<slug:county_code>/", views.county, name="county"),
    path("<slug:plan_code>/projects/<slug:project_code>/", views.project_detail, name="detail"),
]
