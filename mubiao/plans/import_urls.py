from django.urls import path

from . import import_views, workbook_views

app_name = "imports"
urlpatterns = [
    path("", import_views.new_import, name="new"),
    path("workbook/", workbook_views.new_plan, name="workbook"),
    path("<uuid:code>/", import_views.review_import, name="review"),
]
