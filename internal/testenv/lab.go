package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"
)

// The BGP lab: real BGP speakers for the objects the provider writes. Every lab node is a
// network namespace running BIRD and BIRD6 on the configuration Calico's confd writes for it,
// confd itself (continuously, as calico-node runs it) and calico-node's status reporter. Racks
// are bridges; each rack has a top-of-rack switch (a namespace running BIRD, forwarding), and
// the switches meet on a spine bridge. Every bridge lives in a fabric namespace of the lab's own,
// so nothing is added to the host's network.
//
// confd and the reporter run in the host's network namespace: they must reach the local API on
// the host's 127.0.0.1, which a node's namespace cannot. They reach BIRD through its control
// sockets, which are files; the reporter, which only knows /var/run/calico/bird.ctl, runs in a
// mount namespace of its own in which that is the node's socket.

// LabSpec is the lab's design: racks of nodes, and the IP pool their blocks come from.
type LabSpec struct {
	// Pool is the IP pool the lab creates, with no encapsulation (the lab routes pod addresses
	// natively over BGP); every node claims a /26 block of it.
	Pool  string    `json:"pool"`
	Racks []LabRack `json:"racks"`
}

// LabRack is one rack: a /24 whose first address is the switch's and whose nodes take .11 on.
type LabRack struct {
	Name     string   `json:"name"`
	Subnet   string   `json:"subnet"`
	SwitchAS uint32   `json:"switch_as"`
	Nodes    []string `json:"nodes"`
}

// Lab is a running lab, saved as lab-ID.json in the environment's directory so that testenv
// down (or a later test) tears down exactly what was made.
type Lab struct {
	ID         string                `json:"id"`
	Dir        string                `json:"dir"`
	Spec       LabSpec               `json:"spec"`
	Nodes      []LabNode             `json:"nodes"`
	Switches   []LabSwitch           `json:"switches"`
	Namespaces []string              `json:"namespaces"`
	PIDs       map[string]int        `json:"pids"` // "NODE/bird" and the like
	Commands   map[string]labCommand `json:"commands"`
	env        *Env
}

// LabNode is a lab node: its Calico Node's address on the rack, its IPAM block, and the address
// inside that block ("the pod") that probes ping from and to.
type LabNode struct {
	Name       string `json:"name"`
	Rack       string `json:"rack"`
	Namespace  string `json:"namespace"`
	Address    string `json:"address"`
	Block      string `json:"block"`
	PodAddress string `json:"pod_address"`
	Run        string `json:"run"` // bird.ctl, bird6.ctl
	Config     string `json:"config"`
}

// LabSwitch is a rack's top-of-rack switch.
type LabSwitch struct {
	Rack         string `json:"rack"`
	Namespace    string `json:"namespace"`
	Address      string `json:"address"`
	SpineAddress string `json:"spine_address"`
	AS           uint32 `json:"as"`
	Dir          string `json:"dir"`
}

type labCommand struct {
	Namespace string   `json:"namespace,omitempty"` // run inside this network namespace
	Args      []string `json:"args"`
	// Program is the name the process runs as once started, when not Args[0]'s (a wrapper that
	// execs it).
	Program string   `json:"program,omitempty"`
	Env     []string `json:"env,omitempty"`
	Dir     string   `json:"dir"`
	Log     string   `json:"log"`
}

// forwarding turns IPv4 forwarding on in the network namespace the shell runs in (the file is
// the namespace's own).
const forwarding = "echo 1 > /proc/sys/net/ipv4/ip_forward"

const (
	labSpine    = "10.0.0.0/24" // the switches' side: switch k takes .k+1
	labBlockLen = 26
)

// LabAvailable says why a lab cannot run here, or nil: it needs root and Debian's bird.
func LabAvailable() error {
	if os.Geteuid() != 0 {
		return errors.New("the BGP lab needs root (network namespaces)")
	}
	for _, bin := range []string{"bird", "bird6", "birdc", "birdc6", "ip", "unshare", "ping"} {
		if _, err := exec.LookPath(bin); err != nil {
			return fmt.Errorf("the BGP lab needs %s (apt-get install bird iproute2 util-linux iputils-ping)", bin)
		}
	}
	return nil
}

