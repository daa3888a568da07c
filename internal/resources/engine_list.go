package resources

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/projectcalico/calico/libcalico-go/lib/selector"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

// listable is a resource that has a list resource of the same name.
type listable interface{ list() list.ListResource }

// listFilter is the configuration of a list resource, read attribute by attribute (the
// attributes differ between kinds).
type listFilter struct {
	Selector, NamePrefix types.String
	// IncludeManagedElsewhere (include_operator_managed) is only in the schema of kinds whose
	// objects another controller may own; elsewhere it stays null.
	IncludeManagedElsewhere types.Bool
}

// listFilterSchema is the configuration of a list resource; listed says what it lists, and
// withManagedElsewhere adds include_operator_managed.
func listFilterSchema(listed string, withManagedElsewhere bool) listschema.Schema {
	s := listschema.Schema{
		MarkdownDescription: "Lists " + listed + " for `terraform query`, in name order, each with the " +
			"configuration that reproduces it (`-generate-config-out`) and its import identity.",
		Attributes: map[string]listschema.Attribute{
			"selector": listschema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Calico selector over the labels, such as `rack == 'r1'` or `has(team)`; " +
					"evaluated as Calico evaluates selectors. All when not set.",
				Validators: []validator.String{validate.Selector()},
			},
			"name_prefix": listschema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Lists only names that start with this prefix.",
			},
		},
	}
	if withManagedElsewhere {
		s.Attributes["include_operator_managed"] = listschema.BoolAttribute{
			Optional: true,
			MarkdownDescription: "Also list objects that the Tigera operator reconciles (from its " +
				"`Installation`). Off by default: the provider refuses to change or destroy them, so a " +
				"configuration generated for them is for reading only. Import them only to refer to them.",
		}
	}
	return s
}

// listing is the part of a List call common to every list resource: the filter read from the
// configuration, and the stream of results in name order, within the request's limit.
type listing struct {
	req        list.ListRequest
	filter     listFilter
	selector   *selector.Selector
	diagnostic diag.Diagnostics
}

func newListing(ctx context.Context, req list.ListRequest, withManagedElsewhere bool) *listing {
	l := &listing{req: req}
	l.diagnostic.Append(req.Config.GetAttribute(ctx, path.Root("selector"), &l.filter.Selector)...)
	l.diagnostic.Append(req.Config.GetAttribute(ctx, path.Root("name_prefix"), &l.filter.NamePrefix)...)
	if withManagedElsewhere {
		l.diagnostic.Append(req.Config.GetAttribute(ctx, path.Root("include_operator_managed"), &l.filter.IncludeManagedElsewhere)...)
	}
	sel, err := validate.ParseSelector(l.filter.Selector)
	if err != nil {
		summary, detail := tfcommon.DescribeInvalidSelector(err)
		l.diagnostic.AddAttributeError(path.Root("selector"), summary, detail)
	}
	l.selector = sel
	return l
}

// matches reports whether an object of that name and those labels is listed.
func (l *listing) matches(name string, labels map[string]string) bool {
	return strings.HasPrefix(name, l.filter.NamePrefix.ValueString()) && l.selector.Evaluate(labels)
}

// stream sends the results: one per name, in name order, at most the request's limit. result
// fills a result's identity and, when the request includes resources, its resource.
func (l *listing) stream(ctx context.Context, out *list.ListResultsStream, names []string, result func(name string, r *list.ListResult)) {
	if l.diagnostic.HasError() {
		out.Results = list.ListResultsStreamDiagnostics(l.diagnostic)
		return
	}
	slices.Sort(names)
	if limit := l.req.Limit; limit > 0 && int64(len(names)) > limit {
		names = names[:limit]
	}
	out.Results = func(push func(list.ListResult) bool) {
		for i, name := range names {
			r := l.req.NewListResult(ctx)
			r.DisplayName = name
			if i == 0 {
				r.Diagnostics.Append(l.diagnostic...) // warnings, once
			}
			result(name, &r)
			if !push(r) {
				return
			}
		}
	}
}

