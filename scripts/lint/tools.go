//go:build tools

// Package tools pins staticcheck and deadcode, which .ci/run runs over the
// main module. It has its own go.mod so their dependencies stay out of it.
package tools

import (
	_ "golang.org/x/tools/cmd/deadcode"
	_ "honnef.co/go/tools/cmd/staticcheck"
)
