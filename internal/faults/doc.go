// Package faults holds the fault tests: the datastore's servers killed and frozen in the middle
// of an apply, terraform killed, other writers racing the provider, connections that go bad.
// They run against the local Calico API of every datastore mode (make faults; a shorter subset
// in make test) and only ever signal that environment's own processes, by PID.
package faults
