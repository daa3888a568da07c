package tfcommon

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"

	"github.com/calico-tf/terraform-provider-calico/internal/bgp"
	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// AddAPIError adds a diagnostic for a failed call to the cluster: a Title-Case summary, then
// the cause and the remedy, naming the provider attributes to change. action is a title-case
// verb ("Create"); kind and name say what the call was about. This is the one place the access
// layer's error classes are worded for users.
func AddAPIError(diags *diag.Diagnostics, action, kind, name string, err error) {
	summary, detail := Describe(action, kind, name, err)
	diags.AddError(summary, detail)
}

// AddAttributeAPIError is AddAPIError on the attribute the failure is about.
func AddAttributeAPIError(diags *diag.Diagnostics, attr path.Path, action, kind, name string, err error) {
	summary, detail := Describe(action, kind, name, err)
	diags.AddAttributeError(attr, summary, detail)
}

// WarnNewerCalico warns, once per run, when the cluster runs a Calico newer than the provider's:
// its objects may hold fields the provider cannot show or set, which updates keep.
func WarnNewerCalico(ctx context.Context, c *calico.Client, diags *diag.Diagnostics) {
	if summary, detail := NewerCalicoWarning(c.NewerCalicoVersion(ctx)); summary != "" {
		diags.AddWarning(summary, detail)
	}
}

// NewerCalicoWarning words that warning for the cluster's Calico version; "" when there is none.
func NewerCalicoWarning(version string) (summary, detail string) {
	if version == "" {
		return "", ""
	}
	return "Cluster Runs a Newer Calico Than This Provider", fmt.Sprintf("The cluster reports Calico %s; "+
		"this provider is built on Calico %s. Fields that later releases added are kept as they are when the "+
		"provider updates an object, but Terraform can neither show nor manage them. Use a provider release built "+
		"on the cluster's Calico to manage them.", version, calico.LibraryCalicoVersion)
}

// DescribeMissingInRelease words an attribute the plan sets that the cluster's Calico release
// lacks. attribute is where the provider sets it.
func DescribeMissingInRelease(attribute string, m calico.FieldMissing, release calico.Release, source calico.ReleaseSource) (summary, detail string) {
	what := fmt.Sprintf("%s (Calico's %s)", attribute, m.Field.Path)
	if m.Field.Value != "" {
		what = fmt.Sprintf("%s = %q (a value of Calico's %s)", attribute, m.Field.Value, m.Field.Path)
	}
	told := "its ClusterInformation `default` says so"
	if source == calico.ReleaseFromSetting {
		told = "the provider's calico_version says so"
	}
	return "Attribute Needs a Newer Calico", fmt.Sprintf("%s came in Calico %s. The cluster runs Calico %s (%s). "+
		"There a Kubernetes datastore drops the field, and calico-node ignores it, so the object would not do what "+
		"the configuration says. Nothing was written. Remove %s, or upgrade Calico first; if the cluster runs a "+
		"later release than it reports, set calico_version.", what, m.Field.Since, release, told, attribute)
}

// DescribeDroppedField words a field the datastore did not keep when it stored kind name:
// attribute sets it, at is its place in the object. op is the write (calico.OpCreate, ...).
func DescribeDroppedField(kind, name, attribute string, at []any, op string) (summary, detail string) {
	field := ""
	for _, step := range at {
		switch s := step.(type) {
		case int:
			field += fmt.Sprintf("[%d]", s)
		default:
			if field != "" {
				field += "."
			}
			field += fmt.Sprint(s)
		}
	}
	outcome := "The update's other changes were written; this field was not."
	if op == calico.OpCreate {
		outcome = fmt.Sprintf("The %s was deleted again, so nothing was left half-made.", kind)
	}
	return "Datastore Dropped an Attribute", fmt.Sprintf("The cluster stored %s %q without %s (Calico's %s), "+
		"which it was sent, and said nothing: its Calico (its CRDs, or its Calico API server) is older than "+
		"the field, whatever release it reports. %s Remove %s, or upgrade Calico first; set calico_version to "+
		"the release the cluster really runs so that plans refuse what it lacks.", kind, name, attribute, field, outcome, attribute)
}

// TakenOverField is a field of a stored object that a takeover clears or replaces: the attribute
// that sets it, and its stored value as Calico's JSON has it.
type TakenOverField struct {
	Attribute, Stored string
}

