#!/usr/bin/env bash
# Remove a DRS Orchestration deployment: empties the stack's buckets, deletes the stack and waits
# until it is gone. Safe to run again. Run ./cleanup.sh --help for the options.
set -euo pipefail

STACK_NAME=${DRS_STACK_NAME:-drs-orchestration}
REGION=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
ENDPOINT_URL=${DRS_AWS_ENDPOINT_URL:-}
ARTIFACTS_BUCKET=""
DELETE_ARTIFACTS=false
DELETE_DATA=false
ASSUME_YES=false

usage() {
  cat <<'EOF'
Usage: ./cleanup.sh [options]

Deletes a DRS Orchestration stack: empties every S3 bucket the stack (and its nested stacks)
created but the evidence bucket (kept, with its packs), deletes the stack and waits for the
deletion to finish. Running it again when the stack is already gone does nothing and succeeds.

Options:
  --stack-name NAME         Stack to delete (default: drs-orchestration, or $DRS_STACK_NAME).
  --region REGION           AWS Region (default: $AWS_REGION, $AWS_DEFAULT_REGION or the CLI profile's).
  --delete-data             Also delete the tables and the user pool when they are deletion-protected
                            (turns the protection off first). Without it, a protected stack is left alone.
  --delete-artifacts        Also empty and delete the artifacts bucket deploy.sh created.
  --artifacts-bucket NAME   The artifacts bucket (default: drs-orchestration-artifacts-<account>-<region>).
  --yes                     Do not ask for confirmation.
  --endpoint-url URL        Send every AWS call to URL (an AWS-compatible endpoint such as a
                            local moto server; also $DRS_AWS_ENDPOINT_URL).
  -h, --help                Show this help.

Needs: aws (AWS CLI) and python3.
EOF
}

step() { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die() { printf 'cleanup.sh: %s\n' "$*" >&2; exit 1; }

need_value() {
  if [ $# -lt 2 ] || [ -z "$2" ]; then die "$1 needs a value (see --help)"; fi
}

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --stack-name) need_value "$@"; STACK_NAME=$2; shift 2 ;;
      --region) need_value "$@"; REGION=$2; shift 2 ;;
      --delete-data) DELETE_DATA=true; shift ;;
      --delete-artifacts) DELETE_ARTIFACTS=true; shift ;;
      --artifacts-bucket) need_value "$@"; ARTIFACTS_BUCKET=$2; shift 2 ;;
      --yes) ASSUME_YES=true; shift ;;
      --endpoint-url) need_value "$@"; ENDPOINT_URL=$2; shift 2 ;;
      -h | --help) usage; exit 0 ;;
      *) die "unknown option: $1 (see --help)" ;;
    esac
  done
}

aws_cli() { aws --region "$REGION" "$@"; }

