package testenv

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// Calico's CRDs of an older release are derived from the pinned release's: between the oldest
// release the provider supports and the pinned one, Calico's CRDs of the registry's kinds differ
// only by the properties later releases added (the enums and defaults that came with them go
// with them). The registry of kinds (calico.Kinds) says which release brought each, and
// TestDerivedCRDsMatchCalicoTags checks the derived schemas against Calico's own at its tags.

// crdKind is the registry's entry for a CRD of one of its kinds (by spec.names.kind); ok is
// false for a CRD of another kind.
func crdKind(crd map[string]any) (calico.KindInfo, bool) {
	spec, _ := crd["spec"].(map[string]any)
	names, _ := spec["names"].(map[string]any)
	kind, _ := names["kind"].(string)
	return calico.KindNamed(kind)
}

// deriveCRD turns a CRD of the pinned release into the same CRD at release r, removing every
// property the registry says r lacks. keep is false when r lacks the kind itself. A value that
// came later than its field (allowedUses "LoadBalancer") changes no schema: no older CRD has an
// enum for it.
func deriveCRD(crd map[string]any, r calico.Release) (keep bool, err error) {
	info, ok := crdKind(crd)
	if !ok {
		return true, nil
	}
	if !info.Since.In(r) {
		return false, nil
	}
	for _, f := range info.Fields {
		if f.Value != "" || f.Since.In(r) {
			continue
		}
		parent, name, err := schemaParent(crd, f.Path)
		if err != nil {
			return false, err
		}
		props, _ := parent["properties"].(map[string]any)
		delete(props, name)
		if required, ok := parent["required"].([]any); ok {
			parent["required"] = slices.DeleteFunc(required, func(v any) bool { return v == name })
		}
	}
	return true, nil
}

// openAPISchema is the schema of a CRD's only version.
func openAPISchema(crd map[string]any) (map[string]any, error) {
	spec, _ := crd["spec"].(map[string]any)
	versions, _ := spec["versions"].([]any)
	if len(versions) != 1 {
		return nil, fmt.Errorf("unexpected CRD layout (%d versions)", len(versions))
	}
	version, _ := versions[0].(map[string]any)
	schemaOf, _ := version["schema"].(map[string]any)
	node, _ := schemaOf["openAPIV3Schema"].(map[string]any)
	if node == nil {
		return nil, fmt.Errorf("the CRD has no openAPIV3Schema")
	}
	return node, nil
}

// schemaParent finds where the field at path ("spec.exportV4[].peerType", as the registry
// names fields) goes in a CRD's schema: the schema of the object holding it, and its name.
func schemaParent(crd map[string]any, path string) (parent map[string]any, name string, err error) {
	node, err := openAPISchema(crd)
	if err != nil {
		return nil, "", err
	}
	steps := strings.Split(path, ".")
	for _, step := range steps[:len(steps)-1] {
		props, _ := node["properties"].(map[string]any)
		field, each := strings.CutSuffix(step, "[]")
		node, _ = props[field].(map[string]any)
		if each && node != nil {
			node, _ = node["items"].(map[string]any)
		}
		if node == nil {
			return nil, "", fmt.Errorf("no %s in the schema", path)
		}
	}
	if _, ok := node["properties"].(map[string]any); !ok {
		return nil, "", fmt.Errorf("no properties where %s goes", path)
	}
	return node, steps[len(steps)-1], nil
}

// schemaFields lists every property of a CRD's schema with its type, one "path type" line
// each, sorted; paths are written as the registry writes them ("spec.exportV4[].cidr").
func schemaFields(crd map[string]any) ([]string, error) {
	root, err := openAPISchema(crd)
	if err != nil {
		return nil, err
	}
	var out []string
	var walk func(node map[string]any, path string)
	walk = func(node map[string]any, path string) {
		props, _ := node["properties"].(map[string]any)
		for name, child := range props {
			child, _ := child.(map[string]any)
			at := strings.TrimPrefix(path+"."+name, ".")
			typ, _ := child["type"].(string)
			out = append(out, at+" "+typ)
			walk(child, at)
			if items, ok := child["items"].(map[string]any); ok {
				walk(items, at+"[]")
			}
		}
	}
	walk(root, "")
	sort.Strings(out)
	return out, nil
}

// waitSchemas waits until kube-apiserver validates Calico's objects (in group/version) with
// the schemas of release r: it takes a moment after a CRD changes. Each field the registry
// dates is tried on a dry-run create with strict field validation, which names a field the
// schema lacks; so are the newer releases' fields the pinned CRDs are given (NewerCalicoFields).
func (a *api) waitSchemas(ctx context.Context, gv schema.GroupVersion, r calico.Release) error {
	type probe struct {
		resource, kind, path string
		known                bool
	}
	var probes []probe
	for _, k := range calico.Kinds() {
		if !k.Since.In(r) {
			continue
		}
		for _, f := range k.Fields {
			if f.Value == "" {
				probes = append(probes, probe{k.Plural, k.Name, f.Path, f.Since.In(r)})
			}
		}
		for _, path := range NewerCalicoFields[k.Plural] {
			probes = append(probes, probe{k.Plural, k.Name, path, newerFieldsAt(r)})
		}
	}
	return poll(ctx, 60*time.Second, func() error {
		for _, p := range probes {
			obj := &unstructured.Unstructured{Object: map[string]any{
				"apiVersion": gv.String(), "kind": p.kind,
				"metadata": map[string]any{"name": "testenv-schema-probe"},
			}}
			setProbeField(obj.Object, strings.Split(p.path, "."))
			_, err := a.dyn.Resource(gv.WithResource(p.resource)).Create(ctx, obj,
				metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}, FieldValidation: "Strict"})
			unknown := err != nil && strings.Contains(err.Error(), "unknown field")
			if unknown == p.known {
				return fmt.Errorf("the %s schema is not Calico %s's yet: %s known %t, want %t (dry-run create: %v)",
					p.resource, r, p.path, !unknown, p.known, err)
			}
		}
		return nil
	})
}

// setProbeField sets the field at steps in obj to a string, in the first element of each list
// on the way.
func setProbeField(obj map[string]any, steps []string) {
	field, each := strings.CutSuffix(steps[0], "[]")
	if len(steps) == 1 {
		obj[field] = "probe"
		return
	}
	child := map[string]any{}
	if each {
		obj[field] = []any{child}
	} else {
		obj[field] = child
	}
	setProbeField(child, steps[1:])
}

// newerFieldsAt says whether an environment of release r has NewerCalicoFields: the pinned
// release's has, standing for a cluster whose CRDs come from a newer Calico; an older
// release's has not.
func newerFieldsAt(r calico.Release) bool { return r.AtLeast(calico.LibraryRelease) }
