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
	callingApply, callingDestroy       []time.Duration
	fwApply, fwPlan, fwDestroy         []time.Duration
	dataApply, dataPlan, dataDestroy   []time.Duration
	floorCreate, floorGet, floorDelete []time.Duration
	peakRSSMB                          float64
}

func (r *result) add(p, d phases, a floorPhases) {
	r.apply, r.plan, r.destroy = append(r.apply, p.apply), append(r.plan, p.plan), append(r.destroy, p.destroy)
	r.idleApply, r.idlePlan = append(r.idleApply, p.idleApply), append(r.idlePlan, p.idlePlan)
	r.idleDestroy = append(r.idleDestroy, p.idleDestroy)
	r.callingApply, r.callingDestroy = append(r.callingApply, p.callingApply), append(r.callingDestroy, p.callingDestroy)
	r.fwApply, r.fwPlan, r.fwDestroy = append(r.fwApply, p.frameworkApply), append(r.fwPlan, p.frameworkPlan), append(r.fwDestroy, p.frameworkDestroy)
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

// pairedRatioOver is pairedRatio with the base of each run the sum of two floors.
func pairedRatioOver(got, a, b []time.Duration) float64 {
	sum := make([]time.Duration, min(len(a), len(b)))
	for i := range sum {
		sum[i] = a[i] + b[i]
	}
	return pairedRatio(got, sum)
}

// The targets of the provider's performance issue (2 cores, median of 3 runs).
const (
	writeTarget       = 1.15 // apply and destroy over (API floor + idle provider)
	planTarget        = 1.05 // no-change plan over the idle provider
	nodesTarget       = time.Second
	topologyTarget    = 1500 * time.Millisecond
	topologyRSSTarget = 150 // MB
)

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

func report(mode testenv.Mode, startup startupResult, results []result, nodes *nodesResult, query *queryResult, walk *walkResult, sideBySide []comparison, runs int) (md, csv string) {
	var b, c strings.Builder
	fmt.Fprintf(&b, "Mode %s (%s). Median of %d runs, wall seconds. "+
		"API floor: N calls by %d workers with no client-side throttling.\n\n",
		mode, modeNames[mode], runs, workers)
	fmt.Fprintf(&b, "Provider start-up: %.1f ms to the plugin handshake, peak RSS %.1f MB, binary %.0f MB.\n\n",
		float64(startup.Time.Microseconds())/1e3, startup.RSSMB, startup.SizeMB)
	fmt.Fprintln(&c, "n,phase,provider_s,api_floor_s,idle_provider_s,ratio,target_ratio,met,framework_floor_s,ratio_over_framework,terraform_data_s,peak_rss_mb,idle_with_calls_s,ratio_over_idle_with_calls")
	reportCycles(&b, &c, results)
	if nodes != nil {
		fmt.Fprintf(&b, "\n`calico_nodes` over %d Nodes (selector matching %d): plan %s s (Terraform alone: %s s, so the data "+
			"source ≈ %s s); provider peak RSS %.1f MB. Target ≤ %s s end to end: %s.\n", nodes.Nodes, nodes.Matching, sec(nodes.Plan),
			sec(nodes.TrivialPlan), sec(nodes.Plan-nodes.TrivialPlan), nodes.PeakRSSMB, sec(nodesTarget), verdict(nodes.Plan <= nodesTarget))
		fmt.Fprintf(&c, "%d,calico_nodes plan,%s,,,,%s,%v,,,%s,%.1f\n", nodes.Nodes, sec(nodes.Plan), sec(nodesTarget), nodes.Plan <= nodesTarget, sec(nodes.TrivialPlan), nodes.PeakRSSMB)
		fmt.Fprintf(&b, "\n`calico_bgp_topology` over the same %d Nodes (mesh off, 50 racks with 2 route reflectors each, "+
			"%d sessions): no-change plan %s s, which also refreshes the 51 objects of the design (Terraform alone: %s s, so "+
			"the data source and refresh ≈ %s s); provider peak RSS %.1f MB. Target ≤ %s s end to end with peak RSS ≤ %d MB: %s. "+
			"The provider's own part, bgp.LoadTopology (three LISTs and the computation) called directly: %s s. "+
			"Terraform's own time for a state that size (the idle provider answering the read at once with a copy of the "+
			"provider's answer): %s s, so the provider adds %.2f ×.\n", nodes.Nodes, nodes.Sessions,
			sec(nodes.TopologyPlan), sec(nodes.TrivialPlan), sec(nodes.TopologyPlan-nodes.TrivialPlan), nodes.TopologyPeakRSSMB,
			sec(topologyTarget), topologyRSSTarget, verdict(topologyMet(nodes)), sec(nodes.TopologyLoad), sec(nodes.TopologyFloorPlan),
			nodes.TopologyPlan.Seconds()/nodes.TopologyFloorPlan.Seconds())
		fmt.Fprintf(&c, "%d,calico_bgp_topology plan,%s,,,,%s,%v,,,%s,%.1f\n", nodes.Nodes, sec(nodes.TopologyPlan), sec(topologyTarget),
			topologyMet(nodes), sec(nodes.TrivialPlan), nodes.TopologyPeakRSSMB)
		fmt.Fprintf(&c, "%d,calico_bgp_topology LoadTopology,%s,,,,,,,,,\n", nodes.Nodes, sec(nodes.TopologyLoad))
		fmt.Fprintf(&c, "%d,calico_bgp_topology plan with the state handed over at once,%s,,,,,,,,,\n", nodes.Nodes, sec(nodes.TopologyFloorPlan))
	}
	if walk != nil {
		reportWalk(&b, &c, walk)
	}
	if query != nil {
		q, p := median(query.query), median(query.importsPlan)
		fmt.Fprintf(&b, "\nAdopting %d existing `calico_bgp_peer` objects with %s (median of %d runs): `terraform query "+
			"-generate-config-out` %s s, against the same CLI's plan of the %d import blocks it wrote %s s (%.2f ×).\n",
			query.N, query.cli, query.runs, sec(q), query.N, sec(p), q.Seconds()/p.Seconds())
		fmt.Fprintf(&c, "%d,terraform query,%s,,,,,,,,%s,\n", query.N, sec(q), sec(p))
	}
	reportSideBySide(&b, &c, sideBySide, runs)
	return b.String(), c.String()
}

// reportSideBySide says how many times faster the provider is than each generic provider at
// the same peers: the median over runs of each run's ratio, the two run back to back.
func reportSideBySide(b, c *strings.Builder, cs []comparison, runs int) {
	if len(cs) == 0 {
		return
	}
	fmt.Fprintf(b, "\nSide by side on the same API, N = %d peers as `calico_bgp_peer` and as generic manifests of "+
		"projectcalico.org/v3 BGPPeers (median of %d runs, each pair back to back; × is how many times faster "+
		"`calico_bgp_peer` is):\n\n", cs[0].n, runs)
	fmt.Fprintln(b, "| resource | apply | × | no-change plan | × | destroy | × |")
	fmt.Fprintln(b, "|---|---|---|---|---|---|---|")
	for _, x := range cs {
		if x.binary == "" {
			fmt.Fprintf(b, "| `%s` | %s |||||\n", x.resource, strings.SplitN(x.why, "\n", 2)[0])
			continue
		}
		fmt.Fprintf(b, "| `%s` | %s | %.2f | %s | %.2f | %s | %.2f |\n", x.resource,
			sec(median(x.apply)), pairedRatio(x.apply, x.ownApply), sec(median(x.plan)), pairedRatio(x.plan, x.ownPlan),
			sec(median(x.destroy)), pairedRatio(x.destroy, x.ownDestroy))
		for _, ph := range []struct {
			phase     string
			got, base []time.Duration
		}{{"apply", x.apply, x.ownApply}, {"no-change plan", x.plan, x.ownPlan}, {"destroy", x.destroy, x.ownDestroy}} {
			fmt.Fprintf(c, "%d,%s %s,%s,,,%.3f,,,,,,\n", x.n, x.resource, ph.phase, sec(median(ph.got)), pairedRatio(ph.got, ph.base))
		}
	}
	var apply, plan, destroy []time.Duration
	for _, x := range cs {
		apply, plan, destroy = append(apply, x.ownApply...), append(plan, x.ownPlan...), append(destroy, x.ownDestroy...)
	}
	if len(apply) > 0 {
		fmt.Fprintf(b, "| `calico_bgp_peer` | %s | | %s | | %s | |\n", sec(median(apply)), sec(median(plan)), sec(median(destroy)))
	}
}

// reportCycles is the table of apply, no-change plan and destroy over the floors, per N.
func reportCycles(b, c *strings.Builder, results []result) {
	if len(results) == 0 {
		return
	}
	fmt.Fprintf(b, "Targets: apply and destroy ≤ %.2f × (API floor + idle provider); no-change plan ≤ %.2f × the idle "+
		"provider. The idle provider serves the provider's schemas and answers every request at once (prior state back, "+
		"proposed state as the plan, planned state as applied): what Terraform itself spends on these resources through "+
		"the plugin protocol. The framework's floor serves the same resources through terraform-plugin-framework, as the "+
		"provider does, with none of the provider's own work (no datastore, no validation or plan of its own, no "+
		"shortcuts): what the framework adds to the protocol. Ratios are the median over runs of each run's ratio (the "+
		"provider and its floors run back to back, so the machine's noise cancels out of them). The plan's API floor is "+
		"N GETs, which the provider replaces by one paged LIST. The idle provider with the API calls also makes each "+
		"created or destroyed peer's one API call before it answers: the floor of Terraform and the datastore together, "+
		"with the calls at Terraform's pace on a machine Terraform keeps busy, which the two floors measured apart do "+
		"not count.\n\n", writeTarget, planTarget)
	fmt.Fprintln(b, "| N | phase | provider | API floor | idle provider | ratio | target | met | framework's floor | ratio over API + framework | idle provider with the API calls | ratio over it |")
	fmt.Fprintln(b, "|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range results {
		for _, w := range []struct {
			phase                           string
			got, api, idle, fw, data, calls []time.Duration
			ratio, fwRatio, targetOver      float64
		}{
			{phase: "apply", got: r.apply, api: r.floorCreate, idle: r.idleApply, fw: r.fwApply, data: r.dataApply, calls: r.callingApply,
				ratio: pairedRatioOver(r.apply, r.floorCreate, r.idleApply), fwRatio: pairedRatioOver(r.apply, r.floorCreate, r.fwApply), targetOver: writeTarget},
			{phase: "no-change plan", got: r.plan, api: r.floorGet, idle: r.idlePlan, fw: r.fwPlan, data: r.dataPlan,
				ratio: pairedRatio(r.plan, r.idlePlan), fwRatio: pairedRatio(r.plan, r.fwPlan), targetOver: planTarget},
			{phase: "destroy", got: r.destroy, api: r.floorDelete, idle: r.idleDestroy, fw: r.fwDestroy, data: r.dataDestroy, calls: r.callingDestroy,
				ratio: pairedRatioOver(r.destroy, r.floorDelete, r.idleDestroy), fwRatio: pairedRatioOver(r.destroy, r.floorDelete, r.fwDestroy), targetOver: writeTarget},
		} {
			ok := w.ratio <= w.targetOver
			// The plan makes no call the idle provider could make for it: "—".
			calls, callsMD, callsRatio, callsRatioMD := "", "—", "", "—"
			if w.calls != nil {
				ratio := pairedRatio(w.got, w.calls)
				calls, callsRatio = sec(median(w.calls)), fmt.Sprintf("%.3f", ratio)
				callsMD, callsRatioMD = calls, fmt.Sprintf("%.2f", ratio)
			}
			fmt.Fprintf(b, "| %d | %s | %s | %s | %s | %.2f | %.2f | %s | %s | %.2f | %s | %s |\n", r.N, w.phase, sec(median(w.got)),
				sec(median(w.api)), sec(median(w.idle)), w.ratio, w.targetOver, verdict(ok), sec(median(w.fw)), w.fwRatio, callsMD, callsRatioMD)
			fmt.Fprintf(c, "%d,%s,%s,%s,%s,%.3f,%.2f,%v,%s,%.3f,%s,%.1f,%s,%s\n", r.N, w.phase, sec(median(w.got)), sec(median(w.api)),
				sec(median(w.idle)), w.ratio, w.targetOver, ok, sec(median(w.fw)), w.fwRatio, sec(median(w.data)), r.peakRSSMB, calls, callsRatio)
		}
	}
	fmt.Fprintln(b, "\nFor reference, N `terraform_data` (built into Terraform, no plugin calls at all):")
	fmt.Fprintln(b, "\n| N | apply | no-change plan | destroy |")
	fmt.Fprintln(b, "|---|---|---|---|")
	for _, r := range results {
		fmt.Fprintf(b, "| %d | %s | %s | %s |\n", r.N, sec(median(r.dataApply)), sec(median(r.dataPlan)), sec(median(r.dataDestroy)))
	}
	fmt.Fprintln(b, "\n| N | provider peak RSS (MB) | target | met |")
	fmt.Fprintln(b, "|---|---|---|---|")
	for _, r := range results {
		target := "—"
		met := "—"
		if r.N >= 1000 {
			target, met = "≤ 80", verdict(r.peakRSSMB <= 80)
		}
		fmt.Fprintf(b, "| %d | %.1f | %s | %s |\n", r.N, r.peakRSSMB, target, met)
	}
}

func topologyMet(n *nodesResult) bool {
	return n.TopologyPlan <= topologyTarget && n.TopologyPeakRSSMB <= topologyRSSTarget
}
