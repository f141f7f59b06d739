"""The reports bucket: private, encrypted, its exports expire after a day and go with the stack; the API
may only write and read exports in it, and the master template wires it to the API."""

from __future__ import annotations

from tests.infra.templates import CFN, load, role_statements

FRONTEND = load(CFN / "frontend-stack.yaml")
API = load(CFN / "api-stack.yaml")
MASTER = load(CFN / "master-template.yaml")


def test_reports_bucket_is_private_encrypted_and_expires_exports_after_a_day() -> None:
    bucket = FRONTEND["Resources"]["ReportsBucket"]["Properties"]

    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    rules = bucket["LifecycleConfiguration"]["Rules"]
    assert [(rule["Status"], rule["ExpirationInDays"]) for rule in rules] == [("Enabled", 1)]
    assert "BucketName" not in bucket


def test_reports_bucket_refuses_plain_http_and_is_emptied_when_the_stack_is_deleted() -> None:
    resources = FRONTEND["Resources"]
    statements = resources["ReportsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in statements
    )
    emptiers = [
        resource
        for resource in resources.values()
        if resource["Type"] == "Custom::EmptyBuckets"
        and {"Ref": "ReportsBucket"} in resource["Properties"]["Buckets"]
    ]
    assert len(emptiers) == 1


def test_api_may_only_put_and_get_exports_under_reports_prefix() -> None:
    s3 = [
        statement
        for statement in role_statements(API)["ApiFunctionRole"]
        if any(str(action).startswith("s3:") for action in _list(statement["Action"]))
        and "ReportsBucketName" in str(statement["Resource"])
    ]

    assert len(s3) == 1
    assert sorted(_list(s3[0]["Action"])) == ["s3:GetObject", "s3:PutObject"]
    assert s3[0]["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:s3:::${ReportsBucketName}/reports/*"}


def test_master_hands_the_reports_bucket_to_the_api() -> None:
    parameters = MASTER["Resources"]["ApiStack"]["Properties"]["Parameters"]

    assert parameters["ReportsBucketName"] == {"Fn::GetAtt": ["FrontendStack", "Outputs.ReportsBucketName"]}
    assert FRONTEND["Outputs"]["ReportsBucketName"]["Value"] == {"Ref": "ReportsBucket"}


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]
