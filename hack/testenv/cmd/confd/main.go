// Command confd builds Calico's confd from the Go module proxy, as the tests' independent judge
// of the BGP sessions Calico derives from the datastore: calico-node runs the same code to
// write BIRD's configuration. Upstream's confd is a main package and cannot be imported, so
// this is its main, unchanged.
package main

import (
	"flag"

	"github.com/projectcalico/calico/confd/pkg/config"
	"github.com/projectcalico/calico/confd/pkg/run"
	log "github.com/sirupsen/logrus"
)

func main() {
	flag.Parse()
	c, err := config.InitConfig(false)
	if err != nil {
		log.Fatal(err)
	}
	run.Run(c)
}
