"""The class's AWS resources after converge, read back through the EC2 API of the moto server."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
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
# The course's apps: every student gets a repository for each.
APPS = sorted({image["name"] for image in yaml.safe_load((ROOT / "playbooks/vars/lab.yml").read_text())["lab_images"]})
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


PULL_USER = "kubelab-molecule-ec2-registry-pull"


def aws(service: str, key: dict[str, str] | None = None) -> Any:
    key = key or json.loads((STATE / "credentials.json").read_text())
    return boto3.client(
        service, endpoint_url=CLASS["ec2_endpoint_url"], region_name=CLASS["ec2_region"],
        aws_access_key_id=key["access_key"], aws_secret_access_key=key["secret_key"],
    )


def pull_key() -> dict[str, str]:
    kept = ROOT / "output/molecule-ec2/registry-pull.json"
    assert kept.stat().st_mode & 0o777 == 0o600
    key = json.loads(kept.read_text())
    return {"access_key": key["access_key_id"], "secret_key": key["secret_access_key"]}


def test_registry_creds_get_a_user_whose_only_policy_pulls_the_class_repositories() -> None:
    iam = aws("iam")
    user = iam.get_user(UserName=PULL_USER)["User"]
    assert user["Path"] == "/kubelab/" and tags(user)["kubelab.io/class"] == "molecule-ec2"
    assert iam.list_attached_user_policies(UserName=PULL_USER)["AttachedPolicies"] == []
    assert iam.list_groups_for_user(UserName=PULL_USER)["Groups"] == []
    assert iam.list_user_policies(UserName=PULL_USER)["PolicyNames"] == ["pull-only"]
    document = iam.get_user_policy(UserName=PULL_USER, PolicyName="pull-only")["PolicyDocument"]
    document = json.loads(document) if isinstance(document, str) else document
    allowed = {(action, statement["Resource"]) for statement in document["Statement"] for action in statement["Action"]}
    repositories = "arn:aws:ecr:eu-west-1:123456789012:repository/kubelab-molecule-ec2/*"
    assert allowed == {("ecr:GetAuthorizationToken", "*")} | {
        (action, repositories)
        for action in ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
    }
    assert {statement["Effect"] for statement in document["Statement"]} == {"Allow"}


def test_its_key_is_kept_under_output_and_is_its_only_one() -> None:
    key = pull_key()
    listed = aws("iam").list_access_keys(UserName=PULL_USER)["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in listed] == [key["access_key"]]
    assert aws("sts", key).get_caller_identity()["Arn"].endswith(f"user/kubelab/{PULL_USER}")


def test_the_key_mints_pull_tokens_and_may_not_push() -> None:
    ecr = aws("ecr", pull_key())
    assert ecr.get_authorization_token()["authorizationData"]
    with pytest.raises(ecr.exceptions.ClientError, match="AccessDenied"):
        ecr.put_image(repositoryName="kubelab-molecule-ec2/web", imageManifest="{}", imageTag="x")
    with pytest.raises(ecr.exceptions.ClientError, match="AccessDenied"):
        ecr.create_repository(repositoryName="kubelab-molecule-ec2/mine")


def student_user(student: str) -> str:
    return f"kubelab-molecule-ec2-student-{student}"


def push_key(student: str) -> dict[str, str]:
    kept = ROOT / f"output/molecule-ec2/{student}/registry-push.json"
    assert kept.stat().st_mode & 0o777 == 0o600
    key = json.loads(kept.read_text())
    assert key["repositories"] == f"kubelab-molecule-ec2/{student}/"
    return {"access_key": key["access_key_id"], "secret_key": key["secret_access_key"]}


def test_every_student_has_a_repository_for_each_app_of_the_course() -> None:
    names = {r["repositoryName"] for r in aws("ecr").describe_repositories()["repositories"]}
    assert names == {f"kubelab-molecule-ec2/{student}/{app}" for student in STUDENTS for app in APPS}


@pytest.mark.parametrize("student", STUDENTS)
def test_each_student_has_a_user_that_may_push_and_pull_their_own_repositories_only(student: str) -> None:
    iam = aws("iam")
    user = iam.get_user(UserName=student_user(student))["User"]
    assert user["Path"] == "/kubelab/molecule-ec2/"
    assert tags(user) == {"kubelab.io/class": "molecule-ec2", "kubelab.io/student": student}
    assert iam.list_attached_user_policies(UserName=student_user(student))["AttachedPolicies"] == []
    assert iam.list_groups_for_user(UserName=student_user(student))["Groups"] == []
    assert iam.list_user_policies(UserName=student_user(student))["PolicyNames"] == ["push-pull-own"]
    document = iam.get_user_policy(UserName=student_user(student), PolicyName="push-pull-own")["PolicyDocument"]
    document = json.loads(document) if isinstance(document, str) else document
    resources = {statement["Resource"] for statement in document["Statement"]}
    assert resources == {"*", f"arn:aws:ecr:eu-west-1:123456789012:repository/kubelab-molecule-ec2/{student}/*"}
    key = push_key(student)
    listed = iam.list_access_keys(UserName=student_user(student))["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in listed] == [key["access_key"]]


MANIFEST = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                       "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 2,
                                  "digest": "sha256:" + "4" * 64},
                       "layers": []})


def test_a_students_key_pushes_to_their_repository_and_not_to_anothers_and_the_pull_identity_pulls_it() -> None:
    ecr = aws("ecr", push_key("alice"))
    assert ecr.get_authorization_token()["authorizationData"]
    own = "kubelab-molecule-ec2/alice/simple-nodejs-webserver"
    ecr.put_image(repositoryName=own, imageManifest=MANIFEST, imageTag="1.0.0")
    for other in ("kubelab-molecule-ec2/bob/simple-nodejs-webserver", "kubelab-molecule-ec2/web"):
        with pytest.raises(ecr.exceptions.ClientError, match="AccessDenied"):
            ecr.put_image(repositoryName=other, imageManifest=MANIFEST, imageTag="1.0.0")
    with pytest.raises(ecr.exceptions.ClientError, match="AccessDenied"):
        ecr.create_repository(repositoryName="kubelab-molecule-ec2/alice/mine")
    with pytest.raises(ecr.exceptions.ClientError, match="AccessDenied"):
        ecr.delete_repository(repositoryName=own, force=True)
    pulled = aws("ecr", pull_key()).batch_get_image(repositoryName=own, imageIds=[{"imageTag": "1.0.0"}])
    assert [image["imageId"]["imageTag"] for image in pulled["images"]] == ["1.0.0"]


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


def test_every_instance_takes_imdsv2_only_within_one_hop(ec2: Any) -> None:
    options = {tags(i)["Name"]: i["MetadataOptions"] for i in running_instances(ec2)}
    assert len(options) == len(STUDENTS) + 1
    assert {(o["HttpTokens"], o["HttpPutResponseHopLimit"]) for o in options.values()} == {("required", 1)}, options


def root_volumes(ec2: Any, instances: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Name of each instance -> its root volume."""
    ids = {
        tags(i)["Name"]: m["Ebs"]["VolumeId"]
        for i in instances
        for m in i["BlockDeviceMappings"]
        if m["DeviceName"] == i["RootDeviceName"]
    }
    volumes = {v["VolumeId"]: v for v in ec2.describe_volumes(VolumeIds=list(ids.values()))["Volumes"]}
    return {name: volumes[volume] for name, volume in ids.items()}


