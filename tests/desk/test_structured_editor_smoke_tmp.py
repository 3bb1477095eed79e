from django.urls import reverse
from tests.factories import draft_article

def test_smoke(client, editor, policy):
    a = draft_article(by=editor)
    client.force_login(editor)
    r = client.get(reverse("desk:editor", kwargs={"pk": a.pk}))
    open("/tmp/edt/page.html","w").write(r.content.decode())
    assert r.status_code == 200
