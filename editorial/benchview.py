"""The benchmark's baseline: the least a Django view can do, through the same middleware."""

from django.http import HttpResponse


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")
