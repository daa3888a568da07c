package calico

import "context"

// LibraryCalicoVersion is the Calico release whose library (libcalico-go, pinned in go.mod) and
// API types the provider is built on, as messages name it. Fields added by later releases are
// unknown to it.
var LibraryCalicoVersion = LibraryRelease.String()

// NewerCalicoVersion returns the cluster's Calico release (see ClusterRelease) when it is newer
// than LibraryRelease. It answers only the first caller of the provider process, so that a run
// warns once; a cluster whose release is unknown counts as not newer.
func (c *Client) NewerCalicoVersion(ctx context.Context) string {
	if !c.versionAsked.CompareAndSwap(false, true) {
		return ""
	}
	r, source := c.ClusterRelease(ctx)
	if source == ReleaseUnknown || !r.AtLeast(Release{LibraryRelease.Major, LibraryRelease.Minor + 1, 0}) {
		return ""
	}
	return r.String()
}
