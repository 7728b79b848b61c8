from django.conf import settings


def branding(request):
    return {
        "ADMINISTRATION_NAME": settings.ADMINISTRATION_NAME,
        "ADMINISTRATION_LOGO": settings.ADMINISTRATION_LOGO,
    }
