package rules

import (
	"strings"
	"testing"
)

// A server type Hetzner does not sell in a location is refused at create
// ("unsupported location for server type"); the rules refuse it offline.
func TestHetznerServerTypePerLocation(t *testing.T) {
	for _, c := range []struct {
		typ, loc string
		ok       bool
	}{
		{"cx23", "nbg1", true}, {"cx33", "hel1", true}, {"cpx12", "ash", true}, {"ccx13", "sin", true},
		{"cx23", "ash", false}, {"cx53", "hil", false}, {"cx33", "sin", false}, {"cax11", "ash", false},
	} {
		vs := Check("hcloud:index/server:Server", map[string]any{"name": "s", "serverType": c.typ, "image": "ubuntu-24.04", "location": c.loc})
		got := true
		for _, v := range vs {
			if v.Property == "serverType" && v.Severity == Error {
				got = false
				if !strings.Contains(v.Message, c.typ) || !strings.Contains(v.Message, c.loc) || v.Source == "" {
					t.Errorf("%s in %s: %v", c.typ, c.loc, v)
				}
			}
		}
		if got != c.ok {
			t.Errorf("%s in %s: accepted = %v, want %v (%v)", c.typ, c.loc, got, c.ok, vs)
		}
		if HetznerServerTypeSold(c.typ, c.loc) != c.ok {
			t.Errorf("HetznerServerTypeSold(%s, %s) != %v", c.typ, c.loc, c.ok)
		}
	}
}
