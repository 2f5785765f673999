"""Demo Lambda in regions[0].

- "demo-orders-api" (compliant): python3.12, role demo-lambda-exec (least privilege), its
  environment only references a Secrets Manager ARN and is encrypted with a customer-managed
  KMS key, function URL requires AWS_IAM.
- "demo-legacy-webhook" (planted): nodejs14.x (deprecated), DB_PASSWORD as a literal in its
  environment (AWS managed key), public function URL (AuthType NONE, policy open to '*'), role
  demo-lambda-admin (AdministratorAccess).
- "demo-report-builder" (planted): python3.12 but runs as demo-lambda-admin.

seed_iam (ORDER 5) creates both roles; they are created here only if missing. Functions are
never invoked (moto would need Docker for that).
"""

from __future__ import annotations

import io
import json
import zipfile

import boto3

ORDER = 30
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
TRUST = json.dumps(
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
)
LOGS_ONLY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": "arn:aws:logs:*:*:log-group:/aws/lambda/demo-*",
            }
        ],
    }
)


def _zip(source: str, filename: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(filename, source)
    return buf.getvalue()


def _role(iam, name: str, admin: bool) -> str:
    try:
        return iam.get_role(RoleName=name)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
        if admin:
            iam.attach_role_policy(RoleName=name, PolicyArn=ADMIN)
        else:
            iam.put_role_policy(RoleName=name, PolicyName="logs", PolicyDocument=LOGS_ONLY)
        return arn


def seed(session: boto3.Session, regions: list[str]) -> None:
    region = regions[0]
    iam = session.client("iam")
    lam = session.client("lambda", region_name=region)
    kms = session.client("kms", region_name=region)
    exec_role = _role(iam, "demo-lambda-exec", admin=False)
    admin_role = _role(iam, "demo-lambda-admin", admin=True)
    key = kms.create_key(Description="demo-lambda-env", MultiRegion=False)["KeyMetadata"]
    kms.enable_key_rotation(KeyId=key["KeyId"])
    python = _zip("def handler(event, context):\n    return {'ok': True}\n", "app.py")
    node = _zip("exports.handler = async () => ({ statusCode: 200 });\n", "index.js")

    lam.create_function(
        FunctionName="demo-orders-api",
        Runtime="python3.12",
        Role=exec_role,
        Handler="app.handler",
        Code={"ZipFile": python},
        Environment={
            "Variables": {
                "DB_SECRET_ARN": f"arn:aws:secretsmanager:{region}:123456789012:secret:demo-orders-db",
                "LOG_LEVEL": "INFO",
            }
        },
        KMSKeyArn=key["Arn"],
    )
    lam.create_function_url_config(FunctionName="demo-orders-api", AuthType="AWS_IAM")

    lam.create_function(
        FunctionName="demo-legacy-webhook",
        Runtime="nodejs14.x",
        Role=admin_role,
        Handler="index.handler",
        Code={"ZipFile": node},
        Environment={"Variables": {"DB_PASSWORD": "Sup3rS3cretPassw0rd", "DB_HOST": "db.internal"}},
    )
    lam.create_function_url_config(FunctionName="demo-legacy-webhook", AuthType="NONE")
    lam.add_permission(
        FunctionName="demo-legacy-webhook",
        StatementId="FunctionURLAllowPublicAccess",
        Action="lambda:InvokeFunctionUrl",
        Principal="*",
        FunctionUrlAuthType="NONE",
    )

    lam.create_function(
        FunctionName="demo-report-builder",
        Runtime="python3.12",
        Role=admin_role,
        Handler="app.handler",
        Code={"ZipFile": python},
    )
