from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("<slug:plan_code>/", views.dashboard, name="dashboard"),
    path("<slug:plan_code>/parts/<slug:part>/", views.dashboard_part, name="dashboard-part"),
    path("<slug:plan_code>/ledger/", views.ledger, name="ledger"),
    path("<slug:plan_code>/ranking/", views.ranking, name="ranking"),
    path("<slug:plan_code>/ranking/settings/", views.ranking_settings, name="ranking-settings"),
    path("<slug:plan_code>/areas/<slug:area_code>/", views.area, name="area"),
    path("<slug:plan_code>/tasks/<slug:task_code>/", views.task, name="task"),
    path(
        "<slug:plan_code>/tasks/<slug:task_code>/reports/<slug:cycle_code>/<slug:unit_code>/",
        views.report,
        name="report",
    ),
    path("<slug:plan_code>/bulletins/", views.bulletin_list, name="bulletins"),
    path("<slug:plan_code>/bulletins/new/", views.bulletin_create, name="bulletin-create"),
    path("<slug:plan_code>/bulletins/<uuid:code>/", views.bulletin_download, name="bulletin"),
    path("<slug:plan_code>/bulletins/<uuid:code>/edit/", views.bulletin_edit, name="bulletin-edit"),
    path("<slug:plan_code>/bulletins/<uuid:code>/pdf/", views.bulletin_pdf, name="bulletin-pdf"),
]
