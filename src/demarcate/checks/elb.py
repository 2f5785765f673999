"""Load balancer checks: encrypted listeners with modern TLS, logs, deletion protection,
header hygiene, cross-zone balancing and a WAF in front of internet-facing ALBs."""

from __future__ import annotations

import re

from demarcate.checks.registry import (
    Remediation,
    Result,
    Unknown,
    check,
    failed,
    need,
    passed,
    unknown,
)
from demarcate.resources.base import Inventory
from demarcate.resources.elb import LbListener, LoadBalancer

# Predefined ELB security policies that still accept TLS 1.0 and/or TLS 1.1 (ALB, NLB and
# Classic), from the ELB user guides' policy tables.
LEGACY_TLS_POLICIES = frozenset(
    {
        "ELBSecurityPolicy-2016-08",
        "ELBSecurityPolicy-2015-05",
        "ELBSecurityPolicy-2015-03",
        "ELBSecurityPolicy-2015-02",
        "ELBSecurityPolicy-2014-10",
        "ELBSecurityPolicy-2014-01",
        "ELBSecurityPolicy-2011-08",
        "ELBSample-ELBDefaultCipherPolicy",
        "ELBSample-OpenSSLDefaultCipherPolicy",
        "ELBSecurityPolicy-TLS-1-0-2015-04",
        "ELBSecurityPolicy-TLS-1-1-2017-01",
        "ELBSecurityPolicy-FS-2018-06",
        "ELBSecurityPolicy-FS-1-1-2019-08",
        "ELBSecurityPolicy-TLS13-1-0-2021-06",
        "ELBSecurityPolicy-TLS13-1-1-2021-06",
        "ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04",
        "ELBSecurityPolicy-TLS13-1-0-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-1-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-0-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-1-FIPS-PQ-2025-09",
    }
)
# Names whose minimum is TLS 1.2 or 1.3: ELBSecurityPolicy-TLS-1-2-*, -FS-1-2-*, -TLS13-1-2-*,
# -TLS13-1-3-* (plain, Res, Ext, FIPS and PQ variants).
MODERN_TLS_NAME = re.compile(r"^ELBSecurityPolicy-(TLS-1-2|FS-1-2|TLS13-1-[23])-", re.IGNORECASE)
LEGACY_TLS_NAME = re.compile(r"^ELBSecurityPolicy-(TLS-1-[01]|FS-1-1|TLS13-1-[01])-", re.IGNORECASE)
LEGACY_PROTOCOLS = frozenset({"SSLv3", "TLSv1", "TLSv1.1"})


def tls_policy_verdict(listener: LbListener) -> bool | None:
    """True when the listener's policy allows only TLS 1.2+, False when older, None unknown."""
    if listener.tls_protocols is not None:  # a custom Classic policy: judge its protocols
        return not (set(listener.tls_protocols) & LEGACY_PROTOCOLS)
    name = listener.ssl_policy or ""
    if name in LEGACY_TLS_POLICIES or LEGACY_TLS_NAME.match(name):
        return False
    if MODERN_TLS_NAME.match(name):
        return True
    return None


def _listeners(lb: LoadBalancer) -> list[LbListener]:
    return list(need(lb, "listeners"))


def _desc(listener: LbListener) -> str:
    return f"{listener.protocol}:{listener.port}"


def _kind(lb: LoadBalancer) -> str:
    return {
        "application": "ALB",
        "network": "NLB",
        "gateway": "GWLB",
        "classic": "Classic ELB",
    }.get(lb.lb_type or "", "load balancer")


@check(
    id="elb-listeners-encrypted",
    title="Load balancer listeners use HTTPS/TLS or redirect HTTP to HTTPS",
    duty="elb.ssl-certificates",
    severity="medium",
    resource_type=LoadBalancer,
    rationale=(
        "A plain HTTP (or Classic TCP) listener carries requests, cookies and credentials in "
        "clear text between clients and the load balancer."
    ),
    fsbp=("ELB.1", "ELB.3"),
    remediation=Remediation(
        console=(
            "EC2 > Load balancers > LB > Listeners: add an HTTPS:443 listener with an ACM "
            "certificate, and change the HTTP:80 listener's default action to 'Redirect to "
            "HTTPS' (Classic: replace HTTP/TCP listeners with HTTPS/SSL ones)."
        ),
        cli=(
            "aws elbv2 modify-listener --listener-arn <http-listener-arn> --default-actions "
            "'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'"
        ),
        terraform=(
            'resource "aws_lb_listener" "http" {\n  port = 80\n  protocol = "HTTP"\n'
            '  default_action {\n    type = "redirect"\n    redirect {\n      protocol    = "HTTPS"\n'
            '      port        = "443"\n      status_code = "HTTP_301"\n    }\n  }\n}'
        ),
    ),
)
def listeners_encrypted(lb: LoadBalancer, inv: Inventory) -> Result | None:
    # NLB TCP/UDP listeners often pass TLS through to targets, and GWLB listeners carry
    # GENEVE; neither can be judged from the listener alone.
    if need(lb, "lb_type") not in ("application", "classic"):
        return None
    listeners = _listeners(lb)
    if not listeners:
        return None
    plain = [
        listener
        for listener in listeners
        if not listener.secure and not listener.default_action_redirect_https
    ]
    if plain:
        names = ", ".join(_desc(x) for x in plain)
        return failed(
            f"{_kind(lb)} {lb.label}: unencrypted listener(s) {names} without HTTPS redirect"
        )
    return passed(f"{_kind(lb)} {lb.label}: every listener is HTTPS/TLS or redirects to HTTPS")


