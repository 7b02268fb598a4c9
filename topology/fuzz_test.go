package topology

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the decoder. Parse must never panic,
// must be deterministic, must anchor every diagnostic in the file, and a spec
// it accepts must validate cleanly again.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("../examples/*.yaml")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		base,
		base + "        zonez: [us-east-1a]\n",
		base + "        cidr: 10.0.0.0/33\n",
		"name: acme\nclouds: [aws\n",
		"name: acme\nclouds:\n  aws:\n    regions:\n      -\n",
		"a: &a [*a]\n",
		"a: &a {<<: *a}\n",
		"name: acme\nclouds:\n  hetzner:\n    regions:\n      - &d {region: nbg1, environment: dev}\n      - {<<: [*d, *d], region: fsn1}\n",
		"name: &n acme\nclouds: {aws: {regions: [&r {region: us-east-1, environment: *n}, *r]}}\n",
		base + "---\n" + base,
		base + "landingZone:\n  guardrails: [~, {allowed-regions: {aws: x}}, {require-tags: *x}]\n",
		base + "network: {mesh: {overlay: 10.0.0.0/31}, globalLoadBalancer: {hostname: a.b.c, pools: [~, {name: x, members: [aws/us-east-1], geo: [WEU, WEU]}], fallback: x}}\n",
		"",
		"\t",
		"[]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, ds, err := Parse("fuzz.yaml", data)
		for _, d := range ds {
			if d.Pos.File != "fuzz.yaml" || d.Pos.Line < 1 || d.Message == "" {
				t.Errorf("diagnostic without a place or message: %#v", d)
			}
		}
		if err == nil && ds.HasErrors() || err != nil && !ds.HasErrors() {
			t.Fatalf("err = %v but HasErrors = %v", err, ds.HasErrors())
		}
		spec2, ds2, _ := Parse("fuzz.yaml", data)
		if !reflect.DeepEqual(ds, ds2) {
			t.Fatalf("Parse is not deterministic:\n%v\n---\n%v", ds, ds2)
		}
		if err != nil {
			if spec != nil {
				t.Fatal("a spec came back with errors")
			}
			return
		}
		if !reflect.DeepEqual(spec, spec2) {
			t.Fatal("Parse returned different specs for the same input")
		}
		// Defaults are a fixed point, and what was accepted stays accepted.
		applyDefaults(spec)
		if !reflect.DeepEqual(spec, spec2) {
			t.Fatal("applying defaults twice changed the spec")
		}
		if again := validate(spec); again.HasErrors() {
			t.Fatalf("accepted spec fails re-validation:\n%s", again.Error())
		}
	})
}
