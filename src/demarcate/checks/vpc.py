"""VPC checks: default security groups closed, network ACLs keep admin ports off the internet,
flow logs on, default VPCs unused, S3 reached through a gateway endpoint."""

from __future__ import annotations

from demarcate.checks.registry import Remediation, Result, check, failed, need, passed
from demarcate.resources.base import Inventory
from demarcate.resources.vpc import (
    NetworkAcl,
    NetworkAclEntry,
    SecurityGroup,
    SecurityGroupRule,
    Vpc,
)

ADMIN_PORTS: dict[int, str] = {22: "SSH", 3389: "RDP"}


def sg_label(sg: SecurityGroup) -> str:
    return sg.id if sg.label == sg.id else f"{sg.label} ({sg.id})"


def vpc_label(vpc: Vpc) -> str:
    return vpc.id if vpc.label == vpc.id else f"{vpc.label} ({vpc.id})"


def usage_note(sg: SecurityGroup) -> str:
    if sg.network_interface_ids is None:
        return ""
    count = len(sg.network_interface_ids)
    return (
        f" (used by {count} network interface{'s' if count != 1 else ''})"
        if count
        else " (not attached)"
    )


def rule_text(rule: SecurityGroupRule, direction: str) -> str:
    peers = rule.cidrs + rule.ipv6_cidrs + rule.source_groups + rule.prefix_lists
    word = "from" if direction == "in" else "to"
    return f"{rule.ports_text} {word} {', '.join(peers) or 'nowhere'}"


def nacl_admin_openings(acl: NetworkAcl) -> list[tuple[int, NetworkAclEntry]]:
    """(port, deciding rule) for each admin port the ACL lets in from anywhere."""
    need(acl, "entries")
    out = []
    for port in ADMIN_PORTS:
        entry = acl.world_admits(port)
        if entry is not None:
            out.append((port, entry))
    return out


def nacl_openings_text(openings: list[tuple[int, NetworkAclEntry]]) -> str:
    """'rule 100 allows all traffic from 0.0.0.0/0 (SSH 22, RDP 3389)' — one part per rule."""
    by_rule: dict[tuple[int, str], list[str]] = {}
    for port, entry in openings:
        what = "all traffic" if entry.protocol == "-1" else entry.protocol
        key = (entry.rule_number, f"{what} from {entry.cidr or entry.ipv6_cidr}")
        by_rule.setdefault(key, []).append(f"{ADMIN_PORTS[port]} {port}")
    return "; ".join(
        f"rule {number} allows {what} ({', '.join(ports)})"
        for (number, what), ports in by_rule.items()
    )


@check(
    id="vpc-default-security-group-closed",
    title="The default security group of every VPC restricts all traffic",
    duty="vpc.security-groups",
    severity="high",
    resource_type=SecurityGroup,
    rationale=(
        "Resources launched without an explicit group land in the default group; if it allows "
        "traffic they are silently exposed. Keep it empty and use purpose-made groups."
    ),
    cis=("6.5",),
    fsbp=("EC2.2",),
    remediation=Remediation(
        console=(
            "VPC > Security groups > the group named 'default' > Inbound rules / Outbound rules "
            "> Edit: delete every rule (move instances to purpose-made groups first)."
        ),
        cli=(
            "aws ec2 revoke-security-group-ingress --group-id <sg-id> --ip-permissions "
            "\"$(aws ec2 describe-security-groups --group-ids <sg-id> --query 'SecurityGroups[0].IpPermissions')\"\n"
            "aws ec2 revoke-security-group-egress --group-id <sg-id> --ip-permissions "
            "\"$(aws ec2 describe-security-groups --group-ids <sg-id> --query 'SecurityGroups[0].IpPermissionsEgress')\""
        ),
        terraform=(
            'resource "aws_default_security_group" "default" {\n'
            "  vpc_id = aws_vpc.main.id\n"
            "  # no ingress or egress blocks: Terraform removes every rule\n"
            "}"
        ),
    ),
)
def default_sg_closed(sg: SecurityGroup, inv: Inventory) -> Result | None:
    if not need(sg, "is_default_group"):
        return None
    ingress = need(sg, "ingress")
    egress = need(sg, "egress")
    where = f"default security group {sg.id} of VPC {sg.vpc_id or '(none)'}"
    if not ingress and not egress:
        return passed(f"{where}: no inbound or outbound rules")
    rules = [rule_text(r, "in") + " inbound" for r in ingress] + [
        rule_text(r, "out") + " outbound" for r in egress
    ]
    return failed(f"{where}{usage_note(sg)}: allows {'; '.join(rules)}")


