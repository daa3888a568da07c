package testenv

import (
	"context"
	"errors"
	"fmt"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	cerrors "github.com/projectcalico/calico/libcalico-go/lib/errors"
	"github.com/projectcalico/calico/libcalico-go/lib/options"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// Release is the Calico release the environment runs, as its ClusterInformation says; an
// environment recorded without one runs the pinned release.
func (e *Env) Release() calico.Release {
	if r, ok := calico.ParseRelease(e.CalicoRelease); ok {
		return r
	}
	return calico.LibraryRelease
}

// OlderReleases says whether an environment of the mode can run a Calico release older than
// the pinned one: its CRDs are derived from the pinned release's (crd-v1), or Calico's etcd
// has no schema at all. The Calico API server is built of the pinned release only, and
// projectcalico.org/v3 CRDs exist from Calico 3.32 on.
func (m Mode) OlderReleases() bool { return m == ModeCRDv1 || m == ModeEtcd }

// checkRelease says why an environment of mode m cannot run Calico release r, if it cannot.
func (m Mode) checkRelease(r calico.Release) error {
	switch {
	case r.Patch < 0:
		return fmt.Errorf("name a patch release of Calico (%s.N), as ClusterInformation does", r)
	case !r.AtLeast(calico.OldestRelease) || (r.AtLeast(calico.LibraryRelease) && r != calico.LibraryRelease):
		return fmt.Errorf("the test env runs Calico %s to %s (the pinned release), not %s", calico.OldestRelease, calico.LibraryRelease, r)
	case r != calico.LibraryRelease && m == ModeAPIServer:
		return fmt.Errorf("mode %s runs the Calico API server of the pinned release %s only, not %s (modes %s and %s run older releases)",
			m, calico.LibraryRelease, r, ModeCRDv1, ModeEtcd)
	case r != calico.LibraryRelease && m == ModeV3CRDs:
		return fmt.Errorf("mode %s stands for Calico 3.32's projectcalico.org/v3 CRDs, which Calico %s does not have (modes %s and %s run older releases)",
			m, r, ModeCRDv1, ModeEtcd)
	}
	return nil
}

// SetCalicoRelease upgrades (or downgrades) the environment's Calico in place to release r, as
// an operator's upgrade does: Calico's CRDs of r replace the installed ones (objects stay) and
// ClusterInformation says r. A kind r lacks keeps its CRD, and its objects, when going down; no
// release the test env runs lacks one of the registry's kinds.
func (e *Env) SetCalicoRelease(ctx context.Context, r calico.Release) error {
	if err := e.Mode.checkRelease(r); err != nil {
		return err
	}
	if e.Mode.Kubernetes() {
		if e.CRDDir == "" {
			return errors.New("this environment's state does not say where Calico's CRDs are (an older testenv started it): restart it")
		}
		api, err := newAPI(e)
		if err != nil {
			return err
		}
		if err := api.installCRDs(ctx, e.CRDDir, e.Mode.StorageGroup(), r); err != nil {
			return err
		}
	}
	if err := e.writeClusterInformation(ctx, r); err != nil {
		return err
	}
	e.CalicoRelease = r.String()
	return e.save()
}

// clusterInformationName is the ClusterInformation calico-node writes and Calico reads.
const clusterInformationName = "default"

// writeClusterInformation records release r in ClusterInformation "default" as calico-node
// does at startup (libcalico-go's EnsureInitialized): created with a cluster GUID, the cluster
// type of Calico's manifests ("k8s,bgp", then "kdd" on Kubernetes) and datastoreReady, and
// afterwards only its calicoVersion changed. It is written in the datastore's own form, by
// Calico's library where the pinned library writes that datastore.
func (e *Env) writeClusterInformation(ctx context.Context, r calico.Release) error {
	version := "v" + r.String()
	if e.Mode == ModeV3CRDs {
		return e.writeV3ClusterInformation(ctx, version)
	}
	c, err := e.LibraryClient()
	if err != nil {
		return err
	}
	info, err := c.ClusterInformation().Get(ctx, clusterInformationName, options.GetOptions{})
	if errors.As(err, new(cerrors.ErrorResourceDoesNotExist)) {
		_, err = c.ClusterInformation().Create(ctx, e.newClusterInformation(version), options.SetOptions{})
	} else if err == nil {
		info.Spec.CalicoVersion = version
		_, err = c.ClusterInformation().Update(ctx, info, options.SetOptions{})
	}
	if err != nil {
		return fmt.Errorf("writing ClusterInformation %q: %w", clusterInformationName, err)
	}
	return nil
}

// writeV3ClusterInformation is writeClusterInformation on projectcalico.org/v3 CRDs, which the
// pinned library does not write.
func (e *Env) writeV3ClusterInformation(ctx context.Context, version string) error {
	api, err := newAPI(e)
	if err != nil {
		return err
	}
	gvr := v3.SchemeGroupVersion.WithResource(calico.ClusterInformations.Plural)
	infos := api.dyn.Resource(gvr)
	stored, err := infos.Get(ctx, clusterInformationName, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		obj, cerr := runtime.DefaultUnstructuredConverter.ToUnstructured(e.newClusterInformation(version))
		if cerr != nil {
			return cerr
		}
		_, err = infos.Create(ctx, &unstructured.Unstructured{Object: obj}, metav1.CreateOptions{})
	} else if err == nil {
		if err = unstructured.SetNestedField(stored.Object, version, "spec", "calicoVersion"); err == nil {
			_, err = infos.Update(ctx, stored, metav1.UpdateOptions{})
		}
	}
	if err != nil {
		return fmt.Errorf("writing ClusterInformation %q: %w", clusterInformationName, err)
	}
	return nil
}

// newClusterInformation is ClusterInformation "default" as calico-node of a manifest install
// creates it.
func (e *Env) newClusterInformation(version string) *v3.ClusterInformation {
	info := v3.NewClusterInformation()
	info.Name = clusterInformationName
	ready := true
	info.Spec = v3.ClusterInformationSpec{CalicoVersion: version, ClusterGUID: randomToken(), ClusterType: "k8s,bgp", DatastoreReady: &ready}
	if e.Mode.Kubernetes() {
		info.Spec.ClusterType += ",kdd"
	}
	return info
}
