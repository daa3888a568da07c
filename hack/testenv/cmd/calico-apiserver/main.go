// Command calico-apiserver builds Calico's aggregated API server (projectcalico.org/v3)
// from the Go module proxy. It mirrors the start-up of upstream's apiserver/cmd/apiserver,
// which cannot be imported because it is a main package.
package main

import (
	"fmt"
	"os"

	"k8s.io/apiserver/pkg/features"
	"k8s.io/apiserver/pkg/util/feature"
	"k8s.io/component-base/cli"
	"k8s.io/component-base/logs"

	"github.com/projectcalico/calico/apiserver/cmd/apiserver/server"
)

func main() {
	logs.InitLogs()
	defer logs.FlushLogs()

	// Calico's resource store supports neither consistent reads from the watch cache nor
	// streaming lists; upstream disables both gates the same way.
	if err := feature.DefaultMutableFeatureGate.SetFromMap(map[string]bool{
		string(features.ConsistentListFromCache): false,
		string(features.WatchList):               false,
	}); err != nil {
		fmt.Fprintf(os.Stderr, "setting feature gates: %v\n", err)
		os.Exit(1)
	}
	cmd, _, err := server.NewCommandStartCalicoServer(os.Stdout)
	if err != nil {
		fmt.Fprintf(os.Stderr, "creating server: %v\n", err)
		os.Exit(1)
	}
	os.Exit(cli.Run(cmd))
}
