package main

import (
	"os"
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
