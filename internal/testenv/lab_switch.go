package testenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The lab's top-of-rack switches: BIRD in a forwarding namespace, with an eBGP session to every
// other rack's switch over the spine, and the neighbors a test (or the demo) configures from the
// provider's own output, as a switch vendor's provider would.

// SwitchNeighbor is one BGP neighbor of a switch: a node (a route reflector) of its rack.
type SwitchNeighbor struct {
	Node    string `json:"node"`
	PeerIP  string `json:"peer_ip"`
	PeerAS  uint32 `json:"peer_as"`  // the node's AS
	LocalAS uint32 `json:"local_as"` // the switch's AS
}

func (l *Lab) startSwitches() error {
	for _, sw := range l.Switches {
		if err := os.MkdirAll(sw.Dir, 0o755); err != nil {
			return err
		}
		var b strings.Builder
		fmt.Fprintf(&b, "router id %s;\nlog stderr all;\nprotocol device { scan time 2; }\n", sw.SpineAddress)
		// Routes learned over BGP go into the switch's kernel table, so that it forwards.
		b.WriteString("protocol kernel { scan time 2; import none; export all; }\n")
		for _, other := range l.Switches {
			if other.Rack != sw.Rack {
				fmt.Fprintf(&b, "protocol bgp spine_%s { local as %d; neighbor %s as %d; import all; export all; }\n",
					birdName(other.Rack), sw.AS, other.SpineAddress, other.AS)
			}
		}
		b.WriteString("include \"neighbors.conf\";\n")
		if err := os.WriteFile(filepath.Join(sw.Dir, "bird.conf"), []byte(b.String()), 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(sw.Dir, "neighbors.conf"), nil, 0o644); err != nil {
			return err
		}
		err := l.spawnLab(sw.Namespace+"/bird", labCommand{Namespace: sw.Namespace,
			Args: []string{"bird", "-f", "-c", filepath.Join(sw.Dir, "bird.conf"), "-s", filepath.Join(sw.Dir, "bird.ctl")},
			Dir:  sw.Dir, Log: filepath.Join(sw.Dir, "bird.log")})
		if err != nil {
			return err
		}
	}
	for _, sw := range l.Switches {
		if err := l.waitBIRD(filepath.Join(sw.Dir, "bird.ctl")); err != nil {
			return err
		}
	}
	return nil
}

// SetSwitchNeighbors replaces a rack switch's neighbors and has its BIRD reload them.
func (l *Lab) SetSwitchNeighbors(rack string, neighbors []SwitchNeighbor) error {
	sw, err := l.Switch(rack)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, n := range neighbors {
		if n.LocalAS != sw.AS {
			return fmt.Errorf("neighbor %s of the %s switch: local AS %d, but the switch is AS %d", n.PeerIP, rack, n.LocalAS, sw.AS)
		}
		fmt.Fprintf(&b, "protocol bgp node_%s { local as %d; neighbor %s as %d; import all; export all; }\n",
			birdName(n.Node), n.LocalAS, n.PeerIP, n.PeerAS)
	}
	if err := os.WriteFile(filepath.Join(sw.Dir, "neighbors.conf"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	_, err = birdc(filepath.Join(sw.Dir, "bird.ctl"), "configure")
	return err
}

// Switch is the switch of a rack.
func (l *Lab) Switch(rack string) (LabSwitch, error) {
	return labPart(l.Switches, func(sw LabSwitch) bool { return sw.Rack == rack }, "rack", rack)
}

// SwitchBirdc runs a birdc command against a rack switch's BIRD.
func (l *Lab) SwitchBirdc(rack, command string) (string, error) {
	sw, err := l.Switch(rack)
	if err != nil {
		return "", err
	}
	return birdc(filepath.Join(sw.Dir, "bird.ctl"), command)
}

// birdName makes a name usable in a BIRD protocol name.
func birdName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
}

// WaitSwitchSessions waits until every switch's BGP sessions are Established.
func (l *Lab) WaitSwitchSessions(ctx context.Context, timeout time.Duration) error {
	for _, sw := range l.Switches {
		err := poll(ctx, timeout, func() error {
			out, err := birdc(filepath.Join(sw.Dir, "bird.ctl"), "show protocols all")
			if err != nil {
				return err
			}
			for _, s := range parseBIRDProtocols(out) {
				if s.State != "Established" {
					return fmt.Errorf("the %s switch's session with %s is %s", sw.Rack, s.PeerIP, s.State)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
