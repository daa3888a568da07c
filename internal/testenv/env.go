package testenv

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// Mode is which of the datastores Calico uses on Kubernetes the environment has.
type Mode string

const (
	// ModeAPIServer: Calico's v1 CRDs and the Calico API server serving projectcalico.org/v3
	// (operator installs with an APIServer, Calico 3.31 and earlier).
	ModeAPIServer Mode = "apiserver"
	// ModeCRDv1: Calico's crd.projectcalico.org/v1 CRDs only, no API server (manifest and
	// kubespray installs, and clusters driven by calicoctl).
	ModeCRDv1 Mode = "crd-v1"
	// ModeV3CRDs: projectcalico.org/v3 served by kube-apiserver from CRDs (Calico 3.32 and later
	// with CALICO_API_GROUP=projectcalico.org/v3), derived from the v1 CRDs of the pinned version.
	ModeV3CRDs Mode = "v3-crds"
	// ModeEtcd: Calico's objects in Calico's own etcd (DATASTORE_TYPE=etcdv3), which serves TLS
	// and requires client certificates; no Kubernetes API at all.
	ModeEtcd Mode = "etcd"
)

// Modes lists every mode, in the order make test runs them.
var Modes = []Mode{ModeAPIServer, ModeCRDv1, ModeV3CRDs, ModeEtcd}

