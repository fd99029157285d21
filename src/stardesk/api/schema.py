"""The OpenAPI description: every operation also lists the refusals it can answer with.

All refusals share one body (api/errors.py), so clients can generate one
error type instead of guessing per endpoint.
"""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True, help_text=_("出错的字段；为空表示整个请求"))
    message = serializers.CharField(help_text=_("中文说明"))


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("稳定的错误代码，如 invalid、forbidden、not_found、duplicate_staff_no"))
    detail = serializers.CharField(help_text=_("中文说明"))
    errors = FieldErrorSerializer(many=True, required=False, help_text=_("逐项的错误"))


_REFUSALS = {
    "400": _("输入有误（字段错误或业务规则不允许），未做任何修改"),
    "401": _("未登录或令牌无效"),
    "403": _("您的角色无权进行此操作"),
    "404": _("记录不存在或不在您的查看范围内"),
}


class ApiSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status in self._refusal_codes():
            if status not in responses:
                refusal = OpenApiResponse(response=ErrorSerializer, description=_REFUSALS[status])
                responses[status] = self._get_response_for_code(refusal, status, direction=direction)
        return responses

    def _refusal_codes(self) -> list[str]:
        codes = ["401", "403"]
        filtered_list = getattr(self.view, "action", None) == "list" and getattr(self.view, "filterset_class", None)
        if self.method in ("POST", "PUT", "PATCH") or filtered_list:
            codes.insert(0, "400")  # bad input, or bad filter values on a list
        if "{" in self.path:
            codes.append("404")
        return codes
