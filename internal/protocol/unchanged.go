package protocol

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"runtime/debug"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/calico-tf/terraform-provider-calico/internal/calico"
	"github.com/calico-tf/terraform-provider-calico/internal/tfcommon"
)

// A no-change plan is what users pay on every run. For an object that has not changed since
// the provider last stored it, the framework's answers to ReadResource and PlanResourceChange
// are known without it: the prior state, and the proposed state. unchangedAnswers gives them
// at the protocol level, skipping the framework's conversions, exactly when it can prove the
// framework would answer the same:
//
//   - ReadResource: the object's resourceVersion in this run's bulk LIST is the one its state
//     was last read or written at (objectResource.RecordedObject in private state), by this
//     build of the provider. Any change on the server (an edit, a label, a delete) changes or
//     removes it.
//   - PlanResourceChange: Terraform proposes the prior state unchanged, the prior state is the
//     one the last apply stored (not re-read since with a different result), and the
//     configuration is the one that apply was given, so defaults and plan modifiers would
//     produce what they produced then.
//   - UpgradeResourceState of the current schema version: the framework's own passthrough,
//     with the schema's type built once per process (see upgrade).
//   - ValidateResourceConfig of a configuration that this build validated, with no diagnostic
//     at all, when it applied it: validation is a function of the configuration alone. The
//     proof arrives with the object's refresh, which Terraform makes before it validates the
//     instance's configuration for its plan (see validate).
//
// Everything else takes the framework's path, which records what the next request needs.
type unchangedAnswers struct {
	framework tfprotov6.ProviderServer
	catalog   func() *catalog
	build     string
	client    func() *calico.Client

	typesOnce sync.Once
	types     map[string]resourceType

	// validConfigs holds the configurations (type and hash) that this build validated without a
	// diagnostic: in this process, or, as refreshed objects' records say, in an earlier one.
	validConfigs sync.Map

	// writeOnlyHashes remembers hashConfig's answer for configurations of types with write-only
	// attributes, by a digest of the type and the bytes Terraform sent: an apply hashes each
	// new object's configuration four times (validation, its record, the apply and its record),
	// and for these types each time means decoding and re-encoding it.
	writeOnlyHashes sync.Map // [sha256.Size]byte → configHashed
}

// configHashed is what hashConfig found for a configuration.
type configHashed struct {
	hash          string
	setsWriteOnly bool
}

type resourceType struct {
	value     tftypes.Type
	version   int64    // the schema's version
	writeOnly []string // top-level write-only attributes, left out of the configuration's hash
}

// unchangedKey is the private-state key of the record below.
const unchangedKey = "calico_unchanged"

// unchangedRecord is kept in private state next to the object resource's own record. Terraform
// keeps a copy of it for every resource and works through the whole state on every operation:
// its hashes are short so that the compact form Terraform gets (private_wire.go) is small, and
// its names one letter for a private state that goes through in the framework's form. A record
// in the long form earlier builds wrote decodes with no build, as one from another build:
// refreshed and planned in full until the next apply, the refresh writing it in the short form.
type unchangedRecord struct {
	Build string `json:"b"` // buildTag of the build that wrote the record
	// Config is a hash of the configuration of the apply that stored the state, write-only
	// values left out (a hash of a password in the state file could be guessed back).
	Config string `json:"c,omitempty"`
	// Applied: the state is still the one that apply stored.
	Applied bool `json:"a,omitempty"`
	// Valid: this build validated Config without any diagnostic, and Config has no write-only
	// value (which its hash leaves out).
	Valid bool `json:"v,omitempty"`
}

// shortHash is the first n bytes of data's SHA-256, base64url-encoded.
func shortHash(data []byte, n int) string {
	sum := sha256.Sum256(data)
	return base64.RawURLEncoding.EncodeToString(sum[:n])
}

// buildTag names this build of the provider, as a short hash of buildOf: a different version or
// commit takes the full path once, so that what it reads and plans is its own.
func buildTag(version string) string { return shortHash([]byte(buildOf(version)), 9) }

// buildOf is this build's version with the commit it was built from.
func buildOf(version string) string {
	build := version
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision":
				build += "+" + s.Value
			case s.Key == "vcs.modified" && s.Value == "true":
				build += ".modified"
			}
		}
	}
	return build
}

func (u *unchangedAnswers) read(ctx context.Context, req *tfprotov6.ReadResourceRequest) *tfprotov6.ReadResourceResponse {
	private := decodePrivateKeys(req.Private)
	var record unchangedRecord
	if !private.get(unchangedKey, &record) || record.Build != u.build {
		return nil
	}
	object, ok := u.catalog().objects[req.TypeName]
	if !ok {
		return nil
	}
	name, recorded, ok := object.RecordedObject(private.key)
	if !ok || req.CurrentState == nil {
		return nil
	}
	c := u.client()
	if c == nil || !c.Known() {
		return nil
	}
	rv, err := object.LiveResourceVersion(ctx, c, name)
	if err != nil || rv == "" || rv != recorded {
		return nil
	}
	u.rememberValid(req.TypeName, record)
	resp := &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private, NewIdentity: req.CurrentIdentity}
	if summary, detail := tfcommon.NewerCalicoWarning(c.NewerCalicoVersion(ctx)); summary != "" {
		resp.Diagnostics = append(resp.Diagnostics, &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityWarning, Summary: summary, Detail: detail})
	}
	return resp
}