def test_every_root_volume_is_encrypted(ec2: Any) -> None:
    volumes = root_volumes(ec2, running_instances(ec2))
    assert len(volumes) == len(STUDENTS) + 1
    assert {name: v["Encrypted"] for name, v in volumes.items()} == dict.fromkeys(volumes, True)


def external_user_data(ec2: Any) -> str:
    [external] = [i for i in running_instances(ec2) if tags(i)["kubelab.io/machine"] == "external"]
    user_data = ec2.describe_instance_attribute(InstanceId=external["InstanceId"], Attribute="userData")
    return base64.b64decode(user_data["UserData"]["Value"]).decode()


def test_the_external_host_serves_the_web_page(ec2: Any) -> None:
    assert "http.server 80" in external_user_data(ec2)


def test_the_students_play_learns_the_external_host_and_each_machine_a_login_to_push_its_students_apps(ec2: Any) -> None:
    [external] = [i for i in running_instances(ec2) if tags(i)["kubelab.io/machine"] == "external"]
    # The class's output as site.yml has it: lab_root is the checkout's, for a play under molecule/ too.
    run = run_playbook("molecule/ec2/external.yml", "-i", str(SCENARIO / "inventory"))
    assert not run.failed, run.messages()
    [shown] = run.results("Show lab_external_host")
    assert shown["lab_external_host"] == {"address": external["PrivateIpAddress"], "port": 80}
    [shown] = run.results("Show lab_registry")
    server = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
    assert shown["lab_registry"] == {"server": server, "repository": f"{server}/kubelab-molecule-ec2/{{student}}",
                                     "pull_secret": "awsecr-cred", "login": False, "images": True}
    pushes = {r["msg"]["repository"].rsplit("/", 1)[1]: r["msg"] for r in run.results(
        "Show the repository and the login, its password's length only")}
    assert sorted(pushes) == STUDENTS
    for student, push in pushes.items():
        assert push["repository"] == f"{server}/kubelab-molecule-ec2/{student}"
        assert (push["server"], push["username"]) == (server, "AWS")
        assert int(push["password_length"]) > 0


