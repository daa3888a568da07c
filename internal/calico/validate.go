package calico

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	cerrors "github.com/projectcalico/calico/libcalico-go/lib/errors"
	validator "github.com/projectcalico/calico/libcalico-go/lib/validator/v3"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// FieldError is one of Calico's validation rules that an object breaks.
type FieldError struct {
	// Path is the field's place in the object as JSON names and list indexes, such as
	// ["spec", "exportV4", 1, "cidr"]; nil when the field could not be found.
	Path   []any
	Field  string // the field as Calico's validator names it, such as "CIDR"
	Reason string
	Value  any
}

// Validate runs Calico's own validator (libcalico-go lib/validator/v3: the code calicoctl and the
// Calico API server run before every write) on obj and returns the rules it breaks.
func Validate(obj Object) []FieldError {
	quietLibrary()
	err := validator.Validate(obj)
	if err == nil {
		return nil
	}
	var verr cerrors.ErrorValidation
	if !errors.As(err, &verr) {
		return []FieldError{{Reason: err.Error()}}
	}
	return RejectedFields(obj, verr)
}

// RejectedFields finds the fields of obj that an error of its write names: Calico's validation
// errors (its library on the v1 path) and the causes of a Kubernetes "Invalid" status (the Calico
// API server, a CRD's schema).
func RejectedFields(obj Object, err error) []FieldError {
	var out []FieldError
	var verr cerrors.ErrorValidation
	if errors.As(err, &verr) {
		for _, f := range verr.ErroredFields {
			value := f.Value
			if rv, ok := value.(reflect.Value); ok && rv.IsValid() && rv.CanInterface() {
				value = rv.Interface() // struct-level rules report the value as a reflect.Value
			}
			out = append(out, FieldError{Path: findField(obj, f.Name, value), Field: f.Name, Reason: f.Reason, Value: value})
		}
		return out
	}
	var status apierrors.APIStatus
	if !errors.As(err, &status) || status.Status().Details == nil {
		return nil
	}
	for _, cause := range status.Status().Details.Causes {
		if cause.Field == "" {
			continue
		}
		path := jsonPath(cause.Field)
		if path == nil {
			path = findField(obj, cause.Field, nil)
		}
		out = append(out, FieldError{Path: path, Field: cause.Field, Reason: cause.Message})
	}
	return out
}

// jsonPath reads a field path as the Kubernetes API writes it ("spec.exportV4[1].cidr"); nil
// when it is not one (Calico's own names are capitalised: "BGPPeer.Spec.Filters").
func jsonPath(field string) []any {
	if !strings.HasPrefix(field, "spec.") && !strings.HasPrefix(field, "metadata.") {
		return nil
	}
	var out []any
	for _, part := range strings.Split(field, ".") {
		name, rest, _ := strings.Cut(part, "[")
		out = append(out, name)
		for rest != "" {
			index, after, _ := strings.Cut(rest, "]")
			if i, err := strconv.Atoi(index); err == nil {
				out = append(out, i)
			}
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return out
}

// findField finds where in obj the validator's field is. The validator names a field by its Go
// name alone, sometimes with its parents ("Spec.Communities[].Value", "IPpool.CIDR"), and gives
// its value: the first field of that name holding that value is the one, else the first of
// that name.
func findField(obj any, name string, value any) []any {
	segments := strings.Split(strings.ReplaceAll(name, "[]", ""), ".")
	leaf := segments[len(segments)-1]
	var byName, byValue []any
	walkFields(reflect.ValueOf(obj), nil, func(goName string, path []any, v reflect.Value) bool {
		if goName != leaf {
			return true
		}
		if byName == nil {
			byName = path
		}
		if sameValue(v, value) {
			byValue = path
			return false
		}
		return true
	})
	if byValue != nil {
		return byValue
	}
	return byName
}

func sameValue(v reflect.Value, want any) bool {
	for {
		if v.CanInterface() && reflect.DeepEqual(v.Interface(), want) {
			return true
		}
		if v.Kind() != reflect.Pointer || v.IsNil() {
			return false
		}
		v = v.Elem()
	}
}

// walkFields calls visit for every exported struct field under v with its JSON path, until visit
// returns false.
func walkFields(v reflect.Value, path []any, visit func(goName string, path []any, v reflect.Value) bool) bool {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return true
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			jsonName, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if jsonName == "-" {
				continue
			}
			fieldPath := path
			if jsonName != "" || !f.Anonymous {
				fieldPath = append(append([]any(nil), path...), cmp.Or(jsonName, f.Name))
			}
			if !visit(f.Name, fieldPath, v.Field(i)) || !walkFields(v.Field(i), fieldPath, visit) {
				return false
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if !walkFields(v.Index(i), append(append([]any(nil), path...), i), visit) {
				return false
			}
		}
	}
	return true
}

// String names the field for messages: its JSON path when found, else Calico's name for it.
func (e FieldError) String() string {
	if e.Path == nil {
		return e.Field
	}
	var b strings.Builder
	for _, step := range e.Path {
		switch s := step.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", s)
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, s)
		}
	}
	return b.String()
}
