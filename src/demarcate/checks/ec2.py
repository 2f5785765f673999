"""EC2 checks: security groups keep admin, file-sharing and database ports off the internet;
instances require IMDSv2, carry no needless public IP, use an instance profile, are managed
and patched by Systems Manager, sit behind network ACLs that block SSH/RDP and have encrypted
volumes; the account's AMIs are private."""

from __future__ import annotations

from typing import TypeVar

from demarcate.checks.registry import Remediation, Result, Unknown, check, failed, need, passed
from demarcate.checks.vpc import nacl_admin_openings, nacl_openings_text, sg_label, usage_note
from demarcate.resources.base import Inventory, Resource
from demarcate.resources.ebs import EbsVolume
from demarcate.resources.ec2 import Ec2Image, Ec2Instance
from demarcate.resources.vpc import NetworkAcl, SecurityGroup, SecurityGroupRule

R = TypeVar("R", bound=Resource)

DATABASE_PORTS: dict[int, str] = {
    1433: "SQL Server",
    1521: "Oracle",
    2483: "Oracle",
    2484: "Oracle TLS",
    3306: "MySQL/MariaDB",
    5432: "PostgreSQL",
    5984: "CouchDB",
    6379: "Redis",
    7000: "Cassandra",
    7001: "Cassandra TLS",
    8086: "InfluxDB",
    9042: "Cassandra CQL",
    9200: "Elasticsearch/OpenSearch",
    9300: "Elasticsearch transport",
    11211: "Memcached",
    27017: "MongoDB",
    27018: "MongoDB",
}
LIVE_STATES = frozenset({"pending", "running", "stopping", "stopped"})


# ---- helpers -------------------------------------------------------------------------------


def _missing(inv: Inventory, cls: type[Resource], region: str, what: str, service: str) -> str:
    for err in inv.errors_for(cls.TYPE):
        if err.region == region:
            return f"{what} could not be listed: {err.reason}"
    return f"{what} was not collected (include the {service} service in the scan)"


def _world_sources(rule: SecurityGroupRule) -> str:
    return ", ".join(rule.world_sources)


def _sg_port_result(
    sg: SecurityGroup, ports: dict[int, str], kind: str = "", proto: str = "tcp"
) -> Result:
    """FAIL naming each exposed port and the rule exposing it; ``kind`` names a port family."""
    need(sg, "ingress")
    # rule text -> exposed "service port" names, in rule order
    exposed: dict[str, list[str]] = {}
    for port, service in ports.items():
        rules = sg.world_open(port, proto)
        if rules:
            rule = rules[0]
            what = f"{rule.ports_text} from {_world_sources(rule)}"
            exposed.setdefault(what, []).append(f"{service} {port}")
    names = kind or ", ".join(f"{s} {p}" for p, s in ports.items())
    if exposed:
        parts = []
        for what, hits in exposed.items():
            more = f" and {len(hits) - 5} more" if len(hits) > 5 else ""
            parts.append(f"{what} exposes {', '.join(hits[:5])}{more}")
        return failed(f"security group {sg_label(sg)}{usage_note(sg)}: {'; '.join(parts)}")
    verb = "" if kind else " is not"
    return passed(f"security group {sg_label(sg)}: {names}{verb} open to 0.0.0.0/0 or ::/0")


def _sg_remediation(port: str) -> Remediation:
    return Remediation(
        console=(
            "EC2 > Security groups > the group > Inbound rules > Edit: delete the rule with source "
            f"0.0.0.0/0 or ::/0 for {port}, or narrow it to known CIDRs; use Session Manager or a "
            "VPN instead of exposing the port."
        ),
        cli=(
            "aws ec2 revoke-security-group-ingress --group-id <sg-id> "
            f"--ip-permissions 'IpProtocol=tcp,FromPort={port.split()[-1]},ToPort={port.split()[-1]},"
            "IpRanges=[{CidrIp=0.0.0.0/0}]'"
        ),
        terraform=(
            'resource "aws_vpc_security_group_ingress_rule" "admin" {\n'
            "  security_group_id = aws_security_group.app.id\n"
            '  ip_protocol       = "tcp"\n'
            f"  from_port         = {port.split()[-1]}\n"
            f"  to_port           = {port.split()[-1]}\n"
            '  cidr_ipv4         = "203.0.113.0/24"  # a known network, never 0.0.0.0/0\n'
            "}"
        ),
    )


