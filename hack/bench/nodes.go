package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"

	"github.com/calico-tf/terraform-provider-calico/internal/bgp"
	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

type nodesResult struct {
	Nodes             int
	Matching          int
	Plan, TrivialPlan time.Duration
	PeakRSSMB         float64
	// The calico_bgp_topology plan over the same Nodes, and the sessions it found.
	TopologyPlan      time.Duration
	TopologyPeakRSSMB float64
	Sessions          int
	// TopologyLoad is the provider's own part of that read: bgp.LoadTopology (three LISTs
	// and the computation), called directly.
	TopologyLoad time.Duration
	// TopologyFloorPlan is the same plan with the idle provider answering the read with a copy
	// of the provider's answer, at once: Terraform's own time for a state that size.
	TopologyFloorPlan time.Duration
}

// measureNodes times a plan that reads calico_nodes over n Nodes (half of which match the
// selector), next to a plan of one terraform_data (Terraform's own overhead).
func measureNodes(ctx context.Context, tf *terraform, a *apiFloor, env *testenv.Env, n, runs int) (nodesResult, error) {
	r := nodesResult{Nodes: n}
	if err := a.createNodes(ctx, n); err != nil {
		return r, err
	}
	defer func() { _ = a.deleteNodes(ctx) }()
	dir, err := tf.dir(`
terraform {
  required_providers {
    calico = { source = "calico-tf/calico" }
  }
}
data "calico_nodes" "half" {
  selector = "bench-node == 'true' && rack in {` + racks(25) + `}"
}
output "matching" { value = length(data.calico_nodes.half.nodes) }
`)
	if err != nil {
		return r, err
	}
	defer os.RemoveAll(dir)
	trivial, err := tf.dir(`resource "terraform_data" "x" {}`)
	if err != nil {
		return r, err
	}
	defer os.RemoveAll(trivial)
	var plans, trivialPlans []time.Duration
	for range runs {
		d, rss, err := tf.run(dir, tf.rc, 2, "plan", "-detailed-exitcode", "-input=false")
		if err != nil {
			return r, err
		}
		plans, r.PeakRSSMB = append(plans, d), max(r.PeakRSSMB, rss)
		d, _, err = tf.run(trivial, tf.rc, 2, "plan", "-detailed-exitcode", "-input=false")
		if err != nil {
			return r, err
		}
		trivialPlans = append(trivialPlans, d)
	}
	r.Plan, r.TrivialPlan, r.Matching = median(plans), median(trivialPlans), n/2
	return r, measureTopology(ctx, tf, env, runs, &r)
}

// topologyConfig keeps the mesh off and peers every rack's nodes with the rack's two route
// reflectors (createNodes makes the first two nodes of each rack reflectors), then reads the
// sessions of every node.
const topologyConfig = `
terraform {
  required_providers {
    calico = { source = "calico-tf/calico" }
  }
}
resource "calico_bgp_configuration" "default" {
  name                      = "default"
  node_to_node_mesh_enabled = false
  mesh_disable_check        = { min_established_sessions = 0 } # no calico-node here
}
resource "calico_bgp_peer" "rack" {
  for_each      = toset([for r in range(50) : "rack${r}"])
  name          = "bench-${each.key}-to-rr"
  node_selector = "rack == '${each.key}'"
  peer_selector = "rack == '${each.key}' && route-reflector == 'true'"
  session_guard = { allow_cut_off = true } # the benchmark's destroy of its design
}
data "calico_bgp_topology" "all" {
  depends_on = [calico_bgp_configuration.default, calico_bgp_peer.rack]
}
output "sessions" { value = sum([for n in values(data.calico_bgp_topology.all.nodes) : length(n.sessions)]) }
output "isolated" { value = length(data.calico_bgp_topology.all.isolated_nodes) }
`

