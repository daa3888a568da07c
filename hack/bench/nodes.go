package main

import (
	"context"
	"fmt"
	"os"
	"time"
)

type nodesResult struct {
	Nodes             int
	Matching          int
	Plan, TrivialPlan time.Duration
	PeakRSSMB         float64
}

// measureNodes times a plan that reads calico_nodes over n Nodes (half of which match the
// selector), next to a plan of one terraform_data (Terraform's own overhead).
func measureNodes(ctx context.Context, tf *terraform, a *apiFloor, n, runs int) (nodesResult, error) {
	r := nodesResult{Nodes: n}
	if err := a.createNodes(ctx, n); err != nil {
		return r, err
	}
	defer func() { _ = a.deleteNodes(ctx) }()
	dir, err := tf.dir(`
terraform {
  required_providers {
    calico = { source = "calico-tf/calico" }
  }
}
data "calico_nodes" "half" {
  selector = "bench-node == 'true' && rack in {` + racks(25) + `}"
}
output "matching" { value = length(data.calico_nodes.half.nodes) }
`)
	if err != nil {
		return r, err
	}
	defer os.RemoveAll(dir)
	trivial, err := tf.dir(`resource "terraform_data" "x" {}`)
	if err != nil {
		return r, err
	}
	defer os.RemoveAll(trivial)
	var plans, trivialPlans []time.Duration
	for range runs {
		d, rss, err := tf.run(dir, tf.rc, 2, "plan", "-detailed-exitcode", "-input=false")
		if err != nil {
			return r, err
		}
		plans, r.PeakRSSMB = append(plans, d), max(r.PeakRSSMB, rss)
		d, _, err = tf.run(trivial, tf.rc, 2, "plan", "-detailed-exitcode", "-input=false")
		if err != nil {
			return r, err
		}
		trivialPlans = append(trivialPlans, d)
	}
	r.Plan, r.TrivialPlan, r.Matching = median(plans), median(trivialPlans), n/2
	return r, nil
}

func racks(k int) string {
	s := ""
	for i := range k {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("'rack%d'", i)
	}
	return s
}
