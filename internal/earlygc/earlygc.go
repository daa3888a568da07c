// Package earlygc pauses the garbage collector while the provider's packages initialise.
// Calico's library and the Kubernetes schemes it registers allocate about 6 MB at start-up,
// nearly all of it kept for the life of the process, so collecting during initialisation
// only costs time. main imports this package, which depends on little, so Go initialises it
// early, before the costly packages (Calico's validator, Kubernetes' client scheme, Calico's
// library, the etcd client); main turns the collector back on.
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
