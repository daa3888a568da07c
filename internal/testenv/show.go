package testenv

import (
	"context"
	"fmt"
	"io"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"sigs.k8s.io/yaml"
)

// Show prints the projectcalico.org/v3 objects of the given resources (plural names such as
// bgpconfigurations) as YAML, leaving out server bookkeeping.
func (e *Env) Show(ctx context.Context, w io.Writer, resources ...string) error {
	dyn, err := dynamic.NewForConfig(e.RESTConfig())
	if err != nil {
		return err
	}
	for _, res := range resources {
		list, err := dyn.Resource(schema.GroupVersionResource{Group: "projectcalico.org", Version: "v3", Resource: res}).
			List(ctx, metav1.ListOptions{})
		if err != nil {
			return fmt.Errorf("listing %s: %w", res, err)
		}
		for _, item := range list.Items {
			for _, f := range []string{"managedFields", "uid", "resourceVersion", "creationTimestamp", "generation"} {
				unstructured.RemoveNestedField(item.Object, "metadata", f)
			}
			b, err := yaml.Marshal(item.Object)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "---\n%s", b)
		}
	}
	return nil
}
