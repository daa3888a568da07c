// Package provider defines the calico provider: its configuration, how it builds the shared
// Calico client, and which resources and data sources it offers.
package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/calico-tf/terraform-provider-calico/internal/actions"
	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/customtypes"
	"github.com/calico-tf/terraform-provider-calico/internal/datasources"
	"github.com/calico-tf/terraform-provider-calico/internal/resources"
)

var (
	_ provider.Provider                  = (*calicoProvider)(nil)
	_ provider.ProviderWithListResources = (*calicoProvider)(nil)
	_ provider.ProviderWithActions       = (*calicoProvider)(nil)
)

type calicoProvider struct {
	version string
	// client is the configured client, for the answers the server gives without the framework
	// (package shortcuts).
	client atomic.Pointer[calico.Client]
}

type providerModel struct {
	Host                  types.String         `tfsdk:"host"`
	Token                 types.String         `tfsdk:"token"`
	ClusterCACertificate  types.String         `tfsdk:"cluster_ca_certificate"`
	ClientCertificate     types.String         `tfsdk:"client_certificate"`
	ClientKey             types.String         `tfsdk:"client_key"`
	Insecure              types.Bool           `tfsdk:"insecure"`
	TLSServerName         types.String         `tfsdk:"tls_server_name"`
	ProxyURL              types.String         `tfsdk:"proxy_url"`
	ConfigPath            types.String         `tfsdk:"config_path"`
	ConfigPaths           types.List           `tfsdk:"config_paths"`
	ConfigContent         types.String         `tfsdk:"config_content"`
	ConfigContext         types.String         `tfsdk:"config_context"`
	ConfigContextAuthInfo types.String         `tfsdk:"config_context_auth_info"`
	ConfigContextCluster  types.String         `tfsdk:"config_context_cluster"`
	QPS                   types.Float64        `tfsdk:"qps"`
	Burst                 types.Int64          `tfsdk:"burst"`
	RequestTimeout        customtypes.Duration `tfsdk:"request_timeout"`
	CalicoNodeNamespace   types.String         `tfsdk:"calico_node_namespace"`
	CalicoVersion         types.String         `tfsdk:"calico_version"`
	CalicoAPIGroup        types.String         `tfsdk:"calico_api_group"`
	DatastoreType         types.String         `tfsdk:"datastore_type"`
	Exec                  *execModel           `tfsdk:"exec"`
	Etcd                  *etcdModel           `tfsdk:"etcd"`
}

type etcdModel struct {
	Endpoints         types.List   `tfsdk:"endpoints"`
	CACertificate     types.String `tfsdk:"ca_certificate"`
	ClientCertificate types.String `tfsdk:"client_certificate"`
	ClientKey         types.String `tfsdk:"client_key"`
	Username          types.String `tfsdk:"username"`
	Password          types.String `tfsdk:"password"`
}

type execModel struct {
	APIVersion types.String `tfsdk:"api_version"`
	Command    types.String `tfsdk:"command"`
	Args       types.List   `tfsdk:"args"`
	Env        types.Map    `tfsdk:"env"`
}

// providerTypeName prefixes every resource and data source type name.
const providerTypeName = "calico"

func (p *calicoProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = providerTypeName
	resp.Version = p.version
}

func (p *calicoProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = providerSchema()
}

func (p *calicoProvider) Resources(context.Context) []func() resource.Resource {
	return resources.All()
}

func (p *calicoProvider) ListResources(context.Context) []func() list.ListResource {
	return resources.AllLists()
}

func (p *calicoProvider) DataSources(context.Context) []func() datasource.DataSource {
	return datasources.All()
}

func (p *calicoProvider) Actions(context.Context) []func() action.Action {
	return actions.All()
}