// DescribeTakeover words the plan's warning that creating kind name takes over the stored object
// and writes its spec whole: cleared are the fields the configuration does not set, replaced
// those it sets to another value.
func DescribeTakeover(kind, name string, cleared, replaced []TakenOverField) (summary, detail string) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %q exists already (Calico or its operator creates it). This apply takes it over and "+
		"writes its spec as this configuration says.", kind, name)
	if len(cleared) > 0 {
		b.WriteString("\n\nCleared, so Calico's defaults apply (set here and not in this configuration):")
		for _, f := range cleared {
			fmt.Fprintf(&b, "\n  - %s (stored: %s)", f.Attribute, f.Stored)
		}
	}
	if len(replaced) > 0 {
		b.WriteString("\n\nReplaced:")
		for _, f := range replaced {
			fmt.Fprintf(&b, "\n  - %s (stored: %s)", f.Attribute, f.Stored)
		}
	}
	b.WriteString("\n\nTo keep a stored value, set its attribute to it before applying, or import the object " +
		"first to see every difference as a plan.")
	return fmt.Sprintf("Taking Over the Existing %s %q", kind, name), b.String()
}

// WarnRelease warns, once per run, when the cluster's Calico release is unknown (attributes that
// older releases lack are then not checked at plan time) or older than the provider supports.
func WarnRelease(ctx context.Context, c *calico.Client, diags *diag.Diagnostics) {
	r, source, tell := c.ReleaseToTell(ctx)
	switch {
	case !tell:
	case source == calico.ReleaseUnknown:
		diags.AddWarning("Calico Release Unknown", "The cluster's ClusterInformation `default` names no Calico "+
			"release (calico-node writes it when it starts), and calico_version is not set. Attributes that older "+
			"releases lack are therefore not checked at plan time; a field the datastore drops when it is written is "+
			"still reported then. Set calico_version to the release calico-node runs.")
	default:
		diags.AddWarning("Calico Older Than Supported", fmt.Sprintf("The cluster runs Calico %s; this provider "+
			"supports Calico %s and later, and is not tested below it. Attributes that came after %s are refused at "+
			"plan time; older differences are not known to it. Upgrade Calico, or use calicoctl of the cluster's "+
			"release for what the provider cannot manage.", r, calico.OldestRelease, calico.OldestRelease))
	}
}

// WarnSessionImpact warns of the BGP sessions a planned change drops, resets and adds; nothing
// when it changes none, or when nothing was computed (nil).
func WarnSessionImpact(impact *bgp.Impact, diags *diag.Diagnostics) {
	if impact == nil || impact.Empty() {
		return
	}
	summary := "This Change Drops BGP Sessions"
	if len(impact.Dropped) == 0 && len(impact.Reset) == 0 && len(impact.Isolated) == 0 {
		summary = "This Change Adds BGP Sessions"
	}
	guard := ""
	if len(impact.Isolated) > 0 {
		guard = "\nThe apply checks again before it writes, with the changes written before this one: a node still left " +
			"with no session stops it, unless this resource's session_guard has allow_cut_off = true."
	}
	diags.AddWarning(summary, "The sessions as confd will build them, from the live objects with this resource's "+
		"planned change put in. Other changes in this plan are not included: each resource's warning counts "+
		"its own change alone.\n"+impact.Describe(sessionImpactListed)+guard)
}

// sessionImpactListed is how many nodes a session impact names in each part; the rest are counted.
const sessionImpactListed = 5

// DescribeInterruptedBeforeStart is the error of a request that came after Terraform was
// interrupted: the provider answers it without starting it.
func DescribeInterruptedBeforeStart(typeName string) (summary, detail string) {
	return "Operation Interrupted", fmt.Sprintf("Terraform was interrupted (Ctrl-C) before the provider began to work "+
		"on this %s, so nothing was sent to the datastore for it. Run terraform plan or apply again when you are ready.", typeName)
}

// DescribeCalicoRejection words a rule of Calico's validator that a planned object breaks.
// attribute is where the provider sets the field; "" when no attribute does.
func DescribeCalicoRejection(kind, attribute string, e calico.FieldError) (summary, detail string) {
	field := e.String()
	if attribute != "" {
		field = fmt.Sprintf("%s (Calico's %s)", attribute, field)
	}
	return fmt.Sprintf("Calico Would Reject This %s", kind), fmt.Sprintf("Calico's validator (the one calicoctl and the "+
		"Calico API server run before every write) rejects %s = %v: %s\nChange the configuration so that Calico "+
		"accepts it; nothing was written.", field, e.Value, strings.TrimSpace(e.Reason))
}

