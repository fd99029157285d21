"""The language of a page: Chinese unless the user chose English with the switch.

Hotline staff often run browsers set to English; the product still speaks
Chinese to them unless they ask otherwise, so the browser's Accept-Language
is not consulted — only the language cookie that the switch sets.
"""
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()