# ---- security groups (ec2.security-groups) -----------------------------------------------


@check(
    id="ec2-sg-ssh-not-open-to-world",
    title="Security groups do not allow SSH (22) from the whole internet",
    duty="ec2.security-groups",
    severity="high",
    resource_type=SecurityGroup,
    rationale="SSH open to 0.0.0.0/0 or ::/0 invites brute force and exploitation of the daemon.",
    cis=("6.3", "6.4"),
    fsbp=("EC2.19",),
    securityhub=("EC2.13",),
    remediation=_sg_remediation("SSH 22"),
)
def sg_ssh(sg: SecurityGroup, inv: Inventory) -> Result | None:
    return _sg_port_result(sg, {22: "SSH"})


@check(
    id="ec2-sg-rdp-not-open-to-world",
    title="Security groups do not allow RDP (3389) from the whole internet",
    duty="ec2.security-groups",
    severity="high",
    resource_type=SecurityGroup,
    rationale="RDP open to the internet is a top ransomware entry point.",
    cis=("6.3", "6.4"),
    fsbp=("EC2.19",),
    securityhub=("EC2.14",),
    remediation=_sg_remediation("RDP 3389"),
)
def sg_rdp(sg: SecurityGroup, inv: Inventory) -> Result | None:
    return _sg_port_result(sg, {3389: "RDP"})


@check(
    id="ec2-sg-cifs-not-open-to-world",
    title="Security groups do not allow CIFS/SMB (445) from the whole internet",
    duty="ec2.security-groups",
    severity="high",
    resource_type=SecurityGroup,
    rationale="SMB exposed to the internet has a long history of wormable vulnerabilities.",
    cis=("6.1.2",),
    fsbp=("EC2.19",),
    remediation=_sg_remediation("CIFS 445"),
)
def sg_cifs(sg: SecurityGroup, inv: Inventory) -> Result | None:
    return _sg_port_result(sg, {445: "CIFS/SMB"})


@check(
    id="ec2-sg-db-ports-not-open-to-world",
    title="Security groups do not expose database ports to the whole internet",
    duty="ec2.security-groups",
    severity="high",
    resource_type=SecurityGroup,
    rationale=(
        "Databases and caches (MySQL, PostgreSQL, SQL Server, Oracle, MongoDB, Redis, "
        "Elasticsearch …) should be reachable only from the application tier."
    ),
    fsbp=("EC2.19",),
    remediation=Remediation(
        console=(
            "EC2 > Security groups > the group > Inbound rules > Edit: replace the 0.0.0.0/0 or "
            "::/0 source of the database port with the application tier's security group."
        ),
        cli=(
            "aws ec2 revoke-security-group-ingress --group-id <sg-id> --ip-permissions "
            "'IpProtocol=tcp,FromPort=3306,ToPort=3306,IpRanges=[{CidrIp=0.0.0.0/0}]'\n"
            "aws ec2 authorize-security-group-ingress --group-id <sg-id> --protocol tcp "
            "--port 3306 --source-group <app-sg-id>"
        ),
        terraform=(
            'resource "aws_vpc_security_group_ingress_rule" "db" {\n'
            "  security_group_id            = aws_security_group.db.id\n"
            "  referenced_security_group_id = aws_security_group.app.id\n"
            '  ip_protocol                  = "tcp"\n'
            "  from_port                    = 3306\n"
            "  to_port                      = 3306\n"
            "}"
        ),
    ),
)
def sg_db_ports(sg: SecurityGroup, inv: Inventory) -> Result | None:
    return _sg_port_result(sg, DATABASE_PORTS, f"none of {len(DATABASE_PORTS)} database ports is")


