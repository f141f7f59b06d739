#!/usr/bin/env bash
# Deploy DRS Orchestration to an AWS account with one command. Safe to run again: it updates the
# stack in place and skips what is already there. Run ./deploy.sh --help for the options.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD_DIR="$ROOT/.aws-sam/deploy"
PYTHON_RUNTIME=3.12
PIP_PLATFORM=manylinux2014_x86_64

STACK_NAME=${DRS_STACK_NAME:-drs-orchestration}
REGION=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
ENDPOINT_URL=${DRS_AWS_ENDPOINT_URL:-}
PARAMETERS_FILE="$ROOT/parameters.json"
ARTIFACTS_BUCKET=""
ADMIN_EMAIL=""
CONSOLE_DIR=""
REQUIREMENTS="$ROOT/requirements.txt"
PACKAGE_ONLY=false
DRY_RUN=false
SKIP_CONSOLE=false
ACCOUNT_ID=""
CONSOLE_PREFIX=""
PACKAGED_TEMPLATE=""
FIRST_CREATE=false

usage() {
  cat <<'EOF'
Usage: ./deploy.sh [options]

Deploys DRS Orchestration (cfn/master-template.yaml and its nested stacks) to the AWS account of
the current credentials: checks first (tools, credentials, DRS initialized in the Region, the
stack's state), builds the function package for Python 3.12, builds the console when
frontend/package.json exists, packages and deploys the stack, creates the first admin user and
prints the console URL. Running it again updates the deployment.

The first create runs with deletion protection off, so that a failed create can roll back
completely; once the stack is created, an update turns it on (DeletionProtection in the
parameter file). A stack left in a failed state is reported with the command that gets out of it.

Options:
  --stack-name NAME         Stack name (default: drs-orchestration, or $DRS_STACK_NAME).
  --region REGION           AWS Region (default: $AWS_REGION, $AWS_DEFAULT_REGION or the CLI profile's).
  --parameters FILE         Parameter file (default: parameters.json; see the file for each value).
  --artifacts-bucket NAME   Bucket for packaged templates, code and the built console
                            (default: drs-orchestration-artifacts-<account>-<region>, created if missing).
  --admin-email EMAIL       Create this console user in the Admin group if it does not exist yet;
                            Cognito e-mails a temporary password (a new one on each run until
                            the user has signed in).
  --console-dir DIR         Publish an already built console from DIR instead of building frontend/.
  --skip-console            Do not build or publish the console: what is published stays, and
                            config.json is still rewritten.
  --requirements FILE       Python requirements vendored into the function package
                            (default: requirements.txt).
  --package-only            Build and upload everything, write the packaged template, do not deploy.
  --dry-run                 Build and upload, then create the stack's change set, show every change
                            (nested stacks included) and delete the change set without executing it.
  --build-dir DIR           Where the build and the packaged template go (default: .aws-sam/deploy);
                            dependencies are cached there per requirements file.
  --endpoint-url URL        Send every AWS call to URL (an AWS-compatible endpoint such as a
                            local moto server; also $DRS_AWS_ENDPOINT_URL).
  -h, --help                Show this help.

Needs: the AWS CLI version 2, python3, zip, and Node.js (the version frontend/package.json names,
20.19 or later) with npm when the console is built. Credentials come from the usual AWS CLI
sources (environment, profile, SSO, instance role). AWS Elastic Disaster Recovery must be
initialized in the Region (the DRS console's first page, or: aws drs initialize-service).

Local mode (no AWS account needed):
  ./deploy.sh --local [--port 8000] [--time-scale 60] [--fleet demo|N] [--targets AxR]

  --local                   Run the whole product on this machine instead of deploying it: the
                            console and API on 127.0.0.1, local AWS (moto) and the DRS simulator,
                            seeded with a demo fleet, protection groups, a plan and three logins
                            (admin, operator, viewer). Creates .venv from requirements-dev.txt and
                            runs npm ci when they are missing, builds the console (Node.js 20.19 or
                            later) when it is out of date, prints the URLs and logins and writes
                            them to .local/endpoints.json ($DRS_LOCAL_DIR/endpoints.json when set).
                            Ctrl-C stops everything.
  --port PORT               With --local: the console and API port (default 8000).
  --time-scale N            With --local: simulated DRS seconds per real second (default 60).
  --fleet demo|N            With --local: the demo fleet (default) or N generated source servers.
  --targets AxR             With --local and --fleet N: spread the fleet over A accounts x R Regions
                            (e.g. 2x2), register the recovery accounts and plan over every target.
  --skip-console-build      With --local: serve frontend/dist as it is.
EOF
}

step() { printf '\n==> %s\n' "$*"; }
# sha256sum on Linux, shasum on macOS.
sha256() { if command -v sha256sum >/dev/null 2>&1; then sha256sum "$@"; else shasum -a 256 "$@"; fi; }
info() { printf '    %s\n' "$*"; }
die() { printf 'deploy.sh: %s\n' "$*" >&2; exit 1; }

need_value() {
  if [ $# -lt 2 ] || [ -z "$2" ]; then die "$1 needs a value (see --help)"; fi
}

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --stack-name) need_value "$@"; STACK_NAME=$2; shift 2 ;;
      --region) need_value "$@"; REGION=$2; shift 2 ;;
      --parameters) need_value "$@"; PARAMETERS_FILE=$2; shift 2 ;;
      --artifacts-bucket) need_value "$@"; ARTIFACTS_BUCKET=$2; shift 2 ;;
      --admin-email) need_value "$@"; ADMIN_EMAIL=$2; shift 2 ;;
      --console-dir) need_value "$@"; CONSOLE_DIR=$2; shift 2 ;;
      --skip-console) SKIP_CONSOLE=true; shift ;;
      --requirements) need_value "$@"; REQUIREMENTS=$2; shift 2 ;;
      --package-only) PACKAGE_ONLY=true; shift ;;
      --dry-run) DRY_RUN=true; shift ;;
      --build-dir) need_value "$@"; BUILD_DIR=$2; shift 2 ;;
      --endpoint-url) need_value "$@"; ENDPOINT_URL=$2; shift 2 ;;
      -h | --help) usage; exit 0 ;;
      *) die "unknown option: $1 (see --help)" ;;
    esac
  done
  if [ "$PACKAGE_ONLY" = true ] && [ "$DRY_RUN" = true ]; then
    die "--package-only and --dry-run exclude each other"
  fi
}

