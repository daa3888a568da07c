package calico

import (
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	calicov3 "github.com/projectcalico/api/pkg/client/clientset_generated/clientset/typed/projectcalico/v3"
	"k8s.io/client-go/rest"
)

// v3Datastore reaches Calico through projectcalico.org/v3 on the Kubernetes API: the Calico API
// server (which validates, defaults and stores through Calico's library) or Calico 3.32's
// native v3 CRDs.
type v3Datastore struct {
	api       calicov3.ProjectcalicoV3Interface
	at        location
	nodeStore nodeStore
}

func newV3Datastore(rc *rest.Config, core *coreClient, at location) (v3Datastore, error) {
	api, err := calicov3.NewForConfig(rc)
	if err != nil {
		return v3Datastore{}, err
	}
	return v3Datastore{api: api, at: at, nodeStore: newKubeNodeStore(core, at)}, nil
}

func (d v3Datastore) stored(resource string) storedObjects {
	return restStored{rest: d.api.RESTClient(), group: "projectcalico.org", version: "v3", resource: resource}
}

func (d v3Datastore) location() location { return d.at }

func (d v3Datastore) nodes() nodeStore { return d.nodeStore }

func (d v3Datastore) bgpConfigurations() objectStore[*v3.BGPConfiguration] {
	return restStore[*v3.BGPConfiguration, *v3.BGPConfigurationList]{d.api.BGPConfigurations(), d.stored("bgpconfigurations"), v3.NewBGPConfiguration}
}

func (d v3Datastore) bgpPeers() objectStore[*v3.BGPPeer] {
	return restStore[*v3.BGPPeer, *v3.BGPPeerList]{d.api.BGPPeers(), d.stored("bgppeers"), v3.NewBGPPeer}
}

func (d v3Datastore) bgpFilters() objectStore[*v3.BGPFilter] {
	return restStore[*v3.BGPFilter, *v3.BGPFilterList]{d.api.BGPFilters(), d.stored("bgpfilters"), v3.NewBGPFilter}
}

func (d v3Datastore) ipPools() objectStore[*v3.IPPool] {
	return restStore[*v3.IPPool, *v3.IPPoolList]{d.api.IPPools(), d.stored("ippools"), v3.NewIPPool}
}

func (d v3Datastore) calicoNodeStatuses() objectStore[*v3.CalicoNodeStatus] {
	return restStore[*v3.CalicoNodeStatus, *v3.CalicoNodeStatusList]{d.api.CalicoNodeStatuses(), d.stored("caliconodestatuses"), v3.NewCalicoNodeStatus}
}
