package acctest

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Objects is what the generated clients offer for one kind; the helpers below read and change
// objects independently of the provider under test (see CalicoObjects).
type Objects[T any] interface {
	Get(ctx context.Context, name string, opts metav1.GetOptions) (T, error)
	Create(ctx context.Context, obj T, opts metav1.CreateOptions) (T, error)
	Update(ctx context.Context, obj T, opts metav1.UpdateOptions) (T, error)
	Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error
}

// Mutate changes an object out of band, as another tool or a person would.
func Mutate[T any](t *testing.T, c Objects[T], name string, change func(T)) {
	t.Helper()
	obj, err := c.Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	change(obj)
	if _, err := c.Update(context.Background(), obj, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// Create creates obj out of band, as another tool would, in place of any object of its name that
// an earlier run left, and deletes it when the test ends.
func Create[T metav1.Object](t *testing.T, c Objects[T], obj T) T {
	t.Helper()
	name := obj.GetName()
	Delete(t, c, name)
	out, err := c.Create(context.Background(), obj, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Delete(t, c, name) })
	return out
}

// Delete deletes an object out of band; a missing object is fine.
func Delete[T any](t *testing.T, c Objects[T], name string) {
	t.Helper()
	if err := c.Delete(context.Background(), name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
}

// DeletedOutOfBandStep is the drift step in which the named object is deleted out of band
// before config is planned again: the plan must create addr anew.
func DeletedOutOfBandStep[T any](t *testing.T, c Objects[T], name, addr, config string) resource.TestStep {
	return resource.TestStep{
		PreConfig: func() { Delete(t, c, name) },
		Config:    config,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
		}},
	}
}

// Gone checks that the server no longer has the object.
func Gone[T any](c Objects[T], name string) error {
	if _, err := c.Get(context.Background(), name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		return fmt.Errorf("%s still exists on the server (err=%v)", name, err)
	}
	return nil
}

// CheckGone is Gone as a CheckDestroy or step check.
func CheckGone[T any](c Objects[T], name string) func(*terraform.State) error {
	return func(*terraform.State) error { return Gone(c, name) }
}

// CheckStored compares what the server stores (as extracted by part) with want.
func CheckStored[T, P any](c Objects[T], name string, part func(T) P, want P) resource.TestCheckFunc {
	return func(*terraform.State) error {
		obj, err := c.Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if diff := cmp.Diff(want, part(obj)); diff != "" {
			return fmt.Errorf("%s on the server (-want +got):\n%s", name, diff)
		}
		return nil
	}
}

// CRDDefault is a value that the Kubernetes datastores fill in from the CRD schema's default
// when an object leaves the field unset. Calico's etcd stores no such default: there it is nil.
func CRDDefault[T any](t *testing.T, v T) *T {
	if Cluster(t).Mode.Kubernetes() {
		return &v
	}
	return nil
}
