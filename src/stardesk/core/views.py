from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from stardesk.core import dashboard


@login_required
def home(request):
    return render(request, "core/home.html", dashboard.for_user(request.user))


def forbidden(request, exception=None):
    return render(request, "core/error.html", {"code": 403, "title": "没有权限", "text": "您没有权限查看此页面。"}, status=403)


def not_found(request, exception=None):
    return render(request, "core/error.html", {"code": 404, "title": "页面不存在", "text": "您访问的页面不存在或您无权查看。"}, status=404)


def server_error(request):
    return render(request, "core/error.html", {"code": 500, "title": "系统错误", "text": "系统出现错误，已记录。请稍后重试或联系管理员。"}, status=500)