@check(
    id="vpc-nacl-no-admin-ports-from-world",
    title="Network ACLs do not admit SSH or RDP from the whole internet",
    duty="vpc.network-acls",
    severity="medium",
    resource_type=NetworkAcl,
    rationale=(
        "Network ACLs are the subnet-edge filter. Letting 22/3389 in from 0.0.0.0/0 or ::/0 "
        "leaves only security groups between remote-administration services and the internet."
    ),
    cis=("6.2",),
    fsbp=("EC2.21",),
    remediation=Remediation(
        console=(
            "VPC > Network ACLs > the ACL > Inbound rules > Edit: add DENY rules for TCP 22 and "
            "3389 from 0.0.0.0/0 and ::/0 numbered below the broad ALLOW rule, or narrow that "
            "rule to your administration networks."
        ),
        cli=(
            "aws ec2 create-network-acl-entry --network-acl-id <acl-id> --ingress --rule-number 90 "
            "--protocol tcp --port-range From=22,To=22 --cidr-block 0.0.0.0/0 --rule-action deny\n"
            "aws ec2 create-network-acl-entry --network-acl-id <acl-id> --ingress --rule-number 91 "
            "--protocol tcp --port-range From=3389,To=3389 --cidr-block 0.0.0.0/0 --rule-action deny"
        ),
        terraform=(
            'resource "aws_network_acl_rule" "deny_ssh" {\n'
            "  network_acl_id = aws_network_acl.main.id\n"
            "  rule_number    = 90\n"
            "  egress         = false\n"
            '  protocol       = "tcp"\n'
            '  rule_action    = "deny"\n'
            '  cidr_block     = "0.0.0.0/0"\n'
            "  from_port      = 22\n"
            "  to_port        = 22\n"
            "}  # and the same for 3389 and ::/0 (ipv6_cidr_block)"
        ),
    ),
)
def nacl_admin_ports(acl: NetworkAcl, inv: Inventory) -> Result | None:
    openings = nacl_admin_openings(acl)
    kind = ", default" if acl.is_default else ""
    where = f"network ACL {acl.id} (VPC {acl.vpc_id}{kind})"
    if openings:
        return failed(f"{where}: {nacl_openings_text(openings)}")
    return passed(f"{where}: SSH 22 and RDP 3389 are not admitted from 0.0.0.0/0 or ::/0")


@check(
    id="vpc-flow-logs-enabled",
    title="Every VPC publishes flow logs",
    duty="vpc.flow-logs",
    severity="medium",
    resource_type=Vpc,
    rationale=(
        "Flow logs are the record of who talked to what in the VPC; without them incident "
        "response cannot reconstruct network activity."
    ),
    cis=("4.7",),
    fsbp=("EC2.6",),
    remediation=Remediation(
        console="VPC > Your VPCs > the VPC > Flow logs > Create flow log (filter: All or Reject).",
        cli=(
            "aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc-id> "
            "--traffic-type REJECT --log-destination-type s3 --log-destination arn:aws:s3:::<bucket>"
        ),
        terraform=(
            'resource "aws_flow_log" "vpc" {\n'
            "  vpc_id               = aws_vpc.main.id\n"
            '  traffic_type         = "ALL"\n'
            '  log_destination_type = "s3"\n'
            "  log_destination      = aws_s3_bucket.flow_logs.arn\n"
            "}"
        ),
    ),
)
def flow_logs(vpc: Vpc, inv: Inventory) -> Result | None:
    kind = " (default VPC)" if vpc.is_default else ""
    if need(vpc, "flow_logs_enabled"):
        ids = ", ".join(vpc.flow_log_ids or [])
        return passed(f"VPC {vpc_label(vpc)}{kind}: flow log {ids} is active")
    return failed(f"VPC {vpc_label(vpc)}{kind}: no active flow log")


