package calico

import (
	"net/http"
	"net/url"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// inlineKubeconfig renders a client configuration as a kubeconfig document. Calico's library
// builds its own Kubernetes clients from a kubeconfig, so this hands it exactly the
// connection the provider resolved (explicit settings, KUBE_* variables, kubeconfig files,
// exec plugins or in-cluster) instead of resolving them a second time.
func inlineKubeconfig(rc *rest.Config) ([]byte, error) {
	cluster := clientcmdapi.NewCluster()
	cluster.Server = rc.Host
	cluster.CertificateAuthority = rc.CAFile
	cluster.CertificateAuthorityData = rc.CAData
	cluster.InsecureSkipTLSVerify = rc.Insecure
	cluster.TLSServerName = rc.ServerName
	if rc.Proxy != nil {
		// The proxy is a function by now; ask it where a request to the server would go.
		if host, err := url.Parse(rc.Host); err == nil {
			if proxy, err := rc.Proxy(&http.Request{URL: host}); err == nil && proxy != nil {
				cluster.ProxyURL = proxy.String()
			}
		}
	}

	user := clientcmdapi.NewAuthInfo()
	user.ClientCertificate, user.ClientCertificateData = rc.CertFile, rc.CertData
	user.ClientKey, user.ClientKeyData = rc.KeyFile, rc.KeyData
	user.Token, user.TokenFile = rc.BearerToken, rc.BearerTokenFile
	user.Username, user.Password = rc.Username, rc.Password
	user.AuthProvider = rc.AuthProvider
	user.Impersonate, user.ImpersonateUID = rc.Impersonate.UserName, rc.Impersonate.UID
	user.ImpersonateGroups, user.ImpersonateUserExtra = rc.Impersonate.Groups, rc.Impersonate.Extra
	if rc.ExecProvider != nil {
		exec := *rc.ExecProvider
		exec.InteractiveMode = clientcmdapi.NeverExecInteractiveMode
		user.Exec = &exec
	}

	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["cluster"] = cluster
	cfg.AuthInfos["user"] = user
	cfg.Contexts["provider"] = &clientcmdapi.Context{Cluster: "cluster", AuthInfo: "user"}
	cfg.CurrentContext = "provider"
	return clientcmd.Write(*cfg)
}
