package protocol

import (
	"os"
	"strings"
	"sync"
	"sync/atomic"
)

// Switch is the environment variable that, set to "off", turns off every way the provider goes
// around terraform-plugin-framework, so that a user can rule them out when a bug shows: the
// server's own answers (server.go) and the fast conversion of models (model.go). Both then take
// the framework's own path, and the server records nothing in private state for its answers. A
// record made before is removed from the state a read or apply returns: nothing keeps it true
// while the shortcuts are off, so it must not vouch for that state once they are on again.
// Request contexts are still released when requests end, which changes no answer and keeps the
// provider's memory from growing with every request.
const Switch = "TF_CALICO_SHORTCUTS"

// SwitchedOff says whether Switch turns the shortcuts off. The process reads Switch once, the
// first time it asks, so that the server and the model conversion never disagree.
func SwitchedOff() bool { return (*switchRead.Load())() }

// switchRead holds the one read of Switch; SetSwitchForTest replaces it.
var switchRead atomic.Pointer[func() bool]

func init() { readSwitchAgain() }

// readSwitchAgain makes the next SwitchedOff read Switch anew.
func readSwitchAgain() {
	read := sync.OnceValue(func() bool { return strings.EqualFold(os.Getenv(Switch), "off") })
	switchRead.Store(&read)
}

// SetSwitchForTest is the seam for tests that flip the switch in-process: it sets Switch to value
// until the test ends, and makes the process read it again now and once more when the test
// ends. A server keeps the setting it was built with (see New). The provider never calls it.
func SetSwitchForTest(t interface {
	Setenv(key, value string)
	Cleanup(func())
}, value string,
) {
	t.Setenv(Switch, value)
	readSwitchAgain()
	t.Cleanup(readSwitchAgain) // runs before t.Setenv restores the variable; the read comes later
}