@check(
    id="ec2-sg-all-traffic-not-open-to-world",
    title="Security groups do not allow all traffic or all ports from the whole internet",
    duty="ec2.security-groups",
    severity="critical",
    resource_type=SecurityGroup,
    rationale="A rule for every protocol or every port from anywhere exposes whatever listens.",
    fsbp=("EC2.18", "EC2.19"),
    remediation=Remediation(
        console=(
            "EC2 > Security groups > the group > Inbound rules > Edit: delete the 'All traffic' "
            "(or 0-65535) rule from 0.0.0.0/0 or ::/0 and allow only the ports the service needs."
        ),
        cli=(
            "aws ec2 revoke-security-group-ingress --group-id <sg-id> --ip-permissions "
            "'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]'"
        ),
        terraform=(
            'resource "aws_vpc_security_group_ingress_rule" "https" {\n'
            "  security_group_id = aws_security_group.web.id\n"
            '  ip_protocol       = "tcp"\n'
            "  from_port         = 443\n"
            "  to_port           = 443\n"
            '  cidr_ipv4         = "0.0.0.0/0"  # only the port the service serves\n'
            "}"
        ),
    ),
)
def sg_all_traffic(sg: SecurityGroup, inv: Inventory) -> Result | None:
    ingress = need(sg, "ingress")
    wide = [
        r
        for r in ingress
        if r.world_sources
        and (
            r.protocol == "-1"
            or (
                r.protocol in ("tcp", "udp")
                and (r.from_port in (None, 0, 1) and r.to_port in (None, 65535))
            )
        )
    ]
    if wide:
        shown = "; ".join(f"{r.ports_text} from {_world_sources(r)}" for r in wide)
        return failed(f"security group {sg_label(sg)}{usage_note(sg)}: allows {shown}")
    return passed(f"security group {sg_label(sg)}: no all-traffic or all-port rule from anywhere")


# ---- instances ------------------------------------------------------------------------------


def _live(inst: Ec2Instance) -> bool:
    return need(inst, "state") in LIVE_STATES


def _inst(inst: Ec2Instance) -> str:
    return inst.id if inst.label == inst.id else f"{inst.label} ({inst.id})"


@check(
    id="ec2-imdsv2-required",
    title="EC2 instances require IMDSv2 (session tokens) for the metadata service",
    duty="ec2.instance-configuration",
    severity="high",
    resource_type=Ec2Instance,
    rationale=(
        "IMDSv1 answers plain GET requests, so an SSRF bug in any application on the instance "
        "can read the role's credentials; IMDSv2 requires a PUT-issued session token."
    ),
    cis=("6.7",),
    fsbp=("EC2.8",),
    remediation=Remediation(
        console="EC2 > Instances > the instance > Actions > Instance settings > Modify instance metadata options > IMDSv2: Required.",
        cli="aws ec2 modify-instance-metadata-options --instance-id <id> --http-tokens required --http-endpoint enabled",
        terraform=(
            'resource "aws_instance" "app" {\n'
            "  metadata_options {\n"
            '    http_tokens   = "required"\n'
            '    http_endpoint = "enabled"\n'
            "  }\n"
            "}"
        ),
    ),
)
def imdsv2(inst: Ec2Instance, inv: Inventory) -> Result | None:
    if not _live(inst):
        return None
    if need(inst, "imds_endpoint") == "disabled":
        return passed(f"instance {_inst(inst)}: the metadata service is disabled")
    tokens = need(inst, "imds_http_tokens")
    if tokens == "required":
        return passed(f"instance {_inst(inst)}: IMDSv2 is required (HttpTokens=required)")
    return failed(f"instance {_inst(inst)}: IMDSv1 is allowed (HttpTokens={tokens})")