builds_console() {
  [ "$SKIP_CONSOLE" = false ] && [ -z "$CONSOLE_DIR" ] && [ -f "$ROOT/frontend/package.json" ]
}

check_tools() {
  step "Checking tools"
  local missing=() tool
  local tools=(aws python3 zip)
  if builds_console; then tools+=(node npm); fi
  for tool in "${tools[@]}"; do
    if command -v "$tool" >/dev/null 2>&1; then info "$tool: $(command -v "$tool")"; else missing+=("$tool"); fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    printf 'deploy.sh: missing tools: %s\n' "${missing[*]}" >&2
    printf '  aws: https://docs.aws.amazon.com/cli/ (or: python3 -m pip install awscli)\n' >&2
    printf '  python3, zip: your package manager; node and npm: Node.js %s or later (https://nodejs.org)\n' \
      "$(node_minimum "$ROOT/frontend/package.json")" >&2
    exit 1
  fi
  check_aws_cli_version
  if builds_console; then check_node_version "$ROOT/frontend/package.json"; fi
  [ -f "$PARAMETERS_FILE" ] || die "parameter file not found: $PARAMETERS_FILE"
  [ -f "$REQUIREMENTS" ] || die "requirements file not found: $REQUIREMENTS"
  if [ -n "$CONSOLE_DIR" ]; then
    [ -f "$CONSOLE_DIR/index.html" ] || die "--console-dir $CONSOLE_DIR has no index.html"
  fi
}

# True when dotted version $1 is at least $2 (missing parts count as 0, suffixes are ignored).
version_at_least() {
  local have want i h w
  IFS=. read -r -a have <<<"$1"
  IFS=. read -r -a want <<<"$2"
  for i in 0 1 2; do
    h=${have[i]:-0} w=${want[i]:-0}
    h=${h%%[!0-9]*} w=${w%%[!0-9]*}
    if [ "${h:-0}" -gt "${w:-0}" ]; then return 0; fi
    if [ "${h:-0}" -lt "${w:-0}" ]; then return 1; fi
  done
}

