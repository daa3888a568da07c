package testenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// RESTConfig is an admin client configuration for the environment.
func (e *Env) RESTConfig() *rest.Config {
	return &rest.Config{
		Host:            e.Host,
		BearerToken:     e.Token,
		TLSClientConfig: rest.TLSClientConfig{CAFile: e.CAFile},
		QPS:             100,
		Burst:           200,
	}
}

type api struct {
	dyn  dynamic.Interface
	disc discovery.DiscoveryInterface
	rest rest.Interface
}

func newAPI(e *Env) (*api, error) {
	cfg := e.RESTConfig()
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &api{dyn: dyn, disc: disc, rest: disc.RESTClient()}, nil
}

func poll(ctx context.Context, timeout time.Duration, check func() error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		err := check()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (a *api) waitReady(ctx context.Context, timeout time.Duration) error {
	return poll(ctx, timeout, func() error {
		return a.rest.Get().AbsPath("/readyz").Do(ctx).Error()
	})
}

var (
	crdGVR        = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	serviceGVR    = schema.GroupVersionResource{Version: "v1", Resource: "services"}
	apiServiceGVR = schema.GroupVersionResource{Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"}
)

// apply server-side-applies an object (CRDs such as felixconfigurations are too large for
// client-side apply's last-applied annotation).
func (a *api) apply(ctx context.Context, gvr schema.GroupVersionResource, namespace string, obj map[string]any) error {
	u := &unstructured.Unstructured{Object: obj}
	body, err := u.MarshalJSON()
	if err != nil {
		return err
	}
	force := true
	_, err = a.dyn.Resource(gvr).Namespace(namespace).Patch(ctx, u.GetName(), types.ApplyPatchType, body,
		metav1.PatchOptions{FieldManager: "testenv", Force: &force})
	return err
}

// installCRDs installs Calico's CRDs of release r, derived from the pinned release's (see
// deriveCRD), in the given API group: as they are (crd.projectcalico.org), or as Calico 3.32's
// native v3 CRDs (projectcalico.org, version v3), which have the same Go types and so the same
// schemas. Server-side apply changes CRDs already installed in place: objects stay, and keep
// any field a schema loses until they are written again. It returns once kube-apiserver
// validates with the new schemas.
func (a *api) installCRDs(ctx context.Context, dir, group string, r calico.Release) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("reading Calico CRDs: %w", err)
	}
	want, version := 0, "v1"
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		var obj map[string]any
		if err := yaml.Unmarshal(b, &obj); err != nil {
			return fmt.Errorf("parsing %s: %w", e.Name(), err)
		}
		keep, err := deriveCRD(obj, r)
		if err != nil {
			return fmt.Errorf("%s: %w", e.Name(), err)
		}
		if !keep {
			continue
		}
		if newerFieldsAt(r) {
			if err := addNewerCalicoFields(obj); err != nil {
				return fmt.Errorf("%s: %w", e.Name(), err)
			}
		}
		if group != calicoStorageGroup {
			if version, err = regroupCRD(obj, group); err != nil {
				return fmt.Errorf("%s: %w", e.Name(), err)
			}
		}
		if err := a.apply(ctx, crdGVR, "", obj); err != nil {
			return fmt.Errorf("installing %s: %w", e.Name(), err)
		}
		want++
	}
	err = poll(ctx, 60*time.Second, func() error {
		res, err := a.disc.ServerResourcesForGroupVersion(group + "/" + version)
		if err != nil {
			return err
		}
		if len(res.APIResources) < want {
			return fmt.Errorf("%d of %d Calico CRDs served", len(res.APIResources), want)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return a.waitSchemas(ctx, schema.GroupVersion{Group: group, Version: version}, r)
}

const calicoStorageGroup = "crd.projectcalico.org"

// NewerCalicoFields are fields of Calico releases after the pinned one, by the plural of their
// kind and their path in the object, that the test env adds to the pinned CRDs' schemas. A
// cluster whose CRDs come from a newer Calico stores them; the provider's types do not know
// them, and tests check that its updates keep them. An environment of an older release has
// none of them.
var NewerCalicoFields = map[string][]string{
	"bgppeers":          {"spec.keepaliveTime"},
	"bgpconfigurations": {"spec.programClusterRoutes"},
	"bgpfilters":        {"spec.exportV4[].peerType", "spec.importV4[].peerType"},
}

// addNewerCalicoFields adds NewerCalicoFields, as strings, to a CRD's schema.
func addNewerCalicoFields(crd map[string]any) error {
	spec, _ := crd["spec"].(map[string]any)
	names, _ := spec["names"].(map[string]any)
	plural, _ := names["plural"].(string)
	for _, field := range NewerCalicoFields[plural] {
		parent, name, err := schemaParent(crd, field)
		if err != nil {
			return err
		}
		properties, ok := parent["properties"].(map[string]any)
		if !ok {
			return fmt.Errorf("CRD %s: %s has no properties", plural, field)
		}
		properties[name] = map[string]any{"type": "string"}
	}
	return nil
}

// regroupCRD moves a crd.projectcalico.org/v1 CRD into group as version v3.
func regroupCRD(crd map[string]any, group string) (string, error) {
	spec, _ := crd["spec"].(map[string]any)
	names, _ := spec["names"].(map[string]any)
	versions, _ := spec["versions"].([]any)
	plural, _ := names["plural"].(string)
	if plural == "" || len(versions) != 1 {
		return "", fmt.Errorf("unexpected CRD layout (plural %q, %d versions)", plural, len(versions))
	}
	spec["group"] = group
	crd["metadata"] = map[string]any{"name": plural + "." + group}
	version, _ := versions[0].(map[string]any)
	version["name"] = "v3"
	return "v3", nil
}

// registerCalicoAPI points the aggregation layer at the Calico API server. With no kube-proxy
// a ClusterIP cannot be reached, so the Service is an ExternalName for localhost.
func (a *api) registerCalicoAPI(ctx context.Context, port int) error {
	svc := map[string]any{
		"apiVersion": "v1", "kind": "Service",
		"metadata": map[string]any{"name": "calico-api", "namespace": "kube-system"},
		"spec": map[string]any{
			"type": "ExternalName", "externalName": "localhost",
			"ports": []any{map[string]any{"name": "apiserver", "port": int64(port), "protocol": "TCP"}},
		},
	}
	if err := a.apply(ctx, serviceGVR, "kube-system", svc); err != nil {
		return fmt.Errorf("creating the calico-api Service: %w", err)
	}
	apiSvc := map[string]any{
		"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
		"metadata": map[string]any{"name": "v3.projectcalico.org"},
		"spec": map[string]any{
			"group": "projectcalico.org", "version": "v3",
			"groupPriorityMinimum": int64(1500), "versionPriority": int64(200),
			"insecureSkipTLSVerify": true,
			"service":               map[string]any{"name": "calico-api", "namespace": "kube-system", "port": int64(port)},
		},
	}
	if err := a.apply(ctx, apiServiceGVR, "", apiSvc); err != nil {
		return fmt.Errorf("registering the v3.projectcalico.org APIService: %w", err)
	}
	return nil
}

func (a *api) waitCalicoAPI(ctx context.Context, timeout time.Duration) error {
	return poll(ctx, timeout, func() error {
		res, err := a.disc.ServerResourcesForGroupVersion("projectcalico.org/v3")
		if err != nil {
			return err
		}
		for _, r := range res.APIResources {
			if r.Name == "bgppeers" {
				// Discovery can answer before the aggregated server does; list once to be sure.
				return a.rest.Get().AbsPath("/apis/projectcalico.org/v3/bgppeers").Do(ctx).Error()
			}
		}
		return fmt.Errorf("bgppeers not served yet (%s)", strings.Join(names(res.APIResources), ","))
	})
}

func names(rs []metav1.APIResource) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}