// Describe words a failure for users. action is what the caller was doing, a Title-Case verb
// ("Update"); the error's own operation and object, when it names them, take precedence, so
// that a failure on another object during the action (a status report the mesh check creates,
// a password Secret) names what was really refused.
func Describe(action, kind, name string, err error) (summary, detail string) {
	var ce *calico.Error
	cause, group, endpoint := err.Error(), "", ""
	if errors.As(err, &ce) {
		cause, group, endpoint = ce.Cause(), ce.APIGroup, ce.Endpoint
		if ce.Kind != "" {
			kind, name = ce.Kind, ce.Name
			if ce.Op != "" {
				action = strings.ToUpper(ce.Op[:1]) + ce.Op[1:]
			}
		}
	}
	object := fmt.Sprintf("%s %q", kind, name)
	if name == "" {
		object = kind + " objects"
	}
	via := ""
	if group != "" {
		via = " (through " + group + ")"
	}
	original := ""
	if cause != "" {
		original = " Original error: " + cause
	}
	at := ""
	if endpoint != "" {
		at = " at " + endpoint
	}
	var mesh *bgp.MeshCheckError
	if errors.As(err, &mesh) {
		return describeMeshCheck(mesh)
	}
	var convergence *bgp.ConvergenceError
	if errors.As(err, &convergence) {
		return describeConvergence(convergence)
	}
	var cutOff *bgp.CutOffError
	if errors.As(err, &cutOff) {
		return describeCutOff(lower(action), object, cutOff)
	}
	if errors.Is(err, calico.ErrInterrupted) {
		return "Operation Interrupted", fmt.Sprintf("Terraform stopped waiting while the provider was to %s %s%s, so "+
			"the datastore may or may not have made that change. Run terraform apply again: the provider reads what "+
			"is stored and converges (an object that exists without state fails with Already Exists: import it).%s",
			lower(action), object, via, original)
	}
	if errors.Is(err, calico.ErrEtcdConnection) {
		return describeEtcdConnection(err, at, original)
	}
	switch {
	case errors.Is(err, calico.ErrConfigUnknown):
		return "Provider Configuration Unknown", "The provider's connection settings depend on values not known until " +
			"apply (for example a cluster created in the same run). Apply the cluster first, or use -target, then run again."
	case errors.Is(err, calico.ErrNoCredentials):
		return "No Kubernetes Credentials Found", "Set host with token or client_certificate/client_key (or the " +
			"KUBE_HOST, KUBE_TOKEN, ... environment variables), or config_path / config_content, or run inside a cluster." + original
	case errors.Is(err, calico.ErrInvalidConfig):
		return "Invalid Provider Configuration", "The provider's connection settings cannot be used." + original
	case errors.Is(err, calico.ErrUnauthorized):
		return "Kubernetes API Rejected the Credentials", "The API server answered 401 Unauthorized. Check token, " +
			"client_certificate/client_key, the exec plugin, or the kubeconfig user in the provider configuration." + original
	case errors.Is(err, calico.ErrForbidden):
		return "Permission Denied by the Kubernetes API", fmt.Sprintf("The credentials were accepted but are not allowed "+
			"to %s %s%s. Grant the provider's identity the ClusterRole for this API group shown in the provider "+
			"documentation (section Required RBAC).%s", lower(action), object, via, original)
	case errors.Is(err, calico.ErrCertificate):
		return "Kubernetes API Certificate Not Trusted", "The API server's TLS certificate could not be verified. Set " +
			"cluster_ca_certificate to the cluster's CA, tls_server_name when the certificate names another host, or " +
			"(for tests only) insecure = true." + original
	case errors.Is(err, calico.ErrUnreachable):
		return "Kubernetes API Unreachable", "The provider could not connect to the Kubernetes API server" + at + ", " +
			"or it did not answer within request_timeout. Check host (or the kubeconfig's server), proxy_url, and " +
			"that the cluster is running and reachable from where Terraform runs." + original
	case errors.Is(err, calico.ErrCalicoNotInstalled):
		return "Calico Not Installed", "The cluster serves neither projectcalico.org/v3 (the Calico API server, or " +
			"Calico 3.32's native v3 CRDs) nor Calico's crd.projectcalico.org/v1 CRDs, so Calico is not installed in " +
			"this cluster, or the provider is pointed at another cluster. Check host, config_path or config_context." + original
	case errors.Is(err, calico.ErrAPIGroupNotServed):
		return "Calico API Group Not Served", fmt.Sprintf("calico_api_group is %q, but the cluster does not serve it. "+
			"Set calico_api_group = \"auto\" (the default) to use whichever path the cluster has: projectcalico.org/v3 "+
			"when the Calico API server or Calico 3.32's native v3 CRDs serve it, else crd.projectcalico.org/v1.%s", group, original)
	case errors.Is(err, calico.ErrCalicoAPIUnavailable):
		return "Calico API Server Unavailable", "projectcalico.org/v3 is registered with the cluster" + at + " but its " +
			"server does not answer. Check the calico-apiserver pods (kubectl get apiservice v3.projectcalico.org shows why it " +
			"is not Available), or set calico_api_group = \"crd.projectcalico.org/v1\" to write Calico's CRDs directly, " +
			"as calicoctl does." + original
	case errors.Is(err, calico.ErrNotFound) && kind == "Node":
		return "Node Not Found", fmt.Sprintf("node %q not found: Calico's datastore has no node of that name. Check the "+
			"name (kubectl get nodes, or calicoctl get nodes where Calico keeps its objects in etcd), or create the node "+
			"first.", name)
	case errors.Is(err, calico.ErrNotFound):
		return fmt.Sprintf("%s Not Found", kind), fmt.Sprintf("%s does not exist in the cluster%s.%s", object, via, original)
	case errors.Is(err, calico.ErrAlreadyExists) && action == "Create":
		return fmt.Sprintf("%s Already Exists", kind), fmt.Sprintf("%s already exists in the cluster%s, so it was not "+
			"created. To manage it with Terraform, import it (an import block with id = %q, or terraform import "+
			"<resource address> %s), or choose another name.", object, via, name, name)
	case errors.Is(err, calico.ErrAlreadyExists):
		return fmt.Sprintf("%s Already Exists", kind), fmt.Sprintf("%s already exists in the cluster%s.%s", object, via, original)
	case errors.Is(err, calico.ErrConflict):
		return fmt.Sprintf("Failed to %s %s", action, kind), fmt.Sprintf("%s kept changing while the provider wrote it%s. "+
			"Run terraform apply again; the provider re-reads the object each time.%s", object, via, original)
	case errors.Is(err, calico.ErrInvalid):
		return fmt.Sprintf("Failed to %s %s", action, kind), fmt.Sprintf("Calico rejected %s%s: %s\nFix the attribute it "+
			"names and apply again.", object, via, cause)
	case errors.Is(err, calico.ErrNewerFields):
		return "Change Would Remove Fields Unknown to This Provider", fmt.Sprintf("%s has fields that a "+
			"newer Calico set and that Calico %s, which this provider is built on, does not know. Updates keep such "+
			"fields, but this one replaces or edits list elements in a way that cannot be matched to the stored ones, "+
			"so they would be lost: %s.\nMake this change with calicoctl or kubectl of the cluster's Calico version, "+
			"or change the elements one at a time (an element edited in place keeps its fields).", object,
			calico.LibraryCalicoVersion, cause)
	case errors.Is(err, calico.ErrMissingCapability):
		return describeMissingCapability(ce.Capability, group)
	case errors.Is(err, calico.ErrNotOwned) && kind == "Secret":
		// The provider's own Secrets hold write-only BGP passwords.
		return "Password Secret Not Owned by the Provider", fmt.Sprintf("Secret %s exists and was not created by this "+
			"provider, so it is left untouched. Point the peer at it with password_secret_ref instead of password_wo, "+
			"or delete or rename that Secret.", name)
	case errors.Is(err, calico.ErrNotOwned):
		return fmt.Sprintf("%s Not Owned by the Provider", kind), fmt.Sprintf("%s exists and was not created by this "+
			"provider, so it is left untouched. Delete or rename it, or refer to it instead of replacing it.", object)
	}
	return fmt.Sprintf("Failed to %s %s", action, kind), fmt.Sprintf("The cluster answered an error for %s%s: %s", object, via, cause)
}

