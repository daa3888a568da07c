package resources_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	"github.com/projectcalico/api/pkg/lib/numorstring"
	libapiv3 "github.com/projectcalico/calico/libcalico-go/lib/apis/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
)

// deleteCalicoctlObjects removes what an earlier run of a calicoctl test may have left: its
// filter, peer, pool and per-node BGPConfiguration.
func deleteCalicoctlObjects(t *testing.T, filter, peer, pool, node string) {
	t.Helper()
	acctest.Delete(t, bgpPeers(t), peer)
	acctest.Delete(t, bgpFilters(t), filter)
	acctest.Delete(t, ipPools(t), pool)
	deleteBGPConfiguration(t, node)
}

// calicoctl, the tool these users replace, is the judge: it reads every field the provider
// wrote as the configuration has it.
func TestAccCalicoctl_readsWhatTheProviderWrote(t *testing.T) {
	acctest.RequireCalicoctl(t)
	const filter, peer, pool, node = "acc-ctl-filter", "acc-ctl-peer", "acc-ctl-pool", "node.acc-ctl-node"
	deleteCalicoctlObjects(t, filter, peer, pool, node)
	config := fmt.Sprintf(`
resource "calico_bgp_filter" "f" {
  name      = %q
  export_v4 = [
    { action = "Accept", cidr = "10.244.0.0/16", match_operator = "In", prefix_length = { min = 16, max = 26 } },
    { action = "Reject", source = "RemotePeers", interface = "eth*" },
  ]
  import_v6 = [{ action = "Reject", cidr = "fd00::/8", match_operator = "NotIn" }]
}
resource "calico_bgp_peer" "p" {
  name                         = %q
  node_selector                = "rack == 'r1' && has(route-reflector)"
  peer_ip                      = "172.20.0.254"
  as_number                    = 65001
  local_as_number              = "1.10"
  password_secret_ref          = { name = "bgp-secrets", key = "rack1" }
  max_restart_time             = "2m"
  source_address               = "None"
  next_hop_mode                = "Self"
  num_allowed_local_as_numbers = 2
  ttl_security                 = 1
  reverse_peering              = "Manual"
  filters                      = [calico_bgp_filter.f.name]
}
resource "calico_ip_pool" "pool" {
  name               = %q
  cidr               = "10.246.0.0/16"
  block_size         = 24
  vxlan_mode         = "CrossSubnet"
  nat_outgoing       = true
  node_selector      = "rack == 'r1'"
  allowed_uses       = ["Workload"]
  assignment_mode    = "Manual"
}
resource "calico_bgp_configuration" "node" {
  name                  = %q
  log_severity_screen   = "Warning"
  listen_port           = 1179
  ignored_interfaces    = ["vxlan*"]
  communities           = [{ name = "edge", value = "65001:100" }]
  prefix_advertisements = [{ cidr = "192.0.2.0/24", communities = ["edge", "65001:200"] }]
}`, filter, peer, pool, node)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             acctest.CheckGone(bgpPeers(t), peer),
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				acctest.CheckCalicoctlStored(t, "bgpfilter", filter, func(o *v3.BGPFilter) v3.BGPFilterSpec { return o.Spec }, v3.BGPFilterSpec{
					ExportV4: []v3.BGPFilterRuleV4{
						{Action: v3.Accept, CIDR: "10.244.0.0/16", MatchOperator: v3.In, PrefixLength: &v3.BGPFilterPrefixLengthV4{Min: ptr.To[int32](16), Max: ptr.To[int32](26)}},
						{Action: v3.Reject, Source: v3.BGPFilterSourceRemotePeers, Interface: "eth*"},
					},
					ImportV6: []v3.BGPFilterRuleV6{{Action: v3.Reject, CIDR: "fd00::/8", MatchOperator: v3.NotIn}},
				}),
				acctest.CheckCalicoctlStored(t, "bgppeer", peer, func(o *v3.BGPPeer) v3.BGPPeerSpec { return o.Spec }, v3.BGPPeerSpec{
					NodeSelector:             "rack == 'r1' && has(route-reflector)",
					PeerIP:                   "172.20.0.254",
					ASNumber:                 65001,
					LocalASNumber:            ptr.To[numorstring.ASNumber](65546),
					Password:                 secretRef("bgp-secrets", "rack1"),
					MaxRestartTime:           &metav1.Duration{Duration: 2 * time.Minute},
					SourceAddress:            v3.SourceAddressNone,
					NextHopMode:              ptr.To(v3.NextHopMode("Self")),
					NumAllowedLocalASNumbers: ptr.To[int32](2),
					TTLSecurity:              ptr.To[uint8](1),
					ReversePeering:           ptr.To(v3.ReversePeeringManual),
					Filters:                  []string{filter},
				}),
				acctest.CheckCalicoctlStored(t, "ippool", pool, func(o *v3.IPPool) v3.IPPoolSpec { return o.Spec }, v3.IPPoolSpec{
					CIDR: "10.246.0.0/16", BlockSize: 24, VXLANMode: v3.VXLANModeCrossSubnet, IPIPMode: v3.IPIPModeNever,
					NATOutgoing: true, NodeSelector: "rack == 'r1'", AllowedUses: []v3.IPPoolAllowedUse{v3.IPPoolAllowedUseWorkload},
					AssignmentMode: ptr.To(v3.Manual),
				}),
				acctest.CheckCalicoctlStored(t, "bgpconfiguration", node, func(o *v3.BGPConfiguration) v3.BGPConfigurationSpec { return o.Spec }, v3.BGPConfigurationSpec{
					LogSeverityScreen:              "Warning",
					ListenPort:                     1179,
					IgnoredInterfaces:              []string{"vxlan*"},
					Communities:                    []v3.Community{{Name: "edge", Value: "65001:100"}},
					PrefixAdvertisements:           []v3.PrefixAdvertisement{{CIDR: "192.0.2.0/24", Communities: []string{"edge", "65001:200"}}},
					ServiceLoadBalancerAggregation: acctest.CRDDefault(t, v3.ServiceLoadBalancerAggregationEnabled),
				}),
			),
		}},
	})
}

