package acctest

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"testing"
	"time"

	etcd "go.etcd.io/etcd/client/v3"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/uuid"
)

var (
	etcdOnce   sync.Once
	etcdClient *etcd.Client
	etcdErr    error
)

// etcdKind reaches one kind's objects under Calico's etcd keys, as Calico's library stores them:
// the v3 object's JSON without its resourceVersion, which is the key's ModRevision.
func etcdKind(t *testing.T, resource string) StoredKind {
	t.Helper()
	etcdOnce.Do(func() { etcdClient, etcdErr = Cluster(t).EtcdClient() })
	if etcdErr != nil {
		t.Fatal(etcdErr)
	}
	return etcdObjects{kv: etcdClient, resource: resource}
}

type etcdObjects struct {
	kv       *etcd.Client
	resource string
}

func (o etcdObjects) key(name string) string {
	return "/calico/resources/v3/projectcalico.org/" + o.resource + "/" + name
}

func (o etcdObjects) notFound(name string) error {
	return apierrors.NewNotFound(schema.GroupResource{Group: "projectcalico.org", Resource: o.resource}, name)
}

func (o etcdObjects) Get(ctx context.Context, name string, _ metav1.GetOptions, _ ...string) (*unstructured.Unstructured, error) {
	resp, err := o.kv.Get(ctx, o.key(name))
	if err != nil {
		return nil, err
	}
	if len(resp.Kvs) == 0 {
		return nil, o.notFound(name)
	}
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(resp.Kvs[0].Value); err != nil {
		return nil, err
	}
	obj.SetResourceVersion(strconv.FormatInt(resp.Kvs[0].ModRevision, 10))
	return obj, nil
}

// Create writes a new object with the metadata Calico's library gives one.
func (o etcdObjects) Create(ctx context.Context, obj *unstructured.Unstructured, _ metav1.CreateOptions, _ ...string) (*unstructured.Unstructured, error) {
	obj = obj.DeepCopy()
	obj.SetUID(uuid.NewUUID())
	obj.SetCreationTimestamp(metav1.NewTime(time.Now()))
	value, err := o.value(obj)
	if err != nil {
		return nil, err
	}
	key := o.key(obj.GetName())
	resp, err := o.kv.Txn(ctx).If(etcd.Compare(etcd.Version(key), "=", 0)).Then(etcd.OpPut(key, value)).Commit()
	if err != nil {
		return nil, err
	}
	if !resp.Succeeded {
		return nil, apierrors.NewAlreadyExists(schema.GroupResource{Group: "projectcalico.org", Resource: o.resource}, obj.GetName())
	}
	obj.SetResourceVersion(strconv.FormatInt(resp.Header.Revision, 10))
	return obj, nil
}

// Update writes over the object's resourceVersion only.
func (o etcdObjects) Update(ctx context.Context, obj *unstructured.Unstructured, _ metav1.UpdateOptions, _ ...string) (*unstructured.Unstructured, error) {
	rev, err := strconv.ParseInt(obj.GetResourceVersion(), 10, 64)
	if err != nil {
		return nil, err
	}
	value, err := o.value(obj)
	if err != nil {
		return nil, err
	}
	key := o.key(obj.GetName())
	resp, err := o.kv.Txn(ctx).If(etcd.Compare(etcd.ModRevision(key), "=", rev)).Then(etcd.OpPut(key, value)).Commit()
	if err != nil {
		return nil, err
	}
	if !resp.Succeeded {
		return nil, apierrors.NewConflict(schema.GroupResource{Group: "projectcalico.org", Resource: o.resource}, obj.GetName(), nil)
	}
	out := obj.DeepCopy()
	out.SetResourceVersion(strconv.FormatInt(resp.Header.Revision, 10))
	return out, nil
}

func (o etcdObjects) Delete(ctx context.Context, name string, _ metav1.DeleteOptions, _ ...string) error {
	resp, err := o.kv.Delete(ctx, o.key(name))
	if err == nil && resp.Deleted == 0 {
		return o.notFound(name)
	}
	return err
}

// List reads every object of the kind.
func (o etcdObjects) List(ctx context.Context, _ metav1.ListOptions) (*unstructured.UnstructuredList, error) {
	resp, err := o.kv.Get(ctx, o.key(""), etcd.WithPrefix())
	if err != nil {
		return nil, err
	}
	list := &unstructured.UnstructuredList{}
	for _, kv := range resp.Kvs {
		obj := unstructured.Unstructured{}
		if err := obj.UnmarshalJSON(kv.Value); err != nil {
			return nil, err
		}
		obj.SetResourceVersion(strconv.FormatInt(kv.ModRevision, 10))
		list.Items = append(list.Items, obj)
	}
	return list, nil
}

// value is the stored JSON: no resourceVersion, as Calico's library stores it.
func (o etcdObjects) value(obj *unstructured.Unstructured) (string, error) {
	c := obj.DeepCopy()
	unstructured.RemoveNestedField(c.Object, "metadata", "resourceVersion")
	b, err := json.Marshal(c.Object)
	return string(b), err
}
