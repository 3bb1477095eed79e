"""Approvals and verdicts name the fingerprint of the reviewed content; references are
copy-on-write; published snapshots are stored in the article JSON format.

Existing verdicts get no fingerprint, so they count for nothing: an article under
review when this runs needs its items verified again (published versions are
not affected). Existing approvals take the fingerprint of the version they
published, or none that matches anything when they published nothing.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _document(content: dict) -> dict:
    """A snapshot of the first releases' shape, in the article JSON format."""
    if content.get("format"):
        return content
    return {
        "format": "editorial-article/1",
        "title": content["title"],
        "display_heading": content.get("display_heading", ""),
        "last_updated": content.get("last_updated"),
        "claims": content.get("claims", []),
        "references": [
            {
                "number": number,
                "type": reference["kind"],
                "title": reference["title"],
                "source": reference["source"],
                "year": reference["year"],
                "authors": reference.get("authors", ""),
                "doi": reference.get("doi", ""),
                "pmid": reference.get("pmid", ""),
                "url": reference.get("url", ""),
            }
            for number, reference in enumerate(content.get("references", []), start=1)
        ],
    }


def snapshots_to_documents(apps, schema_editor):
    from articles.interchange.jsonformat import content_from_document
    from articles.reviewed import content_fingerprint

    ArticleVersion = apps.get_model("articles", "ArticleVersion")
    ArticleApproval = apps.get_model("articles", "ArticleApproval")
    published: dict[tuple[int, int], str] = {}
    for version in ArticleVersion.objects.order_by("approved_at", "pk").iterator():
        version.content = _document(version.content)
        version.content_hash = content_fingerprint(content_from_document(version.content))
        version.save(update_fields=["content", "content_hash"])
        published[(version.article_id, version.revision)] = version.content_hash
    taken: set[tuple[int, str, int]] = set()
    for approval in ArticleApproval.objects.order_by("-created_at", "-pk").iterator():
        fingerprint = published.get((approval.article_id, approval.revision), "")
        key = (approval.article_id, fingerprint, approval.reviewer_id)
        if not fingerprint or key in taken:
            fingerprint = f"unpublished-{approval.pk}"
        taken.add((approval.article_id, fingerprint, approval.reviewer_id))
        approval.content_hash = fingerprint
        approval.save(update_fields=["content_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_article_search_entry"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="articleapproval",
            name="approval_once_per_reviewer",
        ),
        migrations.RemoveConstraint(
            model_name="reference",
            name="reference_unique_work",
        ),
        migrations.RemoveConstraint(
            model_name="reference",
            name="reference_unique_doi",
        ),
        migrations.RemoveConstraint(
            model_name="reference",
            name="reference_unique_pmid",
        ),
        migrations.AddField(
            model_name="articleapproval",
            name="content_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(snapshots_to_documents, migrations.RunPython.noop),
        migrations.AddField(
            model_name="claimreview",
            name="content_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="historicalreference",
            name="is_current",
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.AddField(
            model_name="historicalreference",
            name="replaces",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="articles.reference",
            ),
        ),
        migrations.AddField(
            model_name="reference",
            name="is_current",
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.AddField(
            model_name="reference",
            name="replaces",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="replaced_by",
                to="articles.reference",
            ),
        ),
        migrations.AddConstraint(
            model_name="articleapproval",
            constraint=models.UniqueConstraint(
                fields=("article", "content_hash", "reviewer"), name="approval_once_per_reviewer"
            ),
        ),
        migrations.AddConstraint(
            model_name="reference",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_current", True)),
                fields=("dedup_key",),
                name="reference_unique_work",
            ),
        ),
        migrations.AddConstraint(
            model_name="reference",
            constraint=models.UniqueConstraint(
                condition=models.Q(models.Q(("doi", ""), _negated=True), ("is_current", True)),
                fields=("doi",),
                name="reference_unique_doi",
            ),
        ),
        migrations.AddConstraint(
            model_name="reference",
            constraint=models.UniqueConstraint(
                condition=models.Q(models.Q(("pmid", ""), _negated=True), ("is_current", True)),
                fields=("pmid",),
                name="reference_unique_pmid",
            ),
        ),
    ]
