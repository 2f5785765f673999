"""Templates that cannot be read: reported with path, line and message; hostile input (YAML
alias bombs, deep nesting, huge files, unsafe tags) fails cleanly and fast."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from demarcate.sources.cloudformation import load_template
from demarcate.sources.cloudformation.parse import MAX_BYTES, MAX_DEPTH
from demarcate.sources.iac.errors import IacParseError


def _load(tmp_path: Path, name: str, text: str | bytes) -> tuple[list, list[IacParseError], float]:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    start = time.perf_counter()
    resources, errors = load_template(path)
    return resources, errors, time.perf_counter() - start


def test_yaml_syntax_error_has_path_line_and_message(tmp_path: Path) -> None:
    text = (
        "Resources:\n"
        "  Bucket:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties:\n"
        "      BucketName: [unclosed\n"
        "  Other:\n"
        "    Type: AWS::S3::Bucket\n"
    )
    resources, errors, _ = _load(tmp_path, "broken.yaml", text)
    assert resources == []
    assert len(errors) == 1
    err = errors[0]
    assert err.path == str(tmp_path / "broken.yaml")
    assert err.line == 6
    assert err.message.startswith("YAML: ")


def test_json_syntax_error_has_path_line_and_message(tmp_path: Path) -> None:
    text = '{\n  "Resources": {\n    "Bucket": {\n      "Type": "AWS::S3::Bucket"\n    }\n    "Other": {}\n  }\n}\n'
    resources, errors, _ = _load(tmp_path, "broken.json", text)
    assert resources == []
    assert [(e.path, e.line) for e in errors] == [(str(tmp_path / "broken.json"), 6)]
    assert "Expecting ',' delimiter" in errors[0].message


def test_not_a_template(tmp_path: Path) -> None:
    _, errors, _ = _load(tmp_path, "values.yaml", "replicas: 3\nimage: nginx\n")
    assert [(e.line, e.message) for e in errors] == [
        (1, "not a CloudFormation template: no Resources mapping")
    ]


def test_a_bad_resource_does_not_sink_the_template(tmp_path: Path) -> None:
    text = (
        "Resources:\n"
        "  Good:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties: {BucketName: still-read}\n"
        "  NoType:\n"
        "    Properties: {}\n"
        "  BadRule:\n"
        "    Type: AWS::EC2::SecurityGroup\n"
        "    Properties:\n"
        "      GroupDescription: x\n"
        "      SecurityGroupIngress: [{FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}]\n"
    )
    resources, errors, _ = _load(tmp_path, "partial.yaml", text)
    assert [r.id for r in resources if r.TYPE == "s3.bucket"] == ["still-read"]
    assert [(e.line, e.message) for e in errors] == [(5, "resource NoType has no Type")]
    sg = next(r for r in resources if r.id == "BadRule")
    assert sg.ingress is None and "IpProtocol" in sg.unknown["ingress"]


def test_unsafe_and_unknown_tags_are_refused(tmp_path: Path) -> None:
    text = "Resources:\n  X:\n    Type: !!python/object/apply:os.system ['echo pwned']\n"
    resources, errors, _ = _load(tmp_path, "unsafe.yaml", text)
    assert resources == []
    assert errors[0].line == 3 and "python/object/apply" in errors[0].message
    _, errors, _ = _load(tmp_path, "custom.yaml", "Resources:\n  X: !Custom foo\n")
    assert errors[0].line == 2 and "!Custom" in errors[0].message


BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
    "Resources:\n  X:\n    Type: AWS::S3::Bucket\n    Properties: {Tags: *i}\n"
)


def test_alias_bomb_fails_fast(tmp_path: Path) -> None:
    resources, errors, elapsed = _load(tmp_path, "bomb.yaml", BOMB)
    assert elapsed < 2
    assert resources == []
    assert len(errors) == 1 and "alias bomb" in errors[0].message
    assert errors[0].line is not None


def test_many_aliases_fail_fast(tmp_path: Path) -> None:
    text = "x: &x 1\nys: [" + ", ".join(["*x"] * 5000) + "]\nResources: {}\n"
    _, errors, elapsed = _load(tmp_path, "aliases.yaml", text)
    assert elapsed < 2
    assert "YAML aliases" in errors[0].message


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    _, errors, elapsed = _load(tmp_path, "loop.yaml", "a: &a [*a]\nResources: {}\n")
    assert elapsed < 2
    assert "recursive YAML alias" in errors[0].message


def test_a_few_aliases_are_fine(tmp_path: Path) -> None:
    text = (
        "Resources:\n"
        "  A:\n    Type: AWS::S3::Bucket\n    Properties:\n"
        "      BucketName: a-bucket\n      VersioningConfiguration: &v {Status: Enabled}\n"
        "  B:\n    Type: AWS::S3::Bucket\n    Properties:\n"
        "      BucketName: b-bucket\n      VersioningConfiguration: *v\n"
    )
    resources, errors, _ = _load(tmp_path, "anchors.yaml", text)
    assert errors == []
    assert {r.id: r.versioning for r in resources} == {"a-bucket": "Enabled", "b-bucket": "Enabled"}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep-flow.yaml", "Resources: " + "[" * 200_000 + "]" * 200_000 + "\n"),
        ("deep-map.yaml", "Resources: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n"),
        ("deep-block.yaml", "".join(" " * i + f"k{i}:\n" for i in range(2000)) + "Resources: {}\n"),
        ("deep.json", '{"Resources": ' + "[" * 500_000 + "]" * 500_000 + "}"),
    ],
)
def test_deep_nesting_fails_fast(tmp_path: Path, name: str, text: str) -> None:
    resources, errors, elapsed = _load(tmp_path, name, text)
    assert elapsed < 2
    assert resources == []
    assert len(errors) == 1
    assert f"nesting deeper than {MAX_DEPTH} levels" in errors[0].message
    assert errors[0].line is not None


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    text = "Resources: {}\n# " + "x" * MAX_BYTES + "\n"
    _, errors, elapsed = _load(tmp_path, "huge.yaml", text)
    assert elapsed < 2
    assert "byte limit" in errors[0].message


def test_binary_and_missing_files(tmp_path: Path) -> None:
    _, errors, _ = _load(tmp_path, "binary.yaml", b"\xff\xfe\x00Resources")
    assert "not UTF-8" in errors[0].message
    resources, errors = load_template(tmp_path / "absent.yaml")
    assert resources == [] and "cannot read the file" in errors[0].message
