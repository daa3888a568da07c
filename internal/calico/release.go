package calico

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Release is a Calico release, as ClusterInformation's calicoVersion names it ("v3.29.4").
// Patch is -1 when only the minor release is known ("3.29").
type Release struct {
	Major, Minor, Patch int
}

// LibraryRelease is the Calico release whose library (libcalico-go, pinned in go.mod) and API
// types the provider is built on.
var LibraryRelease = Release{3, 31, 0}

// OldestRelease is the oldest Calico release the provider supports.
var OldestRelease = Release{3, 28, 0}

var releasePattern = regexp.MustCompile(`^v?(\d+)\.(\d+)(?:\.(\d+))?`)

// ParseRelease reads a Calico version: "v3.28.5", "3.29", "v3.32.0-0.dev-12-gabc" (a build of
// the 3.32.0 line). ok is false for anything else.
func ParseRelease(version string) (r Release, ok bool) {
	m := releasePattern.FindStringSubmatch(strings.TrimSpace(version))
	if m == nil {
		return Release{}, false
	}
	r.Major, _ = strconv.Atoi(m[1])
	r.Minor, _ = strconv.Atoi(m[2])
	r.Patch = -1
	if m[3] != "" {
		r.Patch, _ = strconv.Atoi(m[3])
	}
	return r, true
}

func (r Release) String() string {
	if r.Patch < 0 {
		return fmt.Sprintf("%d.%d", r.Major, r.Minor)
	}
	return fmt.Sprintf("%d.%d.%d", r.Major, r.Minor, r.Patch)
}

// compare orders releases; a release known only to its minor counts as that line's first.
func (r Release) compare(o Release) int {
	if c := r.Major - o.Major; c != 0 {
		return c
	}
	if c := r.Minor - o.Minor; c != 0 {
		return c
	}
	return max(r.Patch, 0) - max(o.Patch, 0)
}

// AtLeast says whether r is o or later.
func (r Release) AtLeast(o Release) bool { return r.compare(o) >= 0 }

// Since is when something came to Calico: a release, and the patch releases of older lines it
// was backported to.
type Since struct {
	Release   Release
	Backports []Release
}

// SinceRelease is what came in r, with the patch releases of older lines it was backported to.
func SinceRelease(r Release, backports ...Release) Since {
	return Since{Release: r, Backports: backports}
}

// In says whether release r has it: r is Release or later, or a patch release of a backport's
// line from that backport on.
func (s Since) In(r Release) bool {
	if r.AtLeast(s.Release) {
		return true
	}
	return slices.ContainsFunc(s.Backports, func(b Release) bool {
		return r.Major == b.Major && r.Minor == b.Minor && r.AtLeast(b)
	})
}

func (s Since) String() string {
	out := s.Release.String()
	for _, b := range s.Backports {
		out += fmt.Sprintf(" (%s in the %d.%d line)", b, b.Major, b.Minor)
	}
	return out
}

// FieldSince is when a field of a kind, or a value of one, came to Calico.
type FieldSince struct {
	// Path is the field's JSON path in the object ("spec.nextHopMode"); "[]" stands for every
	// element of a list ("spec.exportV4[].prefixLength").
	Path string
	// Value, when set, is the value that came later than the field itself ("LoadBalancer", one
	// of spec.allowedUses).
	Value string
	Since Since
}

// ReleaseSource says where the provider learned which Calico release the cluster runs.
type ReleaseSource string

const (
	// ReleaseFromSetting: the provider's calico_version setting.
	ReleaseFromSetting ReleaseSource = "setting"
	// ReleaseFromCluster: ClusterInformation "default", as calico-node and the operator write it.
	ReleaseFromCluster ReleaseSource = "ClusterInformation"
	// ReleaseUnknown: neither says.
	ReleaseUnknown ReleaseSource = ""
)

