"""Demo Route 53: public zone "demo-shop.example.com" logs queries to CloudWatch Logs
(compliant); public zone "demo-legacy.example.com" does not (planted).

moto 5.2.5 cannot enable DNSSEC signing (GetDNSSEC always answers NOT_SIGNING), so both zones
show DNSSEC unsigned here; the SIGNING PASS case is proven in tests with a botocore Stubber."""

from __future__ import annotations

import boto3

from demarcate.demo import DEMO_ACCOUNT

ORDER = 40
QUERY_LOG_GROUP = "/aws/route53/demo-shop.example.com"


def seed(session: boto3.Session, regions: list[str]) -> None:
    r53 = session.client("route53", region_name="us-east-1")
    good = r53.create_hosted_zone(Name="demo-shop.example.com", CallerReference="demo-shop")
    r53.create_hosted_zone(Name="demo-legacy.example.com", CallerReference="demo-legacy")
    # Route 53 query logs must go to a log group in us-east-1.
    logs = session.client("logs", region_name="us-east-1")
    logs.create_log_group(logGroupName=QUERY_LOG_GROUP)
    logs.put_retention_policy(logGroupName=QUERY_LOG_GROUP, retentionInDays=365)
    r53.create_query_logging_config(
        HostedZoneId=good["HostedZone"]["Id"].rsplit("/", 1)[-1],
        CloudWatchLogsLogGroupArn=(
            f"arn:aws:logs:us-east-1:{DEMO_ACCOUNT}:log-group:{QUERY_LOG_GROUP}:*"
        ),
    )