// Objects calicoctl created import with an empty plan: a configuration written to match what
// calicoctl shows needs no change.
func TestAccCalicoctl_importsWhatCalicoctlCreated(t *testing.T) {
	acctest.RequireCalicoctl(t)
	const filter, peer, pool, node = "acc-ctl-made-filter", "acc-ctl-made-peer", "acc-ctl-made-pool", "node.acc-ctl-made"
	deleteCalicoctlObjects(t, filter, peer, pool, node)
	acctest.Calicoctl(t, []byte(fmt.Sprintf(`
apiVersion: projectcalico.org/v3
kind: BGPFilter
metadata: {name: %s}
spec:
  exportV4:
  - {action: Accept, cidr: 10.244.0.0/16, matchOperator: In}
  - {action: Reject}
---
apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata: {name: %s}
spec:
  nodeSelector: has(route-reflector)
  peerIP: 172.20.0.1
  asNumber: 65010
  keepOriginalNextHop: true
  filters: [%s]
---
apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: %s}
spec:
  cidr: 10.247.0.0/16
  ipipMode: Always
  natOutgoing: true
---
apiVersion: projectcalico.org/v3
kind: BGPConfiguration
metadata: {name: %s}
spec:
  logSeverityScreen: Debug
  listenPort: 1179
`, filter, peer, filter, pool, node)), "create", "-f", "-")
	config := fmt.Sprintf(`
import {
  to = calico_bgp_filter.f
  id = %[1]q
}
import {
  to = calico_bgp_peer.p
  id = %[2]q
}
import {
  to = calico_ip_pool.pool
  id = %[3]q
}
import {
  to = calico_bgp_configuration.node
  id = %[4]q
}
resource "calico_bgp_filter" "f" {
  name      = %[1]q
  export_v4 = [
    { action = "Accept", cidr = "10.244.0.0/16", match_operator = "In" },
    { action = "Reject" },
  ]
}
resource "calico_bgp_peer" "p" {
  name                   = %[2]q
  node_selector          = "has(route-reflector)"
  peer_ip                = "172.20.0.1"
  as_number              = 65010
  keep_original_next_hop = true
  filters                = [calico_bgp_filter.f.name]
}
resource "calico_ip_pool" "pool" {
  name         = %[3]q
  cidr         = "10.247.0.0/16"
  ipip_mode    = "Always"
  nat_outgoing = true
}
resource "calico_bgp_configuration" "node" {
  name                = %[4]q
  log_severity_screen = "Debug"
  listen_port         = 1179
}`, filter, peer, pool, node)
	noop := func(addr string) plancheck.PlanCheck {
		return plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             func(*terraform.State) error { return acctest.Gone(bgpPeers(t), peer) },
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					noop("calico_bgp_filter.f"), noop("calico_bgp_peer.p"), noop("calico_ip_pool.pool"), noop("calico_bgp_configuration.node"),
				}},
			},
			{Config: config, PlanOnly: true},
		},
	})
}

// calicoctl reads a node's BGP settings as Calico sees them, from the Kubernetes Node's
// annotations or the Calico Node in etcd: what calico_node_rr and calico_node_bgp set is there,
// next to the address calico-node detected.
func TestAccCalicoctl_readsTheNodeSettings(t *testing.T) {
	acctest.RequireCalicoctl(t)
	const node = "acc-ctl-node"
	acctest.CreateNode(t, node, map[string]string{"rack": "r1"}, map[string]string{"projectcalico.org/IPv4Address": "192.0.2.30/24"})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "calico_node_rr" "rr" {
  node       = %[1]q
  cluster_id = "244.0.0.9"
}
resource "calico_node_bgp" "bgp" {
  node      = %[1]q
  as_number = "1.10"
}`, node),
			Check: resource.ComposeTestCheckFunc(
				acctest.CheckCalicoctlStored(t, "node", node, func(n *libapiv3.Node) *libapiv3.NodeBGPSpec { return n.Spec.BGP }, &libapiv3.NodeBGPSpec{
					ASNumber: ptr.To(numorstring.ASNumber(65546)), IPv4Address: "192.0.2.30/24", RouteReflectorClusterID: "244.0.0.9",
				}),
				acctest.CheckCalicoctlStored(t, "node", node, func(n *libapiv3.Node) map[string]string { return n.Labels },
					map[string]string{"rack": "r1", "route-reflector": "true"}),
			),
		}},
	})
}
