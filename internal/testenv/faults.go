package testenv

import (
	"context"
	"fmt"
	"syscall"
	"time"
)

// Faults: the environment's own processes killed, frozen and started again, by the PIDs it
// recorded (a recycled PID running another program is never signalled).

// WriteServers are the processes that serve the mode's writes of Calico's objects: the Calico
// API server (apiserver), kube-apiserver (the other Kubernetes modes), every etcd member (etcd).
func (e *Env) WriteServers() []string {
	switch e.Mode {
	case ModeAPIServer:
		return []string{CalicoAPIServer}
	case ModeEtcd:
		return EtcdMembers
	}
	return []string{KubeAPIServer}
}

// FrontServers are the processes a client of the mode connects to: kube-apiserver, or every
// etcd member.
func (e *Env) FrontServers() []string {
	if e.Mode == ModeEtcd {
		return EtcdMembers
	}
	return []string{KubeAPIServer}
}

// Signal sends sig to the named process of the environment.
func (e *Env) Signal(name string, sig syscall.Signal) error {
	pid, ok := e.PIDs[name]
	if !ok || !ownProcess(pid, e.binary(name)) {
		return fmt.Errorf("%s is not running (pid %d)", name, pid)
	}
	return syscall.Kill(pid, sig)
}

// Kill kills the named process with SIGKILL and waits until it is gone.
func (e *Env) Kill(name string) error {
	if err := e.Signal(name, syscall.SIGKILL); err != nil {
		return err
	}
	pid := e.PIDs[name]
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if !ownProcess(pid, e.binary(name)) || zombie(pid) {
			return nil
		}
	}
	return fmt.Errorf("%s (pid %d) still runs after SIGKILL", name, pid)
}

// Restart starts the named processes again as they were started, and waits until the
// datastore answers through them (etcd members all at once: one alone has no quorum).
func (e *Env) Restart(ctx context.Context, names ...string) error {
	for _, name := range names {
		c, ok := e.Commands[name]
		if !ok {
			return fmt.Errorf("no record of how %s was started", name)
		}
		if pid, ok := e.PIDs[name]; ok && ownProcess(pid, e.binary(name)) && !zombie(pid) {
			return fmt.Errorf("%s still runs (pid %d)", name, pid)
		}
		if err := e.spawn(c.Bin, name, c.Env, c.Args...); err != nil {
			return err
		}
	}
	return e.WaitReady(ctx, 90*time.Second)
}

// WaitReady waits until Calico's objects are served again, through every process the mode has.
func (e *Env) WaitReady(ctx context.Context, timeout time.Duration) error {
	if e.Mode == ModeEtcd {
		return e.waitEtcd(ctx, timeout)
	}
	a, err := newAPI(e)
	if err != nil {
		return err
	}
	if err := a.waitReady(ctx, timeout); err != nil {
		return fmt.Errorf("kube-apiserver is not ready: %w", err)
	}
	if e.Mode == ModeAPIServer {
		return a.waitCalicoAPI(ctx, timeout)
	}
	return nil
}
