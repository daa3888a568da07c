package calico

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/gentype"
	"k8s.io/client-go/rest"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// coreClient reaches the few Kubernetes core/v1 kinds the provider uses (Nodes, Secrets,
// Namespaces). It is built on a scheme of core/v1 alone: client-go's full clientset would
// register and link every Kubernetes API group, costing memory and start-up time in every
// provider process for nothing.
type coreClient struct {
	rest  rest.Interface
	codec runtime.ParameterCodec
}

func newCoreClient(cfg *rest.Config) (*coreClient, error) {
	scheme := runtime.NewScheme()
	if err := corev1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	metav1.AddToGroupVersion(scheme, corev1.SchemeGroupVersion)
	c := rest.CopyConfig(cfg)
	c.APIPath = "/api"
	c.GroupVersion = &corev1.SchemeGroupVersion
	c.NegotiatedSerializer = serializer.NewCodecFactory(scheme).WithoutConversion()
	rc, err := rest.RESTClientFor(c)
	if err != nil {
		return nil, err
	}
	return &coreClient{rest: rc, codec: runtime.NewParameterCodec(scheme)}, nil
}

func (c *coreClient) Nodes() *gentype.ClientWithList[*corev1.Node, *corev1.NodeList] {
	return gentype.NewClientWithList("nodes", c.rest, c.codec, "",
		func() *corev1.Node { return &corev1.Node{} }, func() *corev1.NodeList { return &corev1.NodeList{} })
}

// untypedNodes is the Nodes' client over Object, for the node store.
func (c *coreClient) untypedNodes() *gentype.ClientWithList[Object, runtime.Object] {
	return gentype.NewClientWithList("nodes", c.rest, c.codec, "",
		func() Object { return &corev1.Node{} }, func() runtime.Object { return &corev1.NodeList{} })
}

func (c *coreClient) Secrets(namespace string) *gentype.ClientWithList[*corev1.Secret, *corev1.SecretList] {
	return gentype.NewClientWithList("secrets", c.rest, c.codec, namespace,
		func() *corev1.Secret { return &corev1.Secret{} }, func() *corev1.SecretList { return &corev1.SecretList{} })
}

func (c *coreClient) Namespaces() *gentype.ClientWithList[*corev1.Namespace, *corev1.NamespaceList] {
	return gentype.NewClientWithList("namespaces", c.rest, c.codec, "",
		func() *corev1.Namespace { return &corev1.Namespace{} }, func() *corev1.NamespaceList { return &corev1.NamespaceList{} })
}
