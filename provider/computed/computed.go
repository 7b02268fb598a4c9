// Package computed is the one model of what a cloud computes for the
// resources infra declares: provider IDs, computed outputs (addresses, host
// names, ARNs, CRNs, states), the auto-names the providers give unnamed
// resources, and the answers of the data sources programs call. The offline
// plan's mocks (package plan) and the simulated providers (provider/sim)
// both take their values from here, so a program that plans also deploys on
// the simulator, and with the same values: both derive every value from the
// resource's URN, which the mocks and the engine spell alike.
//
// Shapes follow what the real providers return, with sources cited where
// they are not obvious; "provider-rules" means ../shared/reference/
// provider-rules.json, whose importId entries give most ID formats.
// Addresses come from the documentation ranges (RFC 5737, RFC 3849) and host
// names end in .sim.invalid (RFC 2606), so nothing computed here can reach
// a real host.
package computed

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Account is the AWS account every simulated resource lives in: the one
// AWS's own documentation uses.
const Account = "123456789012"

// IBMAccount is the IBM Cloud account of CRNs: 32 hex digits, as IBM
// account IDs are.
const IBMAccount = "0123456789abcdef0123456789abcdef"

// DefaultRegion is the AWS region of a provider configured with none.
const DefaultRegion = "us-east-1"

// Resource is what the cloud derives a resource's values from.
type Resource struct {
	URN resource.URN
	// Inputs as the provider's Check returned them (auto-names applied).
	Inputs resource.PropertyMap
	// Region of the resource's provider instance; "" when it has none.
	Region string
	// ID once the resource exists; Outputs needs it.
	ID resource.ID
}

// Type is the resource's type token.
func (r Resource) Type() string { return string(r.URN.Type()) }

// digest hashes the URN with a salt: every value comes from it, so the same
// program yields the same values on every run, in the plan and the
// simulator alike.
func digest(urn resource.URN, salt string) [32]byte {
	return sha256.Sum256([]byte(string(urn) + "\x00" + salt))
}

// hexOf is n hex digits (n ≤ 64) of the digest of urn and salt.
func hexOf(urn resource.URN, salt string, n int) string {
	h := digest(urn, salt)
	return hex.EncodeToString(h[:])[:n]
}

// uuidOf is a UUID-shaped value derived from urn and salt.
func uuidOf(urn resource.URN, salt string) string {
	h := hexOf(urn, "uuid/"+salt, 32)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// splitToken splits a type token pkg:module:Kind.
func splitToken(tok string) (pkg, mod, kind string) {
	parts := strings.SplitN(tok, ":", 3)
	for len(parts) < 3 {
		parts = append(parts, "")
	}
	return parts[0], parts[1], parts[2]
}

// str is a string input, or "".
func str(m resource.PropertyMap, key string) string {
	if v, ok := m[resource.PropertyKey(key)]; ok && v.IsString() {
		return v.StringValue()
	}
	return ""
}

// physicalName is the cloud-side name in the inputs (after auto-naming),
// or "".
func physicalName(r Resource) string {
	if a, ok := autoNames[r.Type()]; ok {
		return str(r.Inputs, a.prop)
	}
	return str(r.Inputs, "name")
}

// nameOr is the physical name, or the logical one.
func nameOr(r Resource) string {
	if n := physicalName(r); n != "" {
		return n
	}
	return r.URN.Name()
}

func regionOr(region, def string) string {
	if region == "" {
		return def
	}
	return region
}

// Known reports whether the model describes typ: its ID shape, computed
// outputs and auto-naming are stated here rather than left to a package's
// fallback.
func Known(typ string) bool {
	_, ok := kinds[typ]
	return ok
}

// Types lists the type tokens the model describes, sorted.
func Types() []string {
	return slices.Sorted(maps.Keys(kinds))
}
