package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// terraform runs the terraform CLI with the freshly built provider through dev_overrides, or
// with the idle provider (./idleprovider) or the framework's floor (./frameworkfloor) in its place.
type terraform struct {
	work, rc, idleRC, frameworkRC string
	// datastore is the environment that points the provider at the datastore.
	datastore []string
	// idleCalls is the environment that has the idle provider make each peer's API call.
	idleCalls string
}

func newTerraform(root, work string) (*terraform, error) {
	rc, err := buildProvider(root, work, "bin", ".")
	if err != nil {
		return nil, err
	}
	idleRC, err := buildProvider(root, work, "idle", "./hack/bench/idleprovider")
	if err != nil {
		return nil, err
	}
	frameworkRC, err := buildProvider(root, work, "framework", "./hack/bench/frameworkfloor")
	return &terraform{work: work, rc: rc, idleRC: idleRC, frameworkRC: frameworkRC}, err
}

// providerBinary is the provider under measurement.
func (t *terraform) providerBinary() string {
	return filepath.Join(t.work, "bin", "terraform-provider-calico")
}

// buildProvider builds the package as the calico provider into work/dir and returns the path
// of a Terraform CLI configuration that uses it.
func buildProvider(root, work, dir, pkg string) (string, error) {
	bin := filepath.Join(work, dir)
	cmd := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-calico"), pkg)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building %s: %v\n%s", pkg, err, out)
	}
	rc := filepath.Join(work, dir+".terraformrc")
	err := os.WriteFile(rc, fmt.Appendf(nil, "provider_installation {\n  dev_overrides {\n    \"calico-tf/calico\" = %q\n  }\n  direct {}\n}\n", bin), 0o600)
	return rc, err
}

// phases are the timings of one apply / no-change plan / destroy cycle, and the same cycle
// with the idle provider (without and with the API calls) and with the framework's floor, when
// measured.
type phases struct {
	apply, plan, destroy                            time.Duration
	idleApply, idlePlan, idleDestroy                time.Duration
	callingApply, callingDestroy                    time.Duration
	frameworkApply, frameworkPlan, frameworkDestroy time.Duration
	peakRSSMB                                       float64
}

func (t *terraform) dir(config string) (string, error) {
	dir, err := os.MkdirTemp(t.work, "run-")
	if err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600)
}

// run times one command of the terraform on PATH while tracking the provider's peak RSS.
func (t *terraform) run(dir, rc string, wantExit int, args ...string) (time.Duration, float64, error) {
	return t.runCLI("terraform", dir, rc, wantExit, args...)
}

// runCLI is run with the given CLI.
func (t *terraform) runCLI(cli, dir, rc string, wantExit int, args ...string) (time.Duration, float64, error) {
	cmd := exec.Command(cli, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1"), t.datastore...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	stop := make(chan struct{})
	var peak float64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); peak = watchPeakRSS("terraform-provider-calico", stop) }()
	time.Sleep(settle)
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		return 0, 0, err
	}
	if code != wantExit {
		return 0, 0, fmt.Errorf("terraform %s: exit %d, want %d\n%s", strings.Join(args, " "), code, wantExit, out.String())
	}
	return elapsed, peak, nil
}

// cycle applies a configuration, plans it again (which must show no changes) and destroys it;
// with idle set, it then runs the same cycle with the idle provider, without and with the API
// calls, and with the framework's floor, each in a working directory of its own.
func (t *terraform) cycle(config string, idle bool) (phases, error) {
	var p phases
	var rss float64
	var err error
	if p.apply, p.plan, p.destroy, rss, err = t.cycleWith(t.rc, config); err != nil {
		return p, err
	}
	p.peakRSSMB = rss
	if idle {
		if p.idleApply, p.idlePlan, p.idleDestroy, _, err = t.cycleWith(t.idleRC, config); err != nil {
			return p, fmt.Errorf("with the idle provider: %w", err)
		}
		calling := t.withEnv(t.idleCalls)
		if p.callingApply, _, p.callingDestroy, _, err = calling.cycleWith(t.idleRC, config); err != nil {
			return p, fmt.Errorf("with the idle provider making the API calls: %w", err)
		}
		if p.frameworkApply, p.frameworkPlan, p.frameworkDestroy, _, err = t.cycleWith(t.frameworkRC, config); err != nil {
			return p, fmt.Errorf("with the framework's floor: %w", err)
		}
	}
	return p, nil
}

// withEnv is t with one more variable in the commands' environment.
func (t *terraform) withEnv(variable string) *terraform {
	with := *t
	with.datastore = append(slices.Clone(t.datastore), variable)
	return &with
}

func (t *terraform) cycleWith(rc, config string) (apply, plan, destroy time.Duration, peakRSSMB float64, err error) {
	dir, err := t.dir(config)
	if err != nil {
		return
	}
	defer os.RemoveAll(dir)
	var rss [3]float64
	if apply, rss[0], err = t.run(dir, rc, 0, "apply", "-auto-approve", "-input=false"); err != nil {
		return
	}
	if plan, rss[1], err = t.run(dir, rc, 0, "plan", "-detailed-exitcode", "-input=false"); err != nil {
		err = fmt.Errorf("the no-change plan: %w", err)
		return
	}
	if destroy, rss[2], err = t.run(dir, rc, 0, "destroy", "-auto-approve", "-input=false"); err != nil {
		return
	}
	return apply, plan, destroy, max(rss[0], rss[1], rss[2]), nil
}

// comm15 is name as /proc/<pid>/comm shows it: cut to 15 bytes. (Matching comm as a prefix of
// name, as an earlier version did, also matched the terraform CLI itself.)
func comm15(name string) string { return name[:min(len(name), 15)] }

// watchPeakRSS polls /proc for processes with the given name and returns the highest peak
// resident set size (VmHWM) seen, in MB, until stop is closed.
func watchPeakRSS(name string, stop <-chan struct{}) float64 {
	peak := 0.0
	for {
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			if _, err := strconv.Atoi(e.Name()); err != nil {
				continue
			}
			comm, err := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
			if err != nil || strings.TrimSpace(string(comm)) != comm15(name) {
				continue
			}
			status, err := os.ReadFile(filepath.Join("/proc", e.Name(), "status"))
			if err != nil {
				continue
			}
			for _, line := range strings.Split(string(status), "\n") {
				if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
					if kb, err := strconv.ParseFloat(f[1], 64); err == nil && kb/1024 > peak {
						peak = kb / 1024
					}
				}
			}
		}
		select {
		case <-stop:
			return peak
		case <-time.After(25 * time.Millisecond):
		}
	}
}
