// Command calico-node-status builds Calico's node status reporter from the Go module proxy, for
// the BGP lab: calico-node runs the same code (node/pkg/status) to read its BIRD through
// /var/run/calico/bird.ctl and bird6.ctl and write what it reads into CalicoNodeStatus objects.
// Upstream's reporter is run by calico-node's main package, which cannot be imported, so this
// is a main that calls it, unchanged.
package main

import "github.com/projectcalico/calico/node/pkg/status"

func main() { status.Run() }
