"""The preview: the public page's own renderer fed the working content."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from articles.errors import ArticleGone, ArticleNotShown
from articles.selectors import article_get_for_reader
from desk.errors import desk_view
from desk.views.common import get_article
from public.views import render_article_page


@require_GET
@desk_view
def article_preview(request, pk):
    article = get_article(pk)
    # What readers will see once approved, rendered exactly as they will see it.
    try:
        reader_article = article_get_for_reader(article=article, desk=True, preview=True)
    except (ArticleGone, ArticleNotShown):
        return render(
            request,
            "desk/error.html",
            {
                "status": 404,
                "messages_list": ["A retracted article has no public page to preview."],
            },
            status=404,
        )
    return render_article_page(request, reader_article, preview=True)
