package datasources

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/calico-tf/terraform-provider-calico/internal/bgp"
	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// The node facts built without the framework have the schemas' types (calico_node's state, an
// element of calico_nodes') and read back through them.
func TestNodeFactsState(t *testing.T) {
	ctx := context.Background()
	schemaOf := func(d datasource.DataSource) (datasource.SchemaResponse, tftypes.Type) {
		var resp datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &resp)
		return resp, resp.Schema.Type().TerraformType(ctx)
	}
	nodeSchema, nodeType := schemaOf(&nodeDataSource{})
	if !nodeType.Equal(nodeFactsType) {
		t.Fatalf("nodeFactsType is not calico_node's type:\n%s\nwant\n%s", nodeFactsType, nodeType)
	}
	if _, typ := schemaOf(&nodesDataSource{}); !typ.Equal(nodesType) {
		t.Fatalf("nodesType is not calico_nodes' type:\n%s\nwant\n%s", nodesType, typ)
	}

	n := &calico.Node{Name: "rr1", SelectorLabels: map[string]string{"rack": "r1"}, Settings: map[string]string{
		calico.AnnotationIPv4Address: "10.0.0.1/24", calico.AnnotationASNumber: "65001", calico.AnnotationRouteReflectorClusterID: "244.0.0.1"}}
	report := &v3.CalicoNodeStatus{ObjectMeta: metav1.ObjectMeta{Name: "rr1-status"}}
	report.Status.LastUpdated = metav1.Now()
	report.Status.BGP.PeersV6 = []v3.CalicoNodePeer{{PeerIP: "fd00::2", Type: v3.BGPPeerTypeNodePeer, State: v3.BGPSessionStateEstablished, Since: "09:00:00"}}
	cc := &clusterContext{asRule: bgp.NewASRule(nil), reports: map[string]*v3.CalicoNodeStatus{"rr1": report}}
	facts, warning := cc.facts(n)
	if warning != "" {
		t.Errorf("warning %q for a valid AS number", warning)
	}
	state := tfsdk.State{Schema: nodeSchema.Schema, Raw: facts}
	var got struct {
		Name           types.String `tfsdk:"name"`
		ASNumber       types.Int64  `tfsdk:"as_number"`
		ASSource       types.String `tfsdk:"as_number_source"`
		IPv4           types.String `tfsdk:"ipv4_address"`
		IPv6           types.String `tfsdk:"ipv6_address"`
		ClusterID      types.String `tfsdk:"route_reflector_cluster_id"`
		RouteReflector types.Bool   `tfsdk:"route_reflector"`
		Labels         types.Map    `tfsdk:"labels"`
		Available      types.Bool   `tfsdk:"bgp_status_available"`
		Time           types.String `tfsdk:"bgp_status_time"`
		Message        types.String `tfsdk:"bgp_status_message"`
		Peers          []struct {
			PeerIP    types.String `tfsdk:"peer_ip"`
			Type      types.String `tfsdk:"type"`
			State     types.String `tfsdk:"state"`
			Since     types.String `tfsdk:"since"`
			IPVersion types.Int64  `tfsdk:"ip_version"`
		} `tfsdk:"bgp_peers"`
	}
	if d := state.Get(ctx, &got); d.HasError() {
		t.Fatal(d)
	}
	if got.Name.ValueString() != "rr1" || got.ASNumber.ValueInt64() != 65001 || got.ASSource.ValueString() != "node" ||
		got.IPv4.ValueString() != "10.0.0.1/24" || !got.IPv6.IsNull() || got.ClusterID.ValueString() != "244.0.0.1" ||
		!got.RouteReflector.ValueBool() || !got.Available.ValueBool() || got.Time.IsNull() {
		t.Errorf("facts read back as %+v", got)
	}
	if len(got.Peers) != 1 || got.Peers[0].PeerIP.ValueString() != "fd00::2" || got.Peers[0].IPVersion.ValueInt64() != 6 ||
		got.Peers[0].State.ValueString() != "Established" || got.Peers[0].Since.ValueString() != "09:00:00" {
		t.Errorf("bgp_peers read back as %+v", got.Peers)
	}
	var rack types.String
	if d := state.GetAttribute(ctx, path.Root("labels").AtMapKey("rack"), &rack); d.HasError() || rack.ValueString() != "r1" {
		t.Errorf("labels.rack %v (%v)", rack, d)
	}

	n.Settings[calico.AnnotationASNumber] = "not-a-number"
	if _, warning := cc.facts(n); warning == "" {
		t.Error("no warning for an AS number Calico ignores")
	}
}
