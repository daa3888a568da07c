package calico

import (
	"context"
	"regexp"
	"strconv"
)

// LibraryCalicoVersion is the Calico release whose library (libcalico-go, pinned in go.mod) and
// API types the provider is built on. Fields added by later releases are unknown to it.
const LibraryCalicoVersion = "3.31"

var libraryMajor, libraryMinor = 3, 31

// NewerCalicoVersion returns the cluster's Calico version (ClusterInformation "default", as
// calico-node and the operator record it) when it is newer than LibraryCalicoVersion. It asks
// once per provider process and answers only the first caller, so that a run warns once; a
// cluster that does not say, or cannot be asked, counts as not newer.
func (c *Client) NewerCalicoVersion(ctx context.Context) string {
	if !c.versionAsked.CompareAndSwap(false, true) {
		return ""
	}
	cn, err := c.connect(ctx)
	if err != nil {
		return ""
	}
	info, err := cn.ds.stored(ClusterInformations.Plural).get(ctx, "default")
	if err != nil {
		return ""
	}
	spec, _ := info["spec"].(map[string]any)
	version, _ := spec["calicoVersion"].(string)
	if !newerThanLibrary(version) {
		return ""
	}
	return version
}

var releaseVersion = regexp.MustCompile(`^v?(\d+)\.(\d+)`)

// newerThanLibrary compares a Calico version ("v3.32.0", "v3.32.0-0.dev-12-gabc") by release.
func newerThanLibrary(version string) bool {
	m := releaseVersion.FindStringSubmatch(version)
	if m == nil {
		return false
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	return major > libraryMajor || major == libraryMajor && minor > libraryMinor
}
