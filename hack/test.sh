#!/usr/bin/env bash
# make test: unit and acceptance tests in every datastore mode of the local Calico API (the
# Calico API server; Calico's v1 CRDs alone, as calicoctl and manifest installs use them; native
# projectcalico.org/v3 CRDs; Calico's own etcd), each started and stopped here, under the CLIs
# users run, then the generated-docs check. MODES picks modes (default: all four), e.g.
# MODES=crd-v1; TESTARGS passes flags to go test; LANES=1 runs the modes one after another
# instead of in two lanes side by side.
#
# Which CLI runs what (the whole suite under every CLI in every mode would take an hour):
#   apiserver, crd-v1  the whole suite under the machine's terraform (1.11 here), then the
#                      cross-CLI subset under Terraform 1.15 and OpenTofu 1.12;
#                      apiserver also a sample with TF_CALICO_SHORTCUTS=off
#   v3-crds, etcd      the whole suite under Terraform 1.15 (terraform query included)
# The subset: the tests of the provider's own protocol answers (unchanged objects, remembered
# validations, topology reads), the scenarios, the list resources and adoption by terraform
# query (skipped on OpenTofu, which has no query), BGP peers with their passwords, every
# plan-time rejection, the wait action (Terraform 1.14+; skipped on the others), in the lab
# too, and the README's install from a filesystem mirror. The fault tests (internal/faults) run in every mode at their smaller size
# (make faults runs them at full size).
#
# Calico releases: each mode's local API runs the pinned Calico release (ClusterInformation
# "default" says so, as calico-node writes it). The tests of older releases (TestAccRelease*)
# need no API of their own: acctest.AtRelease downgrades the shared one in place for the test
# (Calico's CRDs of that release, derived from the pinned ones by the registry of kinds, and
# its calicoVersion) and upgrades it back when the test ends; they run in modes crd-v1 and etcd
# and skip in the two that run the pinned release only. Only them:
#   MODES='crd-v1 etcd' TESTARGS='-run TestAccRelease' make test
# CALICO_RELEASE=3.28.5 starts every mode's API at that release instead (crd-v1 and etcd only),
# to see the whole suite against an older Calico: the tests that set newer fields then fail.
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
ensure_terraform
machine_cli="$(command -v terraform)"
terraform_115="$(cli_path terraform-1.15)"
tofu_112="$(cli_path tofu-1.12)"
modes="${MODES:-apiserver crd-v1 v3-crds etcd}"
cross_cli_subset='TestAccUnchanged|TestAccBGPTopology|TestAccScenario|TestAccAdopt|TestAccList|TestAccBGPPeer_|TestAcc.*_invalid|TestAccWait|TestAccLab_wait|TestAccInstall'

# suite CLI [go test flags...]: the acceptance tests against the mode's running local API.
suite() {
  local cli="$1"
  shift
  echo "==> acceptance tests, mode $mode, $("$cli" version 2>/dev/null | grep -m1 -E '^(Terraform|OpenTofu) v')${*:+ ($*)}"
  # -p 1: packages share the one local API and some tests change it cluster-wide.
  TF_ACC=1 TF_ACC_TERRAFORM_PATH="$cli" CALICO_TESTENV_DIR="$dir" go test -p 1 -count=1 -timeout 60m ${TESTARGS:-} "$@" ./...
}

# test_mode MODE: start the mode's local API, run its tests, stop it (also when they fail).
# Any failing step fails the mode, whichever step it is. Each step says so itself (|| exit 1):
# set -e does not hold inside a function whose caller tests its status, as the lanes do.
test_mode() (
  mode="$1"
  dir="$REPO_ROOT/.testenv-test-$mode"
  testenv down -dir "$dir" >/dev/null 2>&1 || true # a previous run interrupted hard
  trap 'testenv down -dir "$dir"' EXIT
  testenv up -dir "$dir" -mode "$mode" ${CALICO_RELEASE:+-calico-release "$CALICO_RELEASE"} || exit 1
  case "$mode" in
  apiserver | crd-v1)
    suite "$machine_cli" || exit 1
    suite "$terraform_115" -run "$cross_cli_subset" || exit 1
    suite "$tofu_112" -run "$cross_cli_subset" || exit 1
    ;;
  *)
    suite "$terraform_115" || exit 1
    ;;
  esac
  if [ "$mode" = apiserver ]; then
    # A sample again with the provider's protocol shortcuts off (internal/protocol): the same
    # plans must come from the framework alone, and the unchanged-object tests expect no answer.
    echo "==> acceptance tests, mode $mode, TF_CALICO_SHORTCUTS=off (a sample)"
    TF_CALICO_SHORTCUTS=off TF_ACC=1 TF_ACC_TERRAFORM_PATH="$machine_cli" CALICO_TESTENV_DIR="$dir" go test -p 1 -count=1 -timeout 20m \
      -run 'TestAccUnchanged|TestAccBGPPeer_|TestAccBGPTopology' ./internal/provider/ ./internal/resources/ ./internal/datasources/ || exit 1
  fi
)

# Two lanes of modes run side by side, each mode on a local API of its own (they share no
# object), so that the whole takes about half as long on 2 cores; LANES=1 runs them one after
# another. Each lane's output is shown when it ends.
testenv build
mkdir -p "$REPO_ROOT/.testenv-test-lanes"
lanes="${LANES:-2}"
pids=() logs=()
i=0
for mode in $modes; do
  lane=$((i % lanes))
  lane_modes[$lane]="${lane_modes[$lane]:-} $mode"
  i=$((i + 1))
done
for lane in "${!lane_modes[@]}"; do
  log="$REPO_ROOT/.testenv-test-lanes/lane$lane.log"
  logs+=("$log")
  echo "==> lane $lane: modes${lane_modes[$lane]} (output in $log, shown when the lane ends)"
  (for mode in ${lane_modes[$lane]}; do test_mode "$mode" || exit 1; done) >"$log" 2>&1 &
  pids+=($!)
done
failed=0
for k in "${!pids[@]}"; do
  wait "${pids[$k]}" || failed=1
  echo "==> output of lane $k"
  cat "${logs[$k]}"
done
[ "$failed" = 0 ] || { echo "FAIL: acceptance tests failed (see the lanes' output above)" >&2; exit 1; }

"$REPO_ROOT/hack/docs.sh" check
