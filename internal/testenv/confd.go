package testenv

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// BIRDSession is one `protocol bgp` block of BIRD's configuration as confd writes it.
type BIRDSession struct {
	Protocol string // such as Mesh_10_0_0_2, Global_192_0_2_1_port_1179, Node_10_0_0_9
	PeerIP   string
	Port     int // 0: the default port (no port on the neighbor line)
	AS       uint32
	RRClient bool
	Passive  bool
}

// BIRDConfig is what confd wrote for one node.
type BIRDConfig struct {
	IPv4, IPv6 string // bird.cfg and bird6.cfg
}

// RunConfd runs Calico's confd once for a node against the environment's datastore, as
// calico-node does on that node, and returns BIRD's configuration it renders. It needs the
// node's Calico Node (its Kubernetes Node) and Calico's crd.projectcalico.org/v1 storage or
// etcd: confd 3.31 does not read native v3 CRDs.
func (e *Env) RunConfd(ctx context.Context, node string) (BIRDConfig, error) {
	var out BIRDConfig
	if e.Confd == "" || e.ConfdDir == "" {
		return out, fmt.Errorf("this environment was started without confd; restart it")
	}
	dir, err := os.MkdirTemp(e.Dir, "confd-")
	if err != nil {
		return out, err
	}
	defer os.RemoveAll(dir)
	if err := e.stageConfdDir(dir); err != nil {
		return out, err
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, e.Confd, "-confdir="+dir, "-onetime", "-sync-only")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + e.Dir, "NODENAME=" + node}, e.DatastoreEnv()...)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Run(); err != nil {
		return out, fmt.Errorf("confd for node %s: %w\n%s", node, err, log.String())
	}
	for file, into := range map[string]*string{"bird.cfg": &out.IPv4, "bird6.cfg": &out.IPv6} {
		b, err := os.ReadFile(filepath.Join(dir, "config", file))
		if err != nil {
			return out, fmt.Errorf("confd for node %s wrote no %s: %w\n%s", node, file, err, log.String())
		}
		*into = string(b)
	}
	return out, nil
}

var confdDest = regexp.MustCompile(`(?m)^dest = "/etc/calico/confd/config/([^"]+)"$`)

// stageConfdDir copies confd's templates into dir, its outputs sent to dir/config.
func (e *Env) stageConfdDir(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "config"), 0o755); err != nil {
		return err
	}
	return e.stageConfd(dir, filepath.Join(dir, "config"), nil, nil)
}

// stageConfd copies confd's conf.d and templates into dir, with every output sent to out;
// editConf and editTemplate, when set, change each conf.d file and template on the way.
func (e *Env) stageConfd(dir, out string, editConf, editTemplate func([]byte) []byte) error {
	for sub, edit := range map[string]func([]byte) []byte{"conf.d": editConf, "templates": editTemplate} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
		entries, err := os.ReadDir(filepath.Join(e.ConfdDir, sub))
		if err != nil {
			return err
		}
		for _, en := range entries {
			b, err := os.ReadFile(filepath.Join(e.ConfdDir, sub, en.Name()))
			if err != nil {
				return err
			}
			if sub == "conf.d" {
				b = confdDest.ReplaceAll(b, []byte(`dest = "`+out+`/$1"`))
			}
			if edit != nil {
				b = edit(b)
			}
			if err := os.WriteFile(filepath.Join(dir, sub, en.Name()), b, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

var (
	birdProtocol = regexp.MustCompile(`^protocol bgp (\S+) from bgp_template \{$`)
	birdNeighbor = regexp.MustCompile(`^\s*neighbor (\S+) (?:port (\d+) )?as (\d+);`)
)

// ParseBIRDSessions reads the `protocol bgp` blocks of a configuration confd wrote.
func ParseBIRDSessions(cfg string) ([]BIRDSession, error) {
	var sessions []BIRDSession
	var current *BIRDSession
	depth := 0
	scanner := bufio.NewScanner(strings.NewReader(cfg))
	for scanner.Scan() {
		line := scanner.Text()
		if current == nil {
			if m := birdProtocol.FindStringSubmatch(line); m != nil {
				current, depth = &BIRDSession{Protocol: m[1]}, 1
			}
			continue
		}
		code := line
		if i := strings.Index(code, "#"); i >= 0 {
			code = code[:i]
		}
		if depth == 1 {
			if m := birdNeighbor.FindStringSubmatch(code); m != nil {
				current.PeerIP = m[1]
				if m[2] != "" {
					current.Port, _ = strconv.Atoi(m[2])
				}
				as, err := strconv.ParseUint(m[3], 10, 32)
				if err != nil {
					return nil, fmt.Errorf("protocol %s: AS %q: %w", current.Protocol, m[3], err)
				}
				current.AS = uint32(as)
			}
			switch strings.TrimSpace(code) {
			case "rr client;":
				current.RRClient = true
			case "passive on;":
				current.Passive = true
			}
		}
		depth += strings.Count(code, "{") - strings.Count(code, "}")
		if depth == 0 {
			if current.PeerIP == "" {
				return nil, fmt.Errorf("protocol %s has no neighbor", current.Protocol)
			}
			sessions = append(sessions, *current)
			current = nil
		}
	}
	if current != nil {
		return nil, fmt.Errorf("protocol %s is not closed", current.Protocol)
	}
	return sessions, scanner.Err()
}