// ClusterRelease is the Calico release the cluster runs: the configuration's CalicoVersion,
// else ClusterInformation "default"'s calicoVersion. It is read once per provider process. A
// cluster that does not say, or cannot be asked, gives ReleaseUnknown and no error: the
// writes then go on, and a field the datastore drops is still reported (ErrFieldDropped).
func (c *Client) ClusterRelease(ctx context.Context) (Release, ReleaseSource) {
	c.releaseOnce.Do(func() {
		if r, ok := ParseRelease(c.cfg.CalicoVersion); ok {
			c.release, c.releaseSource = r, ReleaseFromSetting
			return
		}
		if r, ok := ParseRelease(c.clusterVersion(ctx)); ok {
			c.release, c.releaseSource = r, ReleaseFromCluster
		}
	})
	return c.release, c.releaseSource
}

// ReleaseToTell is the cluster's release and where it came from, with tell true for the first
// caller of the client to find it unknown or older than OldestRelease, so that a run says so once.
func (c *Client) ReleaseToTell(ctx context.Context) (r Release, source ReleaseSource, tell bool) {
	r, source = c.ClusterRelease(ctx)
	if source != ReleaseUnknown && r.AtLeast(OldestRelease) {
		return r, source, false
	}
	return r, source, c.releaseTold.CompareAndSwap(false, true)
}

// clusterVersion is ClusterInformation "default"'s calicoVersion; "" when it cannot be read.
func (c *Client) clusterVersion(ctx context.Context) string {
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
	return version
}

// FieldMissing is a field (or value) set in an object that the cluster's Calico release lacks.
type FieldMissing struct {
	// Path is where the field is set in the object, as Calico's validator names places: map
	// keys and list indexes ("spec", "exportV4", 0, "prefixLength").
	Path  []any
	Field FieldSince
}

// MissingIn lists the kind's registered fields and values that obj sets and release r lacks.
func (k KindInfo) MissingIn(obj Object, r Release) ([]FieldMissing, error) {
	var out []FieldMissing
	if len(k.Fields) == 0 {
		return nil, nil
	}
	view, err := jsonView(obj)
	if err != nil {
		return nil, err
	}
	for _, f := range k.Fields {
		if f.Since.In(r) {
			continue
		}
		for _, at := range setAt(view, strings.Split(f.Path, "."), nil, f.Value) {
			out = append(out, FieldMissing{Path: at, Field: f})
		}
	}
	return out, nil
}

// setAt finds where the field at steps is set in v (to value, when value is set), as paths
// from the root.
func setAt(v any, steps []string, at []any, value string) [][]any {
	if len(steps) == 0 {
		return setValueAt(v, at, value)
	}
	m, _ := v.(map[string]any)
	step := steps[0]
	name, each := strings.CutSuffix(step, "[]")
	child, ok := m[name]
	if !ok || child == nil {
		return nil
	}
	at = append(slices.Clone(at), name)
	if !each {
		return setAt(child, steps[1:], at, value)
	}
	var out [][]any
	list, _ := child.([]any)
	for i, elem := range list {
		out = append(out, setAt(elem, steps[1:], append(slices.Clone(at), i), value)...)
	}
	return out
}

// setValueAt is at when v is set (to value, or as one of a list's values).
func setValueAt(v any, at []any, value string) [][]any {
	if value == "" {
		return [][]any{at}
	}
	switch v := v.(type) {
	case string:
		if v == value {
			return [][]any{at}
		}
	case []any:
		for i, elem := range v {
			if elem == value {
				return [][]any{append(slices.Clone(at), i)}
			}
		}
	}
	return nil
}

// LeaveOut removes from obj the fields at the given places (as FieldMissing.Path names them), so
// that a write does not send them.
func LeaveOut(obj Object, places [][]any) error {
	if len(places) == 0 {
		return nil
	}
	view, err := jsonView(obj)
	if err != nil {
		return err
	}
	for _, at := range places {
		removeAt(view, at)
	}
	b, err := json.Marshal(view)
	if err != nil {
		return err
	}
	v := reflect.ValueOf(obj).Elem()
	v.Set(reflect.Zero(v.Type()))
	return json.Unmarshal(b, obj)
}

// removeAt deletes the map key at the end of at; list elements are not removed.
func removeAt(v any, at []any) {
	for i, step := range at {
		last := i == len(at)-1
		switch s := step.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return
			}
			if last {
				delete(m, s)
				return
			}
			v = m[s]
		case int:
			l, ok := v.([]any)
			if !ok || s >= len(l) || last {
				return
			}
			v = l[s]
		}
	}
}
