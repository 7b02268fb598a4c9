// Package golden holds the golden plans of the examples: golden/<example>.json
// is the plan of examples/<example>.yaml, byte for byte. `go test ./golden`
// checks them; `go test ./golden -update` rewrites them. A diff to these files
// in review is a reviewed change to infrastructure.
package golden
