"""The API's pages: one's own API token, and the API documentation (served offline)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from drf_spectacular.views import SpectacularSwaggerView

from stardesk.api import queries, services
from stardesk.core.errors import DomainError


@never_cache  # the page may carry a freshly issued key: no copy may stay in a cache
@login_required
@require_http_methods(["GET", "POST"])
def token(request):
    new_key = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "issue":
                new_key = services.token_issue(actor=request.user, user=request.user)
            elif action == "revoke":
                if services.token_revoke(actor=request.user, user=request.user):
                    messages.success(request, _("API 令牌已吊销，使用它的程序已不能再访问。"))
                else:
                    messages.info(request, _("您当前没有 API 令牌。"))
                return redirect("api:token")
            else:
                messages.error(request, _("无法识别的操作，请重试。"))
                return redirect("api:token")
        except DomainError as error:
            # Under /api/ a DomainError is not turned into a page by the middleware: show it here.
            messages.error(request, error.message)
            return redirect("api:token")
    context = {
        "new_key": new_key,
        "created_at": queries.token_created_at(request.user),
        "example_url": request.build_absolute_uri(reverse("api:v1:person-list")),
    }
    return render(request, "api/token.html", context)


class ApiDocsView(SpectacularSwaggerView):
    title = "StarDesk API 文档"
