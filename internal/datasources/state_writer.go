package datasources

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// stateWriter writes a data source's state straight in the plugin protocol's MessagePack,
// as terraform-plugin-go marshals a value of the same type: an object's attributes by name in
// sorted order, whole numbers as integers, and the empty strings the provider leaves null as nil.
type stateWriter struct{ *msgpack.Encoder }

// errNoValue is an attribute of a state's type that its writer has no value for.
var errNoValue = errors.New("no value written for an attribute of the state's type")

// attributeNames are the names of typ's attributes, sorted: the order object writes them in.
func attributeNames(typ tftypes.Object) []string {
	return slices.Sorted(maps.Keys(typ.AttributeTypes))
}

// object writes an object whose type has the attributes attrs (attributeNames), each
// attribute's value by value(name): in the protocol's encoding, an object is a map by name.
func (w stateWriter) object(attrs []string, value func(attr string) error) error {
	return w.mapOf(attrs, func(name string) error {
		if err := value(name); err != nil {
			return fmt.Errorf("attribute %s: %w", name, err)
		}
		return nil
	})
}

// string writes s, "" as null.
func (w stateWriter) string(s string) error {
	if s == "" {
		return w.EncodeNil()
	}
	return w.EncodeString(s)
}

// optionalString writes s, null as null.
func (w stateWriter) optionalString(s *string) error {
	if s == nil {
		return w.EncodeNil()
	}
	return w.EncodeString(*s)
}

// strings writes a list of strings.
func (w stateWriter) strings(ss []string) error {
	if err := w.EncodeArrayLen(len(ss)); err != nil {
		return err
	}
	for _, s := range ss {
		if err := w.EncodeString(s); err != nil {
			return err
		}
	}
	return nil
}

// mapOf writes a map of the given keys, each element by value(key).
func (w stateWriter) mapOf(keys []string, value func(key string) error) error {
	if err := w.EncodeMapLen(len(keys)); err != nil {
		return err
	}
	for _, k := range keys {
		if err := w.EncodeString(k); err != nil {
			return err
		}
		if err := value(k); err != nil {
			return err
		}
	}
	return nil
}