// ParseMode checks a mode name.
func ParseMode(s string) (Mode, error) {
	for _, m := range Modes {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown test environment mode %q (want one of %v)", s, Modes)
}

// APIGroup is where the mode keeps Calico's objects for clients: projectcalico.org/v3 or
// crd.projectcalico.org/v1.
func (m Mode) APIGroup() string {
	switch m {
	case ModeCRDv1:
		return "crd.projectcalico.org/v1"
	case ModeEtcd:
		return "etcdv3"
	}
	return "projectcalico.org/v3"
}

// Kubernetes says whether the mode has a Kubernetes API (every mode but etcd).
func (m Mode) Kubernetes() bool { return m != ModeEtcd }

// StorageGroup is the API group Calico's objects are stored as CRDs of.
func (m Mode) StorageGroup() string {
	if m == ModeV3CRDs {
		return "projectcalico.org"
	}
	return "crd.projectcalico.org"
}

// Env is a running local Calico API. It is saved as state.json in its directory so that a
// later process (make down, a test run) can use or stop exactly what was started.
type Env struct {
	Mode       Mode           `json:"mode"`
	Dir        string         `json:"dir"`
	Host       string         `json:"host"`
	Token      string         `json:"token"`
	CAFile     string         `json:"ca_file"`
	Kubeconfig string         `json:"kubeconfig"`
	PIDs       map[string]int `json:"pids"`
	// Commands are how each process was started, so that a fault test can start it again.
	Commands map[string]Command `json:"commands"`
	// LimitedToken authenticates a user with no RBAC permissions at all.
	LimitedToken string `json:"limited_token"`
	// ExpiredCertFile and ExpiredKeyFile are a client certificate of the environment's CA that
	// has expired (subject: the administrator).
	ExpiredCertFile string `json:"expired_cert_file"`
	ExpiredKeyFile  string `json:"expired_key_file"`
	// RBACToken authenticates the user "rbac-test", bound to nothing until a test binds it.
	RBACToken string `json:"rbac_token"`
	// Calicoctl is calicoctl of the pinned Calico version, the tests' independent judge.
	Calicoctl string `json:"calicoctl"`
	// Confd is confd of the pinned Calico version and ConfdDir its templates: the judge of the
	// BGP sessions calico-node would configure (see RunConfd).
	Confd    string `json:"confd"`
	ConfdDir string `json:"confd_dir"`
	// NodeStatus is calico-node's status reporter of the pinned version, run by the BGP lab.
	NodeStatus string `json:"node_status"`
	// Etcd is how clients reach Calico's etcd in ModeEtcd.
	Etcd *EtcdAccess `json:"etcd,omitempty"`
	// CalicoRelease is the Calico release the environment runs ("3.28.5"; see Release): its
	// ClusterInformation's calicoVersion, and on Kubernetes the release of its CRDs.
	CalicoRelease string `json:"calico_release"`
	// CRDDir holds the pinned release's CRDs, which every release's are derived from.
	CRDDir string `json:"crd_dir"`
}

// Command is how a process of the environment was started.
type Command struct {
	Bin  string   `json:"bin"`
	Env  []string `json:"env"`
	Args []string `json:"args"`
}

// EtcdAccess is the endpoint of the mode's etcd and the files a client authenticates with.
type EtcdAccess struct {
	// Endpoint is the first member's; Endpoints are every member's (ModeEtcd runs three, as
	// Calico's etcd clusters do, so that one can fail).
	Endpoint  string   `json:"endpoint"`
	Endpoints []string `json:"endpoints"`
	CAFile    string   `json:"ca_file"`
	CertFile  string   `json:"cert_file"`
	KeyFile   string   `json:"key_file"`
}

// RBACTestUser is the user RBACToken authenticates.
const RBACTestUser = "rbac-test"

const stateFile = "state.json"

// Start starts an environment of the pinned Calico release (see StartRelease).
func Start(ctx context.Context, repoRoot, cacheDir, dir string, mode Mode, log io.Writer) (*Env, error) {
	return StartRelease(ctx, repoRoot, cacheDir, dir, mode, calico.LibraryRelease, log)
}

// StartRelease builds what is missing, then starts etcd and kube-apiserver in dir with Calico's
// CRDs of release r as the mode has them (and, in ModeAPIServer, the Calico API server), writes
// ClusterInformation as calico-node would, and waits until Calico's objects are served. On
// failure it stops whatever it started.
func StartRelease(ctx context.Context, repoRoot, cacheDir, dir string, mode Mode, r calico.Release, log io.Writer) (env *Env, err error) {
	if err := mode.checkRelease(r); err != nil {
		return nil, err
	}
	bins, err := Build(repoRoot, cacheDir, log)
	if err != nil {
		return nil, err
	}
	if old, lerr := Load(dir); lerr == nil && old.alive() {
		return nil, fmt.Errorf("a local Calico API is already running from %s (stop it first)", dir)
	}
	for _, sub := range []string{"etcd-data", "pki", "logs", "calico-certs"} {
		if err := os.RemoveAll(filepath.Join(dir, sub)); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, err
		}
	}
	env = &Env{Mode: mode, Dir: dir, PIDs: map[string]int{}, Commands: map[string]Command{}, Token: randomToken(), LimitedToken: randomToken(),
		RBACToken: randomToken(), Calicoctl: bins.Paths[Calicoctl], Confd: bins.Paths[Confd], ConfdDir: bins.ConfdDir,
		NodeStatus: bins.Paths[NodeStatus], CalicoRelease: r.String(), CRDDir: bins.CRDDir}
	// The failures below return no environment: what was started is stopped through started.
	started := env
	defer func() {
		if err != nil {
			_ = started.Stop()
		}
	}()
	pki := filepath.Join(dir, "pki")
	if err := writePKI(pki, env); err != nil {
		return nil, fmt.Errorf("writing certificates: %w", err)
	}
	ports, err := freePorts(2 + 2*len(EtcdMembers))
	if err != nil {
		return nil, err
	}
	apiPort, calicoPort := ports[0], ports[1]
	if mode.Kubernetes() {
		env.Host = "https://127.0.0.1:" + strconv.Itoa(apiPort)
		env.Kubeconfig = filepath.Join(dir, "kubeconfig")
		if err := os.WriteFile(env.Kubeconfig, []byte(env.kubeconfig(env.Token)), 0o600); err != nil {
			return nil, err
		}
	}

	etcdURL, err := env.startEtcd(ctx, bins.Paths[Etcd], pki, ports[2:])
	if err != nil {
		return nil, errors.Join(err, env.save())
	}
	if mode == ModeEtcd {
		return env, errors.Join(env.writeClusterInformation(ctx, r), env.save())
	}
	if err := env.spawn(bins.Paths[KubeAPIServer], KubeAPIServer, nil,
		"--etcd-servers="+etcdURL,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port="+strconv.Itoa(apiPort),
		"--cert-dir="+pki,
		"--tls-cert-file="+filepath.Join(pki, "apiserver.crt"), "--tls-private-key-file="+filepath.Join(pki, "apiserver.key"),
		"--client-ca-file="+filepath.Join(pki, "ca.crt"),
		"--token-auth-file="+filepath.Join(pki, "tokens.csv"),
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file="+filepath.Join(pki, "sa.pub"),
		"--service-account-signing-key-file="+filepath.Join(pki, "sa.key"),
		"--service-cluster-ip-range=10.96.0.0/16",
		"--requestheader-client-ca-file="+filepath.Join(pki, "front-proxy-ca.crt"),
		"--requestheader-allowed-names=aggregator",
		"--requestheader-username-headers=X-Remote-User",
		"--requestheader-group-headers=X-Remote-Group",
		"--requestheader-extra-headers-prefix=X-Remote-Extra-",
		"--proxy-client-cert-file="+filepath.Join(pki, "front-proxy-client.crt"),
		"--proxy-client-key-file="+filepath.Join(pki, "front-proxy-client.key"),
		"--endpoint-reconciler-type=none",
		"--enable-priority-and-fairness=false",
		"--disable-admission-plugins=ServiceAccount",
		"--profiling=false",
	); err != nil {
		return nil, err
	}
	api, err := newAPI(env)
	if err != nil {
		return nil, err
	}
	if err := api.waitReady(ctx, 90*time.Second); err != nil {
		return nil, fmt.Errorf("kube-apiserver did not become ready: %w (see %s)", err, env.logFile(KubeAPIServer))
	}
	if err := api.installCRDs(ctx, bins.CRDDir, mode.StorageGroup(), r); err != nil {
		return nil, err
	}
	if err := env.writeClusterInformation(ctx, r); err != nil {
		return nil, err
	}
	if mode != ModeAPIServer {
		return env, env.save()
	}
	if err := env.spawn(bins.Paths[CalicoAPIServer], CalicoAPIServer,
		[]string{"DATASTORE_TYPE=kubernetes", "KUBECONFIG=" + env.Kubeconfig},
		"--secure-port="+strconv.Itoa(calicoPort), "--bind-address=127.0.0.1",
		"--cert-dir="+filepath.Join(dir, "calico-certs"),
		"--kubeconfig="+env.Kubeconfig,
		"--authentication-kubeconfig="+env.Kubeconfig,
		"--authorization-kubeconfig="+env.Kubeconfig,
		"--enable-validating-admission-policy=false",
	); err != nil {
		return nil, err
	}
	if err := api.registerCalicoAPI(ctx, calicoPort); err != nil {
		return nil, err
	}
	if err := api.waitCalicoAPI(ctx, 90*time.Second); err != nil {
		return nil, fmt.Errorf("projectcalico.org/v3 is not served: %w (see %s)", err, env.logFile(CalicoAPIServer))
	}
	return env, env.save()
}