check_aws_cli_version() {
  local banner version
  banner=$(aws --version 2>&1 | head -n 1)
  version=$(printf '%s' "$banner" | sed -n 's#^aws-cli/\([0-9][0-9.]*\).*#\1#p')
  if [ -z "$version" ] || ! version_at_least "$version" 2; then
    die "the AWS CLI version 2 is needed, found: ${banner:-nothing}. Install it: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"
  fi
  info "AWS CLI $version"
}

# The lowest Node.js the console's lockfile accepts (engines.node in package.json, ">=X.Y").
node_minimum() {
  python3 - "$1" <<'EOF'
import json, re, sys
try:
    with open(sys.argv[1]) as handle:
        spec = json.load(handle).get("engines", {}).get("node", "")
except OSError:
    spec = ""
found = re.search(r">=\s*v?([0-9]+(?:\.[0-9]+)*)", spec)
print(found.group(1) if found else "20.19")
EOF
}

check_node_version() {
  local want have
  want=$(node_minimum "$1")
  have=$(node --version 2>/dev/null | sed 's/^v//')
  if [ -z "$have" ] || ! version_at_least "$have" "$want"; then
    die "the console's lockfile needs Node.js $want or later, found: ${have:-none}. Install a current Node.js LTS (https://nodejs.org), or pass --console-dir with a console built elsewhere, or --skip-console"
  fi
  info "Node.js $have (the console needs $want or later)"
}

aws_cli() { aws --region "$REGION" "$@"; }

check_credentials() {
  step "Checking AWS credentials"
  if [ -n "$ENDPOINT_URL" ]; then
    export AWS_ENDPOINT_URL="$ENDPOINT_URL"
    info "every AWS call goes to $ENDPOINT_URL"
  fi
  if [ -z "$REGION" ]; then REGION=$(aws configure get region 2>/dev/null || true); fi
  [ -n "$REGION" ] || die "no AWS Region: pass --region or set AWS_REGION"
  if ! ACCOUNT_ID=$(aws_cli sts get-caller-identity --query Account --output text 2>/dev/null); then
    die "no usable AWS credentials (aws sts get-caller-identity failed): configure a profile, SSO or environment variables"
  fi
  info "account $ACCOUNT_ID, region $REGION, stack $STACK_NAME"
}

# DRS answers only once it is initialized in the account and Region (UninitializedAccountException).
check_drs() {
  step "Checking AWS Elastic Disaster Recovery in $REGION"
  local output
  if output=$(aws_cli drs describe-source-servers --max-results 1 --no-paginate \
    --output json 2>&1); then
    info "DRS is initialized in account $ACCOUNT_ID, $REGION"
    return
  fi
  case "$output" in
    *UninitializedAccountException*)
      die "DRS is not initialized in account $ACCOUNT_ID, $REGION. Initialize it once: open https://console.aws.amazon.com/drs/home?region=$REGION and choose 'Set default replication settings' (or run: aws drs initialize-service --region $REGION), then run deploy.sh again. Each recovery account and Region the product recovers in needs the same." ;;
    *AccessDenied* | *UnauthorizedOperation*)
      die "these credentials may not call DRS (drs:DescribeSourceServers): $output" ;;
    *"Could not connect"* | *"could not connect"*)
      die "DRS does not answer in $REGION; check that the Region offers it (https://docs.aws.amazon.com/general/latest/gr/drs.html): $output" ;;
    *) die "the DRS check failed in $REGION: $output" ;;
  esac
}

# The stack's status; empty when there is no such stack.
stack_status() {
  local output
  if output=$(aws_cli cloudformation describe-stacks --stack-name "$STACK_NAME" \
    --query 'Stacks[0].StackStatus' --output text 2>&1); then
    printf '%s\n' "$output"
  elif [[ "$output" == *"does not exist"* ]]; then
    printf '\n'
  else
    die "could not read stack $STACK_NAME: $output"
  fi
}

