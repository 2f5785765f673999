"""Write a Terraform project of N resources (default 500) for benchmarking IaC scanners.

The resources are the demo project's (tests/fixtures/parity/terraform) kinds, compliant and
misconfigured alike, repeated with a numeric suffix: S3 buckets with their split resources,
security groups and rules, instances, EBS volumes, RDS, DynamoDB, Lambda, KMS, IAM, log
groups, load balancers, ECR. Every resource block counts toward N.

    python bench/gen_terraform.py OUT_DIR [-n 500]
"""

from __future__ import annotations

import argparse
from pathlib import Path

PROVIDER = """provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["123456789012"]
}

variable "env" {
  type    = string
  default = "bench"
}
"""

# One group per template: (number of resource blocks, HCL with {i} placeholders).
TEMPLATES: list[tuple[int, str]] = [
    (
        5,
        """
resource "aws_s3_bucket" "good_{i}" {{
  bucket = "${{var.env}}-good-{i}"
}}

resource "aws_s3_bucket_public_access_block" "good_{i}" {{
  bucket                  = aws_s3_bucket.good_{i}.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}}

resource "aws_s3_bucket_versioning" "good_{i}" {{
  bucket = aws_s3_bucket.good_{i}.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "good_{i}" {{
  bucket = aws_s3_bucket.good_{i}.id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.key_{i}.arn
    }}
  }}
}}

resource "aws_s3_bucket_logging" "good_{i}" {{
  bucket        = aws_s3_bucket.good_{i}.id
  target_bucket = aws_s3_bucket.open_{i}.id
  target_prefix = "good-{i}/"
}}
""",
    ),
    (
        3,
        """
resource "aws_s3_bucket" "open_{i}" {{
  bucket = "${{var.env}}-open-{i}"
}}

resource "aws_s3_bucket_acl" "open_{i}" {{
  bucket = aws_s3_bucket.open_{i}.id
  acl    = "public-read"
}}

resource "aws_s3_bucket_policy" "open_{i}" {{
  bucket = aws_s3_bucket.open_{i}.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Sid       = "Public"
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "${{aws_s3_bucket.open_{i}.arn}}/*"
    }}]
  }})
}}
""",
    ),
    (
        1,
        """
resource "aws_kms_key" "key_{i}" {{
  description         = "bench-key-{i}"
  enable_key_rotation = {rotate}
}}
""",
    ),
    (
        3,
        """
resource "aws_security_group" "web_{i}" {{
  name        = "bench-web-{i}"
  description = "web"
  vpc_id      = aws_vpc.main.id
  ingress {{
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

resource "aws_security_group_rule" "ssh_{i}" {{
  type              = "ingress"
  security_group_id = aws_security_group.web_{i}.id
  protocol          = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_blocks       = ["0.0.0.0/0"]
}}

resource "aws_vpc_security_group_ingress_rule" "db_{i}" {{
  security_group_id = aws_security_group.web_{i}.id
  ip_protocol       = "tcp"
  from_port         = 3306
  to_port           = 3306
  cidr_ipv4         = "0.0.0.0/0"
}}
""",
    ),
    (
        2,
        """
resource "aws_instance" "app_{i}" {{
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.main.id
  vpc_security_group_ids      = [aws_security_group.web_{i}.id]
  associate_public_ip_address = {public}
  metadata_options {{
    http_tokens = "{tokens}"
  }}
  root_block_device {{
    encrypted = {encrypted}
  }}
  tags = {{ Name = "bench-app-{i}" }}
}}

resource "aws_ebs_volume" "data_{i}" {{
  availability_zone = "us-east-1a"
  size              = 20
  encrypted         = {encrypted}
  tags              = {{ Name = "bench-data-{i}" }}
}}
""",
    ),
    (
        1,
        """
resource "aws_db_instance" "db_{i}" {{
  identifier              = "bench-db-{i}"
  engine                  = "postgres"
  engine_version          = "16.4"
  instance_class          = "db.t3.micro"
  allocated_storage       = 20
  username                = "app"
  manage_master_user_password = true
  storage_encrypted       = {encrypted}
  publicly_accessible     = {public}
  backup_retention_period = {retention}
  multi_az                = {encrypted}
  deletion_protection     = {encrypted}
}}
""",
    ),
    (
        1,
        """
resource "aws_dynamodb_table" "table_{i}" {{
  name         = "bench-table-{i}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  attribute {{
    name = "pk"
    type = "S"
  }}
  point_in_time_recovery {{
    enabled = {encrypted}
  }}
}}
""",
    ),
    (
        2,
        """
resource "aws_iam_role" "fn_{i}" {{
  name = "bench-fn-{i}"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Principal = {{ Service = "lambda.amazonaws.com" }}, Action = "sts:AssumeRole" }}]
  }})
}}

resource "aws_lambda_function" "fn_{i}" {{
  function_name = "bench-fn-{i}"
  runtime       = "{runtime}"
  handler       = "app.handler"
  filename      = "app.zip"
  role          = aws_iam_role.fn_{i}.arn
  environment {{
    variables = {{
      DB_PASSWORD = "{password}"
      LOG_LEVEL   = "INFO"
    }}
  }}
}}
""",
    ),
    (
        1,
        """
resource "aws_cloudwatch_log_group" "logs_{i}" {{
  name              = "/bench/app-{i}"
  retention_in_days = {retention}
}}
""",
    ),
    (
        2,
        """
resource "aws_lb" "alb_{i}" {{
  name                       = "bench-alb-{i}"
  load_balancer_type         = "application"
  subnets                    = [aws_subnet.main.id]
  drop_invalid_header_fields = {encrypted}
}}

resource "aws_lb_listener" "http_{i}" {{
  load_balancer_arn = aws_lb.alb_{i}.arn
  protocol          = "HTTP"
  port              = 80
  default_action {{
    type = "fixed-response"
    fixed_response {{
      content_type = "text/plain"
      status_code  = "200"
    }}
  }}
}}
""",
    ),
    (
        1,
        """
resource "aws_ecr_repository" "repo_{i}" {{
  name                 = "bench-repo-{i}"
  image_tag_mutability = "{mutability}"
  image_scanning_configuration {{
    scan_on_push = {encrypted}
  }}
}}
""",
    ),
]

