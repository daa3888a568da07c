// Command etcd is a thin wrapper so etcd can be built from the Go module proxy
// (go install of the upstream module fails because of its replace directives).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
