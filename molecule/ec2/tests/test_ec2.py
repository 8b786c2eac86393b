"""The class's AWS resources after converge, read back through the EC2 API of the moto server."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from labclass import ROOT, PlaybookRun, run_playbook

testinfra_hosts = ["local://"]

SCENARIO = Path(os.environ["MOLECULE_SCENARIO_DIRECTORY"])
STATE = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "moto"
CLASS = yaml.safe_load((SCENARIO / "inventory/group_vars/all/class.yml").read_text())
STUDENTS = ["alice", "bob", "carol"]
TAG = [{"Name": "tag:kubelab.io/class", "Values": ["molecule-ec2"]}]


@pytest.fixture(scope="module")
def ec2() -> Any:
    credentials = json.loads((STATE / "credentials.json").read_text())
    return boto3.client(
        "ec2", endpoint_url=CLASS["ec2_endpoint_url"], region_name=CLASS["ec2_region"],
        aws_access_key_id=credentials["access_key"], aws_secret_access_key=credentials["secret_key"],
    )


def tags(resource: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in resource.get("Tags", [])}


def site(*args: str) -> PlaybookRun:
    return run_playbook("site.yml", "-i", str(SCENARIO / "inventory"), *args)


def test_one_vpc_with_the_class_network(ec2: Any) -> None:
    vpcs = ec2.describe_vpcs(Filters=TAG)["Vpcs"]
    assert [v["CidrBlock"] for v in vpcs] == ["10.42.0.0/16"]


def test_the_subnet_routes_to_the_internet_through_the_class_gateway(ec2: Any) -> None:
    [vpc] = ec2.describe_vpcs(Filters=TAG)["Vpcs"]
    [subnet] = ec2.describe_subnets(Filters=TAG)["Subnets"]
    [gateway] = ec2.describe_internet_gateways(Filters=TAG)["InternetGateways"]
    [table] = ec2.describe_route_tables(Filters=TAG)["RouteTables"]
    assert subnet["VpcId"] == vpc["VpcId"] and subnet["CidrBlock"] == "10.42.0.0/24"
    assert gateway["Attachments"][0]["VpcId"] == vpc["VpcId"]
    assert [a["SubnetId"] for a in table["Associations"]] == [subnet["SubnetId"]]
    default = [r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
    assert [r["GatewayId"] for r in default] == [gateway["InternetGatewayId"]]


def ingress(ec2: Any, name: str) -> set[tuple[int, int, str]]:
    [group] = ec2.describe_security_groups(Filters=[*TAG, {"Name": "group-name", "Values": [name]}])["SecurityGroups"]
    return {
        (rule["FromPort"], rule["ToPort"], cidr["CidrIp"]) for rule in group["IpPermissions"] for cidr in rule["IpRanges"]
    }


def test_the_students_instances_are_open_to_the_allowed_networks_only(ec2: Any) -> None:
    allowed = CLASS["lab_allowed_cidrs"]
    expected = {(low, high, cidr) for low, high in [(22, 22), (8443, 8443), (30000, 30099)] for cidr in allowed}
    assert ingress(ec2, "kubelab-molecule-ec2-students") == expected


def test_the_external_web_server_is_open_to_the_vpc_only(ec2: Any) -> None:
    expected = {(22, 22, cidr) for cidr in CLASS["lab_allowed_cidrs"]} | {(80, 80, "10.42.0.0/16")}
    assert ingress(ec2, "kubelab-molecule-ec2-external") == expected


def test_no_rule_of_the_class_is_open_to_the_internet(ec2: Any) -> None:
    groups = ec2.describe_security_groups(Filters=TAG)["SecurityGroups"]
    assert len(groups) == 2
    cidrs = {c["CidrIp"] for g in groups for r in g["IpPermissions"] for c in r["IpRanges"]}
    assert "0.0.0.0/0" not in cidrs


def test_the_key_pair_is_the_private_key_kept_under_output(ec2: Any) -> None:
    [pair] = ec2.describe_key_pairs(Filters=TAG)["KeyPairs"]
    assert pair["KeyName"] == "kubelab-molecule-ec2"
    private = ROOT / "output/molecule-ec2/ssh/id_ed25519"
    assert private.stat().st_mode & 0o777 == 0o600
    assert "OPENSSH PRIVATE KEY" in private.read_text()


def running_instances(ec2: Any) -> list[dict[str, Any]]:
    filters = [*TAG, {"Name": "instance-state-name", "Values": ["running"]}]
    return [i for r in ec2.describe_instances(Filters=filters)["Reservations"] for i in r["Instances"]]


def test_one_instance_per_student_and_one_external_host_run(ec2: Any) -> None:
    machines = {tags(i)["Name"]: i for i in running_instances(ec2)}
    students = {tags(machines[f"kubelab-molecule-ec2-{s}"])["kubelab.io/student"] for s in STUDENTS}
    assert students == set(STUDENTS)
    assert set(machines) == {f"kubelab-molecule-ec2-{s}" for s in [*STUDENTS, "external"]}
    assert {i["InstanceType"] for n, i in machines.items() if not n.endswith("external")} == {"t3.medium"}
    assert machines["kubelab-molecule-ec2-external"]["InstanceType"] == "t3.micro"


def test_the_instances_use_the_image_found_by_name(ec2: Any) -> None:
    [image] = ec2.describe_images(Owners=["099720109477"], Filters=[{"Name": "name", "Values": [CLASS["ec2_ami_name"]]}])[
        "Images"
    ]
    assert {i["ImageId"] for i in running_instances(ec2)} == {image["ImageId"]}


def test_the_external_host_serves_the_web_page(ec2: Any) -> None:
    [external] = [i for i in running_instances(ec2) if tags(i)["kubelab.io/machine"] == "external"]
    user_data = ec2.describe_instance_attribute(InstanceId=external["InstanceId"], Attribute="userData")
    assert "http.server 80" in base64.b64decode(user_data["UserData"]["Value"]).decode()


def census(ec2: Any, lab_class: str) -> int:
    """How many EC2 resources carry the tag of ``lab_class``."""
    tag = [{"Name": "tag:kubelab.io/class", "Values": [lab_class]}]
    return sum(
        len(found)
        for found in (
            ec2.describe_vpcs(Filters=tag)["Vpcs"],
            ec2.describe_security_groups(Filters=tag)["SecurityGroups"],
            ec2.describe_key_pairs(Filters=tag)["KeyPairs"],
            [i for r in ec2.describe_instances(Filters=tag)["Reservations"] for i in r["Instances"]],
        )
    )


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"ec2_secret_key": "not-the-secret"}, "AWS refused the credentials (access key AKIA"),
        ({"ec2_region": "eu-middle-9"}, 'ec2_region is "eu-middle-9"'),
        ({"lab_allowed_cidrs": ["198.51.100.0/33"]}, '"198.51.100.0/33" is not a network'),
        ({"lab_allowed_cidrs": ["0.0.0.0/0"]}, "needs ec2_allow_anywhere"),
    ],
)
def test_bad_settings_fail_fast_naming_the_value(ec2: Any, override: dict[str, Any], named: str) -> None:
    run = site("-e", json.dumps({"lab_class": "refused", **override}))
    assert run.failed
    assert named in run.messages(), run.messages()
    assert census(ec2, "refused") == 0
    assert not (ROOT / "output/refused").exists()


def test_teardown_of_one_student_terminates_exactly_their_instance(ec2: Any) -> None:
    run = run_playbook("teardown.yml", "-i", str(SCENARIO / "inventory"), "--limit", "carol")
    assert not run.failed, run.messages()
    left = {tags(i)["Name"] for i in running_instances(ec2)}
    assert left == {f"kubelab-molecule-ec2-{s}" for s in ["alice", "bob", "external"]}
    assert len(ec2.describe_vpcs(Filters=TAG)["Vpcs"]) == 1
