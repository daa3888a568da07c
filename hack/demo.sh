#!/usr/bin/env bash
# make demo: build the provider, start the local Calico API with the nodes of a two-rack
# cluster, apply the leaf-spine scenario (examples/scenarios/leaf-spine-per-rack) with the
# freshly built provider, and show what the Calico API now holds and the neighbor list for
# the top-of-rack switches. KEEP=1 leaves the local API running. MODE=crd-v1 runs it on Calico's
# v1 CRDs without the Calico API server (as manifest and kubespray installs have them), and
# MODE=v3-crds on native v3 CRDs; the default is the Calico API server.
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
ensure_terraform

work="$REPO_ROOT/.demo"
scenario="examples/scenarios/leaf-spine-per-rack"
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

mode="${MODE:-apiserver}"
echo "==> Starting the local Calico API (etcd, kube-apiserver, Calico's CRDs; mode $mode)"
testenv down -dir "$work/testenv" >/dev/null 2>&1 || true
testenv up -dir "$work/testenv" -mode "$mode"
if [ -z "${KEEP:-}" ]; then
  trap 'echo "==> Stopping the local Calico API"; testenv down -dir "$work/testenv"' EXIT
fi
export KUBE_CONFIG_PATH="$work/testenv/kubeconfig"

echo "==> Creating the cluster's nodes (two racks of three; calico-node would have set the addresses)"
testenv nodes -dir "$work/testenv" hack/demo/nodes.json

echo "==> Applying $scenario with its example.tfvars.json"
rm -rf "$work/run" && mkdir -p "$work/run"
cp "$scenario"/*.tf "$work/run/"
cp "$scenario/example.tfvars.json" "$work/run/example.auto.tfvars.json"
echo "    The mesh goes off only once every node's calico-node reports the sessions that replace it"
echo "    Established. No calico-node runs here, so after 10 s the apply refuses and the mesh stays on:"
echo '{"mesh_disable_check": {"timeout": "10s"}}' >"$work/run/demo.auto.tfvars.json"
if terraform -chdir="$work/run" apply -auto-approve -no-color >"$work/apply.log" 2>&1; then
  echo "unexpected: the mesh went off though no node reported a session" >&2
  exit 1
fi
grep -E '^(Error: |  - |Nothing was written)' "$work/apply.log" | sed 's/^/    /'

echo
echo "==> Applying again with that check turned off (mesh_disable_check.min_established_sessions = 0)"
echo '{"mesh_disable_check": {"min_established_sessions": 0}}' >"$work/run/demo.auto.tfvars.json"
terraform -chdir="$work/run" apply -auto-approve -no-color 2>&1 \
  | grep -E '^(calico_|data\.calico_|Apply complete|Error|│)' | grep -v 'Reading\.\.\.\|Read complete' || true

echo
echo "==> Nodes: AS numbers, route reflectors and their labels"
testenv nodes -dir "$work/testenv"
echo
echo "==> What Calico now holds (projectcalico.org/v3; on crd-v1 as calicoctl reads it)"
testenv show -dir "$work/testenv" bgpconfigurations bgppeers bgpfilters
echo
echo "==> Per-rack neighbors for the top-of-rack switches (output tor_neighbors)"
terraform -chdir="$work/run" output -no-color tor_neighbors

echo
echo "==> A second plan is empty"
if terraform -chdir="$work/run" plan -detailed-exitcode -no-color >/dev/null 2>&1; then
  echo "No changes."
else
  echo "unexpected: the second plan is not empty" >&2
  exit 1
fi
if [ -n "${KEEP:-}" ]; then
  echo "Left running: export KUBE_CONFIG_PATH=$KUBE_CONFIG_PATH TF_CLI_CONFIG_FILE=$TF_CLI_CONFIG_FILE; terraform -chdir=$work/run ...; stop with 'make down'."
fi