@check(
    id="elb-tls-policy-modern",
    title="Load balancer TLS listeners use a security policy without TLS 1.0/1.1",
    duty="elb.ssl-certificates",
    severity="medium",
    resource_type=LoadBalancer,
    rationale=(
        "TLS 1.0 and 1.1 are deprecated (RFC 8996); a policy that still accepts them lets "
        "clients be downgraded to weak protocols and ciphers. The API default for new "
        "listeners, ELBSecurityPolicy-2016-08, accepts TLS 1.0."
    ),
    fsbp=("ELB.17",),
    remediation=Remediation(
        console=(
            "EC2 > Load balancers > LB > Listeners > HTTPS/TLS listener > Edit: security policy "
            "ELBSecurityPolicy-TLS13-1-2-Res-2021-06 (or a newer TLS13-1-2 policy)."
        ),
        cli=(
            "aws elbv2 modify-listener --listener-arn <listener-arn> "
            "--ssl-policy ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
        ),
        terraform=(
            'resource "aws_lb_listener" "https" {\n'
            '  ssl_policy = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"\n}'
        ),
    ),
)
def tls_policy_modern(lb: LoadBalancer, inv: Inventory) -> Result | None:
    secure = [x for x in _listeners(lb) if x.secure]
    if not secure:
        return None
    weak, unsure = [], []
    for listener in secure:
        if listener.ssl_policy is None:
            raise Unknown(f"{lb.label}: {lb.why_unknown('listeners.ssl_policy')}")
        verdict = tls_policy_verdict(listener)
        if verdict is False:
            weak.append(f"{_desc(listener)} uses {listener.ssl_policy}")
        elif verdict is None:
            unsure.append(f"{_desc(listener)} uses {listener.ssl_policy or '(no policy)'}")
    if weak:
        return failed(f"{_kind(lb)} {lb.label}: TLS 1.0/1.1 allowed: " + "; ".join(weak))
    if unsure:
        return unknown(
            f"{_kind(lb)} {lb.label}: security policy not in the known table: " + "; ".join(unsure)
        )
    policies = ", ".join(sorted({str(x.ssl_policy) for x in secure}))
    return passed(f"{_kind(lb)} {lb.label}: TLS listeners require TLS 1.2+ ({policies})")


@check(
    id="elb-access-logging",
    title="Load balancers write access logs",
    duty="elb.access-logging",
    severity="medium",
    resource_type=LoadBalancer,
    rationale=(
        "Access logs record every request (client, path, TLS version, response); without "
        "them an attack through the load balancer leaves no trace."
    ),
    cis=("4.10",),
    fsbp=("ELB.5",),
    remediation=Remediation(
        console=(
            "EC2 > Load balancers > LB > Attributes > Edit > Monitoring: Access logs on, with an "
            "S3 bucket whose policy lets ELB log delivery write."
        ),
        cli=(
            "aws elbv2 modify-load-balancer-attributes --load-balancer-arn <arn> --attributes "
            "Key=access_logs.s3.enabled,Value=true Key=access_logs.s3.bucket,Value=<bucket>"
        ),
        terraform=(
            'resource "aws_lb" "this" {\n  access_logs {\n    bucket  = aws_s3_bucket.lb_logs.id\n'
            "    enabled = true\n  }\n}"
        ),
    ),
)
def access_logging(lb: LoadBalancer, inv: Inventory) -> Result | None:
    kind = need(lb, "lb_type")
    if kind == "gateway":
        return None  # GWLBs have no access logs
    if kind == "network" and not any(x.secure for x in _listeners(lb)):
        return None  # NLB access logs cover TLS listeners only
    if need(lb, "access_logs_enabled"):
        return passed(f"{_kind(lb)} {lb.label}: access logs go to s3://{lb.access_logs_bucket}")
    return failed(f"{_kind(lb)} {lb.label}: access logging is disabled")


