#!/usr/bin/env bash
# make demo: build the provider, start the local Calico API and the BGP lab (two racks of three
# nodes running confd, BIRD and calico-node's status reporter, a BIRD switch per rack), apply the
# leaf-spine scenario (examples/scenarios/leaf-spine-per-rack) with the freshly built provider in
# the leaf-spine guide's order (the design with the mesh on, the switches from its output, then
# the mesh off with the check at its defaults), and show the real BGP sessions, routes and a ping
# across racks. KEEP=1 leaves everything running (make down stops
# it). MODE=crd-v1 runs it on Calico's v1 CRDs without the Calico API server (as manifest and
# kubespray installs have them); the default is the Calico API server. Needs root (network
# namespaces); installs Debian's bird and ping where missing.
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
ensure_terraform
if ! command -v bird >/dev/null 2>&1 || ! command -v ping >/dev/null 2>&1 || ! command -v ip >/dev/null 2>&1; then
  echo "==> Installing Debian's bird, ping and ip for the lab"
  apt-get update -qq && apt-get install -y -qq bird iputils-ping iproute2 >/dev/null
fi

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
case "$mode" in
apiserver | crd-v1) ;;
*) echo "make demo runs on MODE=apiserver or MODE=crd-v1 (the lab's confd cannot read native v3 CRDs; the demo reaches Calico through a kubeconfig)" >&2; exit 2 ;;
esac
echo "==> Starting the local Calico API (etcd, kube-apiserver, Calico's CRDs; mode $mode)"
testenv down -dir "$work/testenv" >/dev/null 2>&1 || true
testenv up -dir "$work/testenv" -mode "$mode"
if [ -z "${KEEP:-}" ]; then
  trap 'echo "==> Stopping the lab and the local Calico API"; testenv down -dir "$work/testenv"' EXIT
fi
export KUBE_CONFIG_PATH="$work/testenv/kubeconfig"

echo
echo "==> Starting the BGP lab: two racks of three nodes, each node a network namespace running"
echo "    Calico's confd, BIRD on what confd writes, and calico-node's status reporter; a"
echo "    top-of-rack switch (BIRD) per rack. The cluster starts in the node-to-node mesh."
testenv lab -dir "$work/testenv" up hack/demo/lab.json

echo
echo "==> Step 1 of the leaf-spine guide: applying $scenario with its example.tfvars.json and the"
echo "    mesh still on: per-rack AS numbers, route reflectors and peerings, while the mesh carries"
echo "    the routes. (No BGP password in the lab: its switches are configured without one.)"
rm -rf "$work/run" && mkdir -p "$work/run"
cp "$scenario"/*.tf "$work/run/"
cp "$scenario/example.tfvars.json" "$work/run/example.auto.tfvars.json"
echo '{"password_secret": null, "node_to_node_mesh_enabled": true}' >"$work/run/zz-demo.auto.tfvars.json"
apply() {
  local start
  start=$(date +%s)
  if ! terraform -chdir="$work/run" apply -auto-approve -no-color >"$work/apply.log" 2>&1; then
    cat "$work/apply.log" >&2
    exit 1
  fi
  grep -E '^calico_bgp_configuration|^Apply complete' "$work/apply.log" | sed 's/^/    /'
  echo "    ($(($(date +%s) - start)) s)"
}
apply

echo
echo "==> Step 2: configuring each rack's switch from the output tor_neighbors, as a switch vendor's"
echo "    provider would"
terraform -chdir="$work/run" output -no-color tor_neighbors
terraform -chdir="$work/run" output -json tor_neighbors >"$work/tor_neighbors.json"
testenv lab -dir "$work/testenv" switches "$work/tor_neighbors.json"

echo
echo "==> Step 3: the mesh off. The apply first waits until every node's calico-node reports a"
echo "    session besides the mesh Established, and every session between two nodes Established"
echo "    (mesh_disable_check, at its defaults). In the lab that is real BIRD."
echo '{"password_secret": null}' >"$work/run/zz-demo.auto.tfvars.json"
apply

echo
echo "==> What the speakers say: every node's BIRD sessions and kernel routes, the switches'"
echo "    sessions and routes, and a ping across the racks between pod addresses"
testenv lab -dir "$work/testenv" show

echo
echo "==> Nodes: AS numbers, route reflectors and their labels"
testenv nodes -dir "$work/testenv"

echo
echo "==> A second plan is empty"
if terraform -chdir="$work/run" plan -detailed-exitcode -no-color >/dev/null 2>&1; then
  echo "No changes."
else
  echo "unexpected: the second plan is not empty" >&2
  exit 1
fi
if [ -n "${KEEP:-}" ]; then
  echo
  echo "Left running. Look at a node's BIRD:  birdc -s $work/testenv/<lab>/rack1-node1/run/bird.ctl show protocols"
  echo "  (paths above), or enter a node:      ip netns exec <netns> ip route   (ip netns list shows them)"
  echo "  Terraform:  export KUBE_CONFIG_PATH=$KUBE_CONFIG_PATH TF_CLI_CONFIG_FILE=$TF_CLI_CONFIG_FILE; terraform -chdir=$work/run ..."
  echo "  Stop everything with 'make down'."
fi
