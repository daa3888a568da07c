package testenv

import (
	"strings"

	"github.com/projectcalico/calico/libcalico-go/lib/apiconfig"
	"github.com/projectcalico/calico/libcalico-go/lib/clientv3"
	"github.com/sirupsen/logrus"
)

// LibraryClient is Calico's own client (libcalico-go's clientv3) on the environment's
// datastore, as calico-node and calicoctl use it: on Kubernetes it writes Calico's
// crd.projectcalico.org/v1 storage directly, on etcd Calico's keys.
func (e *Env) LibraryClient() (clientv3.Interface, error) {
	// The library logs every step of its IPAM at info level, on the global logger.
	if logrus.GetLevel() > logrus.WarnLevel {
		logrus.SetLevel(logrus.WarnLevel)
	}
	if e.Etcd != nil {
		return clientv3.New(apiconfig.CalicoAPIConfig{Spec: apiconfig.CalicoAPIConfigSpec{
			DatastoreType: apiconfig.EtcdV3,
			EtcdConfig: apiconfig.EtcdConfig{EtcdEndpoints: strings.Join(e.Etcd.Endpoints, ","), EtcdCACertFile: e.Etcd.CAFile,
				EtcdCertFile: e.Etcd.CertFile, EtcdKeyFile: e.Etcd.KeyFile},
		}})
	}
	return clientv3.New(apiconfig.CalicoAPIConfig{Spec: apiconfig.CalicoAPIConfigSpec{
		DatastoreType: apiconfig.Kubernetes,
		KubeConfig:    apiconfig.KubeConfig{Kubeconfig: e.Kubeconfig, K8sClientQPS: 100},
	}})
}
