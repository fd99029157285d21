"""An address under /api/ that does not exist answers in the API's one shape, JSON; pages keep their Chinese page."""
import json

import pytest
from django.urls import reverse

NOT_FOUND = {"code": "not_found", "detail": "记录不存在或您无权查看。"}


def body(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content.decode())


@pytest.mark.parametrize("path", ["/api/nothing-here/", "/api/v1/no-such-list/", "/api/v1/people/extra/segments/", "/api/v2/"])
def test_unknown_api_address_is_a_json_404(api_as, agent, path):
    response = api_as(agent).get(path)
    assert response.status_code == 404
    assert body(response) == NOT_FOUND


def test_unknown_api_address_is_a_json_404_without_a_login_too(client):
    response = client.post("/api/v1/no-such-list/", {"x": "1"})
    assert response.status_code == 404
    assert body(response) == NOT_FOUND


def test_a_record_out_of_scope_has_the_same_shape_as_an_unknown_address(api_as, agent, foreigner):
    response = api_as(agent).get(reverse("api:v1:person-detail", args=[foreigner.pk]))
    assert response.status_code == 404
    assert body(response)["code"] == "not_found"


def test_unknown_page_outside_the_api_stays_a_chinese_page(client, agent):
    client.force_login(agent)
    response = client.get("/people/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "页面不存在" in response.content.decode()
