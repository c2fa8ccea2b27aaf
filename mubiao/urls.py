from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from mubiao.plans import views as plan_views

admin.site.site_header = _("mubiao administration")
admin.site.site_title = _("mubiao")

urlpatterns = [
    path("", plan_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("plans/", include("mubiao.plans.urls")),
    path("monitor/", include("mubiao.dashboard.urls")),
    path("units/", include("mubiao.orgs.urls")),
    path("admin/", admin.site.urls),
]
