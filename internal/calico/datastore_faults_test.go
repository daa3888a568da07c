package calico_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	v3 "github.com/projectcalico/api/pkg/apis/projectcalico/v3"

	"github.com/calico-tf/terraform-provider-calico/internal/acctest"
	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/testenv"
	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
)

// A frozen etcd (SIGSTOP: the connection stays open, nothing answers) must not hang a write:
// each operation is bounded by request_timeout and fails as etcd Unreachable, naming the
// endpoint; an interruption reads as one, not as Calico rejecting the object.
func TestAccEtcd_frozenDatastoreFailsWithinRequestTimeout(t *testing.T) {
	env := acctest.RequireEtcd(t) // it freezes the etcd Calico's objects are in
	pid := env.PIDs[testenv.Etcd]
	if pid == 0 {
		t.Fatal("the test env records no etcd process")
	}
	read := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	const timeout = 2 * time.Second
	c := calico.NewClient(calico.Config{DatastoreType: calico.DatastoreEtcdV3, RequestTimeout: timeout, Etcd: calico.EtcdConfig{
		Endpoints: []string{env.Etcd.Endpoint}, CACertificate: read(env.Etcd.CAFile),
		ClientCertificate: read(env.Etcd.CertFile), ClientKey: read(env.Etcd.KeyFile),
	}})
	ctx := context.Background()
	if _, err := calico.BGPPeers.On(c).Get(ctx, "acc-frozen-no-such-peer"); !errors.Is(err, calico.ErrNotFound) {
		t.Fatalf("connecting while etcd answers: %v", err)
	}
	peer := v3.NewBGPPeer()
	peer.Name = "acc-frozen-peer"
	peer.Spec = v3.BGPPeerSpec{PeerIP: "192.0.2.90", ASNumber: 65090}

	// A watchdog of its own session thaws etcd even if this test's process dies first (a
	// test binary killed at its timeout runs no cleanup); the test thaws it itself long before.
	watchdog := exec.Command("sh", "-c", fmt.Sprintf("sleep 30; kill -CONT %d", pid))
	watchdog.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := watchdog.Start(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	thaw := func() { _ = syscall.Kill(pid, syscall.SIGCONT) }
	t.Cleanup(thaw)
	t.Cleanup(func() { _ = syscall.Kill(-watchdog.Process.Pid, syscall.SIGKILL); _ = watchdog.Wait() })
	t.Cleanup(func() { _ = calico.BGPPeers.On(c).Delete(context.Background(), peer.Name) })

	start := time.Now()
	_, err := calico.BGPPeers.On(c).Create(ctx, peer)
	elapsed := time.Since(start)
	var ce *calico.Error
	if !errors.Is(err, calico.ErrUnreachable) || !errors.As(err, &ce) || ce.Endpoint != env.Etcd.Endpoint {
		t.Errorf("a write to a frozen etcd = %v, want ErrUnreachable naming %s", err, env.Etcd.Endpoint)
	}
	if elapsed > timeout+3*time.Second {
		t.Errorf("a write to a frozen etcd took %s, beyond request_timeout (%s)", elapsed, timeout)
	}
	if summary, detail := tfcommon.Describe("Create", "BGPPeer", peer.Name, err); summary != "etcd Unreachable" || !strings.Contains(detail, env.Etcd.Endpoint) {
		t.Errorf("worded as %q: %s", summary, detail)
	}

	interrupted, cancel := context.WithCancel(ctx)
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err = calico.BGPPeers.On(c).Create(interrupted, peer)
	if !errors.Is(err, calico.ErrInterrupted) {
		t.Errorf("an interrupted write = %v, want ErrInterrupted", err)
	}
	if summary, _ := tfcommon.Describe("Create", "BGPPeer", peer.Name, err); summary != "Operation Interrupted" {
		t.Errorf("an interruption worded as %q", summary)
	}
	thaw()
}
