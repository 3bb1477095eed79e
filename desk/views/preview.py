"""The preview: the public page's own renderer fed the working content."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from desk.errors import desk_view
from desk.views.common import get_article
from public.selectors import article_get_for_reader
from public.views import render_article_page


@require_GET
@desk_view
def article_preview(request, pk):
    article = get_article(pk)
    # What readers will see once approved, rendered exactly as they will see it.
    public_article = article_get_for_reader(article=article, desk=True, preview=True)
    if public_article is None:
        return render(
            request,
            "desk/error.html",
            {
                "status": 404,
                "messages_list": ["A retracted article has no public page to preview."],
            },
            status=404,
        )
    return render_article_page(request, public_article, preview=True)
