package main

import (
	"os"
	"runtime/debug"
	"testing"
)

func TestQuietUnlessLogging(t *testing.T) {
	for _, v := range logVariables {
		t.Setenv(v, "")
	}
	quietUnlessLogging()
	for _, v := range logVariables[1:] {
		if got := os.Getenv(v); got != "off" {
			t.Errorf("%s = %q with no logging asked for, want off", v, got)
		}
	}

	for _, v := range logVariables {
		t.Setenv(v, "")
	}
	t.Setenv("TF_LOG", "DEBUG")
	quietUnlessLogging()
	for _, v := range logVariables[1:] {
		if got := os.Getenv(v); got != "" {
			t.Errorf("%s = %q although TF_LOG is set; logging must be left as asked", v, got)
		}
	}
}

func TestCollectLessOften(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))

	t.Setenv("GOGC", "")
	collectLessOften()
	if got := debug.SetGCPercent(100); got != 200 {
		t.Errorf("GC percent = %d with GOGC unset, want 200", got)
	}

	t.Setenv("GOGC", "50")
	collectLessOften()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC percent = %d with GOGC set, want it left alone (100)", got)
	}
}
