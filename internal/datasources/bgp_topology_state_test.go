package datasources

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/projectcalico/calico/libcalico-go/lib/selector"

	"github.com/calico-tf/terraform-provider-calico/internal/bgp"
	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

type sessionModel struct {
	PeerIP   types.String `tfsdk:"peer_ip"`
	PeerPort types.Int64  `tfsdk:"peer_port"`
	PeerAS   types.Int64  `tfsdk:"peer_as_number"`
	PeerNode types.String `tfsdk:"peer_node"`
	Type     types.String `tfsdk:"type"`
	Source   types.String `tfsdk:"source"`
	RRClient types.Bool   `tfsdk:"route_reflector_client"`
	Passive  types.Bool   `tfsdk:"passive"`
}

// The state built without the framework has the schema's type and reads back through it.
func TestBGPTopologyState(t *testing.T) {
	ctx := context.Background()
	var resp datasource.SchemaResponse
	(&bgpTopologyDataSource{}).Schema(ctx, datasource.SchemaRequest{}, &resp)
	if want := resp.Schema.Type().TerraformType(ctx); !want.Equal(bgpTopologyType) {
		t.Fatalf("bgpTopologyType is not the schema's type:\n%s\nwant\n%s", bgpTopologyType, want)
	}
	topo := &bgp.Topology{Nodes: map[string]*bgp.NodeTopology{
		"n1": {Name: "n1", ASNumber: 64512, IPv4Address: "10.0.0.1/24", Labels: map[string]string{"rack": "r1"}, Sessions: []bgp.Session{
			{PeerIP: "10.0.0.2", PeerAS: 64512, LocalAS: 64512, PeerNode: "n2", Source: bgp.MeshSource, Passive: true},
			{PeerIP: "10.0.0.254", PeerPort: 1179, PeerAS: 65001, LocalAS: 64512, Source: "tor"},
		}},
		"n2": {Name: "n2", ASNumber: 64512, IPv4Address: "10.0.0.2/24", Labels: map[string]string{"rack": "r2"}, Sessions: []bgp.Session{
			{PeerIP: "10.0.0.1", PeerAS: 64512, LocalAS: 64512, PeerNode: "n1", Source: bgp.MeshSource},
		}},
		"n3": {Name: "n3", Labels: map[string]string{"rack": "r3"}},
	}, Isolated: []string{"n3"}}
	all, _ := validate.ParseSelector(types.StringNull())
	state := tfsdk.State{Schema: resp.Schema, Raw: topologyState(t, topo, types.StringNull(), all)}
	var count types.Int64
	if d := state.GetAttribute(ctx, path.Root("session_count"), &count); d.HasError() || count.ValueInt64() != 3 {
		t.Errorf("session_count %v (%v), want 3", count, d)
	}

	// A node selector keeps the nodes it selects, their sessions with the others, and the count of them.
	rack1, _ := validate.ParseSelector(types.StringValue("rack in {'r1', 'r3'}"))
	selected := tfsdk.State{Schema: resp.Schema, Raw: topologyState(t, topo, types.StringValue("rack in {'r1', 'r3'}"), rack1)}
	var names map[string]types.Object
	var isolatedSelected []string
	if d := selected.GetAttribute(ctx, path.Root("nodes"), &names); d.HasError() || len(names) != 2 || names["n1"].IsNull() || names["n3"].IsNull() {
		t.Errorf("selected nodes %v (%v), want n1 and n3", names, d)
	}
	if d := selected.GetAttribute(ctx, path.Root("session_count"), &count); d.HasError() || count.ValueInt64() != 2 {
		t.Errorf("selected session_count %v (%v), want 2", count, d)
	}
	if d := selected.GetAttribute(ctx, path.Root("isolated_nodes"), &isolatedSelected); d.HasError() || len(isolatedSelected) != 1 {
		t.Errorf("selected isolated_nodes %v (%v), want n3", isolatedSelected, d)
	}
	rack2, _ := validate.ParseSelector(types.StringValue("rack == 'r2'"))
	selected = tfsdk.State{Schema: resp.Schema, Raw: topologyState(t, topo, types.StringValue("rack == 'r2'"), rack2)}
	if d := selected.GetAttribute(ctx, path.Root("isolated_nodes"), &isolatedSelected); d.HasError() || len(isolatedSelected) != 0 {
		t.Errorf("isolated_nodes of rack r2 %v (%v), want none", isolatedSelected, d)
	}
	var sessions []sessionModel
	if d := state.GetAttribute(ctx, path.Root("nodes").AtMapKey("n1").AtName("sessions"), &sessions); d.HasError() {
		t.Fatal(d)
	}
	if len(sessions) != 2 {
		t.Fatalf("sessions %+v", sessions)
	}
	if mesh := sessions[0]; !mesh.PeerPort.IsNull() || mesh.PeerNode.ValueString() != "n2" || mesh.Type.ValueString() != "iBGP" || !mesh.Passive.ValueBool() {
		t.Errorf("mesh session read back as %+v", mesh)
	}
	if tor := sessions[1]; tor.PeerPort.ValueInt64() != 1179 || !tor.PeerNode.IsNull() || tor.Type.ValueString() != "eBGP" || tor.PeerAS.ValueInt64() != 65001 {
		t.Errorf("switch session read back as %+v", tor)
	}
	var v6 types.String
	if d := state.GetAttribute(ctx, path.Root("nodes").AtMapKey("n1").AtName("ipv6_address"), &v6); d.HasError() || !v6.IsNull() {
		t.Errorf("ipv6_address %v (%v), want null", v6, d)
	}
	var isolated []string
	if d := state.GetAttribute(ctx, path.Root("isolated_nodes"), &isolated); d.HasError() || len(isolated) != 1 || isolated[0] != "n3" {
		t.Errorf("isolated_nodes %v (%v)", isolated, d)
	}
}

