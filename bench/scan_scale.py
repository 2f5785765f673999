#!/usr/bin/env python3
"""Scale benchmark: N copies of a base account on one moto_server, scanned by demarcate (and,
if installed, by Prowler) through the same endpoint.

    .venv/bin/python bench/scan_scale.py                 # N = 1, 5, 20
    .venv/bin/python bench/scan_scale.py --n 1 --n 5 --prowler bench/.venv-prowler/bin/prowler

Prints, per N: resources, wall time, API calls, calls per resource, peak memory (RSS of the
scan in a child process), and for Prowler its wall time and the calls moto served to it.
The base account is the embedded demo account (every service, compliant and planted
resources) plus N-1 extra copies of a representative resource mix, each copy named apart.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ["us-east-1", "eu-west-1"]
ACCOUNT = "123456789012"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("index.py", "def handler(event, context):\n    return 1\n")
    return buf.getvalue()


def seed_copy(session: boto3.Session, i: int, region: str) -> None:
    """One extra copy of a representative resource mix (about 40 resources)."""
    tag = f"scale{i}"
    s3 = session.client("s3", region_name="us-east-1")
    for j in range(4):
        s3.create_bucket(Bucket=f"{tag}-bucket-{j}")
    ec2 = session.client("ec2", region_name=region)
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.42.1.0/24")["Subnet"]["SubnetId"]
    for j in range(4):
        sg = ec2.create_security_group(GroupName=f"{tag}-sg-{j}", Description="bench", VpcId=vpc)
        ec2.authorize_security_group_ingress(
            GroupId=sg["GroupId"],
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 22 + j,
                    "ToPort": 22 + j,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                }
            ],
        )
    image = ec2.register_image(Name=f"{tag}-ami", RootDeviceName="/dev/sda1")["ImageId"]
    ec2.run_instances(
        ImageId=image, MinCount=4, MaxCount=4, SubnetId=subnet, InstanceType="t3.micro"
    )
    for j in range(4):
        vol = ec2.create_volume(AvailabilityZone=f"{region}a", Size=8, Encrypted=j % 2 == 0)
        ec2.create_snapshot(VolumeId=vol["VolumeId"])
    kms = session.client("kms", region_name=region)
    for j in range(2):
        kms.create_key(Description=f"{tag}-key-{j}", MultiRegion=False)
    iam = session.client("iam", region_name="us-east-1")
    for j in range(4):
        iam.create_user(UserName=f"{tag}-user-{j}")
        iam.create_access_key(UserName=f"{tag}-user-{j}")
    role = iam.create_role(
        RoleName=f"{tag}-role",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )["Role"]["Arn"]
    lam = session.client("lambda", region_name=region)
    for j in range(3):
        lam.create_function(
            FunctionName=f"{tag}-fn-{j}",
            Runtime="python3.12",
            Role=role,
            Handler="index.handler",
            Code={"ZipFile": _zip()},
            Environment={"Variables": {"STAGE": "bench"}},
        )
    ddb = session.client("dynamodb", region_name=region)
    for j in range(3):
        ddb.create_table(
            TableName=f"{tag}-table-{j}",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    logs = session.client("logs", region_name=region)
    for j in range(4):
        logs.create_log_group(logGroupName=f"/{tag}/app-{j}")
    rds = session.client("rds", region_name=region)
    rds.create_db_instance(
        DBInstanceIdentifier=f"{tag}-db",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="bench",
        MasterUserPassword="bench-password-1",
        AllocatedStorage=20,
    )


def seed(url: str, n: int) -> None:
    os.environ["AWS_ENDPOINT_URL"] = url
    session = boto3.Session(region_name="us-east-1")
    from demarcate.demo import seed_all

    seed_all(session, REGIONS)
    for i in range(1, n):
        seed_copy(session, i, REGIONS[i % len(REGIONS)])
    os.environ.pop("AWS_ENDPOINT_URL", None)


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1"
    )
    return env


def run_demarcate(url: str, out: Path) -> dict[str, float]:
    cmd = [
        sys.executable,
        "-m",
        "demarcate",
        "scan",
        "aws",
        "--endpoint-url",
        url,
        "--quiet",
        "-o",
        str(out),
    ]
    for region in REGIONS:
        cmd += ["--region", region]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    served_before = moto_request_count()
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=child_env(), capture_output=True, text=True)
    wall = time.perf_counter() - start
    time.sleep(0.5)  # let moto flush its access log
    served = moto_request_count() - served_before
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode not in (0, 1):
        raise SystemExit(f"demarcate failed: {proc.stderr[-2000:]}")
    report = json.loads(out.read_text())
    resources = sum(report["inventory"].values())
    return {
        "wall_s": wall,
        "api_calls": report["scan"]["api_calls"],
        "served": served,
        "resources": resources,
        "findings": len(report["findings"]),
        "peak_rss_mb": max(peak, before) / 1024,
    }


def moto_request_count() -> int:
    """Requests moto_server has answered so far, read from its access log (one line each)."""
    return sum(
        1
        for line in MOTO_LOG.read_text(errors="replace").splitlines()
        if '" HTTP/1.1" ' in line or 'HTTP/1.1" ' in line
    )


def run_prowler(prowler: str, url: str, workdir: Path) -> dict[str, float]:
    env = child_env()
    env.update(
        AWS_ENDPOINT_URL=url,
        HTTP_PROXY="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",
        NO_PROXY="127.0.0.1,localhost",
    )
    calls_before = moto_request_count()
    start = time.perf_counter()
    cmd = [prowler, "aws", "--no-banner", "-M", "json-ocsf", "-o", str(workdir)]
    for region in REGIONS:
        cmd += ["--region", region]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
    wall = time.perf_counter() - start
    time.sleep(0.5)
    calls = moto_request_count() - calls_before
    return {"wall_s": wall, "api_calls": calls, "rc": proc.returncode}


MOTO_LOG = Path(tempfile.gettempdir()) / "demarcate-bench-moto.log"


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = dict(
        os.environ, MOTO_EC2_LOAD_DEFAULT_AMIS="false", MOTO_IAM_LOAD_MANAGED_POLICIES="true"
    )
    log = MOTO_LOG.open("w")
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, url
        except OSError:
            time.sleep(0.1)
    raise SystemExit("moto_server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, action="append", help="copies of the base account")
    default_prowler = ROOT / "bench" / ".venv-prowler" / "bin" / "prowler"
    parser.add_argument(
        "--prowler", default=str(default_prowler) if default_prowler.exists() else None
    )
    args = parser.parse_args()
    sizes = args.n or [1, 5, 20]
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(key, None)
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1"
    )
    print(
        "calls = API calls demarcate counted; served = requests moto logged (same method for Prowler)"
    )
    print(
        f"{'N':>3} {'resources':>9} {'wall_s':>7} {'calls':>6} {'served':>6} {'calls/res':>9} {'peak_MB':>8}"
        f"{'  prowler_s  prowler_calls  time_ratio  call_ratio' if args.prowler else ''}"
    )
    for n in sizes:
        proc, url = start_moto()
        try:
            seed(url, n)
            with tempfile.TemporaryDirectory() as tmp:
                ours = run_demarcate(url, Path(tmp) / "r.json")
                line = (
                    f"{n:>3} {ours['resources']:>9.0f} {ours['wall_s']:>7.2f} {ours['api_calls']:>6.0f} "
                    f"{ours['served']:>6.0f} "
                    f"{ours['api_calls'] / max(ours['resources'], 1):>9.2f} {ours['peak_rss_mb']:>8.0f}"
                )
                if args.prowler:
                    theirs = run_prowler(args.prowler, url, Path(tmp) / "prowler")
                    line += (
                        f"  {theirs['wall_s']:>9.1f}  {theirs['api_calls']:>13.0f}"
                        f"  {theirs['wall_s'] / ours['wall_s']:>9.1f}x"
                        f"  {theirs['api_calls'] / max(ours['served'], 1):>9.1f}x"
                    )
                print(line, flush=True)
        finally:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
