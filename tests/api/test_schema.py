"""The OpenAPI description and the docs page: complete, warning-free, and usable offline."""
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from django.contrib.staticfiles import finders
from django.urls import reverse

REPO = Path(__file__).resolve().parents[2]


def test_schema_generates_and_validates_without_warnings(tmp_path):
    # The command exactly as an operator runs it, on the product's own settings.
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "stardesk.settings", "STARDESK_DEMO": "1", "STARDESK_DATA_DIR": str(tmp_path)}
    out = tmp_path / "schema.yaml"

    done = subprocess.run(
        [sys.executable, "-m", "stardesk", "spectacular", "--validate", "--fail-on-warn", "--file", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr and "Error" not in done.stderr, done.stderr
    schema = yaml.safe_load(out.read_text())
    assert set(schema["paths"]) == {
        "/api/v1/hotlines/",
        "/api/v1/hotlines/{id}/",
        "/api/v1/teams/",
        "/api/v1/teams/{id}/",
        "/api/v1/people/",
        "/api/v1/people/{id}/",
        "/api/v1/people/{id}/titles/",
        "/api/v1/monthly-scores/",
        "/api/v1/monthly-scores/{id}/",
        "/api/v1/monitoring-scores/",
        "/api/v1/monitoring-scores/{id}/",
        "/api/v1/events/",
        "/api/v1/events/{id}/",
        "/api/v1/allowance-lines/",
        "/api/v1/allowance-lines/{id}/",
        "/api/v1/cycles/",
        "/api/v1/cycles/{id}/",
        "/api/v1/applications/",
        "/api/v1/applications/{id}/",
        "/api/v1/recommendations/",
        "/api/v1/recommendations/{id}/",
        "/api/v1/recommendation-corrections/",
        "/api/v1/candidates/",
        "/api/v1/candidates/{id}/",
        "/api/v1/decisions/",
        "/api/v1/decisions/{id}/",
        "/api/v1/votes/",
        "/api/v1/awards/",
        "/api/v1/awards/{id}/",
        "/api/v1/titles/",
        "/api/v1/titles/{id}/",
        "/api/v1/exam-questions/",
        "/api/v1/exam-questions/{id}/",
        "/api/v1/exam-sittings/",
        "/api/v1/exam-sittings/{id}/",
        "/api/v1/exam-sittings/{id}/release/",
        "/api/v1/exam-attempts/",
        "/api/v1/exam-attempts/{id}/",
        "/api/v1/exam-results/",
        "/api/v1/exam-results/{id}/",
        "/api/v1/exam-grades/",
    }


def test_schema_describes_filters_refusals_and_token_auth(client, supervisor):
    client.force_login(supervisor)

    schema = yaml.safe_load(client.get(reverse("api:schema")).content)

    people = schema["paths"]["/api/v1/people/"]
    assert {p["name"] for p in people["get"]["parameters"]} == {
        "hotline", "team", "staff_no", "name", "employment_type", "active_on", "ordering", "limit", "offset"
    }
    assert set(people["post"]["responses"]) == {"201", "400", "401", "403"}
    assert people["post"]["responses"]["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert schema["components"]["schemas"]["EmploymentTypeEnum"]["enum"] == ["permanent", "temporary", "outsourced"]
    assert schema["components"]["securitySchemes"]["tokenAuth"]["in"] == "header"
    assert "delete" not in schema["paths"]["/api/v1/people/{id}/"]


def test_schema_as_json_for_a_token_client(supervisor):
    from tests.api.conftest import token_client

    response = token_client(supervisor).get(reverse("api:schema"), {"format": "json"})

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "StarDesk API"


def test_schema_needs_a_login(client, db):
    assert client.get(reverse("api:schema")).status_code == 401


def test_docs_page_needs_a_login(client, db):
    response = client.get(reverse("api:docs"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_docs_page_loads_nothing_from_another_host(client, agent):
    client.force_login(agent)

    response = client.get(reverse("api:docs"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "StarDesk API 文档" in html
    sources = re.findall(r"<(?:script|link|img)\b[^>]*\b(?:src|href)=\"([^\"]+)\"", html)
    assert len(sources) >= 4  # css, favicon, bundle, preset
    for source in sources:
        assert not re.match(r"^(https?:)?//", source), source
        assert source.startswith("/static/"), source
        assert finders.find(source.removeprefix("/static/")), f"{source} is not shipped"
    assert not re.search(r"https?://(?!testserver)", html)
    assert reverse("api:schema") in html