// DescribeInvalidSelector words a selector Calico's parser rejects, found after validation (a
// value unknown until apply); validate.Selector words the same at plan time.
func DescribeInvalidSelector(err error) (summary, detail string) {
	return "Invalid Selector", err.Error()
}

// describeMissingCapability words what the datastore cannot do, for the attribute that needs it
// (the diagnostic is on that attribute). Nothing was written: capabilities are checked first.
func describeMissingCapability(capability calico.Capability, datastoreType string) (summary, detail string) {
	where := fmt.Sprintf("The datastore (datastore_type = %q)", datastoreType)
	switch capability {
	case calico.KeepsSecrets:
		return "Datastore Keeps No Kubernetes Secrets", where + " keeps Calico's objects outside Kubernetes, so the " +
			"provider cannot keep a Secret for this value (a write-only BGP password, password_wo with " +
			"password_wo_version). Nothing was written. Keep the password in a Secret that calico-node reads, and " +
			"refer to it with password_secret_ref instead."
	}
	return "Datastore Lacks a Capability", fmt.Sprintf("%s cannot %s, which this needs. Nothing was written.", where, capability)
}

// describeEtcdConnection words the failures to reach Calico's etcd.
func describeEtcdConnection(err error, at, original string) (summary, detail string) {
	switch {
	case errors.Is(err, calico.ErrUnreachable):
		return "etcd Unreachable", "The provider could not connect to Calico's etcd" + at + ", or it did not answer " +
			"within request_timeout (each operation on etcd is bounded by it). Check etcd.endpoints (or " +
			"ETCD_ENDPOINTS): the client URLs, their scheme (https:// when etcd serves TLS), and that etcd is " +
			"reachable from where Terraform runs." + original
	case errors.Is(err, calico.ErrCertificate):
		return "etcd TLS Handshake Failed", "The TLS connection to Calico's etcd failed. Set etcd.ca_certificate " +
			"(or ETCD_CA_CERT_FILE) to the CA that signed etcd's server certificate, check that the endpoint's host " +
			"is one the certificate names, and, where etcd requires client certificates, set etcd.client_certificate " +
			"and etcd.client_key (or ETCD_CERT_FILE and ETCD_KEY_FILE)." + original
	case errors.Is(err, calico.ErrUnauthorized):
		return "etcd Rejected the Credentials", "etcd's authentication rejected the provider. Check etcd.username " +
			"and etcd.password (or ETCD_USERNAME and ETCD_PASSWORD), or the client certificate's user." + original
	case errors.Is(err, calico.ErrForbidden):
		return "Permission Denied by etcd", "etcd accepted the credentials, but their role may not read or write " +
			"Calico's keys (/calico/). Grant the user's role read and write on that prefix." + original
	}
	return "Invalid etcd Configuration", "The etcd settings cannot be used." + original
}