# What to do about a stack in a state deploy.sh cannot deploy over; nothing for the states it can.
stack_state_advice() {
  local status=$1 stack="--stack-name $STACK_NAME --region $REGION"
  case "$status" in
    "" | REVIEW_IN_PROGRESS | CREATE_COMPLETE | UPDATE_COMPLETE | UPDATE_ROLLBACK_COMPLETE | \
      IMPORT_COMPLETE | IMPORT_ROLLBACK_COMPLETE | DELETE_COMPLETE) ;;
    ROLLBACK_COMPLETE | ROLLBACK_FAILED | CREATE_FAILED)
      printf '%s\n' "The first create failed; a stack in $status holds no data yet and can only be deleted." \
        "Fix the cause in the failed events above, then delete it and deploy again:" \
        "  ./cleanup.sh $stack --delete-data --yes && ./deploy.sh --region $REGION --stack-name $STACK_NAME" \
        "cleanup.sh lifts the deletion protection and empties the buckets that kept a rollback from deleting them." ;;
    DELETE_FAILED)
      printf '%s\n' "Deleting the stack failed (see the events above). Finish the deletion, then deploy again:" \
        "  ./cleanup.sh $stack --delete-data --yes" ;;
    UPDATE_ROLLBACK_FAILED)
      printf '%s\n' "An update failed and so did its rollback. Fix what the events above name, then resume the rollback:" \
        "  aws cloudformation continue-update-rollback $stack" \
        "(add --resources-to-skip LogicalId ... for resources that cannot be rolled back), wait for" \
        "UPDATE_ROLLBACK_COMPLETE and run deploy.sh again." ;;
    UPDATE_FAILED)
      printf '%s\n' "The last update failed and was not rolled back. Roll it back, then run deploy.sh again:" \
        "  aws cloudformation rollback-stack $stack" ;;
    IMPORT_ROLLBACK_FAILED)
      printf '%s\n' "A resource import failed and so did its rollback. Fix the resources the events name:" \
        "  aws cloudformation describe-stack-events $stack" \
        "(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html), then run deploy.sh again." ;;
    *_IN_PROGRESS)
      printf '%s\n' "Another operation is running on the stack ($status). Wait for it to finish, then run deploy.sh again:" \
        "  aws cloudformation describe-stacks $stack --query 'Stacks[0].StackStatus'" ;;
    *)
      printf '%s\n' "The stack is in $status, which deploy.sh does not know how to deploy over." \
        "Inspect it: aws cloudformation describe-stack-events $stack" ;;
  esac
}

# The reasons CloudFormation gave for what failed, nested stacks included.
failed_events() {
  local stack=$1 depth=${2:-0} type id reason logical
  [ "$depth" -lt 4 ] || return 0
  while IFS=$'\t' read -r logical type id reason; do
    [ -n "$logical" ] || continue
    printf '  %s%s: %s\n' "$(printf '%*s' "$((depth * 2))" '')" "$logical" "$reason"
    # A stack lists itself among its resources: only its nested stacks are followed.
    if [ "$type" = AWS::CloudFormation::Stack ] && [ "$id" != None ] && [ "$id" != "$stack" ] &&
      [ "$logical" != "$stack" ]; then
      failed_events "$id" $((depth + 1))
    fi
  done < <(aws_cli cloudformation describe-stack-events --stack-name "$stack" --max-items 100 \
    --query "StackEvents[?ends_with(ResourceStatus, 'FAILED')].[LogicalResourceId,ResourceType,PhysicalResourceId,ResourceStatusReason]" \
    --output text 2>/dev/null | awk -F '\t' '!seen[$1]++' | head -n 20)
}

# Stops with the stack's state, what failed and the way out, when it cannot be deployed over.
report_stack_state() {
  local status=$1 advice
  advice=$(stack_state_advice "$status")
  [ -n "$advice" ] || return 0
  printf 'deploy.sh: stack %s is %s.\n' "$STACK_NAME" "$status" >&2
  failed_events "$STACK_NAME" >&2
  printf '%s\n' "$advice" >&2
  exit 1
}

check_stack_state() {
  step "Stack $STACK_NAME"
  status=$(stack_status)
  case "$status" in
    "" | REVIEW_IN_PROGRESS)
      FIRST_CREATE=true
      info "not created yet: this run creates it" ;;
    UPDATE_ROLLBACK_COMPLETE | IMPORT_ROLLBACK_COMPLETE)
      info "$status: the last change was rolled back; this run updates from the template it kept" ;;
    *) info "$status" ;;
  esac
  report_stack_state "$status"
}

