package calico

import (
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/api/meta"
)

// Every registered kind has what the datastores need to store it: a unique name and plural,
// objects that say their kind, and a list type in Calico's v3 scheme.
func TestRegistry(t *testing.T) {
	var names, plurals []string
	for _, k := range registry {
		info := k.info()
		if slices.Contains(names, info.Name) || slices.Contains(plurals, info.Plural) {
			t.Errorf("kind %s (%s) is registered twice", info.Name, info.Plural)
		}
		names, plurals = append(names, info.Name), append(plurals, info.Plural)
		if got := k.newObject().GetObjectKind().GroupVersionKind().Kind; got != info.Name {
			t.Errorf("kind %s: a new object says it is a %q", info.Name, got)
		}
		if !meta.IsListType(k.newList()) {
			t.Errorf("kind %s: %T is no list", info.Name, k.newList())
		}
		if got, ok := KindNamed(info.Name); !ok || got.Plural != info.Plural {
			t.Errorf("KindNamed(%q) = %+v, %v", info.Name, got, ok)
		}
	}
	if len(Kinds()) != len(registry) {
		t.Errorf("Kinds() has %d kinds, the registry %d", len(Kinds()), len(registry))
	}
}

// A connection opens every registered kind on its datastore, so that an entry is all a new
// kind needs.
func TestConnectionOpensEveryRegisteredKind(t *testing.T) {
	cn := newConnection(pathOnly(APIGroupV3), nil)
	for _, info := range Kinds() {
		if o := cn.objects[info.Name]; o == nil || o.kind != info.Name {
			t.Errorf("kind %s: the connection has %+v", info.Name, o)
		}
	}
}
