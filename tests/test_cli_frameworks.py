"""`frameworks` command, through a small Typer app built with cli_frameworks.register()."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from demarcate.cli_frameworks import register
from demarcate.compliance.frameworks import coverage

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def root() -> None:
        """Test app."""

    register(app)
    return app


def test_list_as_json_matches_coverage():
    result = runner.invoke(_app(), ["frameworks", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    ids = {r["id"] for r in rows}
    assert {"cis-aws-v7.0.0", "aws-fsbp", "nist-800-53-rev5", "pci-dss-v4.0.1"} <= ids
    for r in rows:
        assert r["coverage"] == coverage(r["id"])


def test_list_as_table():
    result = runner.invoke(_app(), ["frameworks"])
    assert result.exit_code == 0, result.output
    assert "cis-aws-v7.0.0" in result.stdout
    assert "Not covered" in result.stdout


def test_one_framework_controls():
    result = runner.invoke(_app(), ["frameworks", "pci-dss-v4.0.1", "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["coverage"] == {"automated": 1, "manual": 0, "not_covered": 0, "total": 1}
    assert data["controls"][0]["checks"] == [
        {"check": "s3-account-public-access-block", "via": ["S3.1"]}
    ]
    table = runner.invoke(_app(), ["frameworks", "cis-aws-v7.0.0"])
    assert table.exit_code == 0, table.output
    assert "iam.identity-federation" in table.stdout


def test_unknown_framework_exits_2():
    result = runner.invoke(_app(), ["frameworks", "iso-27001"])
    assert result.exit_code == 2
