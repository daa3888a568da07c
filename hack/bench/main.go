// Command bench measures the provider against the floors of Terraform and of the Calico API,
// on the local Calico API (make bench):
//
//   - N calico_bgp_peer resources: apply, a no-change plan, destroy;
//   - N terraform_data resources with the same parallelism: Terraform's own floor;
//   - the same apply, plan and destroy with the idle provider (./idleprovider), which has the
//     provider's schemas but does no work: what Terraform spends on these resources;
//   - the same apply and destroy with the idle provider making each peer's one API call: the
//     floor of Terraform and the datastore together, the calls at Terraform's pace;
//   - N creates, gets and deletes of BGPPeers by 10 concurrent workers with no client-side
//     throttling: the API's floor;
//   - the calico_nodes and calico_bgp_topology data sources over many Nodes;
//   - adopting 1 000 existing peers with Terraform 1.15: terraform query -generate-config-out,
//     against the same CLI planning the import blocks it wrote;
//   - the same N peers as kubectl_manifest and kubernetes_manifest resources, side by side,
//     where the API serves projectcalico.org/v3.
//
// It reports the median of several runs per phase, the ratios to the floors and the provider
// process's peak RSS, as results.md and results.csv.
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

func main() {
	defer func() {
		if r := recover(); r != nil {
			be, ok := r.(benchError)
			if !ok {
				panic(r)
			}
			fmt.Fprintln(os.Stderr, "bench:", be.err)
			os.Exit(1)
		}
	}()
	run()
}

