package testenv

import (
	"context"
	"fmt"
	"io"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"sigs.k8s.io/yaml"
)

// Show prints the Calico objects of the given resources (plural names such as
// bgpconfigurations) as YAML, leaving out server bookkeeping: from projectcalico.org/v3, or in
// ModeCRDv1 and ModeEtcd as calicoctl shows them.
func (e *Env) Show(ctx context.Context, w io.Writer, resources ...string) error {
	if e.Mode == ModeCRDv1 || e.Mode == ModeEtcd {
		for _, res := range resources {
			out, err := e.RunCalicoctl(ctx, nil, "get", res, "-o", "yaml")
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "---\n%s", out)
		}
		return nil
	}
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

// NodeSpec is a Node to create, as a real cluster's kubelet and calico-node would have it.
type NodeSpec struct {
	Name        string            `json:"name"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

// CreateNodes creates Nodes (there is no kubelet here), replacing any of the same name.
func (e *Env) CreateNodes(ctx context.Context, nodes []NodeSpec) error {
	dyn, err := dynamic.NewForConfig(e.RESTConfig())
	if err != nil {
		return err
	}
	api := dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: "nodes"})
	for _, n := range nodes {
		_ = api.Delete(ctx, n.Name, metav1.DeleteOptions{})
		obj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Node"}}
		obj.SetName(n.Name)
		obj.SetLabels(n.Labels)
		obj.SetAnnotations(n.Annotations)
		if _, err := api.Create(ctx, obj, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("creating node %s: %w", n.Name, err)
		}
	}
	return nil
}

// deleteKubeNode deletes a Node.
func (e *Env) deleteKubeNode(ctx context.Context, name string) error {
	dyn, err := dynamic.NewForConfig(e.RESTConfig())
	if err != nil {
		return err
	}
	return dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: "nodes"}).Delete(ctx, name, metav1.DeleteOptions{})
}

// ShowNodes prints the Calico-relevant annotations and labels of the named Nodes.
func (e *Env) ShowNodes(ctx context.Context, w io.Writer) error {
	dyn, err := dynamic.NewForConfig(e.RESTConfig())
	if err != nil {
		return err
	}
	list, err := dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: "nodes"}).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	for _, n := range list.Items {
		fmt.Fprintf(w, "%-12s", n.GetName())
		for _, k := range []string{"projectcalico.org/ASNumber", "projectcalico.org/IPv4Address", "projectcalico.org/RouteReflectorClusterID"} {
			if v, ok := n.GetAnnotations()[k]; ok {
				fmt.Fprintf(w, "  %s=%s", strings.TrimPrefix(k, "projectcalico.org/"), v)
			}
		}
		for _, k := range []string{"rack", "route-reflector", "rr-group", "rr-id"} {
			if v, ok := n.GetLabels()[k]; ok {
				fmt.Fprintf(w, "  %s=%s", k, v)
			}
		}
		fmt.Fprintln(w)
	}
	return nil
}