@pytest.fixture(scope="module")
def web_unit(ec2: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The external host's systemd unit, as its user data writes it."""
    script = external_user_data(ec2)
    match = re.search(r"^cat > /etc/systemd/system/(\S+) <<'UNIT'\n(.*?)^UNIT$", script, re.MULTILINE | re.DOTALL)
    assert match, script
    unit = tmp_path_factory.mktemp("unit") / match[1]
    unit.write_text(match[2])
    return unit


def systemd_analyze(*args: str) -> subprocess.CompletedProcess[str]:
    assert shutil.which("systemd-analyze"), "systemd-analyze is missing: make test-deps installs Debian's systemd"
    return subprocess.run(["systemd-analyze", *args], capture_output=True, text=True, check=False)


def test_the_external_web_server_runs_as_a_system_user_of_its_own(ec2: Any, web_unit: Path) -> None:
    [user] = re.findall(r"^User=(.+)$", web_unit.read_text(), re.MULTILINE)
    assert user not in ("root", "0")
    # The user is made a system user (no login, no home), by name, before the unit starts.
    assert re.search(rf"useradd --system [^;&|]*\b{re.escape(user)}\n", external_user_data(ec2))


def test_systemd_accepts_the_external_web_server_unit(web_unit: Path) -> None:
    verify = systemd_analyze("verify", "--man=no", str(web_unit))
    assert verify.returncode == 0 and not verify.stderr, verify.stderr


@pytest.fixture(scope="module")
def web_unit_checks(web_unit: Path) -> dict[str, bool]:
    """systemd's own security review of the unit, offline: check -> whether the unit does it."""
    report = systemd_analyze("security", "--offline=true", "--json=short", str(web_unit))
    assert report.returncode == 0, report.stderr
    return {check["json_field"]: check["set"] for check in json.loads(report.stdout)}


def test_systemd_finds_the_external_web_server_a_non_root_user_that_may_only_bind_low_ports(
    web_unit_checks: dict[str, bool],
) -> None:
    assert web_unit_checks["UserOrDynamicUser"] and web_unit_checks["NoNewPrivileges"]
    # The one capability left is the bind of low ports (systemd 252 ends that check's name with a stray ")").
    kept = [name for name, done in web_unit_checks.items() if name.startswith("CapabilityBoundingSet_") and not done]
    assert len(kept) == 1 and kept[0].startswith("CapabilityBoundingSet_CAP_NET_BIND_SERVICE"), kept


def test_systemd_finds_the_external_web_server_sandboxed(web_unit_checks: dict[str, bool]) -> None:
    sandbox = [
        "ProtectSystem", "ProtectHome", "PrivateTmp", "PrivateDevices", "ProtectKernelTunables",
        "ProtectKernelModules", "ProtectControlGroups", "RestrictSUIDSGID", "SystemCallFilter_privileged",
    ]
    assert [name for name in sandbox if not web_unit_checks[name]] == []


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
        ({"lab_allowed_cidrs": ["0.0.0.0/0"]}, "set ec2_allow_anywhere: true"),
        (
            {"minikube_registry_creds": {"ecr": {"access_key_id": "AKIAINSTRUCTOR", "secret_access_key": "s"}}},
            "minikube_registry_creds.ecr is set, but on ec2 kubelab makes the ECR identity",
        ),
        (
            {"lab_allowed_cidrs": ["0.0.0.0/1", "128.0.0.0/1"]},
            'lab_allowed_cidrs ["0.0.0.0/1", "128.0.0.0/1"] cover 4,294,967,296 addresses (100% of IPv4), '
            "more than the 131,072",
        ),
    ],
)
def test_bad_settings_fail_fast_naming_the_value(ec2: Any, override: dict[str, Any], named: str) -> None:
    run = site("-e", json.dumps({"lab_class": "refused", **override}))
    assert run.failed
    assert named in run.messages(), run.messages()
    assert census(ec2, "refused") == 0
    assert not (ROOT / "output/refused").exists()


