from django.db import migrations

# The wording of the professional disclaimer on the source pages, under this site's name.
DISCLAIMER = (
    "This information is intended for healthcare professionals. Any medical decision-making "
    "should rely on clinical judgment and independently verified information. The content "
    "provided herein does not replace professional discretion and should be considered "
    "supplementary to established clinical guidelines. Healthcare providers should verify all "
    "information against primary literature and current practice standards before application "
    "in patient care. Medical Answers assumes no liability for clinical decisions based on "
    "this content."
)


def add_disclaimer(apps, schema_editor):
    SiteText = apps.get_model("public", "SiteText")
    SiteText.objects.get_or_create(key="disclaimer", defaults={"text": DISCLAIMER})


class Migration(migrations.Migration):
    dependencies = [("public", "0001_followups_and_site_text")]

    operations = [migrations.RunPython(add_disclaimer, migrations.RunPython.noop)]