// describeMeshCheck words the failed check made before the node-to-node mesh goes off.
func describeMeshCheck(e *bgp.MeshCheckError) (summary, detail string) {
	nodes := listNodes(e.Nodes, func(n bgp.MeshCheckNode) string { return n.Name + ": " + describeNodeSessions(e.Class, n) })
	check := fmt.Sprintf("Every node that mesh_disable_check.node_selector (%q) selects needs at least "+
		"mesh_disable_check.min_established_sessions (%d) BGP sessions besides the mesh", e.Check.NodeSelector, e.Check.MinSessions)
	if errors.Is(e.Class, bgp.ErrSessionsNotEstablished) {
		check += ", its sessions with the other selected nodes among them"
	}
	short := plural(len(e.Nodes), "node falls", "nodes fall") + " short"
	kept := "Nothing was written: the node-to-node mesh stays on."
	optOut := "To turn the mesh off without the check, set mesh_disable_check.min_established_sessions = 0."
	if errors.Is(e.Class, bgp.ErrMeshNotReplaced) {
		return "Turning the Mesh Off Would Leave Nodes Without BGP Sessions", fmt.Sprintf("node_to_node_mesh_enabled = "+
			"false removes every node-to-node mesh session at once. %s; %s. Without the mesh they would have:\n%s%s\n"+
			"Create the BGPPeers (and route reflectors) that replace the mesh first, and make this resource depend on "+
			"them (depends_on), so that they exist when the mesh goes off; calico_bgp_topology shows the sessions Calico "+
			"will configure. Or narrow mesh_disable_check.node_selector to the nodes that must stay connected. %s", check, short, nodes, kept, optOut)
	}
	etcd := ""
	if e.NoReports && slices.ContainsFunc(e.Nodes, func(n bgp.MeshCheckNode) bool { return !n.Reported && !n.Queued }) {
		// Measured in the provider's BGP lab: the reporter updates the copy its syncer delivers,
		// which on etcd has no resourceVersion, and every update is refused.
		etcd = " On the etcd datastore, calico-node 3.31 writes no status report at all: its status reporter's " +
			"updates are refused (its log says \"Failed to update node status resource\" ... \"field must be set for " +
			"an Update request\"), so this check cannot pass there. Confirm the sessions on the nodes instead " +
			"(birdcl -s /var/run/calico/bird.ctl show protocols in calico-node), then set " +
			"mesh_disable_check.min_established_sessions = 0."
	}
	return "BGP Sessions Not Established Before Turning the Mesh Off", fmt.Sprintf("node_to_node_mesh_enabled = false "+
		"removes every node-to-node mesh session at once, so the sessions that replace them must be up first. %s, "+
		"Established as calico-node reports them (CalicoNodeStatus). After waiting mesh_disable_check.timeout (%s), "+
		"%s:\n%s%s\nCheck the BGPPeers to these nodes' route reflectors or switches and the other end of "+
		"each session (BIRD's log in calico-node says why a session is down), then apply again; or raise "+
		"mesh_disable_check.timeout if the sessions are still coming up. %s%s", check, e.Check.Timeout, short, nodes, kept, optOut, etcd)
}

