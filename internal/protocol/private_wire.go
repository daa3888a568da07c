package protocol

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
)

// Terraform keeps each resource's private state in the state file, base64-encoded, and works
// through the whole state on every operation, so its size costs every resource time
// (CONTRIBUTING, Performance has the figures). The framework's form of an object resource's two
// records is a JSON object of base64-encoded JSON, its names and hashes spelled out; the server
// hands Terraform the same records in a compact binary form (toTerraform), and gives the
// framework and the shortcuts their own form back on the way in (fromTerraform). Anything else,
// and any record the compact form cannot give back byte for byte, goes through as the framework
// encoded it.

// compactPrivate marks the compact form: the framework's form is JSON, which never begins so.
const compactPrivate = 0x01

// The flags byte of the compact form.
const (
	compactUnchanged = 1 << iota // an unchangedRecord follows the object record
	compactApplied
	compactValid
)

// toTerraform is a private state the framework or the shortcuts encoded, as Terraform is to keep
// it: compact when it holds exactly an object record and, optionally, an unchanged record.
func toTerraform(private []byte) []byte {
	if len(private) == 0 || private[0] != '{' {
		return private
	}
	compact, ok := compactOf(private)
	if !ok {
		return private
	}
	if back, err := expand(compact); err != nil || !bytes.Equal(back, private) {
		return private
	}
	return compact
}

// fromTerraform is a private state Terraform kept, in the framework's form. A compact form that
// does not decode is dropped: the records are then missing, and the full path is taken.
func fromTerraform(private []byte) []byte {
	if len(private) == 0 || private[0] != compactPrivate {
		return private
	}
	expanded, err := expand(private)
	if err != nil {
		return nil
	}
	return expanded
}

func compactOf(private []byte) ([]byte, bool) {
	keys := decodePrivateKeys(private)
	name, rv, ok := DecodeObjectRecord(keys.key(ObjectKey))
	if !ok {
		return nil, false
	}
	var record unchangedRecord
	hasRecord := len(keys.key(unchangedKey)) > 0
	if hasRecord && !keys.get(unchangedKey, &record) {
		return nil, false
	}
	if len(keys) != 1 && (len(keys) != 2 || !hasRecord) {
		return nil, false
	}
	out := []byte{compactPrivate}
	out = binary.AppendUvarint(out, uint64(len(name)))
	out = append(out, name...)
	out = binary.AppendUvarint(out, uint64(len(rv)))
	out = append(out, rv...)
	if !hasRecord {
		return append(out, 0), true
	}
	flags := byte(compactUnchanged)
	if record.Applied {
		flags |= compactApplied
	}
	if record.Valid {
		flags |= compactValid
	}
	out = append(out, flags)
	for _, hash := range []string{record.Build, record.Config} {
		raw, err := base64.RawURLEncoding.DecodeString(hash)
		if err != nil {
			return nil, false
		}
		out = binary.AppendUvarint(out, uint64(len(raw)))
		out = append(out, raw...)
	}
	return out, true
}

var errCompactPrivate = errors.New("not a compact private state")

// expand is the framework's form of a compact private state.
func expand(compact []byte) ([]byte, error) {
	if len(compact) == 0 || compact[0] != compactPrivate {
		return nil, errCompactPrivate
	}
	rest := compact[1:]
	next := func() ([]byte, error) {
		n, size := binary.Uvarint(rest)
		if size <= 0 || n > uint64(len(rest)-size) {
			return nil, errCompactPrivate
		}
		field := rest[size : size+int(n)]
		rest = rest[size+int(n):]
		return field, nil
	}
	name, err := next()
	if err != nil {
		return nil, err
	}
	rv, err := next()
	if err != nil {
		return nil, err
	}
	if len(rest) == 0 {
		return nil, errCompactPrivate
	}
	flags := rest[0]
	rest = rest[1:]
	keys := privateKeys{ObjectKey: EncodeObjectRecord(string(name), string(rv))}
	if flags&compactUnchanged == 0 {
		if len(rest) != 0 {
			return nil, errCompactPrivate
		}
		return keys.encoded()
	}
	build, err := next()
	if err != nil {
		return nil, err
	}
	config, err := next()
	if err != nil || len(rest) != 0 {
		return nil, errCompactPrivate
	}
	record := unchangedRecord{
		Build:   base64.RawURLEncoding.EncodeToString(build),
		Config:  base64.RawURLEncoding.EncodeToString(config),
		Applied: flags&compactApplied != 0,
		Valid:   flags&compactValid != 0,
	}
	if b := keys.with(unchangedKey, record); b != nil {
		return b, nil
	}
	return nil, errCompactPrivate
}
