package calico

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Config says how to reach the cluster. It follows the conventions of the hashicorp/kubernetes
// provider: explicit credentials override what a kubeconfig says; with neither, the in-cluster
// service account is used.
type Config struct {
	Host                  string
	Token                 string
	ClusterCACertificate  string // PEM
	ClientCertificate     string // PEM
	ClientKey             string // PEM
	Insecure              bool
	TLSServerName         string
	ProxyURL              string
	ConfigPaths           []string
	ConfigContent         string // a whole kubeconfig document
	ConfigContext         string
	ConfigContextAuthInfo string
	ConfigContextCluster  string
	Exec                  *ExecConfig
	QPS                   float32
	Burst                 int
	RequestTimeout        time.Duration
	UserAgent             string
	// CalicoNodeNamespace is where calico-node runs (and BGP password Secrets must be); empty
	// means detect it.
	CalicoNodeNamespace string
	// APIGroup is the path to Calico's objects: one of APIGroups; empty means APIGroupAuto.
	APIGroup string
	// DatastoreType is where Calico keeps its objects: DatastoreKubernetes (also when empty)
	// or DatastoreEtcdV3, when Etcd says how to reach it and the Kubernetes settings are unused.
	DatastoreType string
	Etcd          EtcdConfig
	// CalicoVersion is the Calico release the cluster runs, as the user states it ("3.29.4");
	// empty means ask the cluster (ClusterInformation "default").
	CalicoVersion string
	// OnConnect, when set, is told which path the client chose (for the caller's logs).
	OnConnect func(ctx context.Context, apiGroup string)
}

// UsesEtcdSettings says whether the configuration reaches Calico through Etcd, so that its etcd
// settings apply (and the Kubernetes ones do not).
func (cfg Config) UsesEtcdSettings() bool { return cfg.DatastoreType == DatastoreEtcdV3 }

// ExecConfig runs a credential plugin (client.authentication.k8s.io), as kubeconfig's exec does.
type ExecConfig struct {
	APIVersion string
	Command    string
	Args       []string
	Env        map[string]string
}

// Unless the user sets qps, the provider limits its requests to the Kubernetes API by nothing
// but Terraform's parallelism, which bounds how many are in flight: an API server protects
// itself (priority and fairness), and answers an overload with 429, which client-go retries. A
// rate limit in the client only slows large applies down: any fixed rate makes an apply wait
// for it once its burst is spent (CONTRIBUTING, Performance).
const (
	noClientRateLimit     = -1 // client-go's QPS below zero: no rate limiter
	DefaultBurst          = 200
	DefaultRequestTimeout = 60 * time.Second
)

// RESTConfig builds the client configuration. It reads kubeconfig files but makes no request.
func (c Config) RESTConfig() (*rest.Config, error) {
	var rc *rest.Config
	if c.usesKubeconfigOrExplicit() {
		cc, err := c.clientConfig()
		if err != nil {
			return nil, err
		}
		rc, err = cc.ClientConfig()
		if err != nil {
			if clientcmd.IsEmptyConfig(err) {
				return nil, fmt.Errorf("%w: the kubeconfig has no current context and no host is set", ErrNoCredentials)
			}
			return nil, fmt.Errorf("invalid Kubernetes client configuration: %w", err)
		}
	} else {
		var err error
		rc, err = rest.InClusterConfig()
		if err != nil {
			return nil, fmt.Errorf("%w: no API server address, no kubeconfig, and not running in a cluster (%v)", ErrNoCredentials, err)
		}
	}
	rc.QPS, rc.Burst = c.QPS, c.Burst
	if rc.QPS == 0 {
		rc.QPS = noClientRateLimit
	}
	if rc.Burst == 0 {
		rc.Burst = DefaultBurst
	}
	rc.Timeout = c.RequestTimeout
	if rc.Timeout == 0 {
		rc.Timeout = DefaultRequestTimeout
	}
	if c.UserAgent != "" {
		rc.UserAgent = c.UserAgent
	}
	return rc, nil
}

