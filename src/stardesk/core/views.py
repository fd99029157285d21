from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render

from stardesk.core import dashboard
from stardesk.core.errors import MESSAGES


@login_required
def home(request):
    return render(request, "core/home.html", dashboard.for_user(request.user))


def forbidden(request, exception=None):
    return render(request, "core/error.html", {"code": 403, "title": "没有权限", "text": "您没有权限查看此页面。"}, status=403)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        # An API client reads JSON in the API's one shape (api/errors.py), also for an address that does not exist.
        return JsonResponse({"code": "not_found", "detail": str(MESSAGES["not_found"])}, status=404, json_dumps_params={"ensure_ascii": False})
    return render(request, "core/error.html", {"code": 404, "title": "页面不存在", "text": "您访问的页面不存在或您无权查看。"}, status=404)


def server_error(request):
    return render(request, "core/error.html", {"code": 500, "title": "系统错误", "text": "系统出现错误，已记录。请稍后重试或联系管理员。"}, status=500)
