package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

// result collects the runs of one N.
type result struct {
	N                                  int
	apply, plan, destroy               []time.Duration
	idleApply, idlePlan, idleDestroy   []time.Duration
	dataApply, dataPlan, dataDestroy   []time.Duration
	floorCreate, floorGet, floorDelete []time.Duration
	peakRSSMB                          float64
}

func (r *result) add(p, d phases, a floorPhases) {
	r.apply, r.plan, r.destroy = append(r.apply, p.apply), append(r.plan, p.plan), append(r.destroy, p.destroy)
	r.idleApply, r.idlePlan = append(r.idleApply, p.idleApply), append(r.idlePlan, p.idlePlan)
	r.idleDestroy = append(r.idleDestroy, p.idleDestroy)
	r.dataApply, r.dataPlan, r.dataDestroy = append(r.dataApply, d.apply), append(r.dataPlan, d.plan), append(r.dataDestroy, d.destroy)
	r.floorCreate, r.floorGet, r.floorDelete = append(r.floorCreate, a.create), append(r.floorGet, a.get), append(r.floorDelete, a.delete)
	r.peakRSSMB = max(r.peakRSSMB, p.peakRSSMB)
}

// pairedRatio is the median of got/base over runs: each run measures the two back to back, so
// the machine's slower and faster minutes cancel out of the ratio.
func pairedRatio(got, base []time.Duration) float64 {
	ratios := make([]float64, 0, len(got))
	for i := range min(len(got), len(base)) {
		ratios = append(ratios, got[i].Seconds()/base[i].Seconds())
	}
	if len(ratios) == 0 {
		return 0
	}
	return median(ratios)
}

func sec(d time.Duration) string { return fmt.Sprintf("%.2f", d.Seconds()) }

func verdict(ok bool) string {
	if ok {
		return "yes"
	}
	return "**NO**"
}

// modeNames say what each test environment mode's datastore is, for the report.
var modeNames = map[testenv.Mode]string{
	testenv.ModeAPIServer: "Calico 3.31 API server",
	testenv.ModeCRDv1:     "crd.projectcalico.org/v1 CRDs through Calico's library, no API server",
	testenv.ModeV3CRDs:    "native projectcalico.org/v3 CRDs",
	testenv.ModeEtcd:      "Calico's own etcd over TLS, through Calico's library",
}