// measureTopology times a no-change plan that reads calico_bgp_topology over the Nodes: one
// LIST each of BGPConfigurations, BGPPeers and Nodes, and the computation, beside the refresh
// of the 51 objects that make the design.
//
// A cluster of thousands of nodes runs without the node-to-node mesh (each node would have a
// session with every other), so the mesh is off before the design is applied, and the design is
// removed without turning it back on: a plan that turns it on or off computes, for its session
// impact, a fabric with the mesh on, which over 5,000 nodes is 25 million sessions.
func measureTopology(ctx context.Context, tf *terraform, env *testenv.Env, runs int, r *nodesResult) error {
	client, err := benchClient(env)
	if err != nil {
		return err
	}
	meshOff := v3.NewBGPConfiguration()
	meshOff.Name, meshOff.Spec.NodeToNodeMeshEnabled = "default", new(bool)
	if _, err := calico.BGPConfigurations.On(client).Create(ctx, meshOff); err != nil {
		return fmt.Errorf("turning the mesh off: %w", err)
	}
	dir, err := tf.dir(topologyConfig)
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	defer func() {
		for r := range 50 {
			_ = calico.BGPPeers.On(client).Delete(ctx, fmt.Sprintf("bench-rack%d-to-rr", r))
		}
		_ = calico.BGPConfigurations.On(client).Delete(ctx, "default")
	}()
	if _, _, err := tf.run(dir, tf.rc, 0, "apply", "-auto-approve", "-input=false"); err != nil {
		return err
	}
	var plans []time.Duration
	for range runs {
		d, rss, err := tf.run(dir, tf.rc, 0, "plan", "-detailed-exitcode", "-input=false")
		if err != nil {
			return err
		}
		plans, r.TopologyPeakRSSMB = append(plans, d), max(r.TopologyPeakRSSMB, rss)
	}
	r.TopologyPlan = median(plans)
	if r.TopologyFloorPlan, err = topologyFloor(tf, dir, runs); err != nil {
		return err
	}
	var loads []time.Duration
	for range runs {
		start := time.Now()
		if _, err := bgp.LoadTopology(ctx, client); err != nil {
			return err
		}
		loads = append(loads, time.Since(start))
	}
	r.TopologyLoad = median(loads)
	out, err := exec.Command("terraform", "-chdir="+dir, "output", "-raw", "sessions").Output()
	if err != nil {
		return fmt.Errorf("terraform output sessions: %w", err)
	}
	r.Sessions, err = strconv.Atoi(strings.TrimSpace(string(out)))
	return err
}

// topologyFloor times the plan in dir with the idle provider, which answers the data source's
// read from a copy of the provider's own answer (IDLE_PROVIDER_DATA_CACHE), kept by a first
// plan that is not timed.
func topologyFloor(tf *terraform, dir string, runs int) (time.Duration, error) {
	cache, err := os.MkdirTemp(tf.work, "data-cache-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(cache)
	idle := tf.withEnv("IDLE_PROVIDER_DATA_CACHE=" + cache)
	var plans []time.Duration
	for i := range runs + 1 {
		d, _, err := idle.run(dir, tf.idleRC, 0, "plan", "-detailed-exitcode", "-input=false")
		if err != nil {
			return 0, fmt.Errorf("the idle provider's plan: %w", err)
		}
		if i > 0 {
			plans = append(plans, d)
		}
	}
	return median(plans), nil
}

func racks(k int) string {
	s := ""
	for i := range k {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("'rack%d'", i)
	}
	return s
}

// benchClient is the provider's access layer, connected as the provider under test is.
func benchClient(env *testenv.Env) (*calico.Client, error) {
	if env.Mode.Kubernetes() {
		return calico.NewClient(calico.Config{ConfigPaths: []string{env.Kubeconfig}}), nil
	}
	cfg := calico.Config{DatastoreType: calico.DatastoreEtcdV3, Etcd: calico.EtcdConfig{Endpoints: []string{env.Etcd.Endpoint}}}
	for file, into := range map[string]*string{env.Etcd.CAFile: &cfg.Etcd.CACertificate, env.Etcd.CertFile: &cfg.Etcd.ClientCertificate, env.Etcd.KeyFile: &cfg.Etcd.ClientKey} {
		pem, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		*into = string(pem)
	}
	return calico.NewClient(cfg), nil
}
