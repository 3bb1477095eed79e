"""Email about retraction screening, queued in the outbox in the caller's transaction."""

from __future__ import annotations

from articles.models import Article
from articles.notifications import desk_link
from articles.roles import PERM_REVIEW
from articles.selectors import users_with_perm
from outbox.services import email_enqueue
from screening.models import RetractionFlag
from screening.rules import describe_retraction


def notify_article_flagged(*, article_id: int, run_id: int) -> int:
    """Tell the article's editors and the board that screening flagged its approved version."""
    article = Article.objects.get(pk=article_id)
    flags = list(
        RetractionFlag.objects.filter(article_id=article_id, run_id=run_id)
        .select_related("notice")
        .order_by("reference_number", "pk")
    )
    if not flags:
        return 0
    editors = set(article.contributors.exclude(email="").values_list("email", flat=True))
    board = set(users_with_perm(PERM_REVIEW).values_list("email", flat=True))
    recipients = sorted(editors | board)
    if not recipients:
        return 0
    lines = [
        f'The approved version of "{article.title}" cites a paper that has since been retracted.',
        "Readers now see a notice beside the reference until a revision is approved.",
        "",
    ]
    for flag in flags:
        notice = flag.notice
        lines.append(
            f"Reference {flag.reference_number}: {flag.reference_title} "
            f"({describe_retraction(notice)})"
        )
        if notice.reasons:
            lines.append(f"  Reason: {'; '.join(notice.reasons)}")
        if notice.link:
            lines.append(f"  Notice: {notice.link}")
    lines += ["", f"Desk: {desk_link(article.pk)}"]
    subject = f"Flagged by retraction screening: {article.title}"
    body = "\n".join(lines)
    for recipient in recipients:
        email_enqueue(subject=subject, body=body, to=recipient, kind="retraction_flag")
    return len(recipients)
