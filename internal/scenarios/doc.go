// Package scenarios holds the acceptance tests that apply the example scenarios under
// examples/scenarios against the local Calico API.
package scenarios
