from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("reminders/read/", views.mark_read, name="mark_read"),
    path("r/<uuid:code>/", views.report_detail, name="report"),
    path("r/<uuid:code>/files/<str:sha256>/", views.evidence_file, name="evidence"),
    path("<slug:plan_code>/review/", views.review_queue, name="review"),
    path("<slug:plan_code>/cycles/<slug:cycle_code>/missing/", views.missing, name="missing"),
    path("<slug:plan_code>/cycles/<slug:cycle_code>/excel/", views.excel, name="excel"),
    path("<slug:plan_code>/tasks/<slug:task_code>/history/", views.task_history, name="history"),
]
