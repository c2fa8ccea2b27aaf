from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("<slug:plan_code>/", views.plan_detail, name="plan"),
    path("<slug:plan_code>/targets/", views.indicator_list, name="indicators"),
    path("<slug:plan_code>/tasks/<slug:task_code>/", views.task_detail, name="task"),
]
