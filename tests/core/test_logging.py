import json
import logging

import pytest

from marketplace.core.logging import JsonFormatter, RequestIdFilter, request_id_var


def test_log_lines_are_json_with_the_request_id():
    token = request_id_var.set("abc123")
    try:
        record = logging.makeLogRecord({"msg": "paid %s", "args": ("order",), "levelname": "INFO"})
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)

    assert line["message"] == "paid order"
    assert line["request_id"] == "abc123"
    assert line["level"] == "INFO"


@pytest.mark.django_db
def test_response_echoes_a_safe_incoming_request_id(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-42")

    assert response["X-Request-ID"] == "edge-42"


@pytest.mark.django_db
def test_unsafe_incoming_request_id_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")

    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32