// StartLab builds the lab of spec on the environment's datastore: the namespaces and links, the
// Calico Nodes, the IP pool and every node's block affinity (as Calico's IPAM claims them), then
// the switches' BIRD and every node's confd, BIRD, BIRD6 and status reporter. It returns once
// every BIRD answers. On failure it tears down whatever it made.
func (e *Env) StartLab(ctx context.Context, spec LabSpec) (_ *Lab, err error) {
	if err := LabAvailable(); err != nil {
		return nil, err
	}
	if e.Mode == ModeV3CRDs {
		return nil, errors.New("the BGP lab needs confd, which does not read native v3 CRDs (Calico 3.31): use apiserver, crd-v1 or etcd")
	}
	if e.NodeStatus == "" || e.Confd == "" {
		return nil, errors.New("this environment was started without the lab's programs; restart it")
	}
	id := make([]byte, 3)
	_, _ = rand.Read(id)
	lab := &Lab{ID: "lab" + hex.EncodeToString(id), Spec: spec, PIDs: map[string]int{}, Commands: map[string]labCommand{}, env: e}
	lab.Dir = filepath.Join(e.Dir, lab.ID)
	if err := lab.plan(); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, lab.Stop())
		}
	}()
	if err := lab.save(); err != nil {
		return nil, err
	}
	if err := lab.wire(ctx); err != nil {
		return nil, err
	}
	if err := lab.createCalicoObjects(ctx); err != nil {
		return nil, err
	}
	if err := lab.startSwitches(); err != nil {
		return nil, err
	}
	for _, n := range lab.Nodes {
		if err := lab.startNode(ctx, n); err != nil {
			return nil, err
		}
	}
	return lab, lab.save()
}

