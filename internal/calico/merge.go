package calico

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
)

// Updates never decode-then-PUT: the provider's Go types are those of its own Calico version, so
// a typed round trip drops every field a newer Calico added. Instead a write is a merge onto
// the object as it is stored. base is the stored object as the provider's types see it and
// target the same view after the change; only what differs between the two is written, and
// everything else — fields the provider's types do not know among it — stays as stored.

// mergeStored applies the change from base to target onto stored. It returns the paths of the
// fields unknown to base that the change cannot keep (see mergeList); the caller refuses the
// write when there are any.
func mergeStored(stored, base, target map[string]any) (map[string]any, []string) {
	var lost []string
	return mergeMap(stored, base, target, "", &lost), lost
}

func mergeValue(stored, base, target any, path string, lost *[]string) any {
	if reflect.DeepEqual(base, target) {
		return stored
	}
	switch t := target.(type) {
	case map[string]any:
		s, sok := stored.(map[string]any)
		b, bok := base.(map[string]any)
		if sok && bok {
			return mergeMap(s, b, t, path, lost)
		}
	case []any:
		s, sok := stored.([]any)
		b, bok := base.([]any)
		if sok && bok && len(s) == len(b) {
			return mergeList(s, b, t, path, lost)
		}
	}
	// A scalar changed, or the value changed shape: the new value replaces the old, and with it
	// anything stored under it that base does not know.
	*lost = append(*lost, unknownFields(stored, base, path)...)
	return target
}

func mergeMap(stored, base, target map[string]any, path string, lost *[]string) map[string]any {
	out := maps.Clone(stored)
	if out == nil {
		out = map[string]any{}
	}
	for k, tv := range target {
		bv, inBase := base[k]
		sv, inStored := stored[k]
		switch {
		case inBase && reflect.DeepEqual(bv, tv):
			// Unchanged in the provider's view: the stored value (or its absence) stays.
		case inBase && inStored:
			out[k] = mergeValue(sv, bv, tv, joinPath(path, k), lost)
		default:
			out[k] = tv
		}
	}
	for k := range base {
		if _, ok := target[k]; !ok {
			delete(out, k)
		}
	}
	return out
}

// mergeList merges a list element by element. An element the change left as it was, wherever
// it moved, keeps its stored form; an element changed in place (same index, no equal element
// elsewhere) is merged field by field. Any other element of target is new. Removed elements go
// with everything they held, unless the change also added new elements: then a removed
// element holding fields unknown to base may really have been edited into a new one, and
// dropping those fields silently could change what the element means (a BGPFilter rule
// "reject eBGP peers" would become "reject everything"), so they are reported as lost.
func mergeList(stored, base, target []any, path string, lost *[]string) []any {
	used := make([]bool, len(base))
	match := make([]int, len(target))
	for i, tv := range target {
		match[i] = -1
		if i < len(base) && !used[i] && reflect.DeepEqual(base[i], tv) {
			match[i], used[i] = i, true
			continue
		}
		for j := range base {
			if !used[j] && reflect.DeepEqual(base[j], tv) {
				match[i], used[j] = j, true
				break
			}
		}
	}
	out := make([]any, len(target))
	added := false
	for i, tv := range target {
		switch j := match[i]; {
		case j >= 0:
			out[i] = stored[j]
		case i < len(base) && !used[i]:
			used[i] = true
			out[i] = mergeValue(stored[i], base[i], tv, fmt.Sprintf("%s[%d]", path, i), lost)
		default:
			out[i] = tv
			added = true
		}
	}
	if added {
		for j, u := range used {
			if !u {
				*lost = append(*lost, unknownFields(stored[j], base[j], fmt.Sprintf("%s[%d]", path, j))...)
			}
		}
	}
	return out
}

// unknownFields lists the fields of stored that base lacks, with a value that says something
// (a zero value is what an omitted known field looks like too).
func unknownFields(stored, base any, path string) []string {
	var out []string
	switch s := stored.(type) {
	case map[string]any:
		b, _ := base.(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(s)) { // sorted: stable messages
			bv, ok := b[k]
			switch {
			case !ok && !isZeroJSON(s[k]):
				out = append(out, joinPath(path, k))
			case ok:
				out = append(out, unknownFields(s[k], bv, joinPath(path, k))...)
			}
		}
	case []any:
		b, _ := base.([]any)
		for i := range s {
			if i < len(b) {
				out = append(out, unknownFields(s[i], b[i], fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	}
	return out
}

func isZeroJSON(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(v) == 0
	case []any:
		return len(v) == 0
	}
	return reflect.ValueOf(v).IsZero()
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
