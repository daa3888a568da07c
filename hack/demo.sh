#!/usr/bin/env bash
# make demo: build the provider, start the local Calico API, apply examples/demo with the
# freshly built provider, and show what the Calico API now holds. KEEP=1 leaves it running.
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
ensure_terraform

work="$REPO_ROOT/.demo"
mkdir -p "$work/bin"
echo "==> Building the provider"
go build -ldflags "-X main.version=demo" -o "$work/bin/terraform-provider-calico" .
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "calico-tf/calico" = "$work/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"

echo "==> Starting the local Calico API (etcd, kube-apiserver, Calico API server)"
testenv down -dir "$work/testenv" >/dev/null 2>&1 || true
testenv up -dir "$work/testenv"
if [ -z "${KEEP:-}" ]; then
  trap 'echo "==> Stopping the local Calico API"; testenv down -dir "$work/testenv"' EXIT
fi
export KUBE_CONFIG_PATH="$work/testenv/kubeconfig"

echo "==> Applying examples/demo"
rm -rf "$work/run" && mkdir -p "$work/run" && cp examples/demo/*.tf "$work/run/"
terraform -chdir="$work/run" apply -auto-approve -no-color 2>&1 | grep -v 'dev_overrides\|development overrides\|^ - calico-tf\|^The behavior may\|^with published releases\|^│\|^╷\|^╵\|^$' || true

echo "==> What the Calico API now holds (projectcalico.org/v3)"
testenv show -dir "$work/testenv" bgpconfigurations bgppeers

echo "==> A second plan is empty"
terraform -chdir="$work/run" plan -detailed-exitcode -no-color >/dev/null 2>&1 && echo "No changes." || { echo "unexpected diff" >&2; exit 1; }
if [ -n "${KEEP:-}" ]; then
  echo "Left running: KUBE_CONFIG_PATH=$KUBE_CONFIG_PATH TF_CLI_CONFIG_FILE=$TF_CLI_CONFIG_FILE; stop with 'make down'."
fi
