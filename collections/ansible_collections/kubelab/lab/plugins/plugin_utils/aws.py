"""A boto3 client made from the options of the aws doc fragment (controller code: lookups only)."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleLookupError

try:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # the lookups' requirement, said when one runs
    boto3 = None

# What a call raises when AWS (or the way to it) refuses; nothing before boto3 is there.
ERRORS: tuple[type[Exception], ...] = (BotoCoreError, ClientError) if boto3 is not None else ()

CLIENT_OPTIONS = {"region": "region_name", "endpoint_url": "endpoint_url", "access_key": "aws_access_key_id",
                  "secret_key": "aws_secret_access_key", "session_token": "aws_session_token"}


def client(service: str, lookup: Any, name: str) -> Any:
    """A client of ``service`` with the options ``lookup`` was given; ``name`` is the lookup's, for the error."""
    if boto3 is None:
        raise AnsibleLookupError(f"{name} needs boto3 on the controller")
    settings = {CLIENT_OPTIONS[option]: lookup.get_option(option) for option in CLIENT_OPTIONS
                if lookup.get_option(option)}
    return boto3.client(service, **settings)