NETWORK = """
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
  tags       = { Name = "bench-main" }
}

resource "aws_subnet" "main" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}
"""


def generate(out: Path, count: int = 500, per_file: int = 60) -> int:
    """Write the project; returns the number of resource blocks written."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.tf"):
        old.unlink()
    (out / "providers.tf").write_text(PROVIDER + NETWORK)
    written = 2
    chunks: list[str] = []
    i = 0
    while written < count:
        good = i % 2 == 0
        values = {
            "i": i,
            "rotate": "true" if good else "false",
            "public": "false" if good else "true",
            "tokens": "required" if good else "optional",
            "encrypted": "true" if good else "false",
            "retention": 14 if good else 1,
            "runtime": "python3.12" if good else "nodejs14.x",
            "password": "from-secrets-manager" if good else "Sup3rS3cretPassw0rd",
            "mutability": "IMMUTABLE" if good else "MUTABLE",
        }
        for size, template in TEMPLATES:
            if written >= count:
                break
            chunks.append(template.format(**values))
            written += size
        i += 1
    step = max(1, per_file // 3)
    for number, start in enumerate(range(0, len(chunks), step), start=1):
        (out / f"main_{number:03d}.tf").write_text("".join(chunks[start : start + step]))
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", "--count", type=int, default=500)
    args = parser.parse_args()
    written = generate(args.out, args.count)
    print(f"wrote {written} resources to {args.out}")


if __name__ == "__main__":
    main()
