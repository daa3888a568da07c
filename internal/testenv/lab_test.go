package testenv

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// confd's IPIP branches keep valid BIRD 1.6 syntax once the fork's krt_tunnel is gone.
func TestDropKrtTunnel(t *testing.T) {
	in := `  if ( net ~ 10.0.0.0/16 ) then {
    if defined(bgp_next_hop) && ( bgp_next_hop ~ 10.1.0.0/24 ) then
      krt_tunnel = "";
    else
      krt_tunnel = "tunl0";
    accept;
  }
  if ( net ~ 10.2.0.0/16 ) then {
    krt_tunnel = "{{$data.ipip}}";
    accept;
  }`
	out := string(DropKrtTunnel([]byte(in)))
	if strings.Contains(out, "krt_tunnel") {
		t.Errorf("krt_tunnel left:\n%s", out)
	}
	for _, want := range []string{"then\n      { }", "else\n      { }", "{\n    \n    accept;"} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in:\n%s", want, out)
		}
	}
}

func TestParseBIRDProtocols(t *testing.T) {
	out := `BIRD 1.6.8 ready.
name     proto    table    state  since       info
kernel1  Kernel   master   up     11:28:35
Mesh_10_1_0_12 BGP      master   up     11:28:38    Established
  Description:    Connection to BGP peer
  BGP state:          Established
    Neighbor address: 10.1.0.12
    Neighbor AS:      64512
Node_10_1_0_1 BGP      master   start  11:28:38    Active
  BGP state:          Active
    Neighbor address: 10.1.0.1
`
	want := []LabSession{{"Mesh_10_1_0_12", "10.1.0.12", "Established"}, {"Node_10_1_0_1", "10.1.0.1", "Active"}}
	if diff := cmp.Diff(want, parseBIRDProtocols(out)); diff != "" {
		t.Error(diff)
	}
}

// Nodes take .11 on of their rack, switches .1 and the spine, blocks /26 in order.
func TestLabPlan(t *testing.T) {
	l := &Lab{ID: "labx", Spec: LabSpec{Pool: "10.244.0.0/16", Racks: []LabRack{
		{Name: "r1", Subnet: "10.1.0.0/24", SwitchAS: 65001, Nodes: []string{"a", "b", "c", "d", "e"}},
		{Name: "r2", Subnet: "10.2.0.0/24", SwitchAS: 65002, Nodes: []string{"f"}},
	}}}
	if err := l.plan(); err != nil {
		t.Fatal(err)
	}
	last := l.Nodes[5]
	if last.Address != "10.2.0.11" || last.Block != "10.244.1.64/26" || last.PodAddress != "10.244.1.65" || last.Namespace != "labx-f" {
		t.Errorf("node f: %+v", last)
	}
	if sw := l.Switches[1]; sw.Address != "10.2.0.1" || sw.SpineAddress != "10.0.0.2" || sw.Namespace != "labx-r2-tor" {
		t.Errorf("switch r2: %+v", sw)
	}
	l = &Lab{Spec: LabSpec{Pool: "10.244.0.0/25", Racks: []LabRack{{Name: "r1", Subnet: "10.1.0.0/24", Nodes: []string{"a", "b", "c"}}}}}
	if err := l.plan(); err == nil || !strings.Contains(err.Error(), "too few") {
		t.Errorf("three /26 blocks in a /25: %v", err)
	}
}
