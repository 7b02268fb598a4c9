//go:build tools

// Package tools pins the actionlint command: `go run
// github.com/rhysd/actionlint/cmd/actionlint` from this directory builds
// the version go.mod names.
package tools

import _ "github.com/rhysd/actionlint/cmd/actionlint"
