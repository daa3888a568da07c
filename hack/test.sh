#!/usr/bin/env bash
# make test: unit and acceptance tests against a real local Calico API that this script starts
# and stops, then the generated-docs check.
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
ensure_terraform
export TF_ACC_TERRAFORM_PATH="$(command -v terraform)"

dir="$REPO_ROOT/.testenv-test"
testenv down -dir "$dir" >/dev/null 2>&1 || true # a previous run interrupted hard
testenv up -dir "$dir"
trap 'testenv down -dir "$dir"' EXIT

# -p 1: packages share the one local API and some tests change it cluster-wide.
TF_ACC=1 CALICO_TESTENV_DIR="$dir" go test -p 1 -count=1 -timeout 60m ${TESTARGS:-} ./...

"$REPO_ROOT/hack/docs.sh" check
