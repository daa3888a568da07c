package tfcommon

import (
	"os"
	"strings"
)

// ShortcutsSwitch is the environment variable that, set to "off", turns off every way the
// provider goes around terraform-plugin-framework, so that a user can rule them out when a bug
// shows: the answers internal/shortcuts gives at the protocol level, and the fast conversion of
// models (model.go). Both then take the framework's own path.
const ShortcutsSwitch = "TF_CALICO_SHORTCUTS"

// ShortcutsOff says whether the environment turns the shortcuts off (see ShortcutsSwitch).
func ShortcutsOff() bool { return strings.EqualFold(os.Getenv(ShortcutsSwitch), "off") }