@check(
    id="elb-deletion-protection",
    title="Load balancers have deletion protection on",
    duty="elb.load-balancer-settings",
    severity="medium",
    resource_type=LoadBalancer,
    rationale="Deletion protection stops one mistaken call or template change taking an entry point down.",
    fsbp=("ELB.6",),
    remediation=Remediation(
        console="EC2 > Load balancers > LB > Attributes > Edit: Deletion protection on.",
        cli=(
            "aws elbv2 modify-load-balancer-attributes --load-balancer-arn <arn> "
            "--attributes Key=deletion_protection.enabled,Value=true"
        ),
        terraform='resource "aws_lb" "this" {\n  enable_deletion_protection = true\n}',
    ),
)
def deletion_protection(lb: LoadBalancer, inv: Inventory) -> Result | None:
    if need(lb, "lb_type") == "classic":
        return None  # Classic Load Balancers have no deletion protection
    if need(lb, "deletion_protection"):
        return passed(f"{_kind(lb)} {lb.label}: deletion protection is on")
    return failed(f"{_kind(lb)} {lb.label}: deletion protection is off")


@check(
    id="elb-alb-drop-invalid-headers",
    title="Application Load Balancers drop invalid HTTP header fields",
    duty="elb.load-balancer-settings",
    severity="medium",
    resource_type=LoadBalancer,
    rationale=(
        "Forwarding malformed headers to targets opens the door to HTTP desync and request "
        "smuggling against the application."
    ),
    fsbp=("ELB.4",),
    remediation=Remediation(
        console="EC2 > Load balancers > ALB > Attributes > Edit: 'Drop invalid header fields' on.",
        cli=(
            "aws elbv2 modify-load-balancer-attributes --load-balancer-arn <arn> --attributes "
            "Key=routing.http.drop_invalid_header_fields.enabled,Value=true"
        ),
        terraform='resource "aws_lb" "this" {\n  drop_invalid_header_fields = true\n}',
    ),
)
def drop_invalid_headers(lb: LoadBalancer, inv: Inventory) -> Result | None:
    if need(lb, "lb_type") != "application":
        return None
    if need(lb, "drop_invalid_header_fields"):
        return passed(f"ALB {lb.label}: invalid header fields are dropped")
    return failed(f"ALB {lb.label}: invalid header fields are forwarded to targets")


@check(
    id="elb-alb-waf-attached",
    title="Internet-facing Application Load Balancers are protected by an AWS WAF web ACL",
    duty="waf.web-application-firewall",
    severity="medium",
    resource_type=LoadBalancer,
    rationale=(
        "A web ACL filters common exploits (SQL injection, XSS, bad bots, rate abuse) before "
        "they reach the application; AWS runs WAF, the customer must attach and tune it."
    ),
    remediation=Remediation(
        console=(
            "WAF & Shield > Web ACLs (Regional, the ALB's region) > web ACL > Associated AWS "
            "resources > Add: the ALB. Start from the AWS managed Core rule set."
        ),
        cli="aws wafv2 associate-web-acl --web-acl-arn <web-acl-arn> --resource-arn <alb-arn>",
        terraform=(
            'resource "aws_wafv2_web_acl_association" "alb" {\n'
            "  resource_arn = aws_lb.this.arn\n  web_acl_arn  = aws_wafv2_web_acl.this.arn\n}"
        ),
    ),
)
def alb_waf(lb: LoadBalancer, inv: Inventory) -> Result | None:
    if need(lb, "lb_type") != "application" or need(lb, "scheme") != "internet-facing":
        return None
    acl = need(lb, "waf_web_acl_arn")
    if acl:
        return passed(f"ALB {lb.label}: web ACL {acl.rsplit('/', 2)[-2] if '/' in acl else acl}")
    return failed(f"ALB {lb.label}: internet-facing with no WAF web ACL associated")


@check(
    id="elb-cross-zone-load-balancing",
    title="Classic and Network Load Balancers balance across Availability Zones",
    duty="elb.cross-zone-load-balancing",
    severity="medium",
    resource_type=LoadBalancer,
    rationale=(
        "Without cross-zone balancing each zone's node only serves its own zone's targets, so "
        "losing targets in one zone overloads it while others idle."
    ),
    fsbp=("ELB.9",),
    remediation=Remediation(
        console=("EC2 > Load balancers > LB > Attributes > Edit: Cross-zone load balancing on."),
        cli=(
            "aws elb modify-load-balancer-attributes --load-balancer-name <name> "
            '--load-balancer-attributes \'{"CrossZoneLoadBalancing":{"Enabled":true}}\'  '
            "# NLB: aws elbv2 modify-load-balancer-attributes --load-balancer-arn <arn> "
            "--attributes Key=load_balancing.cross_zone.enabled,Value=true"
        ),
        terraform=(
            'resource "aws_elb" "this" {\n  cross_zone_load_balancing = true\n}\n'
            'resource "aws_lb" "nlb" {\n  enable_cross_zone_load_balancing = true\n}'
        ),
    ),
)
def cross_zone(lb: LoadBalancer, inv: Inventory) -> Result | None:
    if need(lb, "lb_type") not in ("classic", "network"):
        return None
    if need(lb, "cross_zone"):
        return passed(f"{_kind(lb)} {lb.label}: cross-zone load balancing is on")
    return failed(f"{_kind(lb)} {lb.label}: cross-zone load balancing is off")