ensure_artifacts_bucket() {
  step "Artifacts bucket"
  if [ -z "$ARTIFACTS_BUCKET" ]; then ARTIFACTS_BUCKET="drs-orchestration-artifacts-$ACCOUNT_ID-$REGION"; fi
  local location output
  if aws_cli s3api head-bucket --bucket "$ARTIFACTS_BUCKET" >/dev/null 2>&1; then
    location=$(aws_cli s3api get-bucket-location --bucket "$ARTIFACTS_BUCKET" \
      --query LocationConstraint --output text)
    case "$location" in None | null | "") location=us-east-1 ;; EU) location=eu-west-1 ;; esac
    if [ "$location" != "$REGION" ]; then
      die "s3://$ARTIFACTS_BUCKET is in $location, but Lambda and CloudFormation read the artifacts from $REGION: pass --artifacts-bucket with a bucket in $REGION, or leave it out to use the default"
    fi
    info "using s3://$ARTIFACTS_BUCKET"
    return
  fi
  info "creating s3://$ARTIFACTS_BUCKET"
  local configuration=()
  if [ "$REGION" != us-east-1 ]; then configuration=(--create-bucket-configuration "LocationConstraint=$REGION"); fi
  if ! output=$(aws_cli s3api create-bucket --bucket "$ARTIFACTS_BUCKET" ${configuration[@]+"${configuration[@]}"} 2>&1); then
    die "could not create the artifacts bucket s3://$ARTIFACTS_BUCKET ($output): pass --artifacts-bucket with a bucket you own in $REGION"
  fi
  aws_cli s3api put-public-access-block --bucket "$ARTIFACTS_BUCKET" --public-access-block-configuration \
    BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
  aws_cli s3api put-bucket-encryption --bucket "$ARTIFACTS_BUCKET" --server-side-encryption-configuration \
    '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
  case "$ENDPOINT_URL" in
    http://*) info "plain-HTTP endpoint: not adding the TLS-only bucket policy"; return ;;
  esac
  aws_cli s3api put-bucket-policy --bucket "$ARTIFACTS_BUCKET" --policy "$(printf '%s' \
    '{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*",' \
    '"Action":"s3:*","Resource":["arn:aws:s3:::'"$ARTIFACTS_BUCKET"'","arn:aws:s3:::'"$ARTIFACTS_BUCKET"'/*"],' \
    '"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}')"
}

# Copies a tree keeping modification times, so unchanged code zips to the same bytes and
# `aws cloudformation package` skips the upload.
copy_tree() { mkdir -p "$2" && (cd "$1" && tar --exclude=__pycache__ --exclude='*.pyc' -cf - .) | (cd "$2" && tar -xpf -); }

build_functions() {
  step "Building the function package (Python $PYTHON_RUNTIME, $PIP_PLATFORM)"
  local digest deps code
  mkdir -p "$BUILD_DIR" && BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
  digest=$(sha256 "$REQUIREMENTS" | cut -c1-16)
  deps="$BUILD_DIR/deps/$digest"
  if [ -d "$deps" ]; then
    info "dependencies already built for this requirements file ($digest)"
  elif grep -qvE '^[[:space:]]*(#|$)' "$REQUIREMENTS"; then
    info "installing $(basename "$REQUIREMENTS") for the Lambda runtime"
    rm -rf "$deps.partial"
    python3 -m pip install --quiet --disable-pip-version-check --requirement "$REQUIREMENTS" \
      --platform "$PIP_PLATFORM" --python-version "$PYTHON_RUNTIME" --implementation cp \
      --only-binary=:all: --target "$deps.partial"
    mv "$deps.partial" "$deps"
  else
    info "no requirements to vendor"
    mkdir -p "$deps"
  fi
  code="$BUILD_DIR/lambda"
  rm -rf "$code"
  copy_tree "$deps" "$code"
  copy_tree "$ROOT/lambda/drs_orchestration" "$code/drs_orchestration"
  cp -p "$ROOT/pyproject.toml" "$code/pyproject.toml"   # the product's version (drs_orchestration.version)
  info "package: $(find "$code" -type f | wc -l | tr -d ' ') files"

  # The templates reference ../lambda and ../ssm-documents: keep that layout in the build.
  rm -rf "$BUILD_DIR/cfn" "$BUILD_DIR/ssm-documents"
  copy_tree "$ROOT/cfn" "$BUILD_DIR/cfn"
  copy_tree "$ROOT/ssm-documents" "$BUILD_DIR/ssm-documents"
}

