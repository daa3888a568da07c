// Command calicoctl builds Calico's calicoctl from the Go module proxy, as the tests' independent
// judge of what is stored in Calico's datastore. Upstream's calicoctl/calicoctl is a main package
// and cannot be imported, so this dispatches the subcommands the tests use to the same
// command implementations.
package main

import (
	"fmt"
	"os"

	"github.com/projectcalico/calico/calicoctl/calicoctl/commands"
	"github.com/sirupsen/logrus"
)

func main() {
	logrus.SetLevel(logrus.PanicLevel) // upstream's default --log-level
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: calicoctl get|create|apply|replace|delete|version [args...]")
		os.Exit(2)
	}
	run := map[string]func([]string) error{
		"get":     commands.Get,
		"create":  commands.Create,
		"apply":   commands.Apply,
		"replace": commands.Replace,
		"delete":  commands.Delete,
		"version": commands.Version,
	}[os.Args[1]]
	if run == nil {
		fmt.Fprintf(os.Stderr, "calicoctl: unsupported command %q\n", os.Args[1])
		os.Exit(2)
	}
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
