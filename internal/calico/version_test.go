package calico

import "testing"

func TestNewerThanLibrary(t *testing.T) {
	for version, want := range map[string]bool{
		"v3.31.0": false, "v3.31.9": false, "v3.30.2": false, "v3.32.0": true, "v3.32.0-0.dev-12-gabc": true,
		"v4.0.0": true, "3.33.1": true, "": false, "master": false,
	} {
		if got := newerThanLibrary(version); got != want {
			t.Errorf("newerThanLibrary(%q) = %v, want %v", version, got, want)
		}
	}
}
