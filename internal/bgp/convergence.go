package bgp

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/projectcalico/calico/libcalico-go/lib/selector"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
)

// Convergence is what the wait after an apply waits for: every session the live objects make
// for the selected nodes, Established as calico-node reports it.
type Convergence struct {
	// NodeSelector picks the nodes, in Calico's selector syntax.
	NodeSelector string
	Timeout      time.Duration
	Progress     func(MeshCheckProgress)
}

// ConvergenceError names the selected nodes whose sessions were not all Established in time.
type ConvergenceError struct {
	Wait Convergence
	// Nodes are the nodes that fall short, with their sessions not Established
	// (NotEstablished) and what calico-node last reported (Peers).
	Nodes []MeshCheckNode
	// NoReports: the datastore lacks calico.ReportsNodeStatus, so no node's report can come.
	NoReports bool
}

func (e *ConvergenceError) Error() string {
	return fmt.Sprintf("%s: %d node(s) within %s", ErrSessionsNotEstablished, len(e.Nodes), e.Wait.Timeout)
}

func (e *ConvergenceError) Unwrap() error { return ErrSessionsNotEstablished }

// WaitForConvergence reads the live objects, computes the sessions confd builds for them, and
// waits, within w.Timeout, until every selected node that has sessions reports each of them
// Established (reading the nodes' reports as the mesh check does).
func WaitForConvergence(ctx context.Context, c *calico.Client, w Convergence) error {
	in, err := loadTopologyInput(ctx, c)
	if err != nil {
		return err
	}
	topo, err := computeTopology(in)
	if err != nil {
		return err
	}
	sel, err := selector.Parse(w.NodeSelector)
	if err != nil {
		return err
	}
	var nodes []checkedNode
	for _, n := range in.nodes {
		if nt := topo.Nodes[n.Name]; nt != nil && len(nt.Sessions) > 0 && sel.Evaluate(n.SelectorLabels) {
			nodes = append(nodes, checkedNode{Name: n.Name, Awaited: nt.Sessions})
		}
	}
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].Name < nodes[j].Name })
	err = waitForEstablished(ctx, calico.CalicoNodeStatuses.On(c), !c.Can(calico.ReportsNodeStatus), nodes,
		MeshCheck{Timeout: w.Timeout, Progress: w.Progress})
	var short *MeshCheckError
	if errors.As(err, &short) {
		return &ConvergenceError{Wait: w, Nodes: short.Nodes, NoReports: short.NoReports}
	}
	return err
}