var labName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$`)

// plan gives every node and switch its namespace and addresses.
func (l *Lab) plan() error {
	pool, err := netip.ParsePrefix(l.Spec.Pool)
	if err != nil || !pool.Addr().Is4() || pool.Bits() > labBlockLen {
		return fmt.Errorf("lab pool %q: want an IPv4 CIDR of /%d or wider", l.Spec.Pool, labBlockLen)
	}
	block := pool.Masked().Addr()
	spine := netip.MustParsePrefix(labSpine).Addr()
	for k, r := range l.Spec.Racks {
		subnet, err := netip.ParsePrefix(r.Subnet)
		if err != nil || subnet.Bits() != 24 || !labName.MatchString(r.Name) {
			return fmt.Errorf("lab rack %q: want a DNS-label name and an IPv4 /24 subnet, got %q", r.Name, r.Subnet)
		}
		base := subnet.Masked().Addr().As4()
		sw := LabSwitch{Rack: r.Name, Namespace: l.ID + "-" + r.Name + "-tor", AS: r.SwitchAS, Dir: filepath.Join(l.Dir, r.Name+"-tor")}
		sw.Address = netip.AddrFrom4([4]byte{base[0], base[1], base[2], 1}).String()
		s := spine.As4()
		sw.SpineAddress = netip.AddrFrom4([4]byte{s[0], s[1], s[2], byte(k + 1)}).String()
		l.Switches = append(l.Switches, sw)
		for i, name := range r.Nodes {
			if !labName.MatchString(name) {
				return fmt.Errorf("lab node %q: want a DNS label of at most 32 characters", name)
			}
			if !pool.Contains(block) {
				return fmt.Errorf("lab pool %s has too few /%d blocks for every node", pool, labBlockLen)
			}
			n := LabNode{Name: name, Rack: r.Name, Namespace: l.ID + "-" + name, Run: filepath.Join(l.Dir, name, "run"), Config: filepath.Join(l.Dir, name, "config")}
			n.Address = netip.AddrFrom4([4]byte{base[0], base[1], base[2], byte(11 + i)}).String()
			n.Block = netip.PrefixFrom(block, labBlockLen).String()
			n.PodAddress = block.Next().String()
			l.Nodes = append(l.Nodes, n)
			b := block.As4()
			b[3] += 1 << (32 - labBlockLen)
			if b[3] == 0 {
				b[2]++
			}
			block = netip.AddrFrom4(b)
		}
	}
	return nil
}

// wire makes the namespaces, bridges and links, and addresses them.
func (l *Lab) wire(ctx context.Context) error {
	fabric := l.ID + "-fabric"
	run := func(args ...string) error {
		out, err := exec.CommandContext(ctx, args[0], args[1:]...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %w: %s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	addNS := func(ns string) error {
		l.Namespaces = append(l.Namespaces, ns)
		if err := l.save(); err != nil {
			return err
		}
		if err := run("ip", "netns", "add", ns); err != nil {
			return err
		}
		return run("ip", "-n", ns, "link", "set", "lo", "up")
	}
	// link puts a veth between the fabric's bridge and ns, named eth in ns.
	link := 0
	connect := func(bridge, ns, eth, addr string) error {
		link++
		port := fmt.Sprintf("p%d", link)
		if err := run("ip", "-n", fabric, "link", "add", port, "type", "veth", "peer", "name", eth, "netns", ns); err != nil {
			return err
		}
		for _, c := range [][]string{
			{"ip", "-n", fabric, "link", "set", port, "master", bridge, "up"},
			{"ip", "-n", ns, "addr", "add", addr, "dev", eth},
			{"ip", "-n", ns, "link", "set", eth, "up"},
		} {
			if err := run(c...); err != nil {
				return err
			}
		}
		return nil
	}
	if err := addNS(fabric); err != nil {
		return err
	}
	if err := run("ip", "-n", fabric, "link", "add", "spine", "type", "bridge"); err != nil {
		return err
	}
	if err := run("ip", "-n", fabric, "link", "set", "spine", "up"); err != nil {
		return err
	}
	for k, sw := range l.Switches {
		bridge := fmt.Sprintf("rack%d", k)
		if err := run("ip", "-n", fabric, "link", "add", bridge, "type", "bridge"); err != nil {
			return err
		}
		if err := run("ip", "-n", fabric, "link", "set", bridge, "up"); err != nil {
			return err
		}
		if err := addNS(sw.Namespace); err != nil {
			return err
		}
		if err := connect(bridge, sw.Namespace, "eth0", sw.Address+"/24"); err != nil {
			return err
		}
		if err := connect("spine", sw.Namespace, "eth1", sw.SpineAddress+"/24"); err != nil {
			return err
		}
		if err := run("ip", "netns", "exec", sw.Namespace, "sh", "-c", forwarding); err != nil {
			return err
		}
		for _, n := range l.Nodes {
			if n.Rack != sw.Rack {
				continue
			}
			if err := addNS(n.Namespace); err != nil {
				return err
			}
			if err := connect(bridge, n.Namespace, "eth0", n.Address+"/24"); err != nil {
				return err
			}
			for _, c := range [][]string{
				{"ip", "-n", n.Namespace, "route", "add", "default", "via", sw.Address},
				// Kubernetes nodes forward: a reflector may be another node's next hop.
				{"ip", "netns", "exec", n.Namespace, "sh", "-c", forwarding},
				// The pod's address sits on a cali* interface, as pods' routes do on calico-node's
				// hosts: confd's BIRD ignores those interfaces, so the address is not exported.
				{"ip", "-n", n.Namespace, "link", "add", "cali0", "type", "veth", "peer", "name", "pod0"},
				{"ip", "-n", n.Namespace, "addr", "add", n.PodAddress + "/32", "dev", "cali0"},
				{"ip", "-n", n.Namespace, "link", "set", "cali0", "up"},
				{"ip", "-n", n.Namespace, "link", "set", "pod0", "up"},
			} {
				if err := run(c...); err != nil {
					return err
				}
			}
		}
	}
	// The switches route between the racks' subnets (the nodes' own addresses); pod blocks they
	// learn over BGP once the reflectors peer with them.
	for _, sw := range l.Switches {
		for k, other := range l.Switches {
			if other.Rack != sw.Rack {
				if err := run("ip", "-n", sw.Namespace, "route", "add", l.Spec.Racks[k].Subnet, "via", other.SpineAddress); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Node is the lab node of that name.
func (l *Lab) Node(name string) (LabNode, error) {
	return labPart(l.Nodes, func(n LabNode) bool { return n.Name == name }, "node", name)
}

// labPart is the part of the lab (a node, a switch) that is the one asked for; what and name
// say which, for the error when there is none.
func labPart[T any](parts []T, is func(T) bool, what, name string) (T, error) {
	if i := slices.IndexFunc(parts, is); i >= 0 {
		return parts[i], nil
	}
	var none T
	return none, fmt.Errorf("no lab %s %q", what, name)
}

// spawnLab starts one of the lab's processes in a process group of its own, and records it.
func (l *Lab) spawnLab(key string, c labCommand) error {
	args := c.Args
	if c.Namespace != "" {
		args = append([]string{"ip", "netns", "exec", c.Namespace}, args...)
	}
	logf, err := os.OpenFile(c.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + l.Dir}, c.Env...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = c.Dir, logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("lab: starting %s: %w", key, err)
	}
	go func() { _ = cmd.Wait() }()
	l.PIDs[key], l.Commands[key] = cmd.Process.Pid, c
	return l.save()
}

// startNode starts confd, waits for the configuration it writes, then starts BIRD, BIRD6 and
// the status reporter.
func (l *Lab) startNode(ctx context.Context, n LabNode) error {
	confdDir := filepath.Join(l.Dir, n.Name, "confd")
	for _, d := range []string{n.Run, n.Config, confdDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if err := l.stageLabConfd(confdDir, n); err != nil {
		return err
	}
	env := append([]string{"NODENAME=" + n.Name}, l.env.DatastoreEnv()...)
	logs := filepath.Join(l.Dir, n.Name)
	if err := l.spawnLab(n.Name+"/confd", labCommand{Args: []string{l.env.Confd, "-confdir=" + confdDir}, Env: env, Dir: n.Config, Log: filepath.Join(logs, "confd.log")}); err != nil {
		return err
	}
	for _, f := range []string{"bird.cfg", "bird6.cfg"} {
		if err := waitFile(ctx, filepath.Join(n.Config, f), 60*time.Second); err != nil {
			return fmt.Errorf("lab node %s: confd wrote no %s (see %s): %w", n.Name, f, filepath.Join(logs, "confd.log"), err)
		}
	}
	if err := l.StartBIRD(n.Name); err != nil {
		return err
	}
	// The reporter's mount namespace: a private /run whose calico directory is the node's.
	script := `mount -t tmpfs lab /run && mkdir /run/calico && mount --bind "$LAB_RUN" /run/calico && exec "$@"`
	return l.spawnLab(n.Name+"/status", labCommand{
		Args:    []string{"unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", l.env.NodeStatus},
		Program: filepath.Base(l.env.NodeStatus),
		Env:     append(env, "LAB_RUN="+n.Run), Dir: n.Config, Log: filepath.Join(logs, "status.log"),
	})
}

// StartBIRD starts the node's BIRD and BIRD6 in its namespace and waits until they answer.
func (l *Lab) StartBIRD(node string) error {
	n, err := l.Node(node)
	if err != nil {
		return err
	}
	for _, v := range []string{"", "6"} {
		err := l.spawnLab(n.Name+"/bird"+v, labCommand{Namespace: n.Namespace,
			Args: []string{"bird" + v, "-f", "-c", filepath.Join(n.Config, "bird"+v+".cfg"), "-s", filepath.Join(n.Run, "bird"+v+".ctl")},
			Dir:  n.Config, Log: filepath.Join(l.Dir, n.Name, "bird"+v+".log")})
		if err != nil {
			return err
		}
	}
	return l.waitBIRD(filepath.Join(n.Run, "bird.ctl"), filepath.Join(n.Run, "bird6.ctl"))
}

// StopBIRD stops the node's BIRD and BIRD6, as when calico-node's BIRD dies.
func (l *Lab) StopBIRD(node string) error {
	var errs []error
	for _, key := range []string{node + "/bird", node + "/bird6"} {
		if pid, ok := l.PIDs[key]; ok {
			errs = append(errs, terminate(pid, processName(l.Commands[key])))
			delete(l.PIDs, key)
		}
	}
	return errors.Join(append(errs, l.save())...)
}

func (l *Lab) waitBIRD(sockets ...string) error {
	for _, s := range sockets {
		err := poll(context.Background(), 30*time.Second, func() error {
			_, err := birdc(s, "show status")
			return err
		})
		if err != nil {
			return fmt.Errorf("lab: BIRD at %s does not answer: %w", s, err)
		}
	}
	return nil
}

// Birdc runs a birdc command against the node's BIRD (v6: BIRD6).
func (l *Lab) Birdc(node string, v6 bool, command string) (string, error) {
	n, err := l.Node(node)
	if err != nil {
		return "", err
	}
	sock := filepath.Join(n.Run, "bird.ctl")
	if v6 {
		sock = filepath.Join(n.Run, "bird6.ctl")
	}
	return birdc(sock, command)
}

func birdc(socket, command string) (string, error) {
	bin := "birdc"
	if strings.HasSuffix(socket, "6.ctl") {
		bin = "birdc6"
	}
	out, err := exec.Command(bin, append([]string{"-s", socket}, strings.Fields(command)...)...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s -s %s %s: %w: %s", bin, socket, command, err, out)
	}
	return string(out), nil
}

// Exec runs a command inside a lab namespace (a node's or a switch's).
func (l *Lab) Exec(ctx context.Context, namespace string, args ...string) (string, error) {
	out, err := exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", namespace}, args...)...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("in %s: %s: %w: %s", namespace, strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

func waitFile(ctx context.Context, path string, timeout time.Duration) error {
	return poll(ctx, timeout, func() error {
		st, err := os.Stat(path)
		if err == nil && st.Size() == 0 {
			err = errors.New("empty")
		}
		return err
	})
}

// stageLabConfd copies confd's templates for a node whose confd runs continuously: outputs go
// to the node's config directory, BIRD is told to reload through its socket, and the
// assignments to krt_tunnel (the one extension of Calico's BIRD fork, for IPIP routes, which
// Debian's BIRD 1.6.8 does not parse) are dropped. The lab's pool has no IPIP, so it sets
// no tunnel anyway.
func (l *Lab) stageLabConfd(dir string, n LabNode) error {
	reload := func(b []byte) []byte {
		return confdReload.ReplaceAllFunc(b, func(m []byte) []byte {
			v := ""
			if strings.Contains(string(m), "bird6") {
				v = "6"
			}
			return []byte(fmt.Sprintf(`reload_cmd = "birdc%s -s %s configure || true"`, v, filepath.Join(n.Run, "bird"+v+".ctl")))
		})
	}
	return l.env.stageConfd(dir, n.Config, reload, DropKrtTunnel)
}

var (
	confdReload = regexp.MustCompile(`(?m)^reload_cmd = .*$`)
	// A krt_tunnel assignment that is the whole branch of an if/else becomes an empty block;
	// any other is removed.
	krtTunnelBranch = regexp.MustCompile(`(then|else)(\s*)krt_tunnel = "[^"]*";`)
	krtTunnel       = regexp.MustCompile(`krt_tunnel = "[^"]*";`)
)