func topologyState(t *testing.T, topo *bgp.Topology, nodeSelector types.String, sel *selector.Selector) tftypes.Value {
	t.Helper()
	v, err := bgpTopologyState(topo, nodeSelector, sel)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The state written straight in the protocol's encoding is the value Terraform's own types make
// of the same topology, for every selection, an empty node_selector and a fabric's worth of nodes.
func TestBGPTopologyStateEncoding(t *testing.T) {
	all, _ := validate.ParseSelector(types.StringNull())
	if got, want := topologyState(t, &bgp.Topology{}, types.StringNull(), all), topologyAsValues(&bgp.Topology{}, types.StringNull(), all); !got.Equal(want) {
		t.Errorf("an empty topology encoded as %v, want %v", got, want)
	}
	topo := &bgp.Topology{Nodes: map[string]*bgp.NodeTopology{}, Warnings: []string{"a warning"}}
	for i := range 300 {
		n := &bgp.NodeTopology{Name: fmt.Sprintf("node-%03d", i), ASNumber: uint32(64512 + i%3), IPv4Address: fmt.Sprintf("10.0.%d.%d/24", i/250, i%250+1),
			Labels: map[string]string{"rack": fmt.Sprint(i % 3)}}
		if i%2 == 0 {
			n.IPv6Address, n.RouteReflectorClusterID = fmt.Sprintf("fd00::%x/64", i+1), "224.0.0.1"
		}
		for j := range i % 5 {
			n.Sessions = append(n.Sessions, bgp.Session{PeerIP: fmt.Sprintf("10.1.%d.%d", j, i%250), PeerPort: uint16(j%2) * 1179,
				PeerAS: uint32(64512 + j), LocalAS: 64512, PeerNode: map[bool]string{true: "rr", false: ""}[j%3 == 0],
				Source: "peer", RouteReflectorClient: j%2 == 1, Passive: j == 2})
		}
		if i%7 == 0 {
			topo.Isolated = append(topo.Isolated, n.Name)
		}
		topo.Nodes[n.Name] = n
	}
	for _, nodeSelector := range []types.String{types.StringNull(), types.StringValue(""), types.StringValue("rack == '1'"), types.StringValue("rack == 'none'")} {
		sel, err := validate.ParseSelector(nodeSelector)
		if err != nil {
			t.Fatal(err)
		}
		got := topologyState(t, topo, nodeSelector, sel)
		if want := topologyAsValues(topo, nodeSelector, sel); !got.Equal(want) {
			diffs, err := got.Diff(want)
			t.Errorf("node_selector %v: the encoded state differs from Terraform's values of it: %v (%v)", nodeSelector, diffs, err)
		}
	}
}

// topologyAsValues is the data source's state built as Terraform's values, attribute by
// attribute, independently of the encoder.
func topologyAsValues(topo *bgp.Topology, nodeSelector types.String, sel *selector.Selector) tftypes.Value {
	str := func(s string) tftypes.Value {
		if s == "" {
			return tftypes.NewValue(tftypes.String, nil)
		}
		return tftypes.NewValue(tftypes.String, s)
	}
	list := func(ss []string) tftypes.Value {
		vals := make([]tftypes.Value, len(ss))
		for i, s := range ss {
			vals[i] = tftypes.NewValue(tftypes.String, s)
		}
		return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, vals)
	}
	nodes, sessionCount := map[string]tftypes.Value{}, 0
	for name, n := range topo.Nodes {
		if !sel.Evaluate(n.Labels) {
			continue
		}
		sessionCount += len(n.Sessions)
		sessions := make([]tftypes.Value, len(n.Sessions))
		for i, s := range n.Sessions {
			port := tftypes.NewValue(tftypes.Number, nil)
			if s.PeerPort != 0 {
				port = tftypes.NewValue(tftypes.Number, int64(s.PeerPort))
			}
			kind := "eBGP"
			if s.IBGP() {
				kind = "iBGP"
			}
			sessions[i] = tftypes.NewValue(sessionType, map[string]tftypes.Value{
				"peer_ip": str(s.PeerIP), "peer_port": port, "peer_as_number": tftypes.NewValue(tftypes.Number, int64(s.PeerAS)),
				"peer_node": str(s.PeerNode), "type": str(kind), "source": str(s.Source),
				"route_reflector_client": tftypes.NewValue(tftypes.Bool, s.RouteReflectorClient), "passive": tftypes.NewValue(tftypes.Bool, s.Passive),
			})
		}
		nodes[name] = tftypes.NewValue(topologyNodeType, map[string]tftypes.Value{
			"as_number": tftypes.NewValue(tftypes.Number, int64(n.ASNumber)), "ipv4_address": str(n.IPv4Address),
			"ipv6_address": str(n.IPv6Address), "route_reflector_cluster_id": str(n.RouteReflectorClusterID),
			"sessions": tftypes.NewValue(tftypes.List{ElementType: sessionType}, sessions),
		})
	}
	var isolated []string
	for _, name := range topo.Isolated {
		if sel.Evaluate(topo.Nodes[name].Labels) {
			isolated = append(isolated, name)
		}
	}
	return tftypes.NewValue(bgpTopologyType, map[string]tftypes.Value{
		"node_selector": tftypes.NewValue(tftypes.String, nodeSelector.ValueStringPointer()), "session_count": tftypes.NewValue(tftypes.Number, int64(sessionCount)),
		"nodes": tftypes.NewValue(tftypes.Map{ElementType: topologyNodeType}, nodes), "isolated_nodes": list(isolated),
		"warnings": list(topo.Warnings),
	})
}