// env returns the first non-empty of the named environment variables.
func env(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// stringOr returns the attribute when set, else the environment variable.
func stringOr(v types.String, envName string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	return env(envName)
}

func (p *calicoProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !req.Config.Raw.IsFullyKnown() {
		// The cluster is probably created in the same run. Plans of our resources need no API
		// access, so hand out a client that explains itself if anything does need it.
		tflog.Info(ctx, "provider configuration has unknown values; Calico API access is deferred")
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
		}
		client := calico.NewUnknownClient()
		p.client.Store(client)
		resp.ResourceData, resp.DataSourceData, resp.ListResourceData, resp.ActionData = client, client, client, client
		return
	}

	cfg, diags := m.clientConfig(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg.UserAgent = "terraform-provider-calico/" + p.version
	cfg.OnConnect = func(ctx context.Context, apiGroup string) {
		tflog.Info(ctx, "connected to Calico", map[string]any{"calico_datastore": apiGroup})
	}
	client := calico.NewClient(cfg)
	tflog.Debug(ctx, "configured Calico client", client.LogFields())
	p.client.Store(client)
	resp.ResourceData, resp.DataSourceData, resp.ListResourceData, resp.ActionData = client, client, client, client
}

// clientConfig merges attributes with the KUBE_* environment variables; an attribute wins.
func (m providerModel) clientConfig(ctx context.Context) (calico.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	cfg := calico.Config{
		Host:                  stringOr(m.Host, "KUBE_HOST"),
		Token:                 stringOr(m.Token, "KUBE_TOKEN"),
		ClusterCACertificate:  stringOr(m.ClusterCACertificate, "KUBE_CLUSTER_CA_CERT_DATA"),
		ClientCertificate:     stringOr(m.ClientCertificate, "KUBE_CLIENT_CERT_DATA"),
		ClientKey:             stringOr(m.ClientKey, "KUBE_CLIENT_KEY_DATA"),
		TLSServerName:         stringOr(m.TLSServerName, "KUBE_TLS_SERVER_NAME"),
		ProxyURL:              stringOr(m.ProxyURL, "KUBE_PROXY_URL"),
		ConfigContent:         stringOr(m.ConfigContent, "KUBE_CONFIG_CONTENT"),
		ConfigContext:         stringOr(m.ConfigContext, "KUBE_CTX"),
		ConfigContextAuthInfo: stringOr(m.ConfigContextAuthInfo, "KUBE_CTX_AUTH_INFO"),
		ConfigContextCluster:  stringOr(m.ConfigContextCluster, "KUBE_CTX_CLUSTER"),
		CalicoNodeNamespace:   m.CalicoNodeNamespace.ValueString(),
		APIGroup:              stringOr(m.CalicoAPIGroup, "CALICO_API_GROUP"),
		CalicoVersion:         stringOr(m.CalicoVersion, "CALICO_VERSION"),
	}
	if _, ok := calico.ParseRelease(cfg.CalicoVersion); !ok && cfg.CalicoVersion != "" {
		diags.AddAttributeError(path.Root("calico_version"), "Invalid Calico Version",
			fmt.Sprintf("calico_version (or CALICO_VERSION) must be a Calico release such as \"3.29.4\" or \"v3.30\", got %q.", cfg.CalicoVersion))
	}
	if !slices.Contains(calico.APIGroups, cfg.APIGroup) && cfg.APIGroup != "" {
		diags.AddAttributeError(path.Root("calico_api_group"), "Invalid CALICO_API_GROUP",
			fmt.Sprintf("CALICO_API_GROUP must be one of %s, got %q.", strings.Join(calico.APIGroups, ", "), cfg.APIGroup))
	}
	if !m.Insecure.IsNull() {
		cfg.Insecure = m.Insecure.ValueBool()
	} else if v := env("KUBE_INSECURE"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			diags.AddAttributeError(path.Root("insecure"), "Invalid KUBE_INSECURE",
				"KUBE_INSECURE must be true or false, got "+strconv.Quote(v)+".")
		}
		cfg.Insecure = b
	}

	switch {
	case !m.ConfigPaths.IsNull():
		diags.Append(m.ConfigPaths.ElementsAs(ctx, &cfg.ConfigPaths, false)...)
	case !m.ConfigPath.IsNull():
		cfg.ConfigPaths = []string{m.ConfigPath.ValueString()}
	case env("KUBE_CONFIG_PATHS") != "":
		cfg.ConfigPaths = filepath.SplitList(env("KUBE_CONFIG_PATHS"))
	case env("KUBE_CONFIG_PATH") != "":
		cfg.ConfigPaths = []string{env("KUBE_CONFIG_PATH")}
	}

	if !m.QPS.IsNull() {
		cfg.QPS = float32(m.QPS.ValueFloat64())
	}
	if !m.Burst.IsNull() {
		cfg.Burst = int(m.Burst.ValueInt64())
	}
	if !m.RequestTimeout.IsNull() {
		d, _ := time.ParseDuration(m.RequestTimeout.ValueString()) // validated by the type
		cfg.RequestTimeout = d
	}
	if m.Exec != nil {
		for attr, v := range map[string]types.String{"api_version": m.Exec.APIVersion, "command": m.Exec.Command} {
			if v.ValueString() == "" {
				diags.AddAttributeError(path.Root("exec").AtName(attr), "Incomplete Exec Block",
					"An exec block needs api_version and command (for example api_version = "+
						"\"client.authentication.k8s.io/v1beta1\" and command = \"aws\").")
			}
		}
		ec := &calico.ExecConfig{APIVersion: m.Exec.APIVersion.ValueString(), Command: m.Exec.Command.ValueString()}
		if !m.Exec.Args.IsNull() {
			diags.Append(m.Exec.Args.ElementsAs(ctx, &ec.Args, false)...)
		}
		if !m.Exec.Env.IsNull() {
			diags.Append(m.Exec.Env.ElementsAs(ctx, &ec.Env, false)...)
		}
		cfg.Exec = ec
	}
	if cfg.ClientCertificate != "" && cfg.ClientKey == "" || cfg.ClientKey != "" && cfg.ClientCertificate == "" {
		diags.AddAttributeError(path.Root("client_key"), "Incomplete Client Certificate",
			"client_certificate and client_key (or KUBE_CLIENT_CERT_DATA and KUBE_CLIENT_KEY_DATA) must be set together.")
	}
	cfg.DatastoreType = stringOr(m.DatastoreType, "DATASTORE_TYPE")
	if !slices.Contains(calico.DatastoreTypes, cfg.DatastoreType) && cfg.DatastoreType != "" {
		diags.AddAttributeError(path.Root("datastore_type"), "Invalid DATASTORE_TYPE",
			fmt.Sprintf("DATASTORE_TYPE must be one of %s, got %q.", strings.Join(calico.DatastoreTypes, ", "), cfg.DatastoreType))
	}
	if cfg.UsesEtcdSettings() {
		cfg.Etcd = m.Etcd.etcdConfig(ctx, &diags)
		checkEtcdConfig(m, cfg, &diags)
	} else if m.Etcd != nil {
		diags.AddAttributeError(path.Root("etcd"), "etcd Settings Need datastore_type = \"etcdv3\"",
			"The etcd block is used only when Calico keeps its objects in etcd. Set datastore_type = \"etcdv3\" (or "+
				"DATASTORE_TYPE=etcdv3), or remove the etcd block to use the Kubernetes datastore.")
	}
	if cfg.Insecure && cfg.ClusterCACertificate != "" {
		diags.AddAttributeError(path.Root("insecure"), "Conflicting TLS Settings",
			"insecure = true skips verification of the server's certificate, so cluster_ca_certificate would be "+
				"ignored. Remove one of them (prefer keeping cluster_ca_certificate).")
	}
	return cfg, diags
}

