package protocol

import "encoding/json"

// ObjectKey is the private-state key under which a Calico-object resource records the object
// its state was last read or written from (EncodeObjectRecord), so that a later request can
// tell, from this run's LIST, that the object has not changed since.
const ObjectKey = "calico_object"

// objectRecord is what is recorded under ObjectKey. Its names are short for the reason
// unchangedRecord gives; a record in the older, long form is not read, so the first request
// after an upgrade reads the object in full.
type objectRecord struct {
	Name            string `json:"n"`
	ResourceVersion string `json:"rv"`
}

// EncodeObjectRecord is the record of the named object at resourceVersion, for SetKey.
func EncodeObjectRecord(name, resourceVersion string) []byte {
	b, _ := json.Marshal(objectRecord{Name: name, ResourceVersion: resourceVersion})
	return b
}

// DecodeObjectRecord reads a record EncodeObjectRecord made; ok is false for anything else.
func DecodeObjectRecord(b []byte) (name, resourceVersion string, ok bool) {
	var record objectRecord
	if len(b) == 0 || json.Unmarshal(b, &record) != nil || record.Name == "" || record.ResourceVersion == "" {
		return "", "", false
	}
	return record.Name, record.ResourceVersion, true
}
