// Command testenv starts and stops the local Calico API used by the tests and the demo.
//
//	go run ./hack/testenv up   [-dir DIR] [-mode MODE] [-calico-release R]
//	                                        build (cached), start, print the environment; MODE is
//	                                        apiserver (default), crd-v1, v3-crds or etcd; R is the
//	                                        Calico release the cluster runs (default: the pinned
//	                                        one; an older one, as 3.28.5, in crd-v1 and etcd only)
//	go run ./hack/testenv release [-dir DIR] R
//	                                        upgrade (or downgrade) the running environment in
//	                                        place to Calico release R: its CRDs and ClusterInformation
//	go run ./hack/testenv down [-dir DIR]   stop exactly the processes recorded in DIR
//	go run ./hack/testenv build             only build and cache the binaries
//	go run ./hack/testenv cli NAME          print the path of a CLI the tests run under
//	                                        (terraform-1.15, tofu-1.12), building it once
//	go run ./hack/testenv nodes [-dir DIR] [FILE]
//	                                        create the Nodes listed in FILE (JSON), or list Nodes
//	go run ./hack/testenv lab [-dir DIR] up FILE
//	                                        start the BGP lab FILE describes (JSON: racks of nodes,
//	                                        each a network namespace running confd, BIRD and
//	                                        calico-node's status reporter; down stops it)
//	go run ./hack/testenv lab [-dir DIR] switches FILE
//	                                        give the lab's switches the neighbors in FILE (JSON:
//	                                        rack => neighbors, as leaf-spine's tor_neighbors)
//	go run ./hack/testenv lab [-dir DIR] show
//	                                        print the lab's BGP sessions, routes and a ping
//	go run ./hack/testenv show [-dir DIR] RESOURCE...
//	                                        print projectcalico.org/v3 objects (bgppeers, ...) as YAML
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	dir := fs.String("dir", ".testenv", "directory holding the environment's state, certificates and logs")
	cache := fs.String("cache", testenv.DefaultCacheDir(), "directory where built binaries are cached")
	modeName := fs.String("mode", string(testenv.ModeAPIServer), "which datastore: apiserver, crd-v1, v3-crds or etcd")
	releaseName := fs.String("calico-release", calico.LibraryRelease.String(), "the Calico release the cluster runs (up)")
	_ = fs.Parse(os.Args[2:])
	abs, err := filepath.Abs(*dir)
	check(err)
	root, err := testenv.RepoRoot()
	check(err)

	switch os.Args[1] {
	case "build":
		_, err := testenv.Build(root, *cache, os.Stderr)
		check(err)
	case "cli":
		if fs.NArg() != 1 {
			usage()
		}
		path, err := testenv.BuildCLI(root, *cache, fs.Arg(0), os.Stderr)
		check(err)
		fmt.Println(path)
	case "up":
		mode, err := testenv.ParseMode(*modeName)
		check(err)
		release := parseRelease(*releaseName)
		check(os.MkdirAll(abs, 0o700))
		env, err := testenv.StartRelease(context.Background(), root, *cache, abs, mode, release, os.Stderr)
		check(err)
		if env.Etcd != nil {
			fmt.Printf("Local Calico etcd is up (mode %s, three members, Calico %s).\n  endpoints:  %s\n  client:     %s, %s (CA %s)\n  calicoctl:  %s\n  logs:       %s\n",
				mode, env.Release(), strings.Join(env.Etcd.Endpoints, ","), env.Etcd.CertFile, env.Etcd.KeyFile, env.Etcd.CAFile, env.Calicoctl, filepath.Join(abs, "logs"))
			return
		}
		fmt.Printf("Local Calico API is up (mode %s: %s served, Calico %s).\n  host:       %s\n  kubeconfig: %s\n  calicoctl:  %s\n  logs:       %s\n",
			mode, mode.APIGroup(), env.Release(), env.Host, env.Kubeconfig, env.Calicoctl, filepath.Join(abs, "logs"))
	case "release":
		if fs.NArg() != 1 {
			usage()
		}
		release := parseRelease(fs.Arg(0))
		env, err := testenv.Load(abs)
		check(err)
		check(env.SetCalicoRelease(context.Background(), release))
		fmt.Printf("The local Calico API now runs Calico %s.\n", env.Release())
	case "show":
		env, err := testenv.Load(abs)
		check(err)
		check(env.Show(context.Background(), os.Stdout, fs.Args()...))
	case "nodes":
		env, err := testenv.Load(abs)
		check(err)
		if fs.NArg() == 0 {
			check(env.ShowNodes(context.Background(), os.Stdout))
			return
		}
		b, err := os.ReadFile(fs.Arg(0))
		check(err)
		var nodes []testenv.NodeSpec
		check(json.Unmarshal(b, &nodes))
		check(env.CreateNodes(context.Background(), nodes))
		fmt.Printf("Created %d nodes.\n", len(nodes))
	case "lab":
		env, err := testenv.Load(abs)
		check(err)
		ctx := context.Background()
		switch {
		case fs.NArg() == 2 && fs.Arg(0) == "up":
			b, err := os.ReadFile(fs.Arg(1))
			check(err)
			var spec testenv.LabSpec
			check(json.Unmarshal(b, &spec))
			lab, err := env.StartLab(ctx, spec)
			check(err)
			lab.Describe(os.Stdout)
		case fs.NArg() == 2 && fs.Arg(0) == "switches":
			b, err := os.ReadFile(fs.Arg(1))
			check(err)
			var neighbors map[string][]testenv.SwitchNeighbor
			check(json.Unmarshal(b, &neighbors))
			lab, err := env.Lab()
			check(err)
			for rack, ns := range neighbors {
				check(lab.SetSwitchNeighbors(rack, ns))
				fmt.Printf("The %s switch now has %d neighbors.\n", rack, len(ns))
			}
			check(lab.WaitSwitchSessions(ctx, 60*time.Second))
		case fs.NArg() == 1 && fs.Arg(0) == "show":
			lab, err := env.Lab()
			check(err)
			check(lab.Show(ctx, os.Stdout))
		default:
			usage()
		}
	case "down":
		env, err := testenv.Load(abs)
		if os.IsNotExist(err) {
			fmt.Println("No local Calico API is recorded in", abs)
			return
		}
		check(err)
		check(env.Stop())
		fmt.Println("Local Calico API stopped.")
	default:
		usage()
	}
}

func parseRelease(name string) calico.Release {
	r, ok := calico.ParseRelease(name)
	if !ok {
		check(fmt.Errorf("%q is not a Calico release (as 3.28.5)", name))
	}
	return r
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: testenv up|down|release|build|cli|show|nodes|lab [-dir DIR] [-cache DIR] [ARGS...]")
	os.Exit(2)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		os.Exit(1)
	}
}
