// Command kube-apiserver is a thin wrapper so the API server can be built from the
// Go module proxy: k8s.io/kubernetes replaces its staging modules with local paths,
// so this module pins each of them to the matching published v0.x.y version.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() { os.Exit(cli.Run(app.NewAPIServerCommand())) }