// describeConvergence words the wait for Established sessions that ran out of time.
func describeConvergence(e *bgp.ConvergenceError) (summary, detail string) {
	nodes := listNodes(e.Nodes, func(n bgp.MeshCheckNode) string {
		switch {
		case n.Queued:
			return fmt.Sprintf("%s: not asked yet (at most %d nodes are asked for a report at a time)", n.Name, bgp.MaxTemporaryReports)
		case !n.Reported:
			return n.Name + ": no status report yet (is calico-node running on it?)"
		}
		var sessions []string
		for _, s := range n.NotEstablished {
			state := "not reported"
			for _, p := range n.Peers {
				if p.PeerIP == s.PeerIP && (p.Type == v3.BGPPeerTypeNodeMesh) == (s.Source == bgp.MeshSource) {
					state = string(p.State)
				}
			}
			sessions = append(sessions, describeSessions([]bgp.Session{s})+": "+state)
		}
		return n.Name + ": " + strings.Join(sessions, "; ")
	})
	etcd := ""
	if e.NoReports {
		etcd = " On the etcd datastore, calico-node 3.31 writes no status report at all, so this wait cannot pass there: " +
			"check the sessions on the nodes (birdcl -s /var/run/calico/bird.ctl show protocols in calico-node)."
	}
	return "BGP Sessions Not Established", fmt.Sprintf("Waited %s for every BGP session Calico configures for the nodes "+
		"that node_selector (%q) selects to be Established, as calico-node reports them (CalicoNodeStatus). "+
		"%s sessions that are not Established:\n%sActive or Connect: BIRD could not open the session, because the "+
		"peer does not answer on TCP port 179 (address, routing, firewall, the peer not configured) or closes it at "+
		"once (a wrong AS number or password on either side; the peer's log says which). OpenSent or OpenConfirm: "+
		"the session is being opened. Idle: BIRD waits before trying again. Fix the peering (the BGPPeer or the "+
		"switch), then run the wait again.%s", e.Wait.Timeout, e.Wait.NodeSelector,
		plural(len(e.Nodes), "node still has", "nodes still have"), nodes, etcd)
}

