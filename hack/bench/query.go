package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// queryResult is adopting N existing peers with Terraform 1.15: terraform query writing their
// configuration and import blocks, against the same CLI planning N import blocks.
type queryResult struct {
	N, runs            int
	cli                string
	query, importsPlan []time.Duration
}

// queryConfig lists the bench's peers for terraform query.
func queryConfig(n int) string {
	return fmt.Sprintf(`list "calico_bgp_peer" "all" {
  provider         = calico
  include_resource = true
  limit            = %d
  config {
    name_prefix = "bench-peer-"
  }
}
`, n)
}

// measureQuery creates N peers (with the CLI, not measured), then, per run, times terraform
// query -generate-config-out over them in an empty working directory, and a plan of the
// generated file (N import blocks and their resources) in another.
func measureQuery(tf *terraform, cli string, n, runs int) (queryResult, error) {
	r := queryResult{N: n, runs: runs, cli: cli}
	setup, err := tf.dir(peersConfig(n))
	if err != nil {
		return r, err
	}
	defer os.RemoveAll(setup)
	if _, _, err := tf.runCLI(cli, setup, tf.rc, 0, "apply", "-auto-approve", "-input=false"); err != nil {
		return r, err
	}
	defer func() { _, _, _ = tf.runCLI(cli, setup, tf.rc, 0, "destroy", "-auto-approve", "-input=false") }()
	for run := 1; run <= runs; run++ {
		query, err := tf.dir(providerRequirement)
		if err != nil {
			return r, err
		}
		defer os.RemoveAll(query)
		if err := os.WriteFile(filepath.Join(query, "adopt.tfquery.hcl"), []byte(queryConfig(n)), 0o600); err != nil {
			return r, err
		}
		q, _, err := tf.runCLI(cli, query, tf.rc, 0, "query", "-generate-config-out=generated.tf")
		if err != nil {
			return r, err
		}
		generated, err := os.ReadFile(filepath.Join(query, "generated.tf"))
		if err != nil {
			return r, err
		}
		imports, err := tf.dir(providerRequirement + string(generated))
		if err != nil {
			return r, err
		}
		defer os.RemoveAll(imports)
		// Exit 2: the plan has changes, the N imports.
		p, _, err := tf.runCLI(cli, imports, tf.rc, 2, "plan", "-detailed-exitcode", "-input=false")
		if err != nil {
			return r, fmt.Errorf("the plan of the generated imports: %w", err)
		}
		r.query, r.importsPlan = append(r.query, q), append(r.importsPlan, p)
		fmt.Printf("    query %v  plan of %d imports %v\n", q, n, p)
	}
	return r, nil
}

// providerRequirement names the provider where no resource block does.
const providerRequirement = `terraform {
  required_providers {
    calico = { source = "calico-tf/calico" }
  }
}
`
