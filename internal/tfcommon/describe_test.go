package tfcommon

import (
	"errors"
	"strings"
	"testing"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// Each case pins one rule of Describe, in the order Describe tries them: removing the rule
// changes the summary or the detail the case expects. The first rule, a failed mesh check's
// wording, is pinned by TestDescribeMeshCheck and TestDescribeMeshCheckNotEstablished.
func TestDescribe(t *testing.T) {
	const v3Group, etcd = calico.APIGroupV3, calico.DatastoreEtcdV3
	// failed is how the access layer reports a failed call on BGPPeer "p".
	failed := func(class error, group string) error {
		return &calico.Error{Class: class, Kind: "BGPPeer", Name: "p", APIGroup: group, Err: errors.New("the cause")}
	}
	for _, c := range []struct {
		rule                string
		action, kind, name  string
		err                 error
		summary             string
		detail, notInDetail []string
	}{
		// An interruption, before the etcd wordings: it is no connection failure.
		{rule: "an interruption is no rejection", action: "Create", err: failed(calico.ErrInterrupted, etcd),
			summary: "Operation Interrupted", detail: []string{`was to create BGPPeer "p" (through etcdv3)`, "Run terraform apply again"},
			notInDetail: []string{"Calico rejected"}},
		// Calico's etcd: the connection failures name the etcd settings.
		{rule: "etcd unreachable", err: failed(calico.ErrUnreachable, etcd),
			summary: "etcd Unreachable", detail: []string{"etcd.endpoints", "Original error: the cause"}},
		{rule: "etcd certificate", err: failed(calico.ErrCertificate, etcd),
			summary: "etcd TLS Handshake Failed", detail: []string{"etcd.ca_certificate", "Original error: the cause"}},
		{rule: "etcd credentials", err: failed(calico.ErrUnauthorized, etcd),
			summary: "etcd Rejected the Credentials", detail: []string{"etcd.username", "Original error: the cause"}},
		{rule: "etcd permission", err: failed(calico.ErrForbidden, etcd),
			summary: "Permission Denied by etcd", detail: []string{"/calico/", "Original error: the cause"}},
		{rule: "etcd configuration", err: failed(calico.ErrInvalidConfig, etcd),
			summary: "Invalid etcd Configuration", detail: []string{"The etcd settings cannot be used. Original error: the cause"}},
		{rule: "etcd, other classes worded as on Kubernetes", err: failed(calico.ErrNotFound, etcd),
			summary: "BGPPeer Not Found", detail: []string{`BGPPeer "p" does not exist in the cluster (through etcdv3).`}},

		{rule: "etcd unreachable names the endpoint", err: &calico.Error{Class: calico.ErrUnreachable, APIGroup: etcd, Endpoint: "https://10.0.0.1:2379"},
			summary: "etcd Unreachable", detail: []string{"Calico's etcd at https://10.0.0.1:2379", "request_timeout"}},

		// The classes, in Describe's order.
		{rule: "configuration unknown", err: calico.ErrConfigUnknown,
			summary: "Provider Configuration Unknown", detail: []string{"-target"}},
		{rule: "no credentials", err: calico.ErrNoCredentials,
			summary: "No Kubernetes Credentials Found", detail: []string{"KUBE_HOST", "Original error: no Kubernetes credentials found"}},
		{rule: "invalid configuration", err: failed(calico.ErrInvalidConfig, ""),
			summary: "Invalid Provider Configuration", detail: []string{"cannot be used. Original error: the cause"}},
		{rule: "credentials rejected", err: failed(calico.ErrUnauthorized, v3Group),
			summary: "Kubernetes API Rejected the Credentials", detail: []string{"401 Unauthorized", "Original error: the cause"}},
		{rule: "permission denied names the verb, the object and the API group", action: "Update", err: failed(calico.ErrForbidden, v3Group),
			summary: "Permission Denied by the Kubernetes API",
			detail:  []string{`not allowed to update BGPPeer "p" (through projectcalico.org/v3).`, "Required RBAC", "Original error: the cause"}},
		{rule: "certificate not trusted", err: failed(calico.ErrCertificate, v3Group),
			summary: "Kubernetes API Certificate Not Trusted", detail: []string{"cluster_ca_certificate", "Original error: the cause"}},
		{rule: "unreachable", err: failed(calico.ErrUnreachable, ""),
			summary: "Kubernetes API Unreachable", detail: []string{"proxy_url", "Original error: the cause"}},
		{rule: "unreachable names the endpoint", err: &calico.Error{Class: calico.ErrUnreachable, APIGroup: v3Group, Endpoint: "https://10.0.0.1:6443"},
			summary: "Kubernetes API Unreachable", detail: []string{"Kubernetes API server at https://10.0.0.1:6443"}},
		{rule: "Calico not installed", err: calico.ErrCalicoNotInstalled,
			summary: "Calico Not Installed", detail: []string{"crd.projectcalico.org/v1"}},
		{rule: "API group not served names the group asked for", err: &calico.Error{Class: calico.ErrAPIGroupNotServed, APIGroup: v3Group},
			summary: "Calico API Group Not Served", detail: []string{`calico_api_group is "projectcalico.org/v3"`, `"auto"`}},
		{rule: "Calico API server unavailable", err: calico.ErrCalicoAPIUnavailable,
			summary: "Calico API Server Unavailable", detail: []string{"kubectl get apiservice v3.projectcalico.org"}},
		{rule: "a node not found says how to list nodes", err: &calico.Error{Class: calico.ErrNotFound, Kind: "Node", Name: "n1"},
			summary: "Node Not Found", detail: []string{`node "n1" not found`, "calicoctl get nodes", "create the node first"}},
		{rule: "not found", err: failed(calico.ErrNotFound, v3Group),
			summary: "BGPPeer Not Found", detail: []string{`BGPPeer "p" does not exist in the cluster (through projectcalico.org/v3). Original error: the cause`}},
		{rule: "already exists on create says to import it", action: "Create", err: failed(calico.ErrAlreadyExists, v3Group),
			summary: "BGPPeer Already Exists", detail: []string{`so it was not created`, `import it (an import block with id = "p"`}},
		{rule: "already exists", err: failed(calico.ErrAlreadyExists, v3Group),
			summary: "BGPPeer Already Exists", detail: []string{`BGPPeer "p" already exists in the cluster (through projectcalico.org/v3). Original error: the cause`}},
		{rule: "conflict says to apply again", action: "Update", err: failed(calico.ErrConflict, v3Group),
			summary: "Failed to Update BGPPeer", detail: []string{`BGPPeer "p" kept changing`, "Run terraform apply again"}},
		{rule: "rejected by Calico gives Calico's reason", action: "Create", err: failed(calico.ErrInvalid, v3Group),
			summary: "Failed to Create BGPPeer", detail: []string{`Calico rejected BGPPeer "p" (through projectcalico.org/v3): the cause`},
			notInDetail: []string{"Original error"}},
		{rule: "newer fields", err: failed(calico.ErrNewerFields, v3Group),
			summary: "Change Would Remove Fields Unknown to This Provider", detail: []string{calico.LibraryCalicoVersion, ": the cause."}},
		{rule: "a missing capability is worded by the capability", err: &calico.Error{Class: calico.ErrMissingCapability,
			Capability: calico.KeepsSecrets, APIGroup: etcd},
			summary: "Datastore Keeps No Kubernetes Secrets", detail: []string{`datastore_type = "etcdv3"`, "password_secret_ref"}},
		{rule: "a capability without its own wording names it", err: &calico.Error{Class: calico.ErrMissingCapability,
			Capability: calico.ReportsNodeStatus, APIGroup: etcd},
			summary: "Datastore Lacks a Capability", detail: []string{"cannot receive calico-node's status reports"}},
		{rule: "a password Secret not owned says to use password_secret_ref", err: &calico.Error{Class: calico.ErrNotOwned, Kind: "Secret", Name: "kube-system/bgp-password-p"},
			summary: "Password Secret Not Owned by the Provider", detail: []string{"Secret kube-system/bgp-password-p exists", "password_secret_ref"}},
		{rule: "not owned", err: failed(calico.ErrNotOwned, v3Group),
			summary: "BGPPeer Not Owned by the Provider", detail: []string{`BGPPeer "p" exists and was not created by this provider`}},
		{rule: "any other class: the cluster's answer", action: "Delete", err: failed(calico.ErrOther, v3Group),
			summary: "Failed to Delete BGPPeer", detail: []string{`The cluster answered an error for BGPPeer "p" (through projectcalico.org/v3): the cause`}},

		// How the object, the API group and the cause are worded.
		{rule: "an unclassified error: its whole text is the cause", action: "Read", kind: "IPPool", name: "pool", err: errors.New("boom"),
			summary: "Failed to Read IPPool", detail: []string{`The cluster answered an error for IPPool "pool": boom`}},
		{rule: "the error's object wins over the caller's", action: "Read", kind: "BGPConfiguration", name: "default",
			err: failed(calico.ErrNotFound, v3Group), summary: "BGPPeer Not Found", detail: []string{`BGPPeer "p" does not exist`}},
		{rule: "the error's operation wins over the caller's action", action: "Update", kind: "BGPConfiguration", name: "default",
			err:     &calico.Error{Class: calico.ErrForbidden, Op: calico.OpCreate, Kind: "CalicoNodeStatus", Name: "terraform-mesh-check-n1", APIGroup: v3Group},
			summary: "Permission Denied by the Kubernetes API", detail: []string{`not allowed to create CalicoNodeStatus "terraform-mesh-check-n1"`}},
		{rule: "an error about no object keeps the caller's", kind: "IPPool", name: "pool",
			err: &calico.Error{Class: calico.ErrNotFound, APIGroup: v3Group}, summary: "IPPool Not Found", detail: []string{`IPPool "pool" does not exist`}},
		{rule: "no name: the kind's objects", action: "List", kind: "BGPPeer", err: calico.ErrForbidden,
			summary: "Permission Denied by the Kubernetes API", detail: []string{"not allowed to list BGPPeer objects."}},
		{rule: "no action: access", kind: "BGPPeer", name: "p", err: calico.ErrForbidden,
			summary: "Permission Denied by the Kubernetes API", detail: []string{`not allowed to access BGPPeer "p".`}},
		{rule: "no cause: no original error", err: &calico.Error{Class: calico.ErrNotFound, Kind: "BGPPeer", Name: "p"},
			summary: "BGPPeer Not Found", detail: []string{`BGPPeer "p" does not exist in the cluster.`}, notInDetail: []string{"Original error"}},
	} {
		t.Run(c.rule, func(t *testing.T) {
			summary, detail := Describe(c.action, c.kind, c.name, c.err)
			if summary != c.summary {
				t.Errorf("summary %q, want %q", summary, c.summary)
			}
			for _, want := range c.detail {
				if !strings.Contains(detail, want) {
					t.Errorf("detail lacks %q:\n%s", want, detail)
				}
			}
			for _, unwanted := range c.notInDetail {
				if strings.Contains(detail, unwanted) {
					t.Errorf("detail has %q:\n%s", unwanted, detail)
				}
			}
		})
	}
}