// describeCutOff words the session guard's refusal of a change (to action object).
func describeCutOff(action, object string, e *bgp.CutOffError) (summary, detail string) {
	nodes := listNodes(e.Nodes, func(n bgp.CutOffNode) string {
		loses := n.Name + " loses " + describeSessions(n.Dropped)
		switch {
		case len(n.Remaining) == 0:
			return loses + " and keeps none"
		case !n.Reported:
			return fmt.Sprintf("%s; it would keep %s, with no status report from its calico-node yet", loses, describeSessions(n.Remaining))
		}
		return fmt.Sprintf("%s; it would keep %s, none reported Established (it reports: %s)", loses, describeSessions(n.Remaining), strings.Join(n.Peers, "; "))
	})
	kept := fmt.Sprintf("Nothing was written: the provider did not %s %s.", action, object)
	allow := "To write it anyway (maintenance, with the nodes drained), set session_guard = { allow_cut_off = true } " +
		"on this resource and apply that first; on destroy the setting is read from the state."
	if errors.Is(e.Class, bgp.ErrCutOff) {
		return "This Change Would Cut Nodes Off", fmt.Sprintf("To %s %s leaves %s with no BGP session at all, in the "+
			"sessions Calico would configure (as calico_bgp_topology computes them): they would lose every route "+
			"learned over BGP until something else peers with them.\n%s%s\nKeep them connected first: create the "+
			"BGPPeers (or route reflectors) that replace these sessions, or turn the node-to-node mesh back on, and make "+
			"this resource depend on them (depends_on) so that they are written first. %s",
			action, object, plural(len(e.Nodes), "node", "nodes"), nodes, kept, allow)
	}
	etcd := ""
	if e.NoReports && slices.ContainsFunc(e.Nodes, func(n bgp.CutOffNode) bool { return !n.Reported }) {
		etcd = " On the etcd datastore, calico-node 3.31 writes no status report at all, so the sessions cannot be " +
			"confirmed there. Confirm them on the nodes (birdcl -s /var/run/calico/bird.ctl show protocols in " +
			"calico-node), then allow the change as below."
	}
	return "BGP Sessions Not Established Before This Change", fmt.Sprintf("To %s %s drops BGP sessions of %s, which "+
		"would keep only sessions this apply brought (the node-to-node mesh turned back on, or a peer created "+
		"earlier in the apply), and calico-node did not report one of them Established within "+
		"session_guard.timeout (%s):\n%s%s\nCheck those sessions (BIRD's log in calico-node says why a session is "+
		"down) and apply again, or raise session_guard.timeout if they are still coming up.%s %s",
		action, object, plural(len(e.Nodes), "node", "nodes"), e.Guard.Timeout, nodes, kept, etcd, allow)
}

// listNodes is one line per node, as line words it, the first listedNodes of them; the rest are
// counted.
func listNodes[N any](nodes []N, line func(N) string) string {
	var b strings.Builder
	for i, n := range nodes {
		if i == listedNodes {
			fmt.Fprintf(&b, "  ... and %d more\n", len(nodes)-listedNodes)
			break
		}
		b.WriteString("  - " + line(n) + "\n")
	}
	return b.String()
}

// listedNodes is how many nodes an error names one by one.
const listedNodes = 20

// describeSessions names sessions by peer (its node and address, or its address) and source.
func describeSessions(sessions []bgp.Session) string {
	parts := make([]string, len(sessions))
	for i, s := range sessions {
		peer := s.PeerIP
		if s.PeerNode != "" {
			peer = s.PeerNode + " " + s.PeerIP
		}
		parts[i] = fmt.Sprintf("%s (%s)", peer, s.Source)
	}
	return strings.Join(parts, ", ")
}

// describeNodeSessions says what one node has, for describeMeshCheck.
func describeNodeSessions(class error, n bgp.MeshCheckNode) string {
	var parts []string
	if errors.Is(class, bgp.ErrMeshNotReplaced) {
		for _, s := range n.Sessions {
			parts = append(parts, fmt.Sprintf("%s (%s)", s.PeerIP, s.Source))
		}
		if len(parts) == 0 {
			return "no session"
		}
		return plural(len(parts), "session", "sessions") + ": " + strings.Join(parts, ", ")
	}
	if n.Queued {
		return fmt.Sprintf("not asked yet: at most %d nodes are asked for a status report at a time (raise "+
			"mesh_disable_check.timeout)", bgp.MaxTemporaryReports)
	}
	if !n.Reported {
		return "no status report yet (is calico-node running on it?)"
	}
	for _, p := range n.Peers {
		parts = append(parts, fmt.Sprintf("%s %s %s", p.PeerIP, p.Type, p.State))
	}
	reported := strings.Join(parts, "; ")
	if len(parts) == 0 {
		reported = "reports no BGP session"
	}
	if len(n.NotEstablished) == 0 {
		return reported
	}
	var awaited []string
	for _, s := range n.NotEstablished {
		awaited = append(awaited, fmt.Sprintf("%s (%s)", s.PeerNode, s.PeerIP))
	}
	return "not Established with " + strings.Join(awaited, ", ") + "; reported: " + reported
}

// plural is "1 session" or "2 sessions".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// lower turns a title-case action into the verb of a sentence ("Create" -> "create").
func lower(action string) string {
	if action == "" {
		return "access"
	}
	return strings.ToLower(action[:1]) + action[1:]
}
