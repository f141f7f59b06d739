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
SKIP_CONSOLE=false
ACCOUNT_ID=""
CONSOLE_PREFIX=""
PACKAGED_TEMPLATE=""

usage() {
  cat <<'EOF'
Usage: ./deploy.sh [options]

Deploys DRS Orchestration (cfn/master-template.yaml and its nested stacks) to the AWS account of
the current credentials: builds the function package for Python 3.12, builds the console when
frontend/package.json exists, packages and deploys the stack, creates the first admin user and
prints the console URL. Running it again updates the deployment.

Options:
  --stack-name NAME         Stack name (default: drs-orchestration, or $DRS_STACK_NAME).
  --region REGION           AWS Region (default: $AWS_REGION, $AWS_DEFAULT_REGION or the CLI profile's).
  --parameters FILE         Parameter file (default: parameters.json; see the file for each value).
  --artifacts-bucket NAME   Bucket for packaged templates, code and the built console
                            (default: drs-orchestration-artifacts-<account>-<region>, created if missing).
  --admin-email EMAIL       Create this console user in the Admin group if it does not exist yet;
                            Cognito e-mails a temporary password.
  --console-dir DIR         Publish an already built console from DIR instead of building frontend/.
  --skip-console            Do not build or publish the console: what is published stays, and
                            config.json is still rewritten.
  --requirements FILE       Python requirements vendored into the function package
                            (default: requirements.txt).
  --package-only            Build and upload everything, write the packaged template, do not deploy.
  --build-dir DIR           Where the build and the packaged template go (default: .aws-sam/deploy);
                            dependencies are cached there per requirements file.
  --endpoint-url URL        Send every AWS call to URL (an AWS-compatible endpoint such as a
                            local moto server; also $DRS_AWS_ENDPOINT_URL).
  -h, --help                Show this help.

Needs: aws (AWS CLI), python3, zip, and npm when the console is built. Credentials come from the
usual AWS CLI sources (environment, profile, SSO, instance role).

Local mode (no AWS account needed):
  ./deploy.sh --local [--port 8000] [--time-scale 60] [--fleet demo|N]

  --local                   Run the whole product on this machine instead of deploying it: the
                            console and API on 127.0.0.1, local AWS (moto) and the DRS simulator,
                            seeded with a demo fleet, protection groups, a plan and three logins
                            (admin, operator, viewer). Creates .venv from requirements-dev.txt and
                            runs npm ci when they are missing, builds the console when it is out of
                            date, prints the URLs and logins and writes them to .local/endpoints.json
                            ($DRS_LOCAL_DIR/endpoints.json when set). Ctrl-C stops everything.
  --port PORT               With --local: the console and API port (default 8000).
  --time-scale N            With --local: simulated DRS seconds per real second (default 60).
  --fleet demo|N            With --local: the demo fleet (default) or N generated source servers.
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
      --build-dir) need_value "$@"; BUILD_DIR=$2; shift 2 ;;
      --endpoint-url) need_value "$@"; ENDPOINT_URL=$2; shift 2 ;;
      -h | --help) usage; exit 0 ;;
      *) die "unknown option: $1 (see --help)" ;;
    esac
  done
}

builds_console() {
  [ "$SKIP_CONSOLE" = false ] && [ -z "$CONSOLE_DIR" ] && [ -f "$ROOT/frontend/package.json" ]
}