// run measures everything; a failure panics through check, so the deferred stop of the local
// Calico API still runs.
func run() {
	sizes := flag.String("n", "50,200,1000", "numbers of resources to measure")
	runs := flag.Int("runs", 3, "runs per measurement (the median is reported)")
	nodes := flag.Int("nodes", 5000, "Nodes for the calico_nodes measurement (0 skips it)")
	queryN := flag.Int("query", 1000, "peers for the terraform query measurement, with Terraform 1.15 (0 skips it)")
	out := flag.String("out", "bench/results", "directory for results.md and results.csv")
	startupOf := flag.String("startup-of", "", "only measure the start-up of these provider binaries (comma-separated)")
	compareN := flag.Int("compare", 200, "peers for the side-by-side with kubectl_manifest and kubernetes_manifest (0 skips it)")
	kubernetesBinary := flag.String("kubernetes-provider", "", "a hashicorp/kubernetes provider binary for the side-by-side")
	kubernetesSource := flag.String("kubernetes-provider-src", "", "a hashicorp/kubernetes source tree to build for the side-by-side")
	walkN := flag.Int("walk", 0, "peers for Terraform's walk after a dead datastore, the floor under make faults' (0 skips it; make faults uses 3000)")
	modeName := flag.String("mode", string(testenv.ModeAPIServer), "datastore of the local Calico API: apiserver, crd-v1, v3-crds or etcd")
	flag.Parse()
	mode, err := testenv.ParseMode(*modeName)
	check(err)
	if *startupOf != "" {
		for _, bin := range strings.Split(*startupOf, ",") {
			r, err := measureStartup(bin, startupRuns)
			check(err)
			fmt.Println(r)
		}
		return
	}

	root, err := testenv.RepoRoot()
	check(err)
	work, err := os.MkdirTemp("", "calico-bench-")
	check(err)
	defer os.RemoveAll(work)

	fmt.Println("==> Building the provider and starting the local Calico API")
	tf, err := newTerraform(root, work)
	check(err)
	startup, err := measureStartup(tf.providerBinary(), startupRuns)
	check(err)
	fmt.Println(startup)
	env, err := testenv.Start(context.Background(), root, testenv.DefaultCacheDir(), filepath.Join(work, "env"), mode, os.Stderr)
	check(err)
	defer func() { check(env.Stop()) }()
	tf.datastore = env.DatastoreEnv()
	tf.idleCalls = "IDLE_PROVIDER_CALLS=" + env.Dir
	if env.Mode.Kubernetes() {
		tf.datastore = []string{"KUBE_CONFIG_PATH=" + env.Kubeconfig}
	}
	floor, err := newAPIFloor(env)
	check(err)

	var results []result
	for _, s := range strings.Split(*sizes, ",") {
		if strings.TrimSpace(s) == "" { // -n '' measures no resource cycle
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		check(err)
		r := result{N: n}
		for run := 1; run <= *runs; run++ {
			fmt.Printf("==> N=%d run %d/%d\n", n, run, *runs)
			p, err := tf.cycle(peersConfig(n), true)
			check(err)
			d, err := tf.cycle(terraformDataConfig(n), false)
			check(err)
			a, err := floor.cycle(context.Background(), n)
			check(err)
			r.add(p, d, a)
			fmt.Printf("    provider %v/%v/%v (%.0f MB)  idle %v/%v/%v  idle with calls %v/-/%v  framework %v/%v/%v  terraform_data %v/%v/%v  API %v/%v/%v\n",
				p.apply, p.plan, p.destroy, p.peakRSSMB, p.idleApply, p.idlePlan, p.idleDestroy, p.callingApply, p.callingDestroy,
				p.frameworkApply, p.frameworkPlan, p.frameworkDestroy, d.apply, d.plan, d.destroy, a.create, a.get, a.delete)
		}
		results = append(results, r)
	}

	var nodeResult *nodesResult
	if *nodes > 0 {
		fmt.Printf("==> calico_nodes over %d Nodes\n", *nodes)
		nr, err := measureNodes(context.Background(), tf, floor, env, *nodes, *runs)
		check(err)
		nodeResult = &nr
	}

	// Terraform 1.15 (terraform query, and the CLI make faults runs), built once when needed.
	const terraform115Name = "Terraform 1.15.5"
	terraform115 := sync.OnceValue(func() string {
		cli, err := testenv.BuildCLI(root, testenv.DefaultCacheDir(), testenv.Terraform115, os.Stderr)
		check(err)
		return cli
	})

	var query *queryResult
	if *queryN > 0 {
		fmt.Printf("==> terraform query over %d peers\n", *queryN)
		qr, err := measureQuery(tf, terraform115(), *queryN, *runs)
		check(err)
		qr.cli = terraform115Name
		query = &qr
	}

	var walk *walkResult
	if *walkN > 0 {
		w, err := measureWalk(tf, terraform115(), *walkN, *runs)
		check(err)
		w.cli = terraform115Name
		walk = &w
	}

	var sideBySide []comparison
	if *compareN > 0 && mode.APIGroup() == "projectcalico.org/v3" { // manifests of projectcalico.org/v3 need an API that serves it
		cs := comparators(testenv.DefaultCacheDir(), *kubernetesBinary, *kubernetesSource)
		sideBySide, err = compare(tf, env.Kubeconfig, cs, *compareN, *runs)
		check(err)
	}

	check(os.MkdirAll(*out, 0o755))
	md, csv := report(mode, startup, results, nodeResult, query, walk, sideBySide, *runs)
	check(os.WriteFile(filepath.Join(*out, "results.md"), []byte(md), 0o644))
	check(os.WriteFile(filepath.Join(*out, "results.csv"), []byte(csv), 0o644))
	fmt.Println()
	fmt.Print(md)
	fmt.Printf("\nWritten to %s/results.md and results.csv\n", *out)
}

func peersConfig(n int) string {
	return requiredProvider("calico", "calico-tf/calico") + fmt.Sprintf(`resource "calico_bgp_peer" "p" {
  count     = %d
  name      = "bench-peer-${count.index}"
  peer_ip   = "10.${floor(count.index / 250)}.0.${count.index %% 250 + 1}"
  as_number = 65000 + count.index %% 100
}
`, n)
}

func terraformDataConfig(n int) string {
	return fmt.Sprintf(`
resource "terraform_data" "p" {
  count = %d
  input = "bench-peer-${count.index}"
}
`, n)
}

// settle is the pause before every measured phase. The Calico API server limits its own calls
// to the kube-apiserver (about 50 per second, after a burst of about 100), so without a pause a
// phase would start with whatever allowance the phase before it left: the API floor's deletes
// used to drain it just before the next run's provider apply, which then ran at 50 creates per
// second while the floor's creates began with the burst. With the pause, provider and floors
// all start from a full allowance.
const settle = 3 * time.Second

func median[T cmp.Ordered](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

type benchError struct{ err error }

func check(err error) {
	if err != nil {
		panic(benchError{err})
	}
}
