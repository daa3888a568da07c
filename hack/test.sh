#!/usr/bin/env bash
# make test: unit and acceptance tests, once per datastore mode of the local Calico
# API (the Calico API server; Calico's v1 CRDs alone, as calicoctl and manifest installs use
# them; native projectcalico.org/v3 CRDs; Calico's own etcd), each started and stopped here,
# a sample again in the apiserver mode with TF_CALICO_SHORTCUTS=off, then the generated-docs
# check. MODES picks modes (default: all four), e.g. MODES=crd-v1.
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
ensure_terraform
export TF_ACC_TERRAFORM_PATH="$(command -v terraform)"
modes="${MODES:-apiserver crd-v1 v3-crds etcd}"

running=""
stop_running() { [ -z "$running" ] || testenv down -dir "$running"; }
trap stop_running EXIT

for mode in $modes; do
  dir="$REPO_ROOT/.testenv-test-$mode"
  testenv down -dir "$dir" >/dev/null 2>&1 || true # a previous run interrupted hard
  testenv up -dir "$dir" -mode "$mode"
  running="$dir"
  echo "==> acceptance tests, mode $mode"
  # -p 1: packages share the one local API and some tests change it cluster-wide.
  TF_ACC=1 CALICO_TESTENV_DIR="$dir" go test -p 1 -count=1 -timeout 60m ${TESTARGS:-} ./...
  if [ "$mode" = apiserver ]; then
    # A sample again with the provider's protocol shortcuts off (internal/shortcuts): the same
    # plans must come from the framework alone, and the unchanged-object tests expect no answer.
    echo "==> acceptance tests, mode $mode, TF_CALICO_SHORTCUTS=off (a sample)"
    TF_CALICO_SHORTCUTS=off TF_ACC=1 CALICO_TESTENV_DIR="$dir" go test -p 1 -count=1 -timeout 20m \
      -run 'TestAccUnchanged|TestAccBGPPeer_|TestAccBGPTopology' ./internal/provider/ ./internal/resources/ ./internal/datasources/
  fi
  testenv down -dir "$dir"
  running=""
done

"$REPO_ROOT/hack/docs.sh" check
