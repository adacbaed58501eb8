"""Every request the GitHub adapter sends, validated by a prism mock of GitHub's REST description.

The mock (tests/service/mockgithub.py) serves tests/fixtures/openapi/github-trimmed.json on loopback
with `--errors`, so a request that breaks the description gets a 422 and the adapter raises
ForgeError. The tarball download is not sent here: its answer is a redirect to another host (the
end-to-end test sends it through the stub in front of prism).
"""

from __future__ import annotations

import asyncio

import pytest

from bot.forge.base import Annotation, CheckOutput, ForgeError, ReviewComment
from bot.forge.github import GitHubApp


@pytest.fixture(scope="module")
def app(prism_url, app_key):
    return GitHubApp(app_id=123, private_key=app_key[0], api_url=prism_url, bot_login="chartwarden[bot]")


def run(coro):
    return asyncio.run(coro)


def test_every_verb_sends_a_request_githubs_description_accepts(app):
    note = Annotation("charts/web/values.yaml", 5, 5, "failure", "runs privileged", "container-privileged (critical)")

    async def scenario():
        async with app.forge(42) as forge:
            return [
                await forge.create_check_run("octocat/hello-world", name="Chartwarden", head_sha="ce587453ced02b1526dfb4cb910479d431683101",
                                             status="in_progress", external_id="2"),
                await forge.update_check_run("octocat/hello-world", 4, output=CheckOutput("t", "s", annotations=(note,) * 50)),
                await forge.update_check_run("octocat/hello-world", 4, status="completed", conclusion="failure",
                                             output=CheckOutput("1 new finding", "summary", text="details")),
                await forge.get_file("octocat/hello-world", ".chartwarden.yaml", "main"),
                await forge.get_pull_request("octocat/hello-world", 1347),
                await forge.pull_requests_for_commit("octocat/hello-world", "6dcb09b5b57875f334f61aebed695e2e4193db5e"),
                await forge.list_changed_files("octocat/hello-world", 1347),
                await forge.list_review_comments("octocat/hello-world", 1347),
                await forge.create_review("octocat/hello-world", 1347, commit_id="ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091",
                                          body="Chartwarden: 1 new finding", comments=[
                                              ReviewComment("charts/web/values.yaml", 5, "**container-privileged** (critical)"),
                                              ReviewComment("charts/web/values.yaml", 9, "range", start_line=7)]),
                await forge.upsert_marker_comment("octocat/hello-world", 1347, "<!-- chartwarden:audit -->", "<!-- chartwarden:audit -->\nsummary"),
                await forge.get_collaborator_permission("octocat/hello-world", "octocat"),
            ]

    (check_id, updated, completed, config, pr, prs, files, comments, review_id, comment_id, permission) = run(scenario())
    assert (check_id, updated, completed) == (4, None, None)
    assert config is None  # the first example of the contents endpoint is a directory listing
    assert (pr.number, pr.head_sha, pr.base_sha, pr.base_ref, pr.state) == (
        1347, "6dcb09b5b57875f334f61aebed695e2e4193db5e", "6dcb09b5b57875f334f61aebed695e2e4193db5e", "master", "open")
    assert [(p.number, p.head_sha) for p in prs] == [(1347, "6dcb09b5b57875f334f61aebed695e2e4193db5e")]
    assert [(f.path, f.status) for f in files] == [("file1.txt", "added")]
    assert files[0].patch.startswith("@@ -132,7 +132,7 @@")
    assert [(c.id, c.user_login, c.path) for c in comments] == [(10, "octocat", "file1.txt")]
    assert (review_id, comment_id, permission) == (80, 1, "admin")


def test_a_request_that_breaks_the_description_is_refused(app):
    """Sent raw (githubkit's own body check would stop it first), so the mock is what refuses it."""
    from githubkit.exception import RequestFailed

    async def scenario():
        async with app.forge(42) as forge:
            await forge.gh.arequest("POST", "/repos/octocat/hello-world/check-runs",
                                    json={"name": "Chartwarden", "status": "sideways"})

    with pytest.raises(RequestFailed) as caught:
        run(scenario())
    problem = caught.value.response.json()
    assert (caught.value.response.status_code, problem["title"]) == (422, "Invalid request")
    assert sorted(v["message"] for v in problem["validation"]) == [
        "Request body must have required property 'head_sha'",
        "Request body property status must be equal to one of the allowed values: queued, in_progress, completed",
    ]
