package ui

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var updateSchemas = flag.Bool("update", false, "rewrite ui/schema/*.json from the Go types")

// The published schemas are the ones the types give: regenerate them with
// go test ./ui -run TestSchemasAreCommitted -update.
func TestSchemasAreCommitted(t *testing.T) {
	for _, kind := range Kinds() {
		want, err := GenerateSchema(kind)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("schema", kind+".json")
		if *updateSchemas {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := SchemaOf(kind)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s differs from the %s type (%v); run go test ./ui -run TestSchemasAreCommitted -update", path, kind, err)
		}
	}
	entries, _ := os.ReadDir("schema")
	if !*updateSchemas && len(entries) != len(Kinds()) {
		t.Errorf("ui/schema holds %d files for %d kinds", len(entries), len(Kinds()))
	}
}

// Compile loads the published schema of kind for validation.
func compileSchema(t *testing.T, kind string) *jsonschema.Schema {
	t.Helper()
	b, err := SchemaOf(kind)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(SchemaID(kind), doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(SchemaID(kind))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestEnvelope(t *testing.T) {
	var b bytes.Buffer
	if err := WriteError(&b, "boom", 1); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "{\n  \"kind\": \"error\",\n  \"version\": 1,\n  \"error\": {") {
		t.Errorf("error document:\n%s", b.String())
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := compileSchema(t, KindError).Validate(doc); err != nil {
		t.Error(err)
	}
	// A document of another kind fails the schema: the envelope is checked.
	var other map[string]any
	_ = json.Unmarshal(b.Bytes(), &other)
	other["kind"] = "run"
	if err := compileSchema(t, KindError).Validate(other); err == nil {
		t.Error("an error schema accepts kind run")
	}
	if err := writeDocument(&b, "nope", struct{}{}); err == nil {
		t.Error("unknown kind written")
	}
	if err := writeDocument(&b, KindError, []int{1}); err == nil {
		t.Error("a list written as a document")
	}
}