@check(
    id="vpc-default-vpc-not-in-use",
    title="Workloads do not run in the default VPC",
    duty="vpc.network-segmentation",
    severity="low",
    resource_type=Vpc,
    live_only=True,
    rationale=(
        "The default VPC has only public subnets that hand out public IPs; workloads placed there "
        "were not segmented on purpose. Build VPCs with private subnets instead."
    ),
    remediation=Remediation(
        console=(
            "Move the workloads to a purpose-built VPC, then VPC > Your VPCs > the default VPC > "
            "Actions > Delete VPC."
        ),
        cli=(
            "aws ec2 describe-network-interfaces --filters Name=vpc-id,Values=<default-vpc-id>  "
            "# what still runs there\naws ec2 delete-vpc --vpc-id <default-vpc-id>  "
            "# after moving it (delete its subnets and internet gateway first)"
        ),
        terraform=(
            'resource "aws_vpc" "app" {\n  cidr_block = "10.0.0.0/16"\n}\n'
            "# place subnets, instances and other resources in aws_vpc.app, not the default VPC"
        ),
    ),
)
def default_vpc_unused(vpc: Vpc, inv: Inventory) -> Result | None:
    if not need(vpc, "is_default"):
        return None
    if not need(vpc, "in_use"):
        return passed(f"default VPC {vpc_label(vpc)}: no network interfaces")
    count = vpc.network_interface_count or 0
    instances = ", ".join(vpc.instance_ids or [])
    tail = f", instances {instances}" if instances else ""
    return failed(
        f"default VPC {vpc_label(vpc)}: in use by {count} network interface"
        f"{'s' if count != 1 else ''}{tail}"
    )


@check(
    id="vpc-s3-endpoint",
    title="VPCs in use reach Amazon S3 through a VPC endpoint",
    duty="vpc.vpc-endpoints",
    severity="low",
    resource_type=Vpc,
    rationale=(
        "An S3 endpoint keeps traffic to S3 on the AWS network and lets bucket policies pin "
        "access to the VPC (aws:SourceVpce) instead of crossing a NAT or internet gateway."
    ),
    cis=("6.8",),
    remediation=Remediation(
        console=(
            "VPC > Endpoints > Create endpoint > AWS services > com.amazonaws.<region>.s3, type "
            "Gateway > select the VPC and its route tables."
        ),
        cli=(
            "aws ec2 create-vpc-endpoint --vpc-id <vpc-id> --vpc-endpoint-type Gateway "
            "--service-name com.amazonaws.<region>.s3 --route-table-ids <rtb-id>"
        ),
        terraform=(
            'resource "aws_vpc_endpoint" "s3" {\n'
            "  vpc_id            = aws_vpc.main.id\n"
            '  service_name      = "com.amazonaws.${var.region}.s3"\n'
            '  vpc_endpoint_type = "Gateway"\n'
            "  route_table_ids   = [aws_route_table.private.id]\n"
            "}"
        ),
    ),
)
def s3_endpoint(vpc: Vpc, inv: Inventory) -> Result | None:
    if not need(vpc, "in_use"):
        return None  # nothing in the VPC would use it
    services = need(vpc, "endpoint_services")
    s3 = [s for s in services if s.endswith(".s3")]
    if s3:
        return passed(f"VPC {vpc_label(vpc)}: endpoint for {s3[0]}")
    return failed(
        f"VPC {vpc_label(vpc)}: no S3 endpoint, so S3 is reached through a NAT or internet gateway"
    )
