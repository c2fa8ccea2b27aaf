from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from mubiao.api import views as api_views
from mubiao.api.v1 import api as api_v1
from mubiao.orgs import account_views
from mubiao.orgs import views as org_views
from mubiao.orgs.security import ThrottledAuthenticationForm, admin_login
from mubiao.plans import unit_views
from mubiao.plans import views as plan_views


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico before reading the page's icon link."""

    permanent = False

    def get_redirect_url(self, *args, **kwargs):
        from django.templatetags.static import static

        return static("mubiao/favicon.svg")


admin.site.site_header = _("mubiao administration")
admin.site.site_title = _("mubiao")

# The units' pages keep the "orgs" namespace; a unit's own page lists its plan items, so
# its view is the plans' (orgs imports nothing from plans).
units = (
    [
        path("", org_views.unit_list, name="units"),
        path("<slug:unit_code>/", unit_views.unit_detail, name="unit"),
    ],
    "orgs",
)

# Accounts kept by the office and unit heads (mubiao/orgs/account_views.py).
people = (
    [
        path("", account_views.account_list, name="list"),
        path("new/", account_views.account_new, name="new"),
        path("bulk/", account_views.bulk, name="bulk"),
        path("bulk/template.xlsx", account_views.bulk_template, name="bulk-template"),
        path("bulk/passwords.xlsx", account_views.bulk_passwords, name="bulk-passwords"),
        path("<str:username>/", account_views.account_detail, name="detail"),
        path("<str:username>/edit/", account_views.account_edit, name="edit"),
        path("<str:username>/reset/", account_views.account_reset, name="reset"),
        path("<str:username>/active/", account_views.account_active, name="active"),
        path("<str:username>/roles/", account_views.membership_add, name="role-add"),
        path(
            "<str:username>/roles/<slug:unit_code>/<slug:role>/",
            account_views.membership_save,
            name="role-save",
        ),
    ],
    "accounts",
)

urlpatterns = [
    path("", plan_views.home, name="home"),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", account_views.password_change, name="password-change"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        account_views.PasswordLinkView.as_view(),
        name="password-link",
    ),
    path("people/", include(people)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("plans/", include("mubiao.plans.urls")),
    path("plans/", include("mubiao.projects.urls")),
    path("imports/", include("mubiao.plans.import_urls")),
    path("monitor/", include("mubiao.dashboard.urls")),
    path("units/", include(units)),
    path("api/v1/", api_v1.urls),
    path("account/tokens/", api_views.tokens, name="api-tokens"),
    path("account/tokens/<str:prefix>/revoke/", api_views.revoke, name="api-token-revoke"),
    path("reporting/", include("mubiao.reporting.urls")),
    # Before the admin's URLs: its login page is closed (mubiao/orgs/security.py).
    path("admin/login/", admin_login, name="admin-login"),
    path("supervision/", include("mubiao.supervision.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "mubiao.lib.http.bad_request"
