package protocol

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// PrivateState is a resource's private state as its code reads and writes it: by key, each
// value JSON. The framework's (resource.CreateResponse.Private and the like) is one; privateKeys
// is the server's own, for the requests it answers below the framework.
type PrivateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// privateKeys are the keys of a resource's private state, decoded from the bytes the
// framework sends to Terraform, which Terraform sends back with the next request. The
// shortcuts read and add keys there without the framework, so they depend on its encoding
// (terraform-plugin-framework v1.19, internal/privatestate): a JSON object whose values are
// each key's JSON, as []byte, that is base64-encoded. TestPrivateStateFormat pins it.
type privateKeys map[string][]byte

// decodePrivateKeys decodes private state; what it cannot decode is treated as empty, so that
// the full path is taken.
func decodePrivateKeys(b []byte) privateKeys {
	p := privateKeys{}
	if len(b) > 0 {
		_ = json.Unmarshal(b, &p)
	}
	return p
}

// key returns the key's JSON, nil when it is not set, as the framework's GetKey does.
func (p privateKeys) key(key string) []byte { return p[key] }

// get decodes the key's JSON into v; false when the key is not set or does not decode.
func (p privateKeys) get(key string, v any) bool {
	return len(p[key]) > 0 && json.Unmarshal(p[key], v) == nil
}

// with sets the key to v's JSON and returns the private state encoded as the framework does.
func (p privateKeys) with(key string, v any) []byte {
	value, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	p[key] = value
	b, err := p.encoded()
	if err != nil {
		return nil
	}
	return b
}

// encoded is the private state encoded as the framework does.
func (p privateKeys) encoded() ([]byte, error) { return json.Marshal(p) }

// without returns the private state with the key removed, encoded as the framework does:
// unchanged when the key is not set, nil when no key is left.
func without(private []byte, key string) []byte {
	p := decodePrivateKeys(private)
	if _, ok := p[key]; !ok {
		return private
	}
	delete(p, key)
	if len(p) == 0 {
		return nil
	}
	b, err := p.encoded()
	if err != nil {
		return private
	}
	return b
}

// GetKey returns the key's JSON, nil when it is not set, as the framework's GetKey does.
func (p privateKeys) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return p.key(key), nil
}

// SetKey sets the key to value, removing it when value is empty, and refuses what the
// framework's SetKey refuses: a key of its own (starting with a dot), a value that is not UTF-8
// or not JSON.
func (p privateKeys) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	var diags diag.Diagnostics
	switch {
	case strings.HasPrefix(key, "."):
		diags.AddError("Restricted Resource Private State Namespace",
			"Using a period ('.') as a prefix for a key used in private state is not allowed.\n\n"+
				fmt.Sprintf("The key %q is invalid. Please check the key you are supplying does not use a a period ('.') as a prefix.", key))
	case len(value) == 0:
		delete(p, key)
	case !utf8.Valid(value):
		diags.AddError("UTF-8 Invalid", "Values stored in private state must be valid UTF-8.\n\n"+
			fmt.Sprintf("The value being supplied for key %q is invalid. Please verify that the value is valid UTF-8.", key))
	case !json.Valid(value):
		diags.AddError("JSON Invalid", "Values stored in private state must be valid JSON.\n\n"+
			fmt.Sprintf("The value being supplied for key %q is invalid. Please verify that the value is valid JSON.", key))
	default:
		p[key] = value
	}
	return diags
}