publish_console() {
  step "Console"
  local source=""
  if [ "$SKIP_CONSOLE" = true ]; then
    info "skipped (--skip-console): the published console stays, config.json is rewritten"
    return
  elif [ -n "$CONSOLE_DIR" ]; then
    source=$CONSOLE_DIR
  elif [ -f "$ROOT/frontend/package.json" ]; then
    info "building frontend/ (npm ci && npm run build)"
    (cd "$ROOT/frontend" && npm ci --no-audit --no-fund --loglevel=error && npm run build)
    source="$ROOT/frontend/dist"
  else
    info "no frontend/package.json: the published console (if any) stays, config.json is rewritten"
    return
  fi
  [ -f "$source/index.html" ] || die "the console build in $source has no index.html"
  local digest
  digest=$(python3 - "$source" <<'EOF'
import hashlib, pathlib, sys
root = pathlib.Path(sys.argv[1])
digest = hashlib.sha256()
for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != "config.json"):
    digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
print(digest.hexdigest()[:16])
EOF
)
  CONSOLE_PREFIX="console/$digest"
  info "uploading $source to s3://$ARTIFACTS_BUCKET/$CONSOLE_PREFIX/"
  aws_cli s3 sync "$source" "s3://$ARTIFACTS_BUCKET/$CONSOLE_PREFIX/" --exclude config.json --only-show-errors
}

package_stack() {
  step "Packaging templates and code"
  PACKAGED_TEMPLATE="$BUILD_DIR/packaged.yaml"
  aws_cli cloudformation package \
    --template-file "$BUILD_DIR/cfn/master-template.yaml" \
    --s3-bucket "$ARTIFACTS_BUCKET" --s3-prefix packages \
    --output-template-file "$PACKAGED_TEMPLATE" >/dev/null
  info "packaged template: $PACKAGED_TEMPLATE"
}

