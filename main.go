// Command terraform-provider-calico serves the Calico provider to Terraform (protocol 6).
package main

import (
	"flag"
	"log"
	"net/http"
	_ "net/http/pprof" // served only when TF_PROVIDER_CALICO_PPROF_ADDR is set
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	_ "github.com/calico-tf/terraform-provider-calico/internal/earlygc" // before the large packages initialise
	"github.com/calico-tf/terraform-provider-calico/internal/provider"
)

// version is set at build time: -ldflags "-X main.version=1.2.3".
var version = "dev"

// Address is the provider's registry address.
const Address = "registry.terraform.io/calico-tf/calico"

// logVariables are the environment variables through which Terraform and its plugin SDK
// enable logging.
var logVariables = []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// quietUnlessLogging turns the plugin SDK's loggers off when no logging was asked for. By
// default they format a trace line for every step of every RPC, which Terraform then drops, at
// a large share of a large plan's time and memory (CONTRIBUTING, Performance). With TF_LOG (or any of the other variables) set, nothing changes.
func quietUnlessLogging() {
	for _, v := range logVariables {
		if os.Getenv(v) != "" {
			return
		}
	}
	for _, v := range logVariables[1:] {
		_ = os.Setenv(v, "off")
	}
}

// collectLessOften sets the garbage collector's target to 200% unless GOGC is set. A provider
// process lives for one Terraform command and keeps little while every request allocates a lot
// in terraform-plugin-framework, so at the default 100% the collector runs often for little
// gain; at 200% a plan takes less CPU for a little more peak memory (CONTRIBUTING, Performance). It
// also ends the pause of package earlygc.
func collectLessOften() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
}

// exitWhenOrphaned ends the process once its parent, the terraform that started it, is gone:
// Terraform killed (SIGKILL, an OOM kill, a CI job's timeout) cannot stop its providers, which
// would otherwise finish the writes they were given and then wait, forever, for a caller that
// will never come back. Each write the datastore already took stays complete; the next apply
// reads what is stored.
func exitWhenOrphaned(parent int, every time.Duration) {
	for range time.Tick(every) {
		if os.Getppid() != parent {
			log.Printf("[WARN] terraform (pid %d) is gone; the provider exits", parent)
			os.Exit(1)
		}
	}
}

// stopOnInterrupt stops every datastore operation when Ctrl-C reaches the provider, which a
// terminal sends to the provider with Terraform. Terraform asks its providers to stop only once
// it applies: interrupted while it plans (an apply's refresh included), it waits for every
// operation in flight, and for a datastore that does not answer that is request_timeout each.
func stopOnInterrupt() {
	interrupts := make(chan os.Signal, 1)
	signal.Notify(interrupts, os.Interrupt)
	<-interrupts
	log.Printf("[WARN] interrupted: the provider stops its datastore operations")
	calico.Interrupt()
}

// profileInto writes the process's CPU profile and its allocations, from now until stop is
// called, into dir as cpu-PID.pprof and allocs-PID.pprof. Terraform starts several provider
// processes for one command (plan and apply each have their own), so each writes its own, and
// an address served by one of them (TF_PROVIDER_CALICO_PPROF_ADDR) would miss the others.
func profileInto(dir string) (stop func()) {
	pid := strconv.Itoa(os.Getpid())
	cpu, err := os.Create(filepath.Join(dir, "cpu-"+pid+".pprof"))
	if err == nil {
		err = pprof.StartCPUProfile(cpu)
	}
	if err != nil {
		log.Printf("[WARN] no CPU profile: %v", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		_ = cpu.Close()
		if allocs, err := os.Create(filepath.Join(dir, "allocs-"+pid+".pprof")); err == nil {
			_ = pprof.Lookup("allocs").WriteTo(allocs, 0)
			_ = allocs.Close()
		}
	}
}

func main() {
	quietUnlessLogging()
	collectLessOften()
	// For profiling a whole Terraform command (CONTRIBUTING, Performance): each provider
	// process writes its profiles into this folder when Terraform lets it go. Off unless set.
	if dir := os.Getenv("TF_PROVIDER_CALICO_PROFILE_DIR"); dir != "" {
		defer profileInto(dir)()
	}
	// For profiling the provider under Terraform (see hack/bench): an address such as
	// 127.0.0.1:6060 serves net/http/pprof there. Off unless set.
	if addr := os.Getenv("TF_PROVIDER_CALICO_PPROF_ADDR"); addr != "" {
		go func() { log.Println(http.ListenAndServe(addr, nil)) }()
	}
	var debugMode bool
	flag.BoolVar(&debugMode, "debug", false, "run with support for debuggers such as delve")
	flag.Parse()

	var opts []tf6server.ServeOpt
	if debugMode {
		opts = append(opts, tf6server.WithManagedDebug())
	} else {
		go exitWhenOrphaned(os.Getppid(), time.Second)
		go stopOnInterrupt()
	}
	if err := tf6server.Serve(Address, provider.NewServer(version), opts...); err != nil {
		log.Fatal(err.Error())
	}
}
