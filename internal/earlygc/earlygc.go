// Package earlygc pauses the garbage collector while the provider's packages initialise.
// Calico's library and the Kubernetes schemes it registers allocate memory at start-up that is
// nearly all kept for the life of the process, so collecting during initialisation only costs
// time (CONTRIBUTING, Performance). main imports this package, which depends on little, so Go initialises it
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
