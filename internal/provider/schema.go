package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/customtypes"
	"github.com/calico-tf/terraform-provider-calico/internal/validate"
)

func providerSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Manages Calico's BGP control plane (BGP configuration, peers, filters, route " +
			"reflectors, node AS numbers, IP pools) through `projectcalico.org/v3` (the Calico API server, or " +
			"Calico 3.32's native v3 CRDs) or, where neither serves it, Calico's `crd.projectcalico.org/v1` CRDs " +
			"written through Calico's own library as calicoctl writes them. Connection settings " +
			"follow the hashicorp/kubernetes provider: explicit attributes win over `KUBE_*` environment variables, " +
			"which win over a kubeconfig; with none of them, the in-cluster service account is used.",
		Attributes: map[string]schema.Attribute{
			"host": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Address of the Kubernetes API server, as a URL (`https://10.0.0.1:6443`) or " +
					"`host:port`. Overrides the kubeconfig's server. Environment: `KUBE_HOST`.",
			},
			"token": schema.StringAttribute{
				Optional: true, Sensitive: true,
				MarkdownDescription: "Bearer token to authenticate with. Environment: `KUBE_TOKEN`.",
			},
			"cluster_ca_certificate": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "PEM-encoded CA certificate the API server's certificate is verified against. " +
					"Environment: `KUBE_CLUSTER_CA_CERT_DATA`.",
			},
			"client_certificate": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "PEM-encoded client certificate for TLS client authentication; requires " +
					"`client_key`. Environment: `KUBE_CLIENT_CERT_DATA`.",
				Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("client_key"))},
			},
			"client_key": schema.StringAttribute{
				Optional: true, Sensitive: true,
				MarkdownDescription: "PEM-encoded private key of `client_certificate`. Environment: `KUBE_CLIENT_KEY_DATA`.",
				Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("client_certificate"))},
			},
			"insecure": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Skip verification of the API server's certificate. Defaults to `false`; " +
					"only for throw-away clusters. Environment: `KUBE_INSECURE`.",
			},
			"tls_server_name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Server name to verify the API server's certificate against, when it differs " +
					"from the host. Environment: `KUBE_TLS_SERVER_NAME`.",
			},
			"proxy_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "URL of an HTTP(S) or SOCKS5 proxy to reach the API server through. " +
					"Environment: `KUBE_PROXY_URL`.",
			},
			"config_path": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Path to a kubeconfig file. Environment: `KUBE_CONFIG_PATH`.",
				Validators: []validator.String{stringvalidator.ConflictsWith(
					path.MatchRoot("config_paths"), path.MatchRoot("config_content"))},
			},
			"config_paths": schema.ListAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Paths to kubeconfig files, merged as kubectl merges `KUBECONFIG`. " +
					"Environment: `KUBE_CONFIG_PATHS` (separated by `:`).",
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.ConflictsWith(path.MatchRoot("config_content")),
				},
			},
			"config_content": schema.StringAttribute{
				Optional: true, Sensitive: true,
				MarkdownDescription: "A whole kubeconfig document, for runs where no file can be written (HCP " +
					"Terraform workspaces). Environment: `KUBE_CONFIG_CONTENT`.",
			},
			"config_context": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Kubeconfig context to use instead of the current one. Environment: `KUBE_CTX`.",
			},
			"config_context_auth_info": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Kubeconfig user to use with the context. Environment: `KUBE_CTX_AUTH_INFO`.",
			},
			"config_context_cluster": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Kubeconfig cluster to use with the context. Environment: `KUBE_CTX_CLUSTER`.",
			},
			"qps": schema.Float64Attribute{
				Optional: true,
				MarkdownDescription: "Client-side limit on requests per second to the Kubernetes API server. Unset, " +
					"the provider sets none: Terraform's `-parallelism` (10 by default) bounds the requests in flight, " +
					"and the API server's own priority and fairness answers an overload with HTTP 429, which the " +
					"provider retries. Set it to spare a busy API server at the cost of a longer apply.",
				Validators: []validator.Float64{float64validator.AtLeast(1)},
			},
			"burst": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Client-side burst of requests above `qps`, when `qps` is set. Defaults to " +
					formatNumber(calico.DefaultBurst) + "; on the `crd.projectcalico.org/v1` datastore, Calico's library " +
					"allows a burst of 100 whatever this says.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"calico_node_namespace": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Namespace calico-node runs in, where the Secrets holding BGP passwords must be " +
					"(calico-node reads them from its own namespace). Defaults to `calico-system` when that namespace " +
					"exists (operator installs), else `kube-system` (manifest installs).",
			},
			"calico_version": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The Calico release the cluster runs, such as `\"3.29.4\"`. By default the provider reads " +
					"it from the cluster's ClusterInformation `default` (`calicoVersion`, which calico-node writes). A plan " +
					"that sets an attribute the release lacks fails, naming the attribute and the release that brought it. " +
					"Set this where the cluster does not say (the plan then warns that the release is unknown), or says " +
					"an older release than it runs. Also `CALICO_VERSION`.",
			},
			"calico_api_group": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Which path to Calico's objects the provider uses: `auto` (the default), " +
					"`projectcalico.org/v3` or `crd.projectcalico.org/v1`. `auto` asks the cluster once per run and takes " +
					"`projectcalico.org/v3` when it is served (the Calico API server on Calico 3.31 and earlier, native " +
					"v3 CRDs on Calico 3.32 and later), else `crd.projectcalico.org/v1` when Calico's CRDs are installed " +
					"(manifest and kubespray installs, operator installs without an APIServer), and fails otherwise. On " +
					"`crd.projectcalico.org/v1` the provider stores objects through Calico's own library (libcalico-go), " +
					"validating and defaulting them as calicoctl does. The schema and plans are the same on every path. " +
					"Environment: `CALICO_API_GROUP`.",
				Validators: []validator.String{stringvalidator.OneOf(calico.APIGroups...)},
			},
			"datastore_type": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Where Calico keeps its objects: `kubernetes` (the default: in the cluster, reached " +
					"with the Kubernetes settings above) or `etcdv3` (in Calico's own etcd, reached with the `etcd` block; " +
					"the Kubernetes settings are then unused), as calicoctl's `DATASTORE_TYPE`. On etcd a node's BGP " +
					"settings are on its Calico Node object, and write-only BGP passwords are not available (their Secret " +
					"needs the Kubernetes API). Environment: `DATASTORE_TYPE`.",
				Validators: []validator.String{stringvalidator.OneOf(calico.DatastoreTypes...)},
			},
			"request_timeout": schema.StringAttribute{
				CustomType: customtypes.DurationType{},
				Optional:   true,
				MarkdownDescription: "How long one operation on Calico's datastore may wait for an answer (a read, a " +
					"list, a write with its retries), as a duration such as `30s`. Defaults to `" +
					calico.DefaultRequestTimeout.String() + "`. A datastore that stops answering (killed, frozen, " +
					"unreachable) fails the operation as Unreachable, naming the endpoint, instead of hanging. Once " +
					"one operation has gone unanswered, the others learn it from that one: those in flight are " +
					"canceled, and those that follow fail at once, except one at a time that is sent to see whether " +
					"the datastore answers again (it waits at most `" + calico.SilenceBound.String() + "`). So no " +
					"operation of an apply to a dead datastore waits longer than request_timeout plus " +
					calico.SilenceBound.String() + ", however many objects it has; the apply then ends when Terraform " +
					"has gone through the resources it had not reached, which it does one by one even though each " +
					"fails at once.",
			},
		},
		Blocks: map[string]schema.Block{
			"etcd": schema.SingleNestedBlock{
				MarkdownDescription: "How to reach Calico's etcd when `datastore_type = \"etcdv3\"`, as calicoctl's " +
					"`ETCD_*` settings do. Each attribute falls back to its environment variable. The server's " +
					"certificate is always verified.",
				Attributes: map[string]schema.Attribute{
					"endpoints": schema.ListAttribute{
						ElementType: types.StringType, Optional: true,
						MarkdownDescription: "etcd client URLs, such as `https://10.0.0.10:2379`. Environment: " +
							"`ETCD_ENDPOINTS` (comma-separated).",
						Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(validate.EtcdEndpoint())},
					},
					"ca_certificate": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "PEM CA certificate that etcd's server certificate is verified against; the " +
							"system's CAs when not set. Environment: `ETCD_CA_CERT_FILE` (a file's path).",
					},
					"client_certificate": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "PEM client certificate, for etcd's client-certificate authentication, with " +
							"`client_key`. Environment: `ETCD_CERT_FILE` (a file's path).",
					},
					"client_key": schema.StringAttribute{
						Optional: true, Sensitive: true,
						MarkdownDescription: "PEM private key of `client_certificate`. Environment: `ETCD_KEY_FILE` (a file's path).",
					},
					"username": schema.StringAttribute{
						Optional: true, Sensitive: true,
						MarkdownDescription: "User for etcd's password authentication, with `password`. Environment: `ETCD_USERNAME`.",
					},
					"password": schema.StringAttribute{
						Optional: true, Sensitive: true,
						MarkdownDescription: "Password of `username`. Environment: `ETCD_PASSWORD`.",
					},
				},
			},
			"exec": schema.SingleNestedBlock{
				MarkdownDescription: "Credential plugin that prints an ExecCredential, such as `aws eks get-token` " +
					"or `gke-gcloud-auth-plugin`, as in a kubeconfig's `exec` section.",
				Attributes: map[string]schema.Attribute{
					"api_version": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "API version of the ExecCredential the plugin prints, such as " +
							"`client.authentication.k8s.io/v1beta1`. Required in an `exec` block.",
					},
					"command": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Command to run, looked up on `PATH` when not absolute. Required in an `exec` block.",
					},
					"args": schema.ListAttribute{
						ElementType: types.StringType, Optional: true,
						MarkdownDescription: "Arguments to the command.",
					},
					"env": schema.MapAttribute{
						ElementType: types.StringType, Optional: true,
						MarkdownDescription: "Extra environment variables for the command.",
					},
				},
			},
		},
	}
}

func formatNumber(n int) string {
	return types.Int64Value(int64(n)).String()
}
