package testenv

import (
	"context"
	"errors"
	"fmt"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"
	libapiv3 "github.com/projectcalico/calico/libcalico-go/lib/apis/v3"
	cerrors "github.com/projectcalico/calico/libcalico-go/lib/errors"
	"github.com/projectcalico/calico/libcalico-go/lib/ipam"
	cnet "github.com/projectcalico/calico/libcalico-go/lib/net"
	"github.com/projectcalico/calico/libcalico-go/lib/options"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// The lab's Calico objects: what calico-node and Calico's IPAM would have written for its nodes.

// labRackLabel is the label every lab node has, valued with its rack's name.
const labRackLabel = "rack"

func (l *Lab) createCalicoObjects(ctx context.Context) error {
	c, err := l.env.LibraryClient()
	if err != nil {
		return err
	}
	pool := v3.NewIPPool()
	pool.Name = l.ID
	pool.Spec = v3.IPPoolSpec{CIDR: l.Spec.Pool, BlockSize: labBlockLen, IPIPMode: v3.IPIPModeNever, VXLANMode: v3.VXLANModeNever, NodeSelector: "all()"}
	if _, err := c.IPPools().Create(ctx, pool, options.SetOptions{}); err != nil {
		return fmt.Errorf("lab: creating IP pool %s: %w", pool.Name, err)
	}
	if l.env.Mode.Kubernetes() {
		var nodes []NodeSpec
		for _, n := range l.Nodes {
			nodes = append(nodes, NodeSpec{Name: n.Name,
				Labels:      map[string]string{labRackLabel: n.Rack, "kubernetes.io/hostname": n.Name},
				Annotations: map[string]string{"projectcalico.org/IPv4Address": n.Address + "/24"}})
		}
		if err := l.env.CreateNodes(ctx, nodes); err != nil {
			return err
		}
	} else {
		for _, n := range l.Nodes {
			node := libapiv3.NewNode()
			node.Name = n.Name
			node.Labels = map[string]string{labRackLabel: n.Rack, "kubernetes.io/hostname": n.Name}
			node.Spec.BGP = &libapiv3.NodeBGPSpec{IPv4Address: n.Address + "/24"}
			_, _ = c.Nodes().Delete(ctx, n.Name, options.DeleteOptions{})
			if _, err := c.Nodes().Create(ctx, node, options.SetOptions{}); err != nil {
				return fmt.Errorf("lab: creating node %s: %w", n.Name, err)
			}
		}
	}
	for _, n := range l.Nodes {
		claimed, _, err := c.IPAM().ClaimAffinity(ctx, cnet.MustParseCIDR(n.Block), ipam.AffinityConfig{AffinityType: ipam.AffinityTypeHost, Host: n.Name})
		if err != nil || len(claimed) != 1 {
			return fmt.Errorf("lab: claiming block %s for %s: %v (claimed %v)", n.Block, n.Name, err, claimed)
		}
	}
	return nil
}

// deleteCalicoObjects deletes what createCalicoObjects made, whichever part of it exists.
func (l *Lab) deleteCalicoObjects(ctx context.Context) error {
	c, err := l.env.LibraryClient()
	if err != nil {
		return err
	}
	var errs []error
	gone := func(err error) bool {
		var nf cerrors.ErrorResourceDoesNotExist
		return err == nil || errors.As(err, &nf) || apierrors.IsNotFound(err)
	}
	for _, n := range l.Nodes {
		if err := c.IPAM().ReleaseHostAffinities(ctx, ipam.AffinityConfig{AffinityType: ipam.AffinityTypeHost, Host: n.Name}, false); !gone(err) {
			errs = append(errs, fmt.Errorf("lab: releasing %s's blocks: %w", n.Name, err))
		}
		if l.env.Mode.Kubernetes() {
			err = l.env.deleteKubeNode(ctx, n.Name)
		} else {
			_, err = c.Nodes().Delete(ctx, n.Name, options.DeleteOptions{})
		}
		if !gone(err) {
			errs = append(errs, fmt.Errorf("lab: deleting node %s: %w", n.Name, err))
		}
	}
	if _, err := c.IPPools().Delete(ctx, l.ID, options.DeleteOptions{}); !gone(err) {
		errs = append(errs, fmt.Errorf("lab: deleting IP pool %s: %w", l.ID, err))
	}
	return errors.Join(errs...)
}
