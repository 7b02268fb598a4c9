package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"infra/stacks/wireguard"
	"infra/topology"
	"infra/topology/topologytest"
	"infra/ui"
)

// keyMaterial fails t for every WireGuard key (private, public or PSK: one
// text format, clouds.md §5) found in text, naming where it came from.
func keyMaterial(t *testing.T, where, text string) {
	t.Helper()
	for _, k := range wireguard.KeyMaterial.FindAllString(text, 3) {
		t.Errorf("%s: key material in plain text: %s…", where, k[:8])
	}
}

// No WireGuard key, private or not, appears in any golden file, in any
// format of any example's plan, in a saved plan, or in `infra mesh config`.
// The plan's mocks hand out private keys and PSKs in the real key format,
// so a redaction that failed anywhere would show here.
func TestNoKeyMaterialInOutputs(t *testing.T) {
	var goldens []string
	for _, pattern := range []string{"../golden/*", "../adr/testdata/*/*/*", "../ui/testdata/*/*"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		goldens = append(goldens, files...)
	}
	if len(goldens) < 3 {
		t.Fatalf("found only %d golden files", len(goldens))
	}
	for _, f := range goldens {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		keyMaterial(t, f, string(b))
	}

	meshes := 0
	for _, ex := range examples(t) {
		for _, format := range ui.PlanFormats {
			r := run(t, false, nil, "plan", "-f", ex, "--format", format)
			if r.code != 0 {
				t.Fatalf("plan -f %s --format %s: exit %d: %s", ex, format, r.code, r.err)
			}
			keyMaterial(t, "plan "+ex+" --format "+format, r.out+r.err)
			if format == ui.FormatJSON && strings.Contains(ex, "multicloud") {
				// not vacuous: the keys are in the plan, redacted
				for _, want := range []string{`"type": "` + wireguard.PresharedKeyType, `"type": "` + wireguard.WireGuardKeyType, `"meshPrivateKey": "[secret]"`, `"userData": "[secret]"`} {
					if !strings.Contains(r.out, want) {
						t.Errorf("plan of %s lacks %s", ex, want)
					}
				}
			}
		}
		out := filepath.Join(t.TempDir(), "plan.json")
		if r := run(t, false, nil, "plan", "-f", ex, "--out", out); r.code != 0 {
			t.Fatalf("plan --out: exit %d: %s", r.code, r.err)
		}
		saved, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		keyMaterial(t, "plan --out of "+ex, string(saved))

		spec := topologytest.Load(t, ex)
		if spec.Network.Mesh == nil {
			continue
		}
		for _, r := range spec.Regions() {
			if !r.InMesh() {
				continue
			}
			meshes++
			node := []string{"--node", r.Ref()}
			if r.Cloud == topology.AWS && len(r.Zones) > 0 {
				node = append(node, "--zone", r.Zones[len(r.Zones)-1]) // a gateway per zone: the last zone's
			}
			for _, extra := range [][]string{{"--placeholders"}, {"--json"}} {
				args := append(append([]string{"mesh", "config", "-f", ex}, node...), extra...)
				res := run(t, false, nil, args...)
				if res.code != 0 {
					t.Fatalf("%s: exit %d: %s", strings.Join(args, " "), res.code, res.err)
				}
				keyMaterial(t, strings.Join(args, " "), res.out+res.err)
			}
		}
	}
	if meshes == 0 {
		t.Error("no example has a mesh node to check")
	}
}
