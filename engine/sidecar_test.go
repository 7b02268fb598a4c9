package engine

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestPulumiBackendURL(t *testing.T) {
	for in, want := range map[string]string{
		"file:///state":           "file:///state?metadata=skip",
		"file:///state?x=1":       "file:///state?x=1",
		"s3://bucket?region=eu-1": "s3://bucket?region=eu-1",
	} {
		if got := pulumiBackendURL(in); got != want {
			t.Errorf("pulumiBackendURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRepairSidecars: the empty sidecar a killed write leaves is removed
// and named by stack; a sound one, and every blob, stay.
func TestRepairSidecars(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		".pulumi/stacks/pair/a.json":                     `{"version":3}`,
		".pulumi/stacks/pair/a.json.attrs":               ``,
		".pulumi/stacks/pair/a.json.bak.attrs":           `{"user.content_type":"application/json"}`,
		".pulumi/stacks/pair/b.json.attrs":               `{"user.content_type":"application/json"}`,
		".pulumi/locks/organization/pair/b/1.json.attrs": `{"md5`,
		".pulumi/meta.yaml.attrs":                        ``,
		".pulumi/stacks/other/c.json.attrs":              ``,
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	removed, err := repairSidecars(dir, "pair")
	if err != nil {
		t.Fatal(err)
	}
	at := func(rel string) string { return filepath.Join(dir, rel) }
	want := map[string][]string{
		"a": {at(".pulumi/stacks/pair/a.json.attrs")},
		"b": {at(".pulumi/locks/organization/pair/b/1.json.attrs")},
		"":  {at(".pulumi/meta.yaml.attrs"), at(".pulumi/stacks/other/c.json.attrs")},
	}
	if !reflect.DeepEqual(removed, want) {
		t.Errorf("removed %v, want %v", removed, want)
	}
	for name := range files {
		_, err := os.Stat(at(name))
		gone := os.IsNotExist(err)
		damaged := false
		for _, l := range want {
			for _, p := range l {
				damaged = damaged || p == at(name)
			}
		}
		if gone != damaged {
			t.Errorf("%s: removed %v, damaged %v", name, gone, damaged)
		}
	}
	if again, err := repairSidecars(filepath.Join(dir, "none"), "pair"); err != nil || len(again) != 0 {
		t.Errorf("a backend with no .pulumi: %v, %v", again, err)
	}
	if w := sidecarWarnings("a", want["a"]); len(w) != 1 || w[0].Rule != RuleSidecar {
		t.Errorf("warnings: %+v", w)
	}
}