check_environment() {
  step "Checking tools and credentials"
  local missing=() tool
  for tool in aws python3; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  [ ${#missing[@]} -eq 0 ] || die "missing tools: ${missing[*]}"
  if [ -n "$ENDPOINT_URL" ]; then
    export AWS_ENDPOINT_URL="$ENDPOINT_URL"
    info "every AWS call goes to $ENDPOINT_URL"
  fi
  if [ -z "$REGION" ]; then REGION=$(aws configure get region 2>/dev/null || true); fi
  [ -n "$REGION" ] || die "no AWS Region: pass --region or set AWS_REGION"
  if ! ACCOUNT_ID=$(aws_cli sts get-caller-identity --query Account --output text 2>/dev/null); then
    die "no usable AWS credentials (aws sts get-caller-identity failed)"
  fi
  info "account $ACCOUNT_ID, region $REGION, stack $STACK_NAME"
}

stack_exists() {
  local status
  status=$(aws_cli cloudformation describe-stacks --stack-name "$1" \
    --query 'Stacks[0].StackStatus' --output text 2>/dev/null) || return 1
  [ "$status" != DELETE_COMPLETE ]
}

# "Type<TAB>PhysicalId" of every live resource of a stack, nested stacks included.
list_resources() {
  local stack=$1 type id logical
  while IFS=$'\t' read -r type id logical; do
    if [ -z "$id" ] || [ "$id" = None ]; then continue; fi
    printf '%s\t%s\t%s\n' "$type" "$id" "$logical"
    if [ "$type" = AWS::CloudFormation::Stack ]; then list_resources "$id"; fi
  done < <(aws_cli cloudformation list-stack-resources --stack-name "$stack" \
    --query "StackResourceSummaries[?ResourceStatus!='DELETE_COMPLETE'].[ResourceType,PhysicalResourceId,LogicalResourceId]" \
    --output text)
}

RESOURCES=""
resources_of_type() { printf '%s\n' "$RESOURCES" | awk -F '\t' -v type="$1" '$1 == type { print $2 }'; }
# The evidence bucket outlives the stack (DeletionPolicy Retain): auditors' packs are never emptied.
EVIDENCE_BUCKET_ID=EvidenceBucket
buckets_to_empty() {
  printf '%s\n' "$RESOURCES" | awk -F '\t' -v kept="$EVIDENCE_BUCKET_ID" '$1 == "AWS::S3::Bucket" && $3 != kept { print $2 }'
}
kept_buckets() {
  printf '%s\n' "$RESOURCES" | awk -F '\t' -v kept="$EVIDENCE_BUCKET_ID" '$1 == "AWS::S3::Bucket" && $3 == kept { print $2 }'
}

# Deletes every object version and delete marker, 1000 at a time. A missing bucket is empty.
empty_bucket() {
  local bucket=$1 listing batch
  while :; do
    if ! listing=$(aws_cli s3api list-object-versions --bucket "$bucket" --max-keys 1000 --output json 2>&1); then
      case "$listing" in
        *NoSuchBucket*) info "s3://$bucket is already gone"; return ;;
        *) die "could not list s3://$bucket: $listing" ;;
      esac
    fi
    batch=$(printf '%s' "$listing" | python3 -c '
import json, sys
text = sys.stdin.read().strip()
page = json.loads(text) if text else {}
entries = (page.get("Versions") or []) + (page.get("DeleteMarkers") or [])
objects = [{"Key": e["Key"], "VersionId": e["VersionId"]} for e in entries[:1000]]
print(json.dumps({"Objects": objects, "Quiet": True}) if objects else "")')
    [ -n "$batch" ] || break
    aws_cli s3api delete-objects --bucket "$bucket" --delete "$batch" >/dev/null
  done
  info "emptied s3://$bucket"
}

confirm() {
  [ "$ASSUME_YES" = true ] && return
  [ -t 0 ] || die "refusing to delete without --yes when not run interactively"
  local answer
  read -r -p "$1 in $ACCOUNT_ID/$REGION? [y/N] " answer
  [ "$answer" = y ] || [ "$answer" = Y ] || die "cancelled"
}

lift_deletion_protection() {
  local tables pools item
  tables=$(resources_of_type AWS::DynamoDB::Table)
  pools=$(resources_of_type AWS::Cognito::UserPool)
  local protected=()
  for item in $tables; do
    if [ "$(aws_cli dynamodb describe-table --table-name "$item" \
      --query Table.DeletionProtectionEnabled --output text 2>/dev/null)" = True ]; then
      protected+=("table $item")
    fi
  done
  for item in $pools; do
    if [ "$(aws_cli cognito-idp describe-user-pool --user-pool-id "$item" \
      --query UserPool.DeletionProtection --output text 2>/dev/null)" = ACTIVE ]; then
      protected+=("user pool $item")
    fi
  done
  [ ${#protected[@]} -gt 0 ] || return 0
  if [ "$DELETE_DATA" = false ]; then
    printf 'cleanup.sh: deletion-protected, so the stack cannot be deleted:\n' >&2
    printf '  %s\n' "${protected[@]}" >&2
    die "rerun with --delete-data to delete them (their data is lost), or deploy with DeletionProtection=false first"
  fi
  for item in $tables; do
    aws_cli dynamodb update-table --table-name "$item" --no-deletion-protection-enabled >/dev/null
    info "deletion protection off: table $item"
  done
  for item in $pools; do
    aws_cli cognito-idp update-user-pool --user-pool-id "$item" --deletion-protection INACTIVE
    info "deletion protection off: user pool $item"
  done
}

delete_stack() {
  step "Stack $STACK_NAME"
  if ! stack_exists "$STACK_NAME"; then
    info "not found: nothing to delete"
    return
  fi
  confirm "Delete stack $STACK_NAME and everything in it"
  RESOURCES=$(list_resources "$STACK_NAME")
  lift_deletion_protection
  local bucket
  for bucket in $(buckets_to_empty); do
    empty_bucket "$bucket"
  done
  for bucket in $(kept_buckets); do
    info "kept s3://$bucket: evidence packs outlive the stack (delete it yourself once they may go)"
  done
  info "deleting (with CloudFront this takes several minutes)"
  aws_cli cloudformation delete-stack --stack-name "$STACK_NAME"
  if ! aws_cli cloudformation wait stack-delete-complete --stack-name "$STACK_NAME"; then
    aws_cli cloudformation describe-stack-events --stack-name "$STACK_NAME" \
      --query "StackEvents[?ResourceStatus=='DELETE_FAILED'].[LogicalResourceId,ResourceStatusReason]" \
      --output text >&2 || true
    die "the stack was not deleted: see the reasons above, fix them and run cleanup.sh again"
  fi
  info "deleted"
}

delete_artifacts() {
  [ "$DELETE_ARTIFACTS" = true ] || return 0
  step "Artifacts bucket"
  if [ -z "$ARTIFACTS_BUCKET" ]; then ARTIFACTS_BUCKET="drs-orchestration-artifacts-$ACCOUNT_ID-$REGION"; fi
  if ! aws_cli s3api head-bucket --bucket "$ARTIFACTS_BUCKET" >/dev/null 2>&1; then
    info "s3://$ARTIFACTS_BUCKET is already gone"
    return
  fi
  confirm "Delete the artifacts bucket $ARTIFACTS_BUCKET"
  empty_bucket "$ARTIFACTS_BUCKET"
  aws_cli s3api delete-bucket --bucket "$ARTIFACTS_BUCKET"
  info "deleted s3://$ARTIFACTS_BUCKET"
}

main() {
  parse_args "$@"
  check_environment
  delete_stack
  delete_artifacts
  step "Done"
}

main "$@"
