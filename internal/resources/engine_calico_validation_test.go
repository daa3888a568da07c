package resources

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
)

// Every spec field of the Calico kinds lands on the attribute that sets it, so that Calico's
// validation errors name it. The fields listed are those no attribute sets: IPPool's
// deprecated v1 fields, which Calico converts away. Every resource of All() is checked but the
// node resources, which own settings of a node rather than a Calico object's spec; a resource
// that cannot be checked fails the test rather than pass it unchecked.
func TestCalicoFieldsMapToAttributes(t *testing.T) {
	notModelled := map[string]bool{"calico_ip_pool spec.ipip": true, "calico_ip_pool spec.nat-outgoing": true}
	noCalicoSpec := map[string]bool{"calico_node_bgp": true, "calico_node_rr": true}
	checked := 0
	for _, newResource := range All() {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(context.Background(), resource.MetadataRequest{ProviderTypeName: "calico"}, &meta)
		c, ok := r.(interface {
			checkCalicoFields(*testing.T, map[string]bool)
		})
		switch {
		case ok && noCalicoSpec[meta.TypeName]:
			t.Errorf("%s: listed as having no Calico spec, but it is checked; remove it from the list", meta.TypeName)
		case ok:
			c.checkCalicoFields(t, notModelled)
			checked++
		case !noCalicoSpec[meta.TypeName]:
			t.Errorf("%s: its Calico fields are not checked (it has no checkCalicoFields)", meta.TypeName)
		}
	}
	if want := len(All()) - len(noCalicoSpec); checked != want {
		t.Errorf("checked the Calico fields of %d resources, want %d", checked, want)
	}
}

func (r *objectResource[M, T]) checkCalicoFields(t *testing.T, notModelled map[string]bool) {
	ctx := context.Background()
	plan := tfsdk.Plan{Schema: r.schema()}
	spec, ok := reflect.TypeOf(r.kind(r.client).New()).Elem().FieldByName("Spec")
	if !ok {
		t.Errorf("calico_%s: its Calico object has no Spec field to map to attributes", r.typeName)
		return
	}
	var walk func(typ reflect.Type, jsonPath []any)
	walk = func(typ reflect.Type, jsonPath []any) {
		for typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct {
			return
		}
		for i := range typ.NumField() {
			f := typ.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			fieldPath := append(append([]any(nil), jsonPath...), name)
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Slice {
				fieldPath = append(fieldPath, 0)
				ft = ft.Elem()
			}
			field := fmt.Sprintf("calico_%s spec.%s", r.typeName, name)
			if len(jsonPath) == 1 && notModelled[field] {
				continue
			}
			if got := attributePath(ctx, plan, fieldPath, r.calicoNames); len(got.Steps()) == 0 {
				t.Errorf("calico_%s: Calico's field %v lands on no attribute", r.typeName, fieldPath)
			}
			if ft.Kind() == reflect.Struct {
				walk(ft, fieldPath)
			}
		}
	}
	walk(spec.Type, []any{"spec"})
}

func TestAttributePath(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		resource func() resource.Resource
		field    []any
		want     path.Path
	}{
		{NewBGPFilter, []any{"spec", "exportV4", 1, "cidr"}, path.Root("export_v4").AtListIndex(1).AtName("cidr")},
		{NewBGPFilter, []any{"metadata", "name"}, path.Root("name")},
		{NewBGPPeer, []any{"spec", "localASNumber"}, path.Root("local_as_number")},
		{NewBGPPeer, []any{"spec", "password", "secretKeyRef", "key"}, path.Root("password_secret_ref")},
		{NewBGPConfiguration, []any{"spec", "serviceClusterIPs", 2, "cidr"}, path.Root("service_cluster_ips").AtListIndex(2)},
		{NewBGPConfiguration, []any{"spec", "localWorkloadPeeringIPV6"}, path.Root("local_workload_peering_ipv6")},
		{NewIPPool, []any{"spec", "disableBGPExport"}, path.Root("disable_bgp_export")},
		{NewIPPool, []any{"status"}, path.Empty()},
	} {
		r := c.resource().(interface {
			attributeFor(context.Context, []any) path.Path
		})
		if got := r.attributeFor(ctx, c.field); !got.Equal(c.want) {
			t.Errorf("%v: got %s, want %s", c.field, got, c.want)
		}
	}
}

func (r *objectResource[M, T]) attributeFor(ctx context.Context, field []any) path.Path {
	return attributePath(ctx, tfsdk.Plan{Schema: r.schema()}, field, r.calicoNames)
}
