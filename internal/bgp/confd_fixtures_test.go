package bgp

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	libapiv3 "github.com/projectcalico/calico/libcalico-go/lib/apis/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// confd's own template tests (confd/tests in the pinned Calico module): each case applies the
// objects of mock_data/calicoctl/<case>/input.yaml (then step2/input.yaml over them) and
// compares what confd renders for node kube-master with compiled_templates/<case>/bird.cfg
// and bird6.cfg, configurations taken from a live cluster. The cases listed are those
// test_suite_common.sh runs that way.
var confdFixtureCases = []string{
	"mesh/bgp-export",
	"mesh/communities",
	"mesh/communities/step2",
	"mesh/hash",
	"mesh/ipip-always",
	"mesh/ipip-cross-subnet",
	"mesh/ipip-off",
	"mesh/restart-time",
	"mesh/route-reflector-mesh-enabled",
	"mesh/static-routes",
	"mesh/static-routes/step2",
	"mesh/static-routes-exclude-node",
	"mesh/static-routes-exclude-node/step2",
	"mesh/static-routes-no-ipv4-address",
	"mesh/vxlan-always",
	"explicit_peering/global",
	"explicit_peering/global-external",
	"explicit_peering/global-ipv6",
	"explicit_peering/keepnexthop",
	"explicit_peering/keepnexthop-global",
	"explicit_peering/local-as",
	"explicit_peering/local-as-global",
	"explicit_peering/local-as-global-ipv6",
	"explicit_peering/local-as-ipv6",
	"explicit_peering/route_reflector",
	"explicit_peering/route_reflector_v6_by_ip",
	"explicit_peering/selectors",
	"explicit_peering/selectors/step2",
	"explicit_peering/specific_node",
}

// confdFixtureNode is the node confd's template tests render for.
const confdFixtureNode = "kube-master"

// birdVisible is what BIRD's configuration says of a session.
type birdVisible struct {
	PeerIP   string
	Port     int
	AS       uint32
	RRClient bool
	Passive  bool
	Mesh     bool // a Mesh_ protocol
}

// The sessions computed for kube-master are the ones confd rendered into BIRD's configuration
// in Calico's own template tests, in BIRD's order: mesh, global peers, node-specific peers.
func TestTopologyMatchesConfdFixtures(t *testing.T) {
	dir := confdTestsDir(t)
	for _, name := range confdFixtureCases {
		t.Run(name, func(t *testing.T) {
			in := confdFixtureInput(t, filepath.Join(dir, "mock_data", "calicoctl"), name)
			topo, err := computeTopology(in)
			if err != nil {
				t.Fatal(err)
			}
			node := topo.Nodes[confdFixtureNode]
			if node == nil {
				t.Fatalf("no node %s in the fixture", confdFixtureNode)
			}
			var got []birdVisible
			for _, s := range node.Sessions {
				got = append(got, birdVisible{s.PeerIP, int(s.PeerPort), s.PeerAS, s.RouteReflectorClient, s.Passive, s.Source == MeshSource})
			}
			var want []birdVisible
			for _, file := range []string{"bird.cfg", "bird6.cfg"} {
				cfg, err := os.ReadFile(filepath.Join(dir, "compiled_templates", name, file))
				if err != nil {
					t.Fatal(err)
				}
				sessions, err := testenv.ParseBIRDSessions(string(cfg))
				if err != nil {
					t.Fatalf("%s: %v", file, err)
				}
				for _, s := range sessions {
					want = append(want, birdVisible{s.PeerIP, s.Port, s.AS, s.RRClient, s.Passive, strings.HasPrefix(s.Protocol, "Mesh_")})
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("sessions of %s (-confd +computed):\n%s", confdFixtureNode, diff)
			}
		})
	}
}

// confdTestsDir is confd/tests in the Calico module the provider is built with.
func confdTestsDir(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/projectcalico/calico").Output()
	if err != nil {
		t.Fatalf("locating the Calico module: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "confd", "tests")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("confd's template tests: %v", err)
	}
	return dir
}

// confdFixtureInput is the objects of a case as calicoctl apply leaves them: a step's objects
// replace the earlier step's of the same kind and name.
func confdFixtureInput(t *testing.T, root, name string) topologyInput {
	t.Helper()
	steps := []string{name}
	if base, ok := strings.CutSuffix(name, "/step2"); ok {
		steps = []string{base, name}
	}
	var in topologyInput
	for _, step := range steps {
		raw, err := os.ReadFile(filepath.Join(root, step, "input.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range bytes.Split(raw, []byte("\n---")) {
			var meta metav1.TypeMeta
			if err := yaml.Unmarshal(doc, &meta); err != nil {
				t.Fatalf("%s: %v", step, err)
			}
			switch meta.Kind {
			case v3.KindBGPConfiguration:
				in.configs = applyObject(t, in.configs, doc)
			case v3.KindBGPPeer:
				in.peers = applyObject(t, in.peers, doc)
			case libapiv3.KindNode:
				var n libapiv3.Node
				if err := yaml.Unmarshal(doc, &n); err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				in.nodes = applyNode(in.nodes, nodeOfCalico(&n))
			}
		}
	}
	return in
}

// applyObject decodes doc and puts it in place of the object of its name, or after the others.
func applyObject[T any, P interface {
	*T
	metav1.Object
}](t *testing.T, objects []P, doc []byte) []P {
	t.Helper()
	obj := P(new(T))
	if err := yaml.Unmarshal(doc, obj); err != nil {
		t.Fatal(err)
	}
	for i, o := range objects {
		if o.GetName() == obj.GetName() {
			objects[i] = obj
			return objects
		}
	}
	return append(objects, obj)
}

func applyNode(nodes []*calico.Node, n *calico.Node) []*calico.Node {
	for i, o := range nodes {
		if o.Name == n.Name {
			nodes[i] = n
			return nodes
		}
	}
	return append(nodes, n)
}

// nodeOfCalico is a Calico Node object as the provider reads it from etcd: its spec.bgp as
// Settings, its labels as the ones selectors match.
func nodeOfCalico(n *libapiv3.Node) *calico.Node {
	out := &calico.Node{Name: n.Name, Settings: map[string]string{}, Labels: n.Labels, SelectorLabels: n.Labels}
	if b := n.Spec.BGP; b != nil {
		for key, v := range map[string]string{calico.AnnotationIPv4Address: b.IPv4Address, calico.AnnotationIPv6Address: b.IPv6Address,
			calico.AnnotationRouteReflectorClusterID: b.RouteReflectorClusterID} {
			if v != "" {
				out.Settings[key] = v
			}
		}
		if b.ASNumber != nil {
			out.Settings[calico.AnnotationASNumber] = b.ASNumber.String()
		}
	}
	return out
}
