package calico

import (
	"io"
	"sync"

	"github.com/sirupsen/logrus"
)

var quietLibraryLogs sync.Once

// quietLibrary silences Calico's library before its first use. It logs through logrus to
// stderr, which Terraform would show as provider noise; its failures come back as errors,
// which the provider reports.
func quietLibrary() {
	quietLibraryLogs.Do(func() {
		logrus.SetOutput(io.Discard)
		logrus.SetLevel(logrus.PanicLevel)
	})
}
