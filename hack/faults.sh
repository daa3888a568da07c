#!/usr/bin/env bash
# make faults: the fault suite (internal/faults) at full size, 300 peers per apply, in every
# datastore mode (MODES picks some), each on a local API of its own started and stopped here,
# under Terraform 1.15; then the datastore killed and frozen again under applies of
# SILENT_PEERS peers (3000; 0 skips them), to show that how soon the apply fails does not grow
# with the number of objects. Every test records what it measured; the table of the README's
# "Faults tried" section is printed from those records at the end (and kept in
# .faults/table.md). make test runs the same tests at a smaller size.
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
ensure_terraform
cli="$(cli_path terraform-1.15)"
modes="${MODES:-apiserver crd-v1 v3-crds etcd}"
mkdir -p .faults
report="$REPO_ROOT/.faults/report.jsonl"
: >"$report"
testenv build
failed=0
for mode in $modes; do
  dir="$REPO_ROOT/.testenv-faults-$mode"
  testenv down -dir "$dir" >/dev/null 2>&1 || true
  (
    trap 'testenv down -dir "$dir"' EXIT
    testenv up -dir "$dir" -mode "$mode"
    echo "==> fault suite, mode $mode"
    CALICO_FAULTS=full CALICO_FAULTS_REPORT="$report" TF_ACC=1 TF_ACC_TERRAFORM_PATH="$cli" CALICO_TESTENV_DIR="$dir" \
      go test -count=1 -timeout 60m -v ${TESTARGS:-} ./internal/faults/
    if [ "${SILENT_PEERS:-3000}" != 0 ] && [ -z "${TESTARGS:-}" ]; then
      echo "==> the datastore dying under ${SILENT_PEERS:-3000} peers, mode $mode"
      CALICO_FAULTS=full CALICO_FAULTS_PEERS="${SILENT_PEERS:-3000}" CALICO_FAULTS_REPORT="$report" TF_ACC=1 \
        TF_ACC_TERRAFORM_PATH="$cli" CALICO_TESTENV_DIR="$dir" \
        go test -count=1 -timeout 60m -v -run 'TestAccFault_writeServers(Killed|Frozen)MidApply' ./internal/faults/
    fi
  ) || failed=1
done
go run ./hack/faults/table "$report" | tee .faults/table.md
[ "$failed" = 0 ] || { echo "FAIL: the fault suite failed (see above)" >&2; exit 1; }
