from django import forms
from django.utils.translation import gettext_lazy as _

from stardesk.accounts import permissions
from stardesk.accounts.models import Role


class ImportForm(forms.Form):
    """One upload of one sheet; a group administrator also picks the hotline (or leaves it to the 热线 column)."""

    file = forms.FileField(
        label=_("文件"),
        help_text=_(".xlsx 或 .csv"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}),
        error_messages={"required": _("请选择要导入的文件。"), "empty": _("文件是空的。"), "invalid": _("请选择要导入的文件。")},
    )
    hotline = forms.ModelChoiceField(
        label=_("热线"),
        queryset=None,
        required=False,
        empty_label=_("按文件中的「热线」列"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.role == Role.ADMIN:
            self.fields["hotline"].queryset = permissions.hotlines_visible_to(user)
        else:
            del self.fields["hotline"]


class ExportForm(forms.Form):
    """A group administrator's choice of hotline for an export."""

    hotline = forms.ModelChoiceField(
        label=_("热线"),
        queryset=None,
        empty_label=_("请选择热线"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm w-auto"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hotline"].queryset = permissions.hotlines_visible_to(user)
