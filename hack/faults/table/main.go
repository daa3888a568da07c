// Command table prints the README's "Faults tried" table from the records the fault tests
// write (CALICO_FAULTS_REPORT): one row per fault, one column per datastore mode.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"slices"
)

type record struct {
	Fault      string  `json:"fault"`
	Mode       string  `json:"mode"`
	Result     string  `json:"result"`
	ConvergedS float64 `json:"converged_s"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: table REPORT.jsonl")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	modes := []string{"apiserver", "crd-v1", "v3-crds", "etcd"}
	var faults []string
	cells := map[string]map[string]record{}
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		var r record
		if err := json.Unmarshal(lines.Bytes(), &r); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if !slices.Contains(faults, r.Fault) {
			faults = append(faults, r.Fault)
			cells[r.Fault] = map[string]record{}
		}
		cells[r.Fault][r.Mode] = r
	}
	fmt.Print("| Fault |")
	for _, m := range modes {
		fmt.Printf(" %s |", m)
	}
	fmt.Print("\n|---|")
	for range modes {
		fmt.Print("---|")
	}
	fmt.Println()
	for _, fault := range faults {
		fmt.Printf("| %s |", fault)
		for _, m := range modes {
			r, ok := cells[fault][m]
			switch {
			case !ok:
				fmt.Print(" not applicable |")
			case r.ConvergedS > 0:
				fmt.Printf(" %s; converged in %.1f s |", r.Result, r.ConvergedS)
			default:
				fmt.Printf(" %s |", r.Result)
			}
		}
		fmt.Println()
	}
}
