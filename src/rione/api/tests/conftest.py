"""Helpers for the public API tests: an anonymous client that returns parsed JSON."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def get_json(client: Client, db: None) -> Callable[..., tuple[int, Any]]:
    """get_json(path, **params) -> (status code, parsed JSON body)."""

    def get(path: str, **params: Any) -> tuple[int, Any]:
        response = client.get(path, params)
        assert response["Content-Type"].startswith("application/json")
        return response.status_code, response.json()

    return get