func (c Config) usesKubeconfigOrExplicit() bool {
	return c.Host != "" || len(c.ConfigPaths) > 0 || c.ConfigContent != ""
}

func (c Config) clientConfig() (clientcmd.ClientConfig, error) {
	overrides := &clientcmd.ConfigOverrides{
		CurrentContext: c.ConfigContext,
		Context: clientcmdapi.Context{
			AuthInfo: c.ConfigContextAuthInfo,
			Cluster:  c.ConfigContextCluster,
		},
	}
	if c.Host != "" {
		host, err := normaliseHost(c.Host)
		if err != nil {
			return nil, err
		}
		overrides.ClusterInfo.Server = host
	}
	if c.ClusterCACertificate != "" {
		overrides.ClusterInfo.CertificateAuthorityData = []byte(c.ClusterCACertificate)
	}
	if c.Insecure {
		overrides.ClusterInfo.InsecureSkipTLSVerify = true
	}
	overrides.ClusterInfo.TLSServerName = c.TLSServerName
	overrides.ClusterInfo.ProxyURL = c.ProxyURL
	if c.ClientCertificate != "" {
		overrides.AuthInfo.ClientCertificateData = []byte(c.ClientCertificate)
	}
	if c.ClientKey != "" {
		overrides.AuthInfo.ClientKeyData = []byte(c.ClientKey)
	}
	overrides.AuthInfo.Token = c.Token
	if c.Exec != nil {
		exec := &clientcmdapi.ExecConfig{
			APIVersion:      c.Exec.APIVersion,
			Command:         c.Exec.Command,
			Args:            c.Exec.Args,
			InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
		}
		for k, v := range c.Exec.Env {
			exec.Env = append(exec.Env, clientcmdapi.ExecEnvVar{Name: k, Value: v})
		}
		overrides.AuthInfo.Exec = exec
	}

	if c.ConfigContent != "" {
		raw, err := clientcmd.Load([]byte(c.ConfigContent))
		if err != nil {
			return nil, fmt.Errorf("the inline kubeconfig is not valid: %w", err)
		}
		return clientcmd.NewNonInteractiveClientConfig(*raw, c.ConfigContext, overrides, nil), nil
	}
	rules := &clientcmd.ClientConfigLoadingRules{}
	for _, p := range c.ConfigPaths {
		path, err := expandHome(p)
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("kubeconfig %q cannot be read: %w", p, err)
		}
		rules.Precedence = append(rules.Precedence, path)
	}
	return clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides), nil
}

// normaliseHost accepts "host", "host:port" or a URL, as the kubernetes provider does.
func normaliseHost(host string) (string, error) {
	if !strings.Contains(host, "://") {
		host = "https://" + host
	}
	u, err := url.Parse(host)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("host %q is not a valid URL or host:port", host)
	}
	return u.String(), nil
}

func expandHome(p string) (string, error) {
	if p == "~" || strings.HasPrefix(p, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, strings.TrimPrefix(p, "~")), nil
	}
	return p, nil
}

// redactedSummary describes a configuration for logs without any secret in it.
func (c Config) redactedSummary() map[string]any {
	return map[string]any{
		"host":              c.Host,
		"config_paths":      c.ConfigPaths,
		"config_content":    c.ConfigContent != "",
		"config_context":    c.ConfigContext,
		"token_set":         c.Token != "",
		"client_cert_set":   c.ClientCertificate != "",
		"client_key_set":    c.ClientKey != "",
		"ca_set":            c.ClusterCACertificate != "",
		"insecure":          c.Insecure,
		"exec_set":          c.Exec != nil,
		"qps":               c.QPS,
		"burst":             c.Burst,
		"calico_api_group":  c.APIGroup,
		"datastore_type":    c.DatastoreType,
		"etcd_endpoints":    c.Etcd.Endpoints,
		"etcd_ca_set":       c.Etcd.CACertificate != "",
		"etcd_cert_set":     c.Etcd.ClientCertificate != "",
		"etcd_key_set":      c.Etcd.ClientKey != "",
		"etcd_username_set": c.Etcd.Username != "",
		"etcd_password_set": c.Etcd.Password != "",
	}
}