@check(
    id="ec2-instance-no-public-ip",
    title="EC2 instances do not have public IPv4 addresses",
    duty="ec2.instance-configuration",
    severity="low",
    resource_type=Ec2Instance,
    rationale=(
        "A public address makes the instance reachable from the internet whenever a security "
        "group or ACL slips; put instances in private subnets behind load balancers instead."
    ),
    fsbp=("EC2.9",),
    remediation=Remediation(
        console=(
            "Launch the workload in a private subnet (Auto-assign public IP: Disable) behind a "
            "load balancer or NAT; release or disassociate Elastic IPs it does not need."
        ),
        cli=(
            "aws ec2 modify-subnet-attribute --subnet-id <subnet-id> --no-map-public-ip-on-launch\n"
            "aws ec2 disassociate-address --association-id <eipassoc-id>"
        ),
        terraform=(
            'resource "aws_instance" "app" {\n'
            "  subnet_id                   = aws_subnet.private.id\n"
            "  associate_public_ip_address = false\n"
            "}"
        ),
    ),
)
def no_public_ip(inst: Ec2Instance, inv: Inventory) -> Result | None:
    if not _live(inst):
        return None
    ips = need(inst, "public_ips")
    if ips:
        return failed(f"instance {_inst(inst)}: public IPv4 {', '.join(ips)}")
    return passed(f"instance {_inst(inst)}: no public IPv4 address")


@check(
    id="ec2-instance-profile-attached",
    title="EC2 instances get AWS access through an IAM instance profile",
    duty="ec2.iam-policies",
    severity="informational",
    resource_type=Ec2Instance,
    rationale=(
        "An instance role hands the instance short-lived, rotated credentials; without one, "
        "software that calls AWS tends to carry long-lived access keys on disk."
    ),
    cis=("2.16",),
    remediation=Remediation(
        console="EC2 > Instances > the instance > Actions > Security > Modify IAM role > choose a least-privilege role.",
        cli="aws ec2 associate-iam-instance-profile --instance-id <id> --iam-instance-profile Name=<profile>",
        terraform=(
            'resource "aws_instance" "app" {\n'
            "  iam_instance_profile = aws_iam_instance_profile.app.name\n"
            "}"
        ),
    ),
)
def instance_profile(inst: Ec2Instance, inv: Inventory) -> Result | None:
    if not _live(inst):
        return None
    arn = need(inst, "iam_instance_profile_arn")
    if arn:
        return passed(f"instance {_inst(inst)}: instance profile {arn.rsplit('/', 1)[-1]}")
    return failed(f"instance {_inst(inst)}: no IAM instance profile")


@check(
    id="ec2-instance-ssm-managed",
    title="Running EC2 instances are managed by AWS Systems Manager (so they can be patched)",
    duty="ec2.guest-os-patching",
    severity="medium",
    resource_type=Ec2Instance,
    live_only=True,
    rationale=(
        "Patch Manager, inventory and Session Manager work only on managed instances; an "
        "unmanaged instance's OS patching is invisible and manual."
    ),
    remediation=Remediation(
        console=(
            "Systems Manager > Fleet Manager: install/start the SSM Agent and attach a role with "
            "AmazonSSMManagedInstanceCore (or turn on Default Host Management Configuration)."
        ),
        cli=(
            "aws iam attach-role-policy --role-name <instance-role> "
            "--policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore\n"
            "aws ssm describe-instance-information --filters Key=InstanceIds,Values=<id>"
        ),
        terraform=(
            'resource "aws_iam_role_policy_attachment" "ssm" {\n'
            "  role       = aws_iam_role.instance.name\n"
            '  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"\n'
            "}"
        ),
    ),
)
def ssm_managed(inst: Ec2Instance, inv: Inventory) -> Result | None:
    if need(inst, "state") != "running":
        return None  # only running instances report to Systems Manager
    if not need(inst, "ssm_managed"):
        return failed(f"instance {_inst(inst)}: not registered with Systems Manager")
    ping = inst.ssm_ping_status or "unknown"
    if ping == "ConnectionLost":
        return failed(f"instance {_inst(inst)}: Systems Manager agent ping status {ping}")
    return passed(f"instance {_inst(inst)}: managed by Systems Manager (ping {ping})")


