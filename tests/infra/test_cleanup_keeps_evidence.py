"""cleanup.sh empties the stack's buckets but the evidence bucket: auditors' packs outlive the stack."""

from __future__ import annotations

import pytest

from tests.infra.test_scripts import CLEANUP, moto_client, needs_aws_cli, run, stack_names

STACK = """
Resources:
  ReportsBucket:
    Type: AWS::S3::Bucket
  EvidenceBucket:
    Type: AWS::S3::Bucket
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
    Properties:
      VersioningConfiguration: {Status: Enabled}
Outputs:
  Reports: {Value: !Ref ReportsBucket}
  Evidence: {Value: !Ref EvidenceBucket}
"""


@pytest.mark.slow
@needs_aws_cli
def test_cleanup_keeps_the_evidence_bucket_and_its_packs_when_the_stack_is_deleted(
    moto_endpoint: str, script_env: dict[str, str]
) -> None:
    # Given a stack with a reports bucket and an evidence bucket, both holding files
    cloudformation = moto_client("cloudformation", moto_endpoint)
    cloudformation.create_stack(StackName="cleanup-evidence", TemplateBody=STACK)
    outputs = cloudformation.describe_stacks(StackName="cleanup-evidence")["Stacks"][0]["Outputs"]
    buckets = {output["OutputKey"]: output["OutputValue"] for output in outputs}
    s3 = moto_client("s3", moto_endpoint)
    s3.put_object(Bucket=buckets["Reports"], Key="reports/ex-1/a.csv", Body=b"x")
    s3.put_object(Bucket=buckets["Evidence"], Key="evidence/ex-1/final.html", Body=b"<!DOCTYPE html>")

    # When cleanup.sh deletes the stack
    result = run(
        CLEANUP, "--stack-name", "cleanup-evidence", "--yes", "--endpoint-url", moto_endpoint, env=script_env
    )

    # Then the stack and the reports bucket are gone, the evidence pack is still there
    assert result.returncode == 0, result.stderr
    assert "cleanup-evidence" not in stack_names(moto_endpoint)
    existing = {bucket["Name"] for bucket in s3.list_buckets()["Buckets"]}
    assert buckets["Reports"] not in existing
    kept = s3.get_object(Bucket=buckets["Evidence"], Key="evidence/ex-1/final.html")["Body"].read()
    assert kept == b"<!DOCTYPE html>"
    assert f"kept s3://{buckets['Evidence']}" in result.stdout