func report(mode testenv.Mode, startup startupResult, results []result, nodes *nodesResult, query *queryResult, runs int) (md, csv string) {
	var b, c strings.Builder
	fmt.Fprintf(&b, "Mode %s (%s). Median of %d runs, wall seconds. "+
		"Floors: Terraform = N terraform_data; API = N calls by %d workers with no client-side throttling.\n\n",
		mode, modeNames[mode], runs, workers)
	fmt.Fprintf(&b, "Provider start-up: %.1f ms to the plugin handshake, peak RSS %.1f MB, binary %.0f MB.\n\n",
		float64(startup.Time.Microseconds())/1e3, startup.RSSMB, startup.SizeMB)
	fmt.Fprintln(&b, "| N | phase | provider | Terraform floor | API floor | target | ratio to target | met |")
	fmt.Fprintln(&b, "|---|---|---|---|---|---|---|---|")
	fmt.Fprintln(&c, "n,phase,provider_s,terraform_floor_s,api_floor_s,target_s,met,peak_rss_mb")
	for _, r := range results {
		type row struct {
			phase                  string
			got, tfFloor, apiFloor time.Duration
			target                 time.Duration
		}
		apply, plan, destroy := median(r.apply), median(r.plan), median(r.destroy)
		dApply, dPlan, dDestroy := median(r.dataApply), median(r.dataPlan), median(r.dataDestroy)
		fCreate, fGet, fDelete := median(r.floorCreate), median(r.floorGet), median(r.floorDelete)
		rows := []row{
			{"apply", apply, dApply, fCreate, time.Duration(1.25 * float64(fCreate+dApply))},
			{"no-change plan", plan, dPlan, fGet, dPlan + time.Second},
			{"destroy", destroy, dDestroy, fDelete, time.Duration(1.25 * float64(fDelete+dDestroy))},
		}
		for _, w := range rows {
			ok := w.got <= w.target
			fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s | %.2f | %s |\n", r.N, w.phase, sec(w.got), sec(w.tfFloor),
				sec(w.apiFloor), sec(w.target), w.got.Seconds()/w.target.Seconds(), verdict(ok))
			fmt.Fprintf(&c, "%d,%s,%s,%s,%s,%s,%v,%.1f\n", r.N, w.phase, sec(w.got), sec(w.tfFloor), sec(w.apiFloor), sec(w.target), ok, r.peakRSSMB)
		}
	}
	fmt.Fprintln(&b, "\nTargets: apply ≤ 1.25 × (API create floor + Terraform apply floor); no-change plan ≤ Terraform plan floor + 1 s; "+
		"destroy ≤ 1.25 × (API delete floor + Terraform destroy floor). The plan's API floor column is N GETs, which the "+
		"provider replaces by one paged LIST.")
	fmt.Fprintln(&b, "\nThe same cycle with the idle provider, which serves the provider's schemas and answers every "+
		"request at once (prior state back, proposed state as the plan, planned state as applied): what Terraform "+
		"itself spends on these resources through the plugin protocol, which no provider can go below. Targets: "+
		"apply and destroy as above with the idle provider in terraform_data's place; no-change plan ≤ 1.10 × the "+
		"idle provider's, judged by × idle: the median over runs of each run's ratio (the two are measured back to "+
		"back, so the machine's noise cancels out of it).")
	fmt.Fprintln(&b, "\n| N | phase | provider | idle provider | × idle | provider's share | terraform_data | target over the idle provider | met |")
	fmt.Fprintln(&b, "|---|---|---|---|---|---|---|---|---|")
	for _, r := range results {
		fCreate, fDelete := median(r.floorCreate), median(r.floorDelete)
		for _, w := range []struct {
			phase           string
			got, idle, data time.Duration
			ratio           float64
			target          time.Duration
		}{
			{"apply", median(r.apply), median(r.idleApply), median(r.dataApply), pairedRatio(r.apply, r.idleApply), 0},
			{"no-change plan", median(r.plan), median(r.idlePlan), median(r.dataPlan), pairedRatio(r.plan, r.idlePlan), 0},
			{"destroy", median(r.destroy), median(r.idleDestroy), median(r.dataDestroy), pairedRatio(r.destroy, r.idleDestroy), 0},
		} {
			ok := false
			switch w.phase {
			case "apply":
				w.target = time.Duration(1.25 * float64(fCreate+w.idle))
				ok = w.got <= w.target
			case "no-change plan":
				w.target = time.Duration(1.10 * float64(w.idle))
				ok = w.ratio <= 1.10
			default:
				w.target = time.Duration(1.25 * float64(fDelete+w.idle))
				ok = w.got <= w.target
			}
			fmt.Fprintf(&b, "| %d | %s | %s | %s | %.2f | %s | %s | %s | %s |\n", r.N, w.phase, sec(w.got), sec(w.idle),
				w.ratio, sec(w.got-w.idle), sec(w.data), sec(w.target), verdict(ok))
			fmt.Fprintf(&c, "%d,%s with the idle provider,%s,%s,,%s,%v,\n", r.N, w.phase, sec(w.idle), sec(w.data), sec(w.target), ok)
		}
	}
	fmt.Fprintln(&b, "\n| N | provider peak RSS (MB) | target | met |")
	fmt.Fprintln(&b, "|---|---|---|---|")
	for _, r := range results {
		target := "—"
		met := "—"
		if r.N >= 1000 {
			target, met = "≤ 80", verdict(r.peakRSSMB <= 80)
		}
		fmt.Fprintf(&b, "| %d | %.1f | %s | %s |\n", r.N, r.peakRSSMB, target, met)
	}
	if nodes != nil {
		fmt.Fprintf(&b, "\n`calico_nodes` over %d Nodes (selector matching %d): plan %s s (Terraform alone: %s s, so the data "+
			"source ≈ %s s); provider peak RSS %.1f MB. Target < 2 s: %s.\n", nodes.Nodes, nodes.Matching, sec(nodes.Plan),
			sec(nodes.TrivialPlan), sec(nodes.Plan-nodes.TrivialPlan), nodes.PeakRSSMB, verdict(nodes.Plan < 2*time.Second))
		fmt.Fprintf(&c, "%d,calico_nodes plan,%s,%s,,2.00,%v,%.1f\n", nodes.Nodes, sec(nodes.Plan), sec(nodes.TrivialPlan), nodes.Plan < 2*time.Second, nodes.PeakRSSMB)
		fmt.Fprintf(&b, "\n`calico_bgp_topology` over the same %d Nodes (mesh off, 50 racks with 2 route reflectors each, "+
			"%d sessions): no-change plan %s s, which also refreshes the 51 objects of the design (Terraform alone: %s s, so "+
			"the data source and refresh ≈ %s s); provider peak RSS %.1f MB. Target < 2 s: %s. The provider's own part, "+
			"bgp.LoadTopology (three LISTs and the computation) called directly: %s s.\n", nodes.Nodes, nodes.Sessions,
			sec(nodes.TopologyPlan), sec(nodes.TrivialPlan), sec(nodes.TopologyPlan-nodes.TrivialPlan), nodes.TopologyPeakRSSMB,
			verdict(nodes.TopologyPlan < 2*time.Second), sec(nodes.TopologyLoad))
		fmt.Fprintf(&c, "%d,calico_bgp_topology plan,%s,%s,,2.00,%v,%.1f\n", nodes.Nodes, sec(nodes.TopologyPlan), sec(nodes.TrivialPlan),
			nodes.TopologyPlan < 2*time.Second, nodes.TopologyPeakRSSMB)
		fmt.Fprintf(&c, "%d,calico_bgp_topology LoadTopology,%s,,,2.00,%v,\n", nodes.Nodes, sec(nodes.TopologyLoad), nodes.TopologyLoad < 2*time.Second)
	}
	if query != nil {
		q, p := median(query.query), median(query.importsPlan)
		fmt.Fprintf(&b, "\nAdopting %d existing `calico_bgp_peer` objects with %s (median of %d runs): `terraform query "+
			"-generate-config-out` %s s, against the same CLI's plan of the %d import blocks it wrote %s s (%.2f ×).\n",
			query.N, query.cli, query.runs, sec(q), query.N, sec(p), q.Seconds()/p.Seconds())
		fmt.Fprintf(&c, "%d,terraform query,%s,%s,,,,\n", query.N, sec(q), sec(p))
	}
	return b.String(), c.String()
}