@check(
    id="ec2-instance-patch-window",
    title="EC2 instances are patched on a schedule by a Systems Manager maintenance window",
    duty="ec2.guest-os-patching",
    severity="medium",
    resource_type=Ec2Instance,
    rationale=(
        "A maintenance window with an AWS-RunPatchBaseline task installs OS patches on a "
        "schedule; an instance no window targets is patched only when someone remembers."
    ),
    remediation=Remediation(
        console=(
            "Systems Manager > Maintenance Windows > Create (schedule) > Register targets (by tag, "
            "e.g. Patch Group) > Register Run command task AWS-RunPatchBaseline, Operation=Install."
        ),
        cli=(
            "aws ssm register-target-with-maintenance-window --window-id <mw-id> --resource-type INSTANCE "
            "--targets Key=tag:PatchGroup,Values=prod\n"
            "aws ssm register-task-with-maintenance-window --window-id <mw-id> --task-type RUN_COMMAND "
            "--task-arn AWS-RunPatchBaseline --targets Key=WindowTargetIds,Values=<target-id> "
            "--max-concurrency 10% --max-errors 1 "
            "--task-invocation-parameters 'RunCommand={Parameters={Operation=[Install]}}'"
        ),
        terraform=(
            'resource "aws_ssm_maintenance_window_task" "patch" {\n'
            "  window_id = aws_ssm_maintenance_window.weekly.id\n"
            '  task_type = "RUN_COMMAND"\n'
            '  task_arn  = "AWS-RunPatchBaseline"\n'
            "  targets {\n"
            '    key    = "WindowTargetIds"\n'
            "    values = [aws_ssm_maintenance_window_target.prod.id]\n"
            "  }\n"
            "}"
        ),
    ),
)
def patch_window(inst: Ec2Instance, inv: Inventory) -> Result | None:
    if not _live(inst):
        return None
    if need(inst, "in_patch_window"):
        return passed(
            f"instance {_inst(inst)}: patched by maintenance window {', '.join(inst.patch_windows or [])}"
        )
    return failed(
        f"instance {_inst(inst)}: no enabled maintenance window runs a patch task on it "
        "(Patch Manager policies applied through State Manager are not read by this check)"
    )


@check(
    id="ec2-instance-subnet-nacl-blocks-admin-ports",
    title="Internet-facing instances sit in subnets whose network ACL blocks SSH/RDP from anywhere",
    duty="ec2.network-acls",
    severity="medium",
    resource_type=Ec2Instance,
    rationale=(
        "For an instance with a public address, the subnet's network ACL is the second layer "
        "after its security groups; it should refuse remote administration from the internet."
    ),
    remediation=Remediation(
        console=(
            "VPC > Subnets > the instance's subnet > Network ACL > Edit network ACL association "
            "(or edit that ACL's inbound rules): DENY TCP 22 and 3389 from 0.0.0.0/0 and ::/0."
        ),
        cli=(
            "aws ec2 create-network-acl-entry --network-acl-id <acl-id> --ingress --rule-number 90 "
            "--protocol tcp --port-range From=22,To=22 --cidr-block 0.0.0.0/0 --rule-action deny"
        ),
        terraform=(
            'resource "aws_network_acl" "public" {\n'
            "  vpc_id     = aws_vpc.main.id\n"
            "  subnet_ids = [aws_subnet.public.id]\n"
            '  ingress { rule_no = 90  action = "deny"  protocol = "tcp" from_port = 22 to_port = 22 cidr_block = "0.0.0.0/0" }\n'
            '  ingress { rule_no = 100 action = "allow" protocol = "tcp" from_port = 443 to_port = 443 cidr_block = "0.0.0.0/0" }\n'
            "}"
        ),
    ),
)
def subnet_nacl(inst: Ec2Instance, inv: Inventory) -> Result | None:
    if not _live(inst) or not need(inst, "public_ips"):
        return None  # not reachable from the internet directly
    subnet = need(inst, "subnet_id")
    acl = next(
        (
            a
            for a in inv.of(NetworkAcl)
            if a.region == inst.region and subnet in (a.subnet_ids or [])
        ),
        None,
    )
    if acl is None:
        unread = [a for a in inv.of(NetworkAcl) if a.region == inst.region and a.subnet_ids is None]
        if unread:  # one of these may be it (e.g. an IaC association that is not known)
            raise Unknown(
                f"the network ACL of subnet {subnet} is not known: network ACL "
                f"{unread[0].label}: {unread[0].why_unknown('subnet_ids')}"
            )
        raise Unknown(
            _missing(inv, NetworkAcl, inst.region, f"the network ACL of subnet {subnet}", "vpc")
        )
    openings = nacl_admin_openings(acl)
    ips = ", ".join(inst.public_ips or [])
    where = f"instance {inst.id}" + (
        f" ({inst.label}, public IP {ips})" if inst.label != inst.id else f" (public IP {ips})"
    )
    if openings:
        return failed(f"{where}: network ACL {acl.id} of {subnet}: {nacl_openings_text(openings)}")
    return passed(f"{where}: network ACL {acl.id} of {subnet} blocks SSH and RDP from anywhere")


