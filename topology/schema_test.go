package topology

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite topology.schema.json")

// TestSchemaFile keeps the committed schema, which the examples' editor
// comment points at, equal to the one generated from the Go types.
func TestSchemaFile(t *testing.T) {
	b, err := Schema()
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if !json.Valid(b) {
		t.Fatal("schema is not valid JSON")
	}
	const path = "topology.schema.json"
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./topology -run TestSchemaFile -update)", err)
	}
	if !bytes.Equal(got, b) {
		t.Errorf("%s is stale; run go test ./topology -run TestSchemaFile -update", path)
	}
	// Generation is deterministic.
	again, _ := Schema()
	if !bytes.Equal(append(again, '\n'), b) {
		t.Error("Schema() differs between calls")
	}
}
