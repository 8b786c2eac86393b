"""The connection options of the lookups that speak to AWS with boto3 (the ec2 provider's ECR questions)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
requirements:
  - boto3
options:
  region:
    description: The AWS region.
    type: str
    required: true
  endpoint_url:
    description: An AWS-compatible endpoint instead of AWS's own (the tests' moto server).
    type: str
  access_key:
    description: An access key id; none for boto3's own credential chain.
    type: str
  secret_key:
    description: Its secret.
    type: str
  session_token:
    description: A session token, for temporary credentials.
    type: str
"""