func writePKI(pki string, env *Env) error {
	ca, err := newAuthority("testenv-ca", filepath.Join(pki, "ca.crt"))
	if err != nil {
		return err
	}
	if err := ca.issue(pki, "apiserver", "kube-apiserver", true); err != nil {
		return err
	}
	if err := ca.issue(pki, "etcd", "etcd", true); err != nil {
		return err
	}
	if err := ca.issue(pki, "etcd-client", "calico", false); err != nil {
		return err
	}
	// A client certificate that was the administrator's (for kube-apiserver) and Calico's (for
	// etcd) until a minute ago, for the fault tests.
	admin := pkix.Name{CommonName: "admin", Organization: []string{"system:masters"}}
	if err := ca.issueUntil(pki, "expired-client", admin, false, time.Now().Add(-time.Minute)); err != nil {
		return err
	}
	env.ExpiredCertFile, env.ExpiredKeyFile = filepath.Join(pki, "expired-client.crt"), filepath.Join(pki, "expired-client.key")
	front, err := newAuthority("testenv-front-proxy-ca", filepath.Join(pki, "front-proxy-ca.crt"))
	if err != nil {
		return err
	}
	if err := front.issue(pki, "front-proxy-client", "aggregator", false); err != nil {
		return err
	}
	if err := writeServiceAccountKey(pki); err != nil {
		return err
	}
	env.CAFile = filepath.Join(pki, "ca.crt")
	tokens := fmt.Sprintf("%s,admin,admin-uid,\"system:masters\"\n%s,limited,limited-uid\n%s,%s,rbac-test-uid\n",
		env.Token, env.LimitedToken, env.RBACToken, RBACTestUser)
	return os.WriteFile(filepath.Join(pki, "tokens.csv"), []byte(tokens), 0o600)
}

