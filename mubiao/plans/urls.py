from django.urls import path

from . import editor, views, workbook_views

app_name = "plans"
E = "<slug:plan_code>/edit/"
urlpatterns = [
    path("<slug:plan_code>/", views.plan_detail, name="plan"),
    path("<slug:plan_code>/areas/<slug:area_code>/", views.plan_area, name="area"),
    path("<slug:plan_code>/targets/", views.indicator_list, name="indicators"),
    path("<slug:plan_code>/tasks/<slug:task_code>/", views.task_detail, name="task"),
    path("<slug:plan_code>/tasks/<slug:task_code>/acknowledge/", editor.task_acknowledge,
         name="acknowledge"),
    path("<slug:plan_code>/tasks/<slug:task_code>/request-change/", editor.task_request_change,
         name="request-change"),
    path("<slug:plan_code>/acknowledgements/", editor.acknowledgements, name="acknowledgements"),
    path("<slug:plan_code>/acknowledgements/remind/", editor.remind_acknowledge,
         name="remind-acknowledge"),
    path("<slug:plan_code>/change-requests/", editor.change_requests, name="change-requests"),
    path("<slug:plan_code>/change-requests/<str:code>/decide/", editor.decide, name="decide"),
    # The editor (the office only)
    path(E, editor.editor, name="edit"),
    path(E + "renumber/", editor.renumber, name="renumber"),
    path(E + "workbook/", workbook_views.plan_workbook, name="workbook"),
    path(E + "workbook.xlsx", workbook_views.export, name="workbook-export"),
    path(E + "copy/", workbook_views.copy, name="copy"),
    path(E + "issue/", editor.issue, name="issue"),
    path(E + "units/", editor.unit_picker, name="unit-picker"),
    path(E + "areas/new/", editor.area_save, name="area-new"),
    path(E + "areas/<slug:area_code>/", editor.area_save, name="area-save"),
    path(E + "areas/<slug:area_code>/move/", editor.area_move, name="area-move"),
    path(E + "areas/<slug:area_code>/delete/", editor.area_delete, name="area-delete"),
    path(E + "tasks/new/", editor.task_new, name="task-new"),
    path(E + "tasks/reorder/", editor.task_reorder, name="task-reorder"),
    path(E + "tasks/<slug:task_code>/", editor.task_edit, name="edit-task"),
    path(E + "tasks/<slug:task_code>/move/", editor.task_move, name="task-move"),
    path(E + "tasks/<slug:task_code>/delete/", editor.task_delete, name="task-delete"),
    path(E + "tasks/<slug:task_code>/close/", editor.task_close, name="task-close"),
    path(E + "tasks/<slug:task_code>/units/", editor.assign, name="assign"),
    path(E + "tasks/<slug:task_code>/targets/new/", editor.target_new, name="target-new"),
    path(E + "tasks/<slug:task_code>/milestones/new/", editor.milestone_save, name="milestone-new"),
    path(E + "tasks/<slug:task_code>/milestones/<slug:milestone_code>/", editor.milestone_save,
         name="milestone-save"),
    path(E + "targets/<slug:target_code>/", editor.target_save, name="target-save"),
]  # fmt: skip
