import pytest
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_probe(live_server, page):
    msgs = []
    page.on("console", lambda m: msgs.append(m.type + ": " + m.text))
    reqs = []
    page.on("request", lambda r: reqs.append(r.url[:120]))
    resp = page.goto(live_server.url + "/api/docs/")
    print(resp.headers.get("content-security-policy"))
    page.wait_for_timeout(4000)
    print("\n".join(msgs))
    print("\n".join(reqs))
    imgs = page.eval_on_selector_all("img", "els => els.map(e => [e.src.slice(0,100), e.naturalWidth, e.alt])")
    print(imgs)
    r2 = page.goto(live_server.url + "/api/schema/")
    print("schema", r2.status, r2.headers.get("content-type"))
