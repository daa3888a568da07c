package calico

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A patch edits exactly its keys of the stored Calico Node: calico-node's fields and fields of
// a newer Calico stay, an emptied spec.bgp goes (Calico rejects an empty one), the AS number is
// stored as Calico's library stores it.
func TestPatchCalicoNode(t *testing.T) {
	stored := func() map[string]any {
		var obj map[string]any
		if err := json.Unmarshal([]byte(`{"apiVersion":"projectcalico.org/v3","kind":"Node",
			"metadata":{"name":"n1","labels":{"rack":"r1"}},
			"spec":{"bgp":{"ipv4Address":"192.0.2.1/24","newerBGPField":true},"wireguard":{"interfaceIPv4Address":"10.0.0.1"}}}`), &obj); err != nil {
			t.Fatal(err)
		}
		return obj
	}
	value := func(s string) *string { return &s }
	obj := stored()
	if err := patchCalicoNode(obj, NodeKeys{
		Annotations: map[string]*string{AnnotationASNumber: value("1.10"), AnnotationRouteReflectorClusterID: value("244.0.0.1")},
		Labels:      map[string]*string{"route-reflector": value("true")},
	}); err != nil {
		t.Fatal(err)
	}
	want := stored()
	want["metadata"].(map[string]any)["labels"] = map[string]any{"rack": "r1", "route-reflector": "true"}
	bgp := want["spec"].(map[string]any)["bgp"].(map[string]any)
	bgp["asNumber"], bgp["routeReflectorClusterID"] = uint32(65546), "244.0.0.1"
	if diff := cmp.Diff(want, obj); diff != "" {
		t.Errorf("after setting (-want +got):\n%s", diff)
	}

	obj = map[string]any{"metadata": map[string]any{"name": "n2", "labels": map[string]any{"route-reflector": "true"}},
		"spec": map[string]any{"bgp": map[string]any{"routeReflectorClusterID": "244.0.0.1"}}}
	if err := patchCalicoNode(obj, NodeKeys{
		Annotations: map[string]*string{AnnotationRouteReflectorClusterID: nil},
		Labels:      map[string]*string{"route-reflector": nil},
	}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"metadata": map[string]any{"name": "n2"}, "spec": map[string]any{}}, obj); diff != "" {
		t.Errorf("after removing (-want +got):\n%s", diff)
	}

	// The provider's own resources send only the keys patchCalicoNode knows: another one is a
	// bug of the provider, which the error names.
	if err := patchCalicoNode(stored(), NodeKeys{Annotations: map[string]*string{"projectcalico.org/labels": value("{}")}}); err == nil ||
		!strings.Contains(err.Error(), "no setting projectcalico.org/labels") {
		t.Errorf("a key that is no setting of a Calico Node: %v, want an error naming it", err)
	}
	// An invalid AS number is the user's, rejected as Calico's validation rejects it.
	err := patchCalicoNode(stored(), NodeKeys{Annotations: map[string]*string{AnnotationASNumber: value("not-an-as")}})
	if err == nil || !errors.Is(classOf(err), ErrInvalid) {
		t.Errorf("an invalid AS number: %v, want a validation error (ErrInvalid)", err)
	}
}

// Calico's library takes PEM content only with a client certificate and key; a CA alone goes
// through a file that exists while the library connects.
func TestEtcdLibrarySpec(t *testing.T) {
	spec, cleanup, err := EtcdConfig{Endpoints: []string{"https://a:2379", "https://b:2379"}, CACertificate: "CA",
		Username: "u", Password: "p"}.librarySpec()
	if err != nil {
		t.Fatal(err)
	}
	if spec.EtcdEndpoints != "https://a:2379,https://b:2379" || spec.EtcdUsername != "u" || spec.EtcdPassword != "p" || spec.EtcdCACert != "" {
		t.Errorf("spec: %+v", spec.EtcdConfig)
	}
	if b, err := os.ReadFile(spec.EtcdCACertFile); err != nil || string(b) != "CA" {
		t.Errorf("CA file %q: %q, %v", spec.EtcdCACertFile, b, err)
	}
	cleanup()
	if _, err := os.Stat(spec.EtcdCACertFile); !os.IsNotExist(err) {
		t.Errorf("the CA file outlived the connection: %v", err)
	}

	spec, cleanup, err = EtcdConfig{Endpoints: []string{"https://a:2379"}, CACertificate: "CA", ClientCertificate: "CERT", ClientKey: "KEY"}.librarySpec()
	defer cleanup()
	if err != nil || spec.EtcdCACert != "CA" || spec.EtcdCert != "CERT" || spec.EtcdKey != "KEY" || spec.EtcdCACertFile != "" {
		t.Errorf("inline spec: %+v, %v", spec.EtcdConfig, err)
	}
}