// afterRead records, on a read the framework answered, whether the state is still the applied one.
func (u *unchangedAnswers) afterRead(req *tfprotov6.ReadResourceRequest, resp *tfprotov6.ReadResourceResponse) {
	if resp == nil || hasError(resp.Diagnostics) || resp.NewState == nil {
		return
	}
	private := decodePrivateKeys(resp.Private)
	if !u.recordsObject(req.TypeName, private) {
		return
	}
	var before unchangedRecord
	applied := decodePrivateKeys(req.Private).get(unchangedKey, &before) && before.Build == u.build && before.Applied &&
		u.sameValue(req.TypeName, req.CurrentState, resp.NewState)
	record := unchangedRecord{Build: u.build, Config: before.Config, Applied: applied, Valid: before.Build == u.build && before.Valid}
	u.rememberValid(req.TypeName, record)
	resp.Private = private.with(unchangedKey, record)
}

// recordsObject says whether a response's private state records the object its state is of.
func (u *unchangedAnswers) recordsObject(typeName string, private privateKeys) bool {
	object, ok := u.catalog().objects[typeName]
	if !ok {
		return false
	}
	_, _, ok = object.RecordedObject(private.key)
	return ok
}

// rememberValid notes a configuration that a refreshed object's record says this build
// validated without a diagnostic.
func (u *unchangedAnswers) rememberValid(typeName string, record unchangedRecord) {
	if record.Valid && record.Build == u.build && record.Config != "" {
		u.validConfigs.Store(typeName+"\x00"+record.Config, true)
	}
}

// validate answers a configuration remembered as valid: the framework would find nothing.
func (u *unchangedAnswers) validate(req *tfprotov6.ValidateResourceConfigRequest) *tfprotov6.ValidateResourceConfigResponse {
	if req.Config == nil {
		return nil
	}
	hash, ok := u.validatedHash(req.TypeName, req.Config)
	if !ok {
		return nil
	}
	if _, valid := u.validConfigs.Load(req.TypeName + "\x00" + hash); !valid {
		return nil
	}
	return &tfprotov6.ValidateResourceConfigResponse{}
}

// validatedHash is the configuration's hash when its validation can be remembered by it: when
// it sets no write-only value, which the hash leaves out.
func (u *unchangedAnswers) validatedHash(typeName string, config *tfprotov6.DynamicValue) (string, bool) {
	hash, setsWriteOnly, ok := u.hashConfig(typeName, config)
	return hash, ok && !setsWriteOnly
}

func (u *unchangedAnswers) plan(req *tfprotov6.PlanResourceChangeRequest) *tfprotov6.PlanResourceChangeResponse {
	if req.PriorState == nil || req.ProposedNewState == nil || req.Config == nil ||
		len(req.PriorState.MsgPack) == 0 || !bytes.Equal(req.ProposedNewState.MsgPack, req.PriorState.MsgPack) {
		return nil
	}
	var record unchangedRecord
	if !decodePrivateKeys(req.PriorPrivate).get(unchangedKey, &record) || record.Build != u.build || !record.Applied {
		return nil
	}
	if c := u.client(); c == nil || !c.Known() {
		return nil // an unknown provider configuration is the framework's to answer (deferral)
	}
	if hash, ok := u.configHash(req.TypeName, req.Config); !ok || hash != record.Config {
		return nil
	}
	return &tfprotov6.PlanResourceChangeResponse{
		PlannedState: req.ProposedNewState, PlannedPrivate: req.PriorPrivate, PlannedIdentity: req.PriorIdentity,
	}
}

// upgrade answers UpgradeResourceState for state of the current schema version as the framework
// does (its "passthrough": the stored JSON read with the schema's type, attributes the schema no
// longer has dropped), with the type built once per process instead of once per request.
func (u *unchangedAnswers) upgrade(req *tfprotov6.UpgradeResourceStateRequest) *tfprotov6.UpgradeResourceStateResponse {
	t, ok := u.typeOf(req.TypeName)
	if !ok || req.RawState == nil || req.Version != t.version {
		return nil
	}
	v, err := req.RawState.UnmarshalWithOpts(t.value, tfprotov6.UnmarshalOpts{
		ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true},
	})
	if err != nil {
		return nil // the framework reports it
	}
	state, err := tfprotov6.NewDynamicValue(t.value, v)
	if err != nil {
		return nil
	}
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &state}
}

