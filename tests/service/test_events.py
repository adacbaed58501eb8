"""Webhook verification and normalisation (pure functions)."""

from __future__ import annotations

import pytest

from bot.events import (
    BadDelivery,
    DeliveryHeaders,
    SignatureMismatch,
    dig,
    event_from_request,
    normalise,
    parse_headers,
    parse_payload,
    sign,
    verify_signature,
)
from tests.service import webhooks

VECTOR = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"


def test_signature_matches_githubs_published_test_vector():
    assert sign("It's a Secret to Everybody", b"Hello, World!") == VECTOR
    assert verify_signature("It's a Secret to Everybody", b"Hello, World!", VECTOR) is True


@pytest.mark.parametrize(
    "header",
    [None, "", VECTOR[:-1] + "0", VECTOR.replace("sha256=", "sha1="), VECTOR[7:], "sha256=", "sha256=zz", VECTOR + "00", "sha256=é"],
)
def test_bad_or_missing_signatures_are_refused(header):
    assert verify_signature("It's a Secret to Everybody", b"Hello, World!", header) is False


def test_signature_is_over_the_exact_bytes():
    assert verify_signature("It's a Secret to Everybody", b"Hello, World! ", VECTOR) is False


def test_either_of_two_secrets_verifies_during_a_rotation_and_empty_secrets_never_do():
    assert verify_signature(("new", "It's a Secret to Everybody"), b"Hello, World!", VECTOR) is True
    assert verify_signature(("new", "old"), b"Hello, World!", VECTOR) is False
    assert verify_signature(("", ""), b"x", sign("", b"x")) is False


def test_headers_are_read_case_insensitively():
    parsed = parse_headers({"x-github-event": "pull_request", "X-GITHUB-DELIVERY": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
                            "X-GitHub-Hook-ID": "7", "X-GitHub-Hook-Installation-Target-Type": "integration",
                            "X-GitHub-Hook-Installation-Target-ID": "123"})
    assert parsed == DeliveryHeaders("72d3162e-cc78-11e3-81ab-4c9367dc0958", "pull_request", "7", "integration", "123")


@pytest.mark.parametrize(
    "headers, message",
    [
        ({"X-GitHub-Delivery": "d"}, "missing X-GitHub-Event header"),
        ({"X-GitHub-Event": "pull_request"}, "missing X-GitHub-Delivery header"),
        ({"X-GitHub-Event": "Pull Request!", "X-GitHub-Delivery": "d"}, "malformed X-GitHub-Event header"),
        ({"X-GitHub-Event": "push", "X-GitHub-Delivery": "../etc"}, "malformed X-GitHub-Delivery header"),
    ],
)
def test_missing_or_malformed_headers_say_which(headers, message):
    with pytest.raises(BadDelivery) as caught:
        parse_headers(headers)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"payload=%7B%7D", "body is not JSON (configure the webhook with content type application/json)"),
        (b"\xff\xfe", "body is not JSON (configure the webhook with content type application/json)"),
        (b"[1, 2]", "body is not a JSON object"),
    ],
)
def test_payload_must_be_a_json_object(raw, message):
    with pytest.raises(BadDelivery) as caught:
        parse_payload(raw)
    assert str(caught.value) == message


def test_dig_tolerates_missing_levels_and_wrong_types():
    data = {"a": {"b": [{"c": 1}], "n": None}, "s": "text"}
    assert dig(data, "a", "b", 0, "c") == 1
    assert dig(data, "a", "b", 1, "c", default="x") == "x"
    assert dig(data, "s", "c", default=0) == 0
    assert dig(data, "a", "n", default="dflt") == "dflt"
    assert dig(data, "a", "b", "c") is None


def _event(name: str, delivery: str = "d-1"):
    raw, headers = webhooks.request(name, delivery)
    return event_from_request(headers, raw, webhooks.SECRET)


def test_pull_request_opened_is_normalised():
    event = _event("pull_request.opened")
    assert (event.name, event.action, event.key, event.delivery_id) == ("pull_request", "opened", "pull_request.opened", "d-1")
    assert (event.installation_id, event.repository, event.owner, event.repo_name) == (1, "Codertocat/Hello-World", "Codertocat", "Hello-World")
    assert (event.pr_number, event.head_sha, event.base_sha) == (2, "ec26c3e57ca3a959ca5aad62de7213c562f8c821", "f95f852bd8fca8fcc58a9a2d6c842781e32a215e")
    assert (event.sender_login, event.sender_type) == ("Codertocat", "User")
    assert event.get("pull_request", "base", "ref") == "master"


def test_check_suite_rerequested_takes_the_pull_request_from_the_suite():
    event = _event("check_suite.rerequested")
    assert (event.installation_id, event.pr_number, event.head_sha, event.base_sha) == (
        957387, 2, "ec26c3e57ca3a959ca5aad62de7213c562f8c821", "f95f852bd8fca8fcc58a9a2d6c842781e32a215e")


def test_check_run_without_pull_requests_keeps_its_head_sha():
    event = _event("check_run.rerequested")
    assert (event.repository, event.pr_number, event.head_sha, event.base_sha) == (
        "github/hello-world", None, "d6fde92930d4715a2b49857d24b940956b26d2d3", "")


def test_issue_comments_name_a_pull_request_only_when_made_on_one():
    assert _event("issue_comment.created").pr_number is None
    on_pr = _event("issue_comment.created.pr_command")
    assert (on_pr.pr_number, on_pr.head_sha, on_pr.repository) == (2, "", "Codertocat/Hello-World")


def test_installation_events_have_no_repository():
    event = _event("installation.created")
    assert (event.installation_id, event.repository, event.pr_number, event.action) == (957387, "", None, "created")


def test_a_payload_with_almost_nothing_still_normalises():
    event = normalise(DeliveryHeaders("d", "pull_request"), {"action": 5, "pull_request": {"number": "12", "head": None},
                                                             "repository": {"name": "r", "owner": {"login": "o"}}, "installation": {"id": True}})
    assert (event.action, event.pr_number, event.head_sha, event.repository, event.installation_id) == ("", 12, "", "o/r", None)


def test_event_from_request_checks_the_signature_before_reading_anything():
    raw, headers = webhooks.request("pull_request.opened", "d-2", secret="wrong")
    with pytest.raises(SignatureMismatch):
        event_from_request(headers, raw, webhooks.SECRET)
    with pytest.raises(SignatureMismatch):
        event_from_request({"X-GitHub-Event": "push"}, b"not json", webhooks.SECRET)
