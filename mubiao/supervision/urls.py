from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.home, name="home"),
    path("instructions/", views.my_instructions, name="instructions"),
    path("instructions/<uuid:code>/", views.instruction_detail, name="instruction"),
    path("items/<uuid:code>/", views.item_detail, name="item"),
    path("items/<uuid:code>/files/<str:sha256>/", views.feedback_file, name="file"),
    path("notices/<uuid:code>/", views.notice_detail, name="notice"),
    path("notices/<uuid:code>/docx/", views.notice_docx, name="notice-docx"),
    path("messages/read/", views.mark_read, name="mark-read"),
    path("<slug:plan_code>/", views.queue, name="queue"),
    path("<slug:plan_code>/new/", views.new_item, name="new"),
    path("<slug:plan_code>/raise/", views.raise_item, name="raise"),
    path("<slug:plan_code>/instruct/", views.instruct, name="instruct"),
]