# The stack's parameters: parameters.json, what this script sets itself, then Key=Value arguments.
# As Key=Value lines, or with --json as CloudFormation's Parameters list.
stack_parameters() {
  python3 - "$PARAMETERS_FILE" "ArtifactsBucket=$ARTIFACTS_BUCKET" "ConsoleSourcePrefix=$CONSOLE_PREFIX" "$@" <<'EOF'
import json, sys
with open(sys.argv[1]) as handle:
    values = {name: entry["Value"] for name, entry in json.load(handle)["Parameters"].items()}
as_json = "--json" in sys.argv[2:]
values.update(arg.split("=", 1) for arg in sys.argv[2:] if arg != "--json")
if as_json:
    print(json.dumps([{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()]))
else:
    print("\n".join(f"{k}={v}" for k, v in values.items()))
EOF
}

parameter_value() {
  stack_parameters | sed -n "s/^$1=//p"
}

# One `aws cloudformation deploy`; Key=Value arguments override the parameter file.
run_deploy() {
  local overrides=() line
  while IFS= read -r line; do overrides+=("$line"); done < <(stack_parameters "$@")
  if ! aws_cli cloudformation deploy \
    --template-file "$PACKAGED_TEMPLATE" --stack-name "$STACK_NAME" \
    --s3-bucket "$ARTIFACTS_BUCKET" --s3-prefix packages \
    --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND \
    --no-fail-on-empty-changeset \
    --parameter-overrides "${overrides[@]}"; then
    local status
    status=$(stack_status)
    report_stack_state "$status"
    printf 'deploy.sh: the deployment failed; stack %s is %s.\n' "$STACK_NAME" "${status:-gone}" >&2
    failed_events "$STACK_NAME" >&2
    die "fix the cause named above and run deploy.sh again"
  fi
}

# A failed first create rolls back by deleting everything it made, which deletion-protected tables
# and user pools refuse (ROLLBACK_FAILED). So the first create runs with the protection off and an
# update turns it on once the stack exists.
deploy_stack() {
  if [ "$FIRST_CREATE" = true ] && [ "$(parameter_value DeletionProtection)" = true ]; then
    step "Creating stack $STACK_NAME, deletion protection off until it exists (10-20 minutes: CloudFront)"
    run_deploy DeletionProtection=false
    step "Turning deletion protection on (tables and user pool)"
    run_deploy
  else
    step "Deploying stack $STACK_NAME (the first time takes 10-20 minutes: CloudFront)"
    run_deploy
  fi
}

# Changes of a change set (and of the nested stacks' change sets), one line each.
show_changes() {
  local change_set=$1 depth=${2:-0} action logical type replacement nested pad
  pad=$(printf '%*s' "$((depth * 2 + 4))" '')
  while IFS=$'\t' read -r action logical type replacement nested; do
    [ -n "$action" ] || continue
    printf '%s%-7s %s (%s)%s\n' "$pad" "$action" "$logical" "$type" \
      "$([ "$replacement" = True ] && printf ', replaced')"
    if [ -n "$nested" ] && [ "$nested" != None ]; then show_changes "$nested" $((depth + 1)); fi
  done < <(aws_cli cloudformation describe-change-set --change-set-name "$change_set" \
    --query 'Changes[].ResourceChange.[Action,LogicalResourceId,ResourceType,Replacement,ChangeSetId]' \
    --output text)
}

# --dry-run: what deploying this build would change, as CloudFormation computes it; nothing runs.
dry_run() {
  step "Change set for $STACK_NAME (--dry-run: shown, then deleted; nothing is deployed)"
  local key url name type=UPDATE parameters failure="" arn
  key="packages/$(sha256 "$PACKAGED_TEMPLATE" | cut -c1-32).template"
  aws_cli s3 cp "$PACKAGED_TEMPLATE" "s3://$ARTIFACTS_BUCKET/$key" --only-show-errors
  url="https://s3.$REGION.amazonaws.com/$ARTIFACTS_BUCKET/$key"
  name="dry-run-$(date -u +%Y%m%d%H%M%S)"
  if [ "$FIRST_CREATE" = true ]; then
    type=CREATE
    parameters=$(stack_parameters --json DeletionProtection=false)
  else
    parameters=$(stack_parameters --json)
  fi
  arn=$(aws_cli cloudformation create-change-set --stack-name "$STACK_NAME" --change-set-name "$name" \
    --change-set-type "$type" --template-url "$url" --parameters "$parameters" \
    --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND --include-nested-stacks \
    --query Id --output text)
  if aws_cli cloudformation wait change-set-create-complete --change-set-name "$arn" 2>/dev/null; then
    info "$type $STACK_NAME:"
    show_changes "$arn"
  else
    failure=$(aws_cli cloudformation describe-change-set --change-set-name "$arn" \
      --query StatusReason --output text 2>&1 || true)
    case "$failure" in
      *"didn't contain changes"* | *"No updates"*) info "no changes: the stack already matches this build"; failure="" ;;
    esac
  fi
  aws_cli cloudformation delete-change-set --change-set-name "$arn"
  info "change set $name deleted"
  # Creating a CREATE change set made an empty stack (REVIEW_IN_PROGRESS) to hold it; only that goes.
  if [ "$type" = CREATE ] && [ "$(stack_status)" = REVIEW_IN_PROGRESS ]; then
    aws_cli cloudformation delete-stack --stack-name "$STACK_NAME"
    info "the empty stack that held it deleted"
  fi
  [ -z "$failure" ] || die "CloudFormation refused the change set: $failure"
}

stack_output() {
  aws_cli cloudformation describe-stacks --stack-name "$STACK_NAME" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}

