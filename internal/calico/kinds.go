package calico

import (
	"context"
	"slices"
	"sync/atomic"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	v3scheme "github.com/projectcalico/api/pkg/client/clientset_generated/clientset/scheme"
	"github.com/projectcalico/calico/libcalico-go/lib/clientv3"
	"github.com/projectcalico/calico/libcalico-go/lib/options"
	"k8s.io/apimachinery/pkg/runtime"
)

// The registry of the Calico kinds the provider reads and writes, as libcalico-go's Kubernetes
// backend keeps one table of kinds: one entry per kind says everything the datastores need to
// store it, so that no datastore carries code of its own for any kind. Adding a kind is one
// entry here; its resource then names the entry (kind: calico.BGPPeers.On).
var (
	// BGPConfigurations are the cluster's BGP settings ("default") and each node's ("node.NAME").
	BGPConfigurations = register(kindOf[*v3.BGPConfiguration, *v3.BGPConfigurationList](
		KindInfo{Name: v3.KindBGPConfiguration, Plural: "bgpconfigurations",
			Since: since(0), Fields: []FieldSince{
				{Path: "spec.localWorkloadPeeringIPV4", Since: since(30)},
				{Path: "spec.localWorkloadPeeringIPV6", Since: since(30)},
				{Path: "spec.serviceLoadBalancerAggregation", Since: since(31)},
			}},
		v3.NewBGPConfiguration, clientv3.Interface.BGPConfigurations))
	// BGPPeers are the BGP peerings.
	BGPPeers = register(kindOf[*v3.BGPPeer, *v3.BGPPeerList](
		KindInfo{Name: v3.KindBGPPeer, Plural: "bgppeers", Since: since(0), Fields: []FieldSince{
			{Path: "spec.reachableBy", Since: since(25)},
			{Path: "spec.ttlSecurity", Since: since(25)},
			{Path: "spec.filters", Since: since(26)},
			{Path: "spec.localWorkloadSelector", Since: since(30)},
			{Path: "spec.nextHopMode", Since: since(31, Release{3, 30, 2})},
			{Path: "spec.reversePeering", Since: since(31, Release{3, 30, 3})},
			{Path: "spec.localASNumber", Since: since(31)},
		}},
		v3.NewBGPPeer, clientv3.Interface.BGPPeers))
	// BGPFilters are the route filters peers refer to.
	BGPFilters = register(kindOf[*v3.BGPFilter, *v3.BGPFilterList](
		KindInfo{Name: v3.KindBGPFilter, Plural: "bgpfilters", Since: since(26), Fields: filterRuleFields(
			FieldSince{Path: "source", Since: since(27)},
			FieldSince{Path: "interface", Since: since(27)},
			FieldSince{Path: "prefixLength", Since: since(29)},
		)},
		v3.NewBGPFilter, clientv3.Interface.BGPFilter))
	// IPPools are the IP pools.
	IPPools = register(kindOf[*v3.IPPool, *v3.IPPoolList](
		KindInfo{Name: v3.KindIPPool, Plural: "ippools", Since: since(0), Fields: []FieldSince{
			{Path: "spec.allowedUses", Value: string(v3.IPPoolAllowedUseLoadBalancer), Since: since(30)},
			{Path: "spec.assignmentMode", Since: since(30)},
			{Path: "spec.namespaceSelector", Since: since(31)},
		}},
		v3.NewIPPool, clientv3.Interface.IPPools))
	// CalicoNodeStatuses are the requests for, and reports of, calico-node's status.
	CalicoNodeStatuses = register(kindOf[*v3.CalicoNodeStatus, *v3.CalicoNodeStatusList](
		KindInfo{Name: v3.KindCalicoNodeStatus, Plural: "caliconodestatuses", ReportedByCalicoNode: true, Since: since(21)},
		v3.NewCalicoNodeStatus, clientv3.Interface.CalicoNodeStatus))
	// ClusterInformations say which Calico the cluster runs ("default", which calico-node and the
	// operator write); the provider only reads them.
	ClusterInformations = register(kindOf[*v3.ClusterInformation, *v3.ClusterInformationList](
		KindInfo{Name: v3.KindClusterInformation, Plural: "clusterinformations", ReadOnly: true,
			Since: since(0)},
		v3.NewClusterInformation, clientv3.Interface.ClusterInformation))
)

// KindInfo is what the registry says of a kind, apart from its Go types.
type KindInfo struct {
	// Name is Calico's kind name ("BGPPeer"), as objects and messages carry it.
	Name string
	// Plural names the kind's objects on every datastore: the resource in projectcalico.org/v3
	// and in crd.projectcalico.org/v1, and the key segment under Calico's etcd prefix.
	Plural string
	// ReportedByCalicoNode: calico-node writes the objects' status, and users or the provider
	// create them with kubectl or the API (calicoctl 3.31 does not create them).
	ReportedByCalicoNode bool
	// ReadOnly: the provider reads the kind and never writes it.
	ReadOnly bool
	// Since is the Calico release that brought the kind.
	Since Since
	// Fields are the kind's fields, and values of fields, that came after the oldest release
	// the provider supports or after the kind itself, with the release that brought each
	// (its CRDs and types at Calico's release tags). A cluster of an older release does not
	// keep them (its CRDs prune them) or does not act on them (etcd), so a plan that sets one
	// there is refused.
	Fields []FieldSince
}

// since is a Since of Calico release 3.minor.0, with backports (patch releases of older minors).
func since(minor int, backports ...Release) Since {
	return SinceRelease(Release{3, minor, 0}, backports...)
}

