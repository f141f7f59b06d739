"""The evidence bucket: private, encrypted, versioned, TLS only, kept when the stack goes, Object Lock
when the master template's EvidenceObjectLockDays is not 0; the API may only write and read packs."""

from __future__ import annotations

from typing import Any

from tests.infra.templates import CFN, load, role_statements

FRONTEND = load(CFN / "frontend-stack.yaml")
API = load(CFN / "api-stack.yaml")
MASTER = load(CFN / "master-template.yaml")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_evidence_bucket_is_private_encrypted_versioned_and_kept_when_the_stack_is_deleted() -> None:
    resource = FRONTEND["Resources"]["EvidenceBucket"]
    bucket = resource["Properties"]

    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert "BucketName" not in bucket
    assert resource["DeletionPolicy"] == "Retain"
    assert resource["UpdateReplacePolicy"] == "Retain"
    assert all("ExpirationInDays" not in rule for rule in bucket["LifecycleConfiguration"]["Rules"])
    emptied = [
        r
        for r in FRONTEND["Resources"].values()
        if r["Type"] == "Custom::EmptyBuckets" and {"Ref": "EvidenceBucket"} in r["Properties"]["Buckets"]
    ]
    assert emptied == []


def test_evidence_bucket_refuses_plain_http() -> None:
    policy = FRONTEND["Resources"]["EvidenceBucketPolicy"]["Properties"]
    assert policy["Bucket"] == {"Ref": "EvidenceBucket"}
    assert any(
        s["Effect"] == "Deny"
        and s["Principal"] == "*"
        and s["Action"] == "s3:*"
        and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        and {"Fn::Sub": "${EvidenceBucket.Arn}/*"} in s["Resource"]
        for s in policy["PolicyDocument"]["Statement"]
    )


def test_object_lock_is_compliance_retention_of_the_parameter_days_and_off_at_zero() -> None:
    bucket = FRONTEND["Resources"]["EvidenceBucket"]["Properties"]
    assert FRONTEND["Conditions"]["EvidenceLocked"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "EvidenceObjectLockDays"}, 0]}]
    }
    assert bucket["ObjectLockEnabled"] == {"Fn::If": ["EvidenceLocked", True, {"Ref": "AWS::NoValue"}]}
    locked, unlocked = bucket["ObjectLockConfiguration"]["Fn::If"][1:]
    assert locked["ObjectLockEnabled"] == "Enabled"
    assert locked["Rule"]["DefaultRetention"] == {
        "Mode": "COMPLIANCE",
        "Days": {"Ref": "EvidenceObjectLockDays"},
    }
    assert unlocked == {"Ref": "AWS::NoValue"}
    assert MASTER["Parameters"]["EvidenceObjectLockDays"]["Default"] == 0
    frontend = MASTER["Resources"]["FrontendStack"]["Properties"]["Parameters"]
    assert frontend["EvidenceObjectLockDays"] == {"Ref": "EvidenceObjectLockDays"}


def test_api_may_only_put_and_get_packs_under_the_evidence_prefix() -> None:
    s3 = [
        statement
        for statement in role_statements(API)["ApiFunctionRole"]
        if "EvidenceBucketName" in str(statement.get("Resource"))
    ]

    assert len(s3) == 1
    assert sorted(_list(s3[0]["Action"])) == ["s3:GetObject", "s3:PutObject"]
    assert s3[0]["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:s3:::${EvidenceBucketName}/evidence/*"}


def test_master_hands_the_evidence_bucket_to_the_api_function() -> None:
    parameters = MASTER["Resources"]["ApiStack"]["Properties"]["Parameters"]

    assert parameters["EvidenceBucketName"] == {"Fn::GetAtt": ["FrontendStack", "Outputs.EvidenceBucketName"]}
    assert FRONTEND["Outputs"]["EvidenceBucketName"]["Value"] == {"Ref": "EvidenceBucket"}
    environment = API["Resources"]["ApiFunction"]["Properties"]["Environment"]["Variables"]
    assert environment["EVIDENCE_BUCKET"] == {
        "Fn::If": ["HasEvidenceBucket", {"Ref": "EvidenceBucketName"}, {"Ref": "AWS::NoValue"}]
    }