// kubeconfig renders a kubeconfig for the given bearer token.
func (e *Env) kubeconfig(token string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: testenv
  cluster:
    server: %s
    certificate-authority: %s
users:
- name: admin
  user:
    token: %s
contexts:
- name: testenv
  context:
    cluster: testenv
    user: admin
current-context: testenv
`, e.Host, e.CAFile, token)
}

// spawn starts a component in its own session so it outlives the starting process, with a
// clean environment: etcd reads every ETCD_* variable as a flag.
func (e *Env) spawn(bin, name string, extraEnv []string, args ...string) error {
	logf, err := os.Create(e.logFile(name))
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + e.Dir}, extraEnv...)
	cmd.Dir = e.Dir
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", name, err)
	}
	e.PIDs[name] = cmd.Process.Pid
	e.Commands[name] = Command{Bin: bin, Env: extraEnv, Args: args}
	go func() { _ = cmd.Wait() }() // reap if this process lives on (TestMain)
	return e.save()
}

func (e *Env) logFile(name string) string { return filepath.Join(e.Dir, "logs", name+".log") }

func (e *Env) save() error {
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(e.Dir, stateFile), b, 0o600)
}

// Load reads the state of an environment started from dir.
func Load(dir string) (*Env, error) {
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		return nil, err
	}
	var e Env
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// alive reports whether any recorded process of this environment is still running.
func (e *Env) alive() bool {
	for name, pid := range e.PIDs {
		if ownProcess(pid, e.binary(name)) {
			return true
		}
	}
	return false
}

// Stop tears down the environment's BGP labs, then terminates the recorded processes, newest
// first, and forgets them.
func (e *Env) Stop() error {
	var errs []error
	// Labs first: their processes use the datastore, and their objects are deleted through it.
	labs, err := e.Labs()
	errs = append(errs, err)
	for _, l := range labs {
		errs = append(errs, l.Stop())
	}
	for _, name := range append([]string{CalicoAPIServer, KubeAPIServer}, EtcdMembers...) {
		pid, ok := e.PIDs[name]
		if !ok {
			continue
		}
		if err := terminate(pid, e.binary(name)); err != nil {
			errs = append(errs, err)
		}
		delete(e.PIDs, name)
	}
	if err := os.Remove(filepath.Join(e.Dir, stateFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// binary is the file name of the program a process of the environment runs (etcd for every
// etcd member).
func (e *Env) binary(name string) string {
	if c, ok := e.Commands[name]; ok {
		return filepath.Base(c.Bin)
	}
	return name
}

// ownProcess checks that pid still runs the named component, so a recycled PID is never killed.
func ownProcess(pid int, name string) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return false
	}
	argv0 := strings.SplitN(string(b), "\x00", 2)[0]
	return filepath.Base(argv0) == name
}

func terminate(pid int, name string) error {
	if !ownProcess(pid, name) {
		return nil
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		return fmt.Errorf("stopping %s (pid %d): %w", name, pid, err)
	}
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if !ownProcess(pid, name) || zombie(pid) {
			return nil
		}
	}
	return syscall.Kill(pid, syscall.SIGKILL)
}

func zombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	fields := strings.Fields(string(b))
	return len(fields) > 2 && fields[2] == "Z"
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		listeners = append(listeners, l)
		addr, ok := l.Addr().(*net.TCPAddr)
		if !ok {
			return nil, fmt.Errorf("unexpected listener address %v", l.Addr())
		}
		ports = append(ports, addr.Port)
	}
	return ports, nil
}

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// RunCalicoctl runs calicoctl against the environment's datastore, as an operator would on a
// cluster without the Calico API server (DATASTORE_TYPE=kubernetes) or with Calico in etcd
// (DATASTORE_TYPE=etcdv3), and returns its output.
func (e *Env) RunCalicoctl(ctx context.Context, stdin []byte, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, e.Calicoctl, append(args, "--allow-version-mismatch")...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + e.Dir}, e.DatastoreEnv()...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("calicoctl %s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	return out, nil
}

// DatastoreEnv is the environment calicoctl (and the provider) read the datastore's location
// from, as calicoctl documents it.
func (e *Env) DatastoreEnv() []string {
	if e.Etcd == nil {
		return []string{"DATASTORE_TYPE=kubernetes", "KUBECONFIG=" + e.Kubeconfig}
	}
	return []string{"DATASTORE_TYPE=etcdv3", "ETCD_ENDPOINTS=" + strings.Join(e.Etcd.Endpoints, ","), "ETCD_CA_CERT_FILE=" + e.Etcd.CAFile,
		"ETCD_CERT_FILE=" + e.Etcd.CertFile, "ETCD_KEY_FILE=" + e.Etcd.KeyFile}
}