// filterRuleFields are fields of a BGPFilter rule, in each of its four rule lists.
func filterRuleFields(fields ...FieldSince) []FieldSince {
	var out []FieldSince
	for _, list := range []string{"exportV4", "importV4", "exportV6", "importV6"} {
		for _, f := range fields {
			f.Path = "spec." + list + "[]." + f.Path
			out = append(out, f)
		}
	}
	return out
}

// Kinds lists the registered kinds, in the order they are registered above.
func Kinds() []KindInfo {
	infos := make([]KindInfo, len(registry))
	for i, k := range registry {
		infos[i] = k.info()
	}
	return infos
}

// KindNamed returns the registered kind of that name.
func KindNamed(name string) (KindInfo, bool) {
	i := slices.IndexFunc(registry, func(k kindEntry) bool { return k.info().Name == name })
	if i < 0 {
		return KindInfo{}, false
	}
	return registry[i].info(), true
}

// registry holds every entry, in registration order.
var registry []kindEntry

func register[T Object, L runtime.Object](k *KindDef[T, L]) *KindDef[T, L] {
	registry = append(registry, k)
	return k
}

// KindDef is one entry of the registry: the kind's facts and Go types, and the one thing that
// differs per kind in Calico's library, the accessor of the kind's client.
type KindDef[T Object, L runtime.Object] struct {
	KindInfo
	// New returns an empty object of the kind.
	New     func() T
	library func(clientv3.Interface) libcalicoClient[T, L]
}

// kindOf builds an entry; C is clientv3's interface for the kind, whose methods the library
// accessor's result has.
func kindOf[T Object, L runtime.Object, C libcalicoClient[T, L]](info KindInfo, newObj func() T, library func(clientv3.Interface) C) *KindDef[T, L] {
	return &KindDef[T, L]{KindInfo: info, New: newObj,
		library: func(api clientv3.Interface) libcalicoClient[T, L] { return library(api) }}
}

// On is the kind on c's datastore; c connects on first use.
func (k *KindDef[T, L]) On(c *Client) Kind[T] {
	var writes *atomic.Uint64
	if c != nil { // a kind's name and type serve before any client is configured
		writes = &c.writes
	}
	return Kind[T]{Name: k.Name, Info: k.KindInfo, New: k.New, writes: writes, open: func(ctx context.Context) (*objects, error) {
		cn, err := c.connect(ctx)
		if err != nil {
			return nil, err
		}
		return cn.objects[k.Name], nil
	}}
}

// kindEntry is an entry as the datastores use it, without its Go types: each datastore stores
// every kind through these.
type kindEntry interface {
	info() KindInfo
	newObject() Object
	// newList is an empty list of the kind, from the v3 scheme.
	newList() runtime.Object
	// libraryClient is the kind's client in Calico's library, over Object.
	libraryClient(api clientv3.Interface) libcalicoClient[Object, runtime.Object]
}

func (k *KindDef[T, L]) info() KindInfo { return k.KindInfo }

func (k *KindDef[T, L]) newObject() Object { return k.New() }

func (k *KindDef[T, L]) newList() runtime.Object { return k.NewList() }

// NewList returns an empty list of the kind, the type Calico's v3 scheme registers for it
// (TestRegistry checks that every entry has one).
func (k *KindDef[T, L]) NewList() runtime.Object {
	list, err := v3scheme.Scheme.New(v3.SchemeGroupVersion.WithKind(k.Name + "List"))
	if err != nil {
		panic("calico: the registry's kind " + k.Name + " has no list type in Calico's v3 scheme: " + err.Error())
	}
	return list
}

// Library is the kind's client in Calico's library, as calicoctl writes through it.
func (k *KindDef[T, L]) Library(api clientv3.Interface) LibraryClient[T] { return k.library(api) }

func (k *KindDef[T, L]) libraryClient(api clientv3.Interface) libcalicoClient[Object, runtime.Object] {
	return untypedLibraryClient[T, L]{k.library(api)}
}

// untypedLibraryClient is a kind's client in Calico's library over Object, so that one store
// serves every kind.
type untypedLibraryClient[T Object, L runtime.Object] struct {
	typed libcalicoClient[T, L]
}

func (c untypedLibraryClient[T, L]) Create(ctx context.Context, obj Object, opts options.SetOptions) (Object, error) {
	return orNil(c.typed.Create(ctx, obj.(T), opts))
}

func (c untypedLibraryClient[T, L]) Update(ctx context.Context, obj Object, opts options.SetOptions) (Object, error) {
	return orNil(c.typed.Update(ctx, obj.(T), opts))
}

func (c untypedLibraryClient[T, L]) Delete(ctx context.Context, name string, opts options.DeleteOptions) (Object, error) {
	return orNil(c.typed.Delete(ctx, name, opts))
}

func (c untypedLibraryClient[T, L]) Get(ctx context.Context, name string, opts options.GetOptions) (Object, error) {
	return orNil(c.typed.Get(ctx, name, opts))
}

func (c untypedLibraryClient[T, L]) List(ctx context.Context, opts options.ListOptions) (runtime.Object, error) {
	list, err := c.typed.List(ctx, opts)
	if err != nil {
		return nil, err
	}
	return list, nil
}

// orNil is obj as an Object, nil (not a typed nil) when err is set.
func orNil[T Object](obj T, err error) (Object, error) {
	if err != nil {
		return nil, err
	}
	return obj, nil
}