check_tools() {
  step "Checking tools"
  local missing=() tool
  local tools=(aws python3 zip)
  if builds_console; then tools+=(npm); fi
  for tool in "${tools[@]}"; do
    if command -v "$tool" >/dev/null 2>&1; then info "$tool: $(command -v "$tool")"; else missing+=("$tool"); fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    printf 'deploy.sh: missing tools: %s\n' "${missing[*]}" >&2
    printf '  aws: https://docs.aws.amazon.com/cli/ (or: python3 -m pip install awscli)\n' >&2
    printf '  python3, zip, npm: your package manager (npm comes with Node.js 20+)\n' >&2
    exit 1
  fi
  [ -f "$PARAMETERS_FILE" ] || die "parameter file not found: $PARAMETERS_FILE"
  [ -f "$REQUIREMENTS" ] || die "requirements file not found: $REQUIREMENTS"
  if [ -n "$CONSOLE_DIR" ]; then
    [ -f "$CONSOLE_DIR/index.html" ] || die "--console-dir $CONSOLE_DIR has no index.html"
  fi
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

ensure_artifacts_bucket() {
  step "Artifacts bucket"
  if [ -z "$ARTIFACTS_BUCKET" ]; then ARTIFACTS_BUCKET="drs-orchestration-artifacts-$ACCOUNT_ID-$REGION"; fi
  if aws_cli s3api head-bucket --bucket "$ARTIFACTS_BUCKET" >/dev/null 2>&1; then
    info "using s3://$ARTIFACTS_BUCKET"
    return
  fi
  info "creating s3://$ARTIFACTS_BUCKET"
  if [ "$REGION" = us-east-1 ]; then
    aws_cli s3api create-bucket --bucket "$ARTIFACTS_BUCKET" >/dev/null
  else
    aws_cli s3api create-bucket --bucket "$ARTIFACTS_BUCKET" \
      --create-bucket-configuration "LocationConstraint=$REGION" >/dev/null
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

# One Key=Value argument per parameter: parameters.json, then what this script sets itself.
parameter_overrides() {
  python3 - "$PARAMETERS_FILE" <<'EOF'
import json, sys
with open(sys.argv[1]) as handle:
    entries = json.load(handle)["Parameters"]
for name, entry in entries.items():
    print(f"{name}={entry['Value']}")
EOF
  printf 'ArtifactsBucket=%s\n' "$ARTIFACTS_BUCKET"
  printf 'ConsoleSourcePrefix=%s\n' "$CONSOLE_PREFIX"
}

deploy_stack() {
  step "Deploying stack $STACK_NAME (this takes 10-20 minutes the first time: CloudFront)"
  local overrides=() line
  while IFS= read -r line; do overrides+=("$line"); done < <(parameter_overrides)
  aws_cli cloudformation deploy \
    --template-file "$PACKAGED_TEMPLATE" --stack-name "$STACK_NAME" \
    --s3-bucket "$ARTIFACTS_BUCKET" --s3-prefix packages \
    --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND \
    --no-fail-on-empty-changeset \
    --parameter-overrides "${overrides[@]}"
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
  local pool group
  pool=$(stack_output UserPoolId)
  group=$(stack_output AdminGroupName)
  if aws_cli cognito-idp admin-get-user --user-pool-id "$pool" --username "$ADMIN_EMAIL" >/dev/null 2>&1; then
    info "$ADMIN_EMAIL already exists"
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
      --port | --time-scale | --fleet) need_value "$@"; args+=("$1" "$2"); shift 2 ;;
      --skip-console-build) args+=("$1"); shift ;;
      -h | --help) usage; exit 0 ;;
      *) die "unknown option with --local: $1 (see --help)" ;;
    esac
  done
  command -v python3 >/dev/null 2>&1 || die "python3 (3.11 or later) is needed for --local"
  want=$(cd "$ROOT" && cat requirements-dev.txt pyproject.toml | sha256 | cut -d' ' -f1)
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
  ensure_artifacts_bucket
  build_functions
  publish_console
  package_stack
  if [ "$PACKAGE_ONLY" = true ]; then
    step "Done (--package-only): deploy $PACKAGED_TEMPLATE with aws cloudformation deploy"
    return
  fi
  deploy_stack
  create_admin
  step "Done"
  info "Console: $(stack_output ConsoleUrl)"
  info "API:     $(stack_output ApiUrl)"
}

main "$@"