// etcdConfig merges the etcd block with calicoctl's ETCD_* environment variables; an attribute
// wins. The environment names certificate and key files, which are read here.
func (m *etcdModel) etcdConfig(ctx context.Context, diags *diag.Diagnostics) calico.EtcdConfig {
	if m == nil {
		m = &etcdModel{Endpoints: types.ListNull(types.StringType)}
	}
	cfg := calico.EtcdConfig{Username: stringOr(m.Username, "ETCD_USERNAME"), Password: stringOr(m.Password, "ETCD_PASSWORD")}
	if !m.Endpoints.IsNull() {
		diags.Append(m.Endpoints.ElementsAs(ctx, &cfg.Endpoints, false)...)
	} else if v := env("ETCD_ENDPOINTS"); v != "" {
		for _, e := range strings.Split(v, ",") {
			if e = strings.TrimSpace(e); e != "" {
				cfg.Endpoints = append(cfg.Endpoints, e)
			}
		}
	}
	pem := func(attr string, v types.String, fileVariable string) string {
		if !v.IsNull() {
			return v.ValueString()
		}
		file := env(fileVariable)
		if file == "" {
			return ""
		}
		b, err := os.ReadFile(file)
		if err != nil {
			diags.AddAttributeError(path.Root("etcd").AtName(attr), "Cannot Read "+fileVariable,
				fmt.Sprintf("%s names a file that cannot be read: %v. Fix the path, or set etcd.%s to the PEM content.", fileVariable, err, attr))
		}
		return string(b)
	}
	cfg.CACertificate = pem("ca_certificate", m.CACertificate, "ETCD_CA_CERT_FILE")
	cfg.ClientCertificate = pem("client_certificate", m.ClientCertificate, "ETCD_CERT_FILE")
	cfg.ClientKey = pem("client_key", m.ClientKey, "ETCD_KEY_FILE")
	return cfg
}

// checkEtcdConfig checks the settings of the etcd datastore, which must not be mixed with a
// choice of Kubernetes API group.
func checkEtcdConfig(m providerModel, cfg calico.Config, diags *diag.Diagnostics) {
	if len(cfg.Etcd.Endpoints) == 0 {
		diags.AddAttributeError(path.Root("etcd").AtName("endpoints"), "No etcd Endpoints",
			"datastore_type is \"etcdv3\", so the provider needs etcd's client URLs: set etcd.endpoints (such as "+
				"[\"https://10.0.0.10:2379\"]) or ETCD_ENDPOINTS.")
	}
	if !m.CalicoAPIGroup.IsNull() {
		diags.AddAttributeError(path.Root("calico_api_group"), "calico_api_group Does Not Apply to etcd",
			"calico_api_group chooses a path through the Kubernetes API; with datastore_type = \"etcdv3\" the provider "+
				"reaches Calico's objects in etcd. Remove calico_api_group.")
	}
	if (cfg.Etcd.ClientCertificate == "") != (cfg.Etcd.ClientKey == "") {
		diags.AddAttributeError(path.Root("etcd").AtName("client_key"), "Incomplete etcd Client Certificate",
			"etcd.client_certificate and etcd.client_key (or ETCD_CERT_FILE and ETCD_KEY_FILE) must be set together.")
	}
	if (cfg.Etcd.Username == "") != (cfg.Etcd.Password == "") {
		diags.AddAttributeError(path.Root("etcd").AtName("password"), "Incomplete etcd Credentials",
			"etcd.username and etcd.password (or ETCD_USERNAME and ETCD_PASSWORD) must be set together.")
	}
}