def test_ec2_allow_anywhere_lets_the_internet_connect(ec2: Any) -> None:
    # An image that does not exist stops the run at the check after the networks', before anything is made.
    settings = {"lab_allowed_cidrs": ["0.0.0.0/1", "128.0.0.0/1"], "ec2_allow_anywhere": True,
                "ec2_ami_name": "kubelab-no-such-image-*"}
    run = site("-e", json.dumps({"lab_class": "refused", **settings}))
    assert run.failed
    assert "No x86_64 image named kubelab-no-such-image-*" in run.messages(), run.messages()
    assert census(ec2, "refused") == 0


def instance_named(ec2: Any, student: str) -> dict[str, Any]:
    [instance] = [i for i in running_instances(ec2) if tags(i)["Name"] == f"kubelab-molecule-ec2-{student}"]
    return instance


@pytest.fixture(scope="module")
def drifted(ec2: Any) -> PlaybookRun:
    """The converge after alice's metadata options were loosened and carol's instance was replaced by one
    launched as kubelab did before it hardened them (IMDSv1, two hops, unencrypted root volume)."""
    alice = instance_named(ec2, "alice")
    loose = {"HttpTokens": "optional", "HttpPutResponseHopLimit": 2}
    # Every option named: AWS keeps those a call leaves out, moto forgets them.
    kept = {"HttpEndpoint": "enabled", "HttpProtocolIpv6": "disabled", "InstanceMetadataTags": "disabled"}
    ec2.modify_instance_metadata_options(InstanceId=alice["InstanceId"], **loose, **kept)
    carol = instance_named(ec2, "carol")
    [image] = ec2.describe_images(ImageIds=[carol["ImageId"]])["Images"]
    # As AWS makes a root volume: from the image's snapshot (moto leaves SnapshotId out unless it is named).
    [snapshot] = [
        m["Ebs"]["SnapshotId"] for m in image["BlockDeviceMappings"] if m["DeviceName"] == carol["RootDeviceName"]
    ]
    ec2.terminate_instances(InstanceIds=[carol["InstanceId"]])
    ec2.run_instances(
        ImageId=carol["ImageId"], InstanceType=carol["InstanceType"], KeyName=carol["KeyName"], MinCount=1, MaxCount=1,
        SubnetId=carol["SubnetId"], SecurityGroupIds=[g["GroupId"] for g in carol["SecurityGroups"]],
        TagSpecifications=[{"ResourceType": "instance", "Tags": carol["Tags"]}],
        MetadataOptions=loose,
        BlockDeviceMappings=[
            {
                "DeviceName": carol["RootDeviceName"],
                "Ebs": {"SnapshotId": snapshot, "VolumeSize": 30, "Encrypted": False},
            }
        ],
    )
    return run_playbook("molecule/ec2/converge.yml", "-i", str(SCENARIO / "inventory"))


def test_metadata_options_that_differ_are_put_back(ec2: Any, drifted: PlaybookRun) -> None:
    launched = drifted.results("Launch an instance per student and the external host")
    changed = {r["item"]["name"] for r in launched if r["changed"]}
    assert changed == {"kubelab-molecule-ec2-alice", "kubelab-molecule-ec2-carol"}
    for student in ["alice", "carol"]:
        options = instance_named(ec2, student)["MetadataOptions"]
        assert (options["HttpTokens"], options["HttpPutResponseHopLimit"]) == ("required", 1), (student, options)


def test_an_unencrypted_root_volume_is_named_with_its_instance(ec2: Any, drifted: PlaybookRun) -> None:
    [plain] = root_volumes(ec2, [instance_named(ec2, "carol")]).values()
    assert drifted.failed
    assert f"Unencrypted volumes {plain['VolumeId']} on kubelab-molecule-ec2-carol:" in drifted.messages()


def test_teardown_of_one_student_terminates_exactly_their_instance(ec2: Any) -> None:
    run = run_playbook("teardown.yml", "-i", str(SCENARIO / "inventory"), "--limit", "carol")
    assert not run.failed, run.messages()
    left = {tags(i)["Name"] for i in running_instances(ec2)}
    assert left == {f"kubelab-molecule-ec2-{s}" for s in ["alice", "bob", "external"]}
    assert len(ec2.describe_vpcs(Filters=TAG)["Vpcs"]) == 1
    repositories = {r["repositoryName"] for r in aws("ecr").describe_repositories()["repositories"]}
    assert repositories == {f"kubelab-molecule-ec2/{s}/{app}" for s in ["alice", "bob"] for app in APPS}
    users = {u["UserName"] for u in aws("iam").list_users(PathPrefix="/kubelab/molecule-ec2/")["Users"]}
    assert users == {student_user("alice"), student_user("bob")}
