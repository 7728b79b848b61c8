"""Interface language: Vietnamese unless the person chose another language.

Django's LocaleMiddleware also follows the browser's Accept-Language header. Many people in
Vietnam use a browser set to English, and the portal's language of record is Vietnamese, so
by default we follow only an explicit choice (the language cookie set by the switcher).
LANGUAGE_FROM_BROWSER=true restores the header negotiation.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if settings.LANGUAGE_FROM_BROWSER:
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = dict(settings.LANGUAGES)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
