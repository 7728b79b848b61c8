"""URLs of the demo identity provider, mounted at /idp/ (settings.IDP_ENABLED).

Not namespaced at this level: django-oauth-toolkit reverses its own views as
"oauth2_provider:<name>", so that namespace must sit at the root. The IdP's own pages are
"idp:<name>". Only the endpoints an OpenID provider needs are exposed (no application
management or dynamic registration pages).
"""

from django.urls import include, path, re_path
from oauth2_provider import views as dot_views

from . import views

idp_patterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
]

provider_patterns = [
    path("authorize/", views.IdentityAuthorizationView.as_view(), name="authorize"),
    path("token/", dot_views.TokenView.as_view(), name="token"),
    path("revoke_token/", dot_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", dot_views.IntrospectTokenView.as_view(), name="introspect"),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        dot_views.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", dot_views.JwksInfoView.as_view(), name="jwks-info"),
    path("userinfo/", dot_views.UserInfoView.as_view(), name="user-info"),
    path("logout/", views.IdentityLogoutView.as_view(), name="rp-initiated-logout"),
]

urlpatterns = [
    path("", include((idp_patterns, "idp"))),
    path("o/", include((provider_patterns, "oauth2_provider"))),
]