// afterApply records the configuration of an apply that stored an object.
func (u *unchangedAnswers) afterApply(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest, resp *tfprotov6.ApplyResourceChangeResponse) {
	if resp == nil || hasError(resp.Diagnostics) || resp.NewState == nil || req.Config == nil {
		return
	}
	private := decodePrivateKeys(resp.Private)
	if !u.recordsObject(req.TypeName, private) {
		return
	}
	record := unchangedRecord{Build: u.build}
	if hash, ok := u.configHash(req.TypeName, req.Config); ok {
		record.Config, record.Applied = hash, true
		record.Valid = u.validatesClean(ctx, req)
	}
	resp.Private = private.with(unchangedKey, record)
}

// validatesClean says whether the applied configuration validates without any diagnostic, as a
// later plan would validate it: then later validations of it can be answered (see validate).
// Terraform validated it in this process already, before it applied, unless a value was unknown
// then; only then does the framework validate it again.
func (u *unchangedAnswers) validatesClean(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) bool {
	hash, ok := u.validatedHash(req.TypeName, req.Config)
	if !ok {
		return false
	}
	if _, valid := u.validConfigs.Load(req.TypeName + "\x00" + hash); valid {
		return true
	}
	resp, err := withRequestContext(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: req.TypeName, Config: req.Config},
		u.framework.ValidateResourceConfig)
	return err == nil && resp != nil && len(resp.Diagnostics) == 0
}

// validated notes a configuration the framework validated without a diagnostic.
func (u *unchangedAnswers) validated(req *tfprotov6.ValidateResourceConfigRequest, resp *tfprotov6.ValidateResourceConfigResponse) {
	if req.Config == nil || resp == nil || len(resp.Diagnostics) > 0 {
		return
	}
	if hash, ok := u.validatedHash(req.TypeName, req.Config); ok {
		u.validConfigs.Store(req.TypeName+"\x00"+hash, true)
	}
}

func (u *unchangedAnswers) typeOf(typeName string) (resourceType, bool) {
	u.typesOnce.Do(func() {
		u.types = map[string]resourceType{}
		schemas, err := u.framework.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
		if err != nil || hasError(schemas.Diagnostics) {
			return
		}
		for name, s := range schemas.ResourceSchemas {
			t := resourceType{value: s.ValueType(), version: s.Version}
			for _, a := range s.Block.Attributes {
				if a.WriteOnly {
					t.writeOnly = append(t.writeOnly, a.Name)
				}
			}
			u.types[name] = t
		}
	})
	t, ok := u.types[typeName]
	return t, ok
}

// configHash hashes a configuration as Terraform sent it, or, for a type with write-only
// attributes, re-encoded without their values.
func (u *unchangedAnswers) configHash(typeName string, config *tfprotov6.DynamicValue) (string, bool) {
	hash, _, ok := u.hashConfig(typeName, config)
	return hash, ok
}

// hashConfig is configHash, also saying whether the configuration sets a write-only value.
func (u *unchangedAnswers) hashConfig(typeName string, config *tfprotov6.DynamicValue) (hash string, setsWriteOnly, ok bool) {
	t, ok := u.typeOf(typeName)
	if !ok || len(config.MsgPack) == 0 {
		return "", false, false
	}
	if len(t.writeOnly) == 0 {
		// 128 bits: two configurations that hashed the same would plan the second as no change.
		return shortHash(config.MsgPack, 16), false, true
	}
	digest := sha256.Sum256(append([]byte(typeName+"\x00"), config.MsgPack...))
	if known, ok := u.writeOnlyHashes.Load(digest); ok {
		h := known.(configHashed)
		return h.hash, h.setsWriteOnly, true
	}
	hash, setsWriteOnly, ok = hashWithoutWriteOnly(t, config)
	if ok {
		u.writeOnlyHashes.Store(digest, configHashed{hash, setsWriteOnly})
	}
	return hash, setsWriteOnly, ok
}

// hashWithoutWriteOnly hashes a configuration of a type with write-only attributes, re-encoded
// with their values null.
func hashWithoutWriteOnly(t resourceType, config *tfprotov6.DynamicValue) (hash string, setsWriteOnly, ok bool) {
	v, err := config.Unmarshal(t.value)
	if err != nil {
		return "", false, false
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		return "", false, false
	}
	objectType, ok := t.value.(tftypes.Object)
	if !ok {
		return "", false, false
	}
	for _, name := range t.writeOnly {
		setsWriteOnly = setsWriteOnly || !attrs[name].IsNull()
		attrs[name] = tftypes.NewValue(objectType.AttributeTypes[name], nil)
	}
	dv, err := tfprotov6.NewDynamicValue(t.value, tftypes.NewValue(t.value, attrs))
	if err != nil {
		return "", false, false
	}
	return shortHash(dv.MsgPack, 16), setsWriteOnly, true
}

// sameValue says whether two encodings of a resource's state hold the same value.
func (u *unchangedAnswers) sameValue(typeName string, a, b *tfprotov6.DynamicValue) bool {
	t, ok := u.typeOf(typeName)
	if !ok || a == nil || b == nil {
		return false
	}
	va, err := a.Unmarshal(t.value)
	if err != nil {
		return false
	}
	vb, err := b.Unmarshal(t.value)
	return err == nil && va.Equal(vb)
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d != nil && d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}
