package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Terraform's handshake with a plugin: the magic cookie it sets, and the protocol it offers.
const (
	magicCookie = "TF_PLUGIN_MAGIC_COOKIE=d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
	protocols   = "PLUGIN_PROTOCOL_VERSIONS=6"
)

// startupResult is a provider binary's start-up: how long Terraform waits for its first
// answer (the plugin handshake line, printed once the process has initialised every package
// and serves gRPC) and its peak RSS by then, medians of several starts.
type startupResult struct {
	Binary string
	Time   time.Duration
	RSSMB  float64
	SizeMB float64
}

func measureStartup(bin string, runs int) (startupResult, error) {
	r := startupResult{Binary: bin}
	if fi, err := os.Stat(bin); err == nil {
		r.SizeMB = float64(fi.Size()) / 1e6
	}
	var times []time.Duration
	var rss []float64
	for range runs {
		d, mb, err := startOnce(bin)
		if err != nil {
			return r, err
		}
		times, rss = append(times, d), append(rss, mb)
	}
	r.Time, r.RSSMB = median(times), median(rss)
	return r, nil
}

func startOnce(bin string) (time.Duration, float64, error) {
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), magicCookie, protocols)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	elapsed := time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("%s printed no handshake: %w", bin, err)
	}
	if !strings.Contains(line, "|grpc") {
		return 0, 0, fmt.Errorf("%s: unexpected handshake %q", bin, line)
	}
	return elapsed, peakRSSOf(cmd.Process.Pid), nil
}

// peakRSSOf reads a process's peak resident set (VmHWM) in MB.
func peakRSSOf(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// startupRuns is how many starts a start-up measurement takes the median of.
const startupRuns = 21

func (r startupResult) String() string {
	return fmt.Sprintf("start-up of %s (%.0f MB): %.1f ms to the handshake, peak RSS %.1f MB (median of %d)",
		r.Binary, r.SizeMB, float64(r.Time.Microseconds())/1e3, r.RSSMB, startupRuns)
}
