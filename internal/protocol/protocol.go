// Package protocol is the one seam where the provider goes around terraform-plugin-framework
// for speed, and the one switch that turns all of it off (switch.go). It holds:
//
//   - the provider's protocol 6 server (server.go): the framework's server, with a few requests
//     answered in front of it, at the protocol level, where the answer is provably the one the
//     framework would give: reads, plans, validations and state upgrades of unchanged objects
//     (unchanged.go), and reads of data sources whose state depends on the cluster alone
//     (cluster_state.go). Every other request goes to the framework (forward.go for those
//     outside tfprotov6.ProviderServer), as does every request a shortcut cannot prove its
//     answer for. The server reads and writes the framework's private-state encoding
//     (private_state.go), and lets go of each request's context when the request ends
//     (request_context.go);
//   - the fast conversion of models in and out of Terraform data (model.go), which resources
//     and data sources call in place of the framework's Get and Set.
//
// TF_CALICO_SHORTCUTS=off (Switch) turns off both the server's own answers and the fast
// conversion, so that a user can rule them out when a bug shows.
//
// The server finds what it needs in resources and data sources through the provider's own
// registration, by the interfaces in catalog.go; they import this package only for the model
// conversion.
package protocol
