package rules

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The embedded data are byte-identical copies of the reference facts. CI has
// the reference; elsewhere the comparison skips.
func TestDataMatchesReference(t *testing.T) {
	ref := filepath.Join("..", "..", "shared", "reference")
	if _, err := os.Stat(ref); err != nil {
		t.Skipf("no reference at %s: %v", ref, err)
	}
	pairs := map[string]string{
		"data/provider-rules.json": filepath.Join(ref, "provider-rules.json"),
	}
	for _, s := range []string{"aws", "hcloud", "ovh"} {
		pairs["data/schemas/"+s+".json"] = filepath.Join(ref, "schemas", s+".json")
	}
	for copyPath, src := range pairs {
		want, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		got, err := data.ReadFile(copyPath)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s; run `go generate ./rules`", copyPath, src)
		}
	}
}

// The embedded data decode, and every pattern the rules use compiles.
func TestDataDecodes(t *testing.T) {
	d, err := decode()
	if err != nil {
		t.Fatal(err)
	}
	if len(d.resources) == 0 || len(d.schemaRes) == 0 || len(d.ibm) == 0 || len(d.limits) == 0 {
		t.Fatalf("empty data: %d resources, %d schemas, %d ibm objects, %d limits", len(d.resources), len(d.schemaRes), len(d.ibm), len(d.limits))
	}
	for typ := range d.resources {
		if d.schemaRes[typ] == nil {
			t.Errorf("%s has rules but no schema", typ)
		}
	}
}

// The additions reach the decoded data: the OVH private subnet, the vRack
// attachment and the Auto Scaling attachment have rules and a schema although
// the reference covers neither.
func TestAdditionsApply(t *testing.T) {
	d, err := decode()
	if err != nil {
		t.Fatal(err)
	}
	for typ, pkg := range map[string]string{
		"ovh:CloudProject/networkPrivateSubnetV2:NetworkPrivateSubnetV2": "ovh",
		"ovh:Vrack/cloudProject:CloudProject":                            "ovh",
		"aws:autoscaling/attachment:Attachment":                          "aws",
	} {
		if d.resources[typ] == nil || d.schemaRes[typ] == nil || d.schemaSource[typ] != pkg {
			t.Errorf("%s: rules %v, schema %v, source %q", typ, d.resources[typ] != nil, d.schemaRes[typ] != nil, d.schemaSource[typ])
		}
	}
	if d.schemaTypes["ovh:CloudProject/NetworkPrivateSubnetV2HostRoute:NetworkPrivateSubnetV2HostRoute"] == nil {
		t.Error("the subnet's host route type is missing")
	}
}

// corrections.json amends an object the reference has, adds one it lacks
// only when the entry says so and cites a source, and refuses the mistakes
// either would hide.
func TestApplyCorrections(t *testing.T) {
	fresh := func() *db {
		return &db{ibm: map[string]*ibmObject{"Vpc": {Mutable: []string{"name"}, Immutable: []string{"region"}}}}
	}
	for name, tc := range map[string]struct {
		file string
		want string // an error fragment, "" for success
	}{
		"amend":             {`{"ibm":{"Vpc":{"mutable":["name","tags"]}}}`, ""},
		"add":               {`{"ibm":{"ServiceId":{"added":true,"source":"IAM Identity API","mutable":["name"]}}}`, ""},
		"typo":              {`{"ibm":{"Vcp":{"mutable":["name"]}}}`, "ibm.Vcp is not in provider-rules.json"},
		"add what exists":   {`{"ibm":{"Vpc":{"added":true,"source":"x","mutable":["name"]}}}`, "ibm.Vpc is marked added"},
		"add without cites": {`{"ibm":{"ServiceId":{"added":true,"mutable":["name"]}}}`, "cites no source"},
		"not json":          {`{"ibm":{"Vpc":[]}}`, "corrections.json ibm.Vpc"},
	} {
		d := fresh()
		err := applyCorrections(d, []byte(tc.file))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want one with %q", name, err, tc.want)
		}
		if tc.want != "" {
			continue
		}
		// An amendment keeps the fields it does not name.
		if v := d.ibm["Vpc"]; len(v.Immutable) != 1 || v.Immutable[0] != "region" {
			t.Errorf("%s: the reference's immutable fields became %v", name, v.Immutable)
		}
	}
	d := fresh()
	if err := applyCorrections(d, []byte(`{"ibm":{"Vpc":{"mutable":["name","tags"]},"ServiceId":{"added":true,"source":"s","mutable":["name","description"]}}}`)); err != nil {
		t.Fatal(err)
	}
	if got := d.ibm["Vpc"].Mutable; len(got) != 2 || got[1] != "tags" {
		t.Errorf("amended mutable: %v", got)
	}
	if o := d.ibm["ServiceId"]; o == nil || len(o.Mutable) != 2 {
		t.Errorf("added object: %+v", o)
	}
}
