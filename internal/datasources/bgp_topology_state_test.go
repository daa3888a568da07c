package datasources

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/calico-tf/terraform-provider-calico/internal/bgp"
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
		"n1": {Name: "n1", ASNumber: 64512, IPv4Address: "10.0.0.1/24", Sessions: []bgp.Session{
			{PeerIP: "10.0.0.2", PeerAS: 64512, LocalAS: 64512, PeerNode: "n2", Source: bgp.MeshSource, Passive: true},
			{PeerIP: "10.0.0.254", PeerPort: 1179, PeerAS: 65001, LocalAS: 64512, Source: "tor"},
		}},
	}, Isolated: []string{"n3"}}
	state := tfsdk.State{Schema: resp.Schema, Raw: bgpTopologyState(topo)}
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