// listedModel sets the resource of a list result from a model that fill sets from the object, as
// an import's read sets it: every attribute starts null, so that server-side defaults the user
// never wrote stay out of the generated configuration.
func listedModel[M any](ctx context.Context, r *list.ListResult, name path.Path, value string, fill func(*M) diag.Diagnostics) {
	r.Diagnostics.Append(r.Resource.SetAttribute(ctx, name, value)...)
	var m M
	r.Diagnostics.Append(r.Resource.Get(ctx, &m)...)
	if r.Diagnostics.HasError() {
		return
	}
	r.Diagnostics.Append(fill(&m)...)
	r.Diagnostics.Append(r.Resource.Set(ctx, &m)...)
}

// objectList is the list resource of an objectResource: its objects, read in one LIST.
type objectList[M any, T calico.Object] struct {
	*objectResource[M, T]
}

func (r *objectResource[M, T]) list() list.ListResource { return objectList[M, T]{r} }

var _ list.ListResourceWithConfigure = objectList[struct{}, calico.Object]{}

func (l objectList[M, T]) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listFilterSchema(l.kind(nil).Name+" objects", l.managedElsewhere != nil)
}

func (l objectList[M, T]) List(ctx context.Context, req list.ListRequest, out *list.ListResultsStream) {
	listing := newListing(ctx, req, l.managedElsewhere != nil)
	objects := map[string]T{}
	if !listing.diagnostic.HasError() {
		includeManaged := listing.filter.IncludeManagedElsewhere.ValueBool()
		err := l.kind(l.client).Each(ctx, func(obj T) error {
			if !listing.matches(obj.GetName(), obj.GetLabels()) {
				return nil
			}
			if l.managedElsewhere != nil && !includeManaged {
				if summary, _ := l.managedElsewhere(obj); summary != "" {
					return nil
				}
			}
			objects[obj.GetName()] = obj
			return nil
		})
		if err != nil {
			tfcommon.AddAPIError(&listing.diagnostic, "List", l.kind(l.client).Name, "", err)
		}
	}
	listing.stream(ctx, out, slices.Collect(maps.Keys(objects)), func(name string, r *list.ListResult) {
		r.Diagnostics.Append(r.Identity.Set(ctx, nameIdentity{Name: types.StringValue(name)})...)
		if req.IncludeResource {
			listedModel(ctx, r, path.Root("name"), name, func(m *M) diag.Diagnostics { return l.flatten(ctx, objects[name], m) })
		}
	})
}

// nodeList is the list resource of a node resource: the nodes that have its settings.
type nodeList[M any] struct {
	*nodeKeysResource[M]
}

func (r *nodeKeysResource[M]) list() list.ListResource { return nodeList[M]{r} }

var _ list.ListResourceWithConfigure = nodeList[struct{}]{}

func (l nodeList[M]) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listFilterSchema("the Calico nodes "+l.listedNodes, false)
}

func (l nodeList[M]) List(ctx context.Context, req list.ListRequest, out *list.ListResultsStream) {
	listing := newListing(ctx, req, false)
	nodes := map[string]*calico.Node{}
	if !listing.diagnostic.HasError() {
		err := l.client.Nodes().Each(ctx, func(n *calico.Node) error {
			if l.includes(n) && listing.matches(n.Name, n.SelectorLabels) {
				nodes[n.Name] = n
			}
			return nil
		})
		if err != nil {
			tfcommon.AddAPIError(&listing.diagnostic, "List", "Nodes", "", err)
		}
	}
	listing.stream(ctx, out, slices.Collect(maps.Keys(nodes)), func(name string, r *list.ListResult) {
		r.Diagnostics.Append(r.Identity.Set(ctx, nodeIdentity{Node: types.StringValue(name)})...)
		if req.IncludeResource {
			l.setResource(ctx, r, nodes[name])
		}
	})
}

// includes reports whether the list lists node n, whatever its filter: only nodes the resource
// can represent, so that the generated configuration plans.
func (l nodeList[M]) includes(n *calico.Node) bool { return l.listed(n) }

// setResource sets the resource of a list result from node n: as an import reads it, without
// the values unlisted clears.
func (l nodeList[M]) setResource(ctx context.Context, r *list.ListResult, n *calico.Node) {
	listedModel(ctx, r, path.Root("node"), n.Name, func(m *M) diag.Diagnostics {
		d := l.flatten(ctx, n, m)
		if l.unlisted != nil {
			l.unlisted(m)
		}
		return d
	})
}
