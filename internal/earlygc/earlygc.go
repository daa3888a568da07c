// Package earlygc pauses the garbage collector while the provider's packages initialise.
// Calico's library and the Kubernetes schemes it registers allocate about 6 MB at start-up,
// nearly all of it kept for the life of the process, so collecting during initialisation
// only costs time (a third of the provider's start-up). main imports this package first; Go
// initialises packages in import-path order as far as their dependencies allow, so this runs
// before the large dependencies (github.com/google, github.com/hashicorp,
// github.com/projectcalico, go.etcd.io, gopkg.in, k8s.io) and main turns the collector back on.
package earlygc

import (
	"os"
	"runtime/debug"
)

func init() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(-1)
	}
}