// DropKrtTunnel removes the krt_tunnel assignments from a confd template.
func DropKrtTunnel(b []byte) []byte {
	b = krtTunnelBranch.ReplaceAll(b, []byte(`$1$2{ }`))
	return krtTunnel.ReplaceAll(b, nil)
}

func processName(c labCommand) string {
	if c.Program != "" {
		return c.Program
	}
	if len(c.Args) == 0 {
		return ""
	}
	return filepath.Base(c.Args[0])
}

func (l *Lab) save() error {
	if err := os.MkdirAll(l.Dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(l.Dir+".json", b, 0o600)
}

// Labs are the labs recorded in the environment's directory.
func (e *Env) Labs() ([]*Lab, error) {
	files, err := filepath.Glob(filepath.Join(e.Dir, "lab*.json"))
	if err != nil {
		return nil, err
	}
	var labs []*Lab
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		l := &Lab{env: e}
		if err := json.Unmarshal(b, l); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		labs = append(labs, l)
	}
	return labs, nil
}

// Stop tears the lab down: its processes by the PIDs it recorded, then whatever still runs in
// its namespaces, then the namespaces (their links go with them), then its Calico objects.
func (l *Lab) Stop() error {
	var errs []error
	for key, pid := range l.PIDs {
		if err := terminate(pid, processName(l.Commands[key])); err != nil {
			errs = append(errs, err)
		}
	}
	l.PIDs = map[string]int{}
	for _, ns := range l.Namespaces {
		out, _ := exec.Command("ip", "netns", "pids", ns).Output()
		for _, f := range strings.Fields(string(out)) {
			var pid int
			if _, err := fmt.Sscan(f, &pid); err == nil {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		if out, err := exec.Command("ip", "netns", "del", ns).CombinedOutput(); err != nil && !strings.Contains(string(out), "No such file") {
			errs = append(errs, fmt.Errorf("ip netns del %s: %w: %s", ns, err, out))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	errs = append(errs, l.deleteCalicoObjects(ctx))
	if err := errors.Join(errs...); err != nil {
		return err
	}
	_ = os.Remove(l.Dir + ".json")
	return os.RemoveAll(l.Dir)
}

// Describe prints where everything is, for someone exploring the lab by hand.
func (l *Lab) Describe(w io.Writer) {
	fmt.Fprintf(w, "Lab %s (state and logs in %s):\n", l.ID, l.Dir)
	for _, sw := range l.Switches {
		fmt.Fprintf(w, "  switch %-8s  AS %d  %s (rack), %s (spine)  netns %s\n", sw.Rack, sw.AS, sw.Address, sw.SpineAddress, sw.Namespace)
	}
	for _, n := range l.Nodes {
		fmt.Fprintf(w, "  node %-14s %-10s block %s, pod address %s  netns %s\n", n.Name, n.Address, n.Block, n.PodAddress, n.Namespace)
	}
}
