package datasources

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

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
	state := tfsdk.State{Schema: resp.Schema, Raw: bgpTopologyState(topo, types.StringNull(), all)}
	var count types.Int64
	if d := state.GetAttribute(ctx, path.Root("session_count"), &count); d.HasError() || count.ValueInt64() != 3 {
		t.Errorf("session_count %v (%v), want 3", count, d)
	}

	// A node selector keeps the nodes it selects, their sessions with the others, and the count of them.
	rack1, _ := validate.ParseSelector(types.StringValue("rack in {'r1', 'r3'}"))
	selected := tfsdk.State{Schema: resp.Schema, Raw: bgpTopologyState(topo, types.StringValue("rack in {'r1', 'r3'}"), rack1)}
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
	selected = tfsdk.State{Schema: resp.Schema, Raw: bgpTopologyState(topo, types.StringValue("rack == 'r2'"), rack2)}
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