create_admin() {
  step "First admin user"
  if [ -z "$ADMIN_EMAIL" ]; then
    info "none requested (pass --admin-email to create one)"
    return
  fi
  local pool group status
  pool=$(stack_output UserPoolId)
  group=$(stack_output AdminGroupName)
  if status=$(aws_cli cognito-idp admin-get-user --user-pool-id "$pool" --username "$ADMIN_EMAIL" \
    --query UserStatus --output text 2>/dev/null); then
    if [ "$status" = FORCE_CHANGE_PASSWORD ]; then
      # Never signed in: the temporary password may have expired, so a fresh one is sent.
      aws_cli cognito-idp admin-create-user --user-pool-id "$pool" --username "$ADMIN_EMAIL" \
        --message-action RESEND --desired-delivery-mediums EMAIL >/dev/null
      info "$ADMIN_EMAIL has not signed in yet: Cognito e-mails a new temporary password (the previous one no longer works)"
    else
      info "$ADMIN_EMAIL already exists"
    fi
  else
    aws_cli cognito-idp admin-create-user --user-pool-id "$pool" --username "$ADMIN_EMAIL" \
      --user-attributes Name=email,Value="$ADMIN_EMAIL" Name=email_verified,Value=true \
      --desired-delivery-mediums EMAIL >/dev/null
    info "created $ADMIN_EMAIL: Cognito e-mails a temporary password"
  fi
  aws_cli cognito-idp admin-add-user-to-group --user-pool-id "$pool" --username "$ADMIN_EMAIL" \
    --group-name "$group"
  info "$ADMIN_EMAIL is in the $group group"
}

# --local: install what local mode needs (the same .venv and stamp as tests/run.sh), then hand over
# to the local runtime, which builds the console when needed and serves until Ctrl-C.
run_local() {
  local args=() venv="$ROOT/.venv" want
  while [ $# -gt 0 ]; do
    case "$1" in
      --local) shift ;;
      --port | --time-scale | --fleet | --targets) need_value "$@"; args+=("$1" "$2"); shift 2 ;;
      --skip-console-build) args+=("$1"); shift ;;
      -h | --help) usage; exit 0 ;;
      *) die "unknown option with --local: $1 (see --help)" ;;
    esac
  done
  command -v python3 >/dev/null 2>&1 || die "python3 (3.11 or later) is needed for --local"
  # The console is built with the local Node.js unless told not to; its lockfile needs a recent one.
  if [[ " ${args[*]-} " != *" --skip-console-build "* ]] && command -v node >/dev/null 2>&1; then
    check_node_version "$ROOT/frontend/package.json"
  fi
  # the same hash as tests/run.sh: the runtime pins are in requirements.txt, which -dev includes
  want=$(cd "$ROOT" && cat requirements-dev.txt requirements.txt pyproject.toml | sha256 | cut -d' ' -f1)
  if [ ! -x "$venv/bin/python" ]; then
    step "Creating the Python environment (.venv)"
    python3 -m venv "$venv"
  fi
  if [ "$(cat "$venv/.installed" 2>/dev/null)" != "$want" ]; then
    step "Installing Python dependencies (requirements-dev.txt)"
    "$venv/bin/pip" install --quiet --upgrade pip
    (cd "$ROOT" && "$venv/bin/pip" install --quiet -r requirements-dev.txt)
    # The project itself, editable: the CLI and the simulator run from .venv as they are.
    (cd "$ROOT" && "$venv/bin/pip" install --quiet --no-deps -e .)
    echo "$want" >"$venv/.installed"
  fi
  PYTHONPATH="$ROOT/lambda:$ROOT/local${PYTHONPATH:+:$PYTHONPATH}" \
    exec "$venv/bin/python" -m drs_local ${args[@]+"${args[@]}"}
}

main() {
  local arg
  for arg in "$@"; do
    if [ "$arg" = --local ]; then run_local "$@"; fi
  done
  parse_args "$@"
  check_tools
  check_credentials
  if [ "$PACKAGE_ONLY" = false ]; then
    check_drs
    check_stack_state
  fi
  ensure_artifacts_bucket
  build_functions
  publish_console
  package_stack
  if [ "$PACKAGE_ONLY" = true ]; then
    step "Done (--package-only): deploy $PACKAGED_TEMPLATE with aws cloudformation deploy"
    return
  fi
  if [ "$DRY_RUN" = true ]; then
    dry_run
    step "Done (--dry-run): nothing was deployed"
    return
  fi
  deploy_stack
  create_admin
  step "Done"
  info "Console: $(stack_output ConsoleUrl)"
  info "API:     $(stack_output ApiUrl)"
}

# Sourced (by the script tests) it only defines its functions.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; fi
