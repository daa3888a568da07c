package resources

import "github.com/calico-tf/terraform-provider-calico/internal/protocol"

// privateState is the private state of a request or response, as the resources read and write
// it: the framework's, or the server's own when it answers below the framework. Node resources
// keep the keys they own there (engine_node.go), Calico-object resources the object they last
// read or wrote (engine_object_record.go).
type privateState = protocol.PrivateState