@check(
    id="ec2-instance-volumes-encrypted",
    title="Every EBS volume attached to an EC2 instance is encrypted",
    duty="ec2.data-encryption",
    severity="medium",
    resource_type=Ec2Instance,
    rationale="Instance data at rest lives on its EBS volumes; each must be encrypted.",
    fsbp=("EC2.3",),
    remediation=Remediation(
        console=(
            "EC2 > Volumes > the volume > Actions > Create snapshot; Snapshots > Copy with "
            "Encryption; Create volume from the encrypted copy; stop the instance and swap volumes."
        ),
        cli=(
            "aws ec2 create-snapshot --volume-id <vol-id>\n"
            "aws ec2 copy-snapshot --source-snapshot-id <snap-id> --source-region <region> --encrypted\n"
            "aws ec2 create-volume --snapshot-id <encrypted-snap-id> --availability-zone <az>"
        ),
        terraform=(
            'resource "aws_instance" "app" {\n  root_block_device {\n    encrypted = true\n  }\n}'
        ),
    ),
)
def instance_volumes_encrypted(inst: Ec2Instance, inv: Inventory) -> Result | None:
    if not _live(inst):
        return None
    volume_ids = need(inst, "volume_ids")
    if not volume_ids:
        return None  # instance-store only
    plain: list[str] = []
    for vol_id in volume_ids:
        vol = inv.find(EbsVolume, vol_id)
        if vol is None:
            raise Unknown(_missing(inv, EbsVolume, inst.region, f"volume {vol_id}", "ebs"))
        if not need(vol, "encrypted"):
            plain.append(vol_id)
    if plain:
        return failed(f"instance {_inst(inst)}: unencrypted volume(s) {', '.join(plain)}")
    return passed(f"instance {_inst(inst)}: all {len(volume_ids)} volume(s) encrypted")


# ---- images ----------------------------------------------------------------------------------


@check(
    id="ec2-ami-not-public",
    title="The account's AMIs are not shared publicly",
    duty="ec2.instance-configuration",
    severity="high",
    resource_type=Ec2Image,
    rationale=(
        "A public AMI lets anyone launch a copy of your machine image, with whatever software, "
        "configuration and secrets were baked into it."
    ),
    remediation=Remediation(
        console="EC2 > AMIs > the AMI > Actions > Edit AMI permissions > Private.",
        cli="aws ec2 modify-image-attribute --image-id <ami-id> --launch-permission 'Remove=[{Group=all}]'",
        terraform=(
            '# do not create aws_ami_launch_permission with group = "all"; share with accounts:\n'
            'resource "aws_ami_launch_permission" "share" {\n'
            "  image_id   = aws_ami.app.id\n"
            '  account_id = "111122223333"\n'
            "}"
        ),
    ),
)
def ami_not_public(image: Ec2Image, inv: Inventory) -> Result | None:
    label = image.id if image.label == image.id else f"{image.label} ({image.id})"
    if need(image, "public"):
        return failed(f"AMI {label}: launch permission is public (group all)")
    return passed(f"AMI {label}: private")
