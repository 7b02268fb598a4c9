package adr

import (
	"flag"
	derived "infra/model"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"infra/topology"
)

var update = flag.Bool("update", false, "rewrite the golden ADR sets in testdata/")

const (
	day1 = "2026-01-15"
	day2 = "2026-02-01"
	day3 = "2026-03-10"
)

func derive(t testing.TB, file string, data []byte) []Record {
	t.Helper()
	spec, _, err := topology.Parse(file, data)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	m, err := derived.Derive(spec)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := Derive(m)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func example(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "examples", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func examples(t testing.TB) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "examples", "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	var out []string
	for _, p := range paths {
		out = append(out, strings.TrimSuffix(filepath.Base(p), ".yaml"))
	}
	return out
}

func plan(t testing.TB, existing Files, recs []Record, opts ...Option) (*Result, Files) {
	t.Helper()
	res, err := PlanFiles(existing, recs, opts...)
	if err != nil {
		t.Fatal(err)
	}
	out := Files{}
	for k, v := range existing {
		out[k] = v
	}
	for k, v := range res.Files {
		out[k] = v
	}
	return res, out
}

// TestGolden pins the record set of every example in both formats, and
// checks that regenerating it from itself changes nothing.
func TestGolden(t *testing.T) {
	for _, name := range examples(t) {
		for _, f := range Formats {
			t.Run(name+"/"+string(f), func(t *testing.T) {
				recs := derive(t, name+".yaml", example(t, name))
				res, files := plan(t, Files{}, recs, WithFormat(f), WithDate(day1))
				if res.Count(Created) != len(recs)+1 {
					t.Fatalf("created %d files, want %d records and the index", res.Count(Created), len(recs))
				}
				dir := filepath.Join("testdata", name, string(f))
				if *update {
					if err := os.RemoveAll(dir); err != nil {
						t.Fatal(err)
					}
					if err := os.MkdirAll(dir, 0o755); err != nil {
						t.Fatal(err)
					}
					for n, b := range files {
						if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
							t.Fatal(err)
						}
					}
				}
				golden, err := ReadDir(dir)
				if err != nil {
					t.Fatal(err)
				}
				if *update {
					golden = nil // written, not compared with itself
				}
				for _, n := range sortedNames(files) {
					if golden == nil {
						break
					}
					if g, ok := golden[n]; !ok {
						t.Errorf("%s: missing from %s (run go test ./adr -update)", n, dir)
					} else if string(g) != string(files[n]) {
						t.Errorf("%s differs from %s (run go test ./adr -update and review the diff)", n, filepath.Join(dir, n))
					}
				}
				for n := range golden { // nil under -update
					if _, ok := files[n]; !ok {
						t.Errorf("%s: in %s but no longer generated", n, dir)
					}
				}
				again, _ := plan(t, files, recs, WithFormat(f), WithDate(day2))
				if again.Changed() || again.Count(Unchanged) != len(recs)+1 {
					t.Errorf("regenerating an unchanged topology wrote %v", sortedNames(again.Files))
				}
			})
		}
	}
}

// TestDeriveCoverage checks that every category of decision has a record with
// every section filled, for every example.
func TestDeriveCoverage(t *testing.T) {
	for _, name := range examples(t) {
		recs := derive(t, name+".yaml", example(t, name))
		keys := map[string]bool{}
		for _, r := range recs {
			if keys[r.Key] {
				t.Errorf("%s: key %s repeated", name, r.Key)
			}
			keys[r.Key] = true
			if r.Title == "" || r.Context == "" || r.Chosen == "" || r.Decision == "" || r.Implementation == "" ||
				len(r.Alternatives) == 0 || len(r.Positive) == 0 || len(r.Negative) == 0 {
				t.Errorf("%s: record %s has an empty section: %+v", name, r.Key, r)
			}
		}
		for _, want := range []string{"adr", "placement", "mesh", "glb", "landing-zone", "guardrails", "state"} {
			if !keys[want] {
				t.Errorf("%s: no %s record", name, want)
			}
		}
		prefixCount := func(p string) int {
			n := 0
			for k := range keys {
				if strings.HasPrefix(k, p) {
					n++
				}
			}
			return n
		}
		if prefixCount("cluster/") == 0 || prefixCount("transit") == 0 {
			t.Errorf("%s: missing cluster or transit records: %v", name, keys)
		}
	}
}

func TestMulticloudFigures(t *testing.T) {
	recs := derive(t, "multicloud.yaml", example(t, "multicloud"))
	for key, wants := range map[string][]string{
		"cluster/aws-us-east-1-prod":    {"99.99% availability: at most 52.56 minutes", "3–9 nodes in all", "10.10.0.0/20", "losing one zone leaves 2 of 3 node groups, 2–6 nodes, 66.7%"},
		"cluster/aws-us-east-1-staging": {"99.9% availability: at most 8.76 hours", "2 nodes in all"},
		"cluster/hetzner-nbg1-prod":     {"99.5% availability: at most 43.8 hours", "3 control planes running embedded etcd", "network zone eu-central"},
		"cluster/ibm-us-south-prod":     {"bx2.4x16 (4 vCPU, 16 GB) workers, 2 per zone, 6 in all"},
		"mesh":                          {"11 gateways", "23 peer pairs", "full mesh per environment", "MTU 1440, derived from the clouds", "UDP port 51820", "`infra:mesh:WireGuardKey`", "room for 243 more gateways", "9 gateways behind a 1:1 NAT", "AWS, a gateway per zone", "5 gateways in 2 regions", "$86.43 a month each", "$432.16 a month for the topology's 5 AWS gateways where one per region would be $172.86"},
		"glb":                           {"`dynamic_latency` steering", "about 80 s", "fallback pool `eu`", "`geo` steering", "`random` steering"},
		"landing-zone":                  {"7 accounts", "Workloads/Prod", "aws+log-archive@acme.example"},
		"guardrails":                    {"SCP DenyPublicS3+DenyRootAccountUsage+RequireEncryption", "Key Protect", "5,120 characters"},
		"state":                         {"`file://.infra/state`", "23 pre-shared keys", "16 Pulumi stacks", "4 cross-region stacks", "`transit-aws`, `mesh`, `glb`"},
		"transit/ibm":                   {"global routing"},
		"placement":                     {"prod keeps serving if any one cloud fails: no cloud holds more than 2 of its 5 regions"},
	} {
		text := fence(t, recs, key)
		for _, w := range wants {
			if !strings.Contains(strings.ToLower(text), strings.ToLower(w)) {
				t.Errorf("%s: missing %q", key, w)
			}
		}
	}
}

// edit applies textual edits to an example, failing if one does not apply.
func edit(t *testing.T, src []byte, pairs ...string) []byte {
	t.Helper()
	s := string(src)
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("edit: %q not in the spec", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return []byte(s)
}

var statusLine = regexp.MustCompile(`(?m)^## Status\n\n(.*)\n`)

func statusOf(t *testing.T, files Files, name string) string {
	t.Helper()
	m := statusLine.FindStringSubmatch(string(files[name]))
	if m == nil {
		t.Fatalf("%s: no status in\n%s", name, files[name])
	}
	return m[1]
}

func changed(res *Result, a Action) []string {
	var out []string
	for _, c := range res.Changes {
		if c.Action == a {
			out = append(out, c.File)
		}
	}
	return out
}

func fileOf(t *testing.T, res *Result, key string, a Action) string {
	t.Helper()
	for _, c := range res.Changes {
		if c.Key == key && c.Action == a {
			return c.File
		}
	}
	t.Fatalf("no %s record with key %s in %v", a, key, res.Changes)
	return ""
}

// TestSupersedeChain edits the multicloud topology twice (switch the GLB
// steering and add a region, then switch the steering back) and follows the
// records: new ones supersede old ones, old ones link forward, the index says
// so, and history is otherwise untouched.
func TestSupersedeChain(t *testing.T) {
	src := example(t, "multicloud")
	v1 := derive(t, "multicloud.yaml", src)
	res1, files1 := plan(t, Files{}, v1, WithDate(day1))
	glb1 := fileOf(t, res1, "glb", Created)
	placement1 := fileOf(t, res1, "placement", Created)
	last := len(v1)

	// Edit 1: geo steering and a new AWS region.
	src2 := edit(t, src,
		"steering: dynamic_latency", "steering: geo",
		"  aws:\n    regions:\n", "  aws:\n    regions:\n      - {region: us-west-2, environment: prod}\n")
	v2 := derive(t, "multicloud.yaml", src2)
	res2, files2 := plan(t, files1, v2, WithDate(day2))

	glb2 := fileOf(t, res2, "glb", Created)
	fileOf(t, res2, "cluster/aws-us-west-2-prod", Created)
	if !strings.Contains(glb2, "geo-steering") {
		t.Errorf("new GLB record %s should be named after geo steering", glb2)
	}
	superseded := changed(res2, Superseded)
	for _, want := range []string{glb1, placement1} {
		if !slices.Contains(superseded, want) {
			t.Errorf("%s not superseded; superseded: %v", want, superseded)
		}
	}
	n2 := strings.SplitN(glb2, "-", 2)[0]
	if got, want := statusOf(t, files2, glb1), "Superseded by [ADR-"+n2+"]("+glb2+")"; got != want {
		t.Errorf("old GLB status = %q, want %q", got, want)
	}
	if !strings.Contains(string(files2[glb2]), "Supersedes [ADR-0015]("+glb1+")") {
		t.Errorf("new GLB record does not link back to %s:\n%s", glb1, files2[glb2])
	}
	if !strings.Contains(string(files2[glb2]), "Date: "+day2) || !strings.Contains(string(files2[glb1]), "Date: "+day1) {
		t.Error("dates: new records take --date, old ones keep theirs")
	}
	// Superseding rewrites the status line and nothing else.
	oldLines, newLines := splitLines(files1[glb1]), splitLines(files2[glb1])
	if len(oldLines) != len(newLines) {
		t.Fatalf("superseded record changed length: %d → %d lines", len(oldLines), len(newLines))
	}
	diffs := 0
	for i := range oldLines {
		if oldLines[i] != newLines[i] {
			diffs++
		}
	}
	if diffs != 1 {
		t.Errorf("superseding changed %d lines of %s, want 1", diffs, glb1)
	}
	// Decisions the edit did not touch keep their bytes.
	for _, key := range []string{"cluster/hetzner-nbg1-prod", "guardrails", "transit/ibm", "adr"} {
		f := fileOf(t, res1, key, Created)
		if string(files1[f]) != string(files2[f]) || slices.Contains(superseded, f) {
			t.Errorf("%s changed although its decision did not", f)
		}
	}
	// Numbers continue after the last one, in derivation order.
	for _, c := range res2.Changes {
		if c.Action == Created && c.File != IndexFile && c.Number <= last {
			t.Errorf("new record %s reuses number %d", c.File, c.Number)
		}
	}
	idx := string(files2[IndexFile])
	if !strings.Contains(idx, "| 0015 | [Global load balancing of app.example.com with dynamic_latency steering]("+glb1+") | Superseded by [ADR-"+n2+"]("+glb2+") | "+day1+" |") {
		t.Errorf("index does not show the superseded GLB record:\n%s", idx)
	}
	if !strings.Contains(idx, "["+"Global load balancing of app.example.com with geo steering]("+glb2+") | Accepted | "+day2+" |") {
		t.Errorf("index does not show the new GLB record:\n%s", idx)
	}

	// Edit 2: back to dynamic_latency. A third record supersedes the second;
	// the first stays superseded by the second.
	src3 := edit(t, src2, "steering: geo", "steering: dynamic_latency")
	v3 := derive(t, "multicloud.yaml", src3)
	res3, files3 := plan(t, files2, v3, WithDate(day3))
	glb3 := fileOf(t, res3, "glb", Created)
	n3 := strings.SplitN(glb3, "-", 2)[0]
	if got := statusOf(t, files3, glb2); got != "Superseded by [ADR-"+n3+"]("+glb3+")" {
		t.Errorf("second GLB status = %q", got)
	}
	if got := statusOf(t, files3, glb1); got != "Superseded by [ADR-"+n2+"]("+glb2+")" {
		t.Errorf("first GLB status = %q", got)
	}
	if !strings.Contains(string(files3[glb3]), "Supersedes [ADR-"+n2+"]("+glb2+")") {
		t.Errorf("third GLB record does not link to the second")
	}
	if string(files3[glb1]) != string(files2[glb1]) {
		t.Error("the first record changed again")
	}
	if got := changed(res3, Superseded); !slices.Equal(got, []string{glb2}) {
		t.Errorf("edit 2 superseded %v, want only %s", got, glb2)
	}

	// Same topology, another day: nothing to do.
	res4, _ := plan(t, files3, v3, WithDate("2027-01-01"))
	if res4.Changed() {
		t.Errorf("unchanged topology rewrote %v", sortedNames(res4.Files))
	}
}

// firstRun is the multicloud example's source and its records written
// into an empty directory on day1.
func firstRun(t *testing.T) ([]byte, *Result, Files) {
	t.Helper()
	src := example(t, "multicloud")
	res, files := plan(t, Files{}, derive(t, "multicloud.yaml", src), WithDate(day1))
	return src, res, files
}

func TestDeprecated(t *testing.T) {
	src, res1, files1 := firstRun(t)
	hel := fileOf(t, res1, "cluster/hetzner-hel1-dev", Created)
	src2 := edit(t, src, "      # dev has no other region to peer with: gateways peer within their environment\n      - region: hel1\n        environment: dev\n        cidr: 10.22.0.0/16\n        mesh: false\n        cluster: {serverType: cx23, workers: 1, apiAccess: [203.0.113.0/24]}\n", "")
	res2, files2 := plan(t, files1, derive(t, "multicloud.yaml", src2), WithDate(day2))
	if got := changed(res2, Deprecated); !slices.Equal(got, []string{hel}) {
		t.Fatalf("deprecated %v, want %s", got, hel)
	}
	if got := statusOf(t, files2, hel); got != "Deprecated" {
		t.Errorf("status = %q", got)
	}
	// Deprecated records stay deprecated.
	res3, _ := plan(t, files2, derive(t, "multicloud.yaml", src2), WithDate(day3))
	if res3.Changed() {
		t.Errorf("second run rewrote %v", sortedNames(res3.Files))
	}
}

// TestHandWrittenTextKept writes notes outside the fence of a record that will
// be re-rendered, one that will be superseded, and the index, then edits the
// spec and the format: every note survives, and edits inside a fence do not.
func TestHandWrittenTextKept(t *testing.T) {
	src, res1, files := firstRun(t)
	mesh := fileOf(t, res1, "mesh", Created)
	glb := fileOf(t, res1, "glb", Created)
	const note1 = "We chose a full mesh after the 2025 hub outage. -- ops"
	const note2 = "Discussed in the architecture board, 2026-01-10."
	const note3 = "Owner: platform team."
	files[mesh] = []byte(strings.Replace(string(files[mesh]), "## Notes\n", "## Notes\n\n"+note1+"\n", 1))
	files[glb] = []byte(strings.Replace(string(files[glb]), "\n\n<!-- infra:adr key=", "\n\n"+note2+"\n\n<!-- infra:adr key=", 1))
	files[IndexFile] = []byte(string(files[IndexFile]) + "\n" + note3 + "\n")
	// A hand edit inside the fence is infra's to undo.
	tampered := strings.Replace(string(files[mesh]), "full mesh", "FULL MESH", 1)
	files[mesh] = []byte(tampered)

	src2 := edit(t, src, "steering: dynamic_latency", "steering: random")
	res2, files2 := plan(t, files, derive(t, "multicloud.yaml", src2), WithDate(day2))
	if !strings.Contains(string(files2[mesh]), note1) || strings.Contains(string(files2[mesh]), "FULL MESH") {
		t.Errorf("re-rendered record lost its note or kept an edit inside the fence:\n%s", files2[mesh])
	}
	if !slices.Contains(changed(res2, Updated), mesh) {
		t.Errorf("%s should be updated (fence restored)", mesh)
	}
	if !strings.Contains(string(files2[glb]), note2) || !strings.HasPrefix(statusOf(t, files2, glb), "Superseded by") {
		t.Errorf("superseded record lost its note:\n%s", files2[glb])
	}
	if !strings.Contains(string(files2[IndexFile]), note3) {
		t.Error("index lost its note")
	}

	// Switching format keeps notes and numbers, and rewrites live records only.
	res3, files3 := plan(t, files2, derive(t, "multicloud.yaml", src2), WithFormat(MADR), WithDate(day3))
	if !strings.Contains(string(files3[mesh]), note1) {
		t.Error("format switch lost the note")
	}
	if !strings.HasPrefix(string(files3[mesh]), "---\nstatus: accepted\ndate: "+day1+"\n---\n# Cross-cloud WireGuard full mesh\n") {
		t.Errorf("mesh record not in MADR:\n%s", files3[mesh])
	}
	if string(files3[glb]) != string(files2[glb]) {
		t.Error("format switch rewrote a superseded record")
	}
	if res3.Count(Created) != 0 || res3.Count(Superseded) != 0 {
		t.Errorf("format switch created or superseded records: %+v", res3.Changes)
	}
}

func TestMADRSupersede(t *testing.T) {
	src := example(t, "minimal")
	res1, files1 := plan(t, Files{}, derive(t, "minimal.yaml", src), WithFormat(MADR), WithDate(day1))
	old := fileOf(t, res1, "cluster/aws-eu-west-1-dev", Created)
	src2 := edit(t, src, "environment: dev\n", "environment: dev\n        zones: [eu-west-1a, eu-west-1b]\n")
	res2, files2 := plan(t, files1, derive(t, "minimal.yaml", src2), WithFormat(MADR), WithDate(day2))
	nw := fileOf(t, res2, "cluster/aws-eu-west-1-dev", Created)
	want := `status: "superseded by [ADR-` + nw[:4] + `](` + nw + `)"`
	if !strings.Contains(string(files2[old]), want) {
		t.Errorf("old MADR record lacks %s:\n%s", want, files2[old])
	}
	p := parseRecord(old, files2[old])
	if p.state.Status.Kind != "superseded" || p.state.Status.ByFile != nw {
		t.Errorf("parsed status %+v", p.state.Status)
	}
	if !strings.Contains(string(files2[nw]), "99.9%") {
		t.Error("two zones should target 99.9%")
	}
}

// TestForeignRecords keeps records infra did not write (adr-tools' own, or
// hand-written ones) and numbers after them.
func TestForeignRecords(t *testing.T) {
	adrTools := "# 1. Record architecture decisions\n\nDate: 2024-05-01\n\n## Status\n\nAccepted\n\n## Context\n\nWe need to record decisions.\n"
	existing := Files{
		"0001-record-architecture-decisions.md": []byte(adrTools),
		"0002-use-postgres.md":                  []byte("# 2. Use Postgres\n\nDate: 2024-06-01\n\n## Status\n\nProposed\n"),
		"notes.md":                              []byte("not a record"),
	}
	res, files := plan(t, existing, derive(t, "minimal.yaml", example(t, "minimal")), WithDate(day1))
	if string(files["0001-record-architecture-decisions.md"]) != adrTools {
		t.Error("foreign record rewritten")
	}
	first := res.Changes[0]
	if first.Number != 1 || first.Action != Unchanged {
		t.Errorf("first change %+v", first)
	}
	for _, c := range res.Changes {
		if c.Action == Created && c.File != IndexFile && c.Number < 3 {
			t.Errorf("%s numbered into foreign records", c.File)
		}
	}
	idx := string(files[IndexFile])
	for _, want := range []string{"| 0001 | [Record architecture decisions](0001-record-architecture-decisions.md) | Accepted | 2024-05-01 |", "| 0002 | [Use Postgres](0002-use-postgres.md) | Proposed | 2024-06-01 |"} {
		if !strings.Contains(idx, want) {
			t.Errorf("index lacks %q:\n%s", want, idx)
		}
	}
	if strings.Contains(idx, "notes.md") {
		t.Error("index lists a file that is not a record")
	}
}

func TestPlanErrors(t *testing.T) {
	recs := derive(t, "minimal.yaml", example(t, "minimal"))
	for name, tc := range map[string]struct {
		files Files
		recs  []Record
		opts  []Option
		want  string
	}{
		"no date":      {Files{}, recs, nil, "invalid date"},
		"bad date":     {Files{}, recs, []Option{WithDate("15/01/2026")}, "invalid date"},
		"bad format":   {Files{}, recs, []Option{WithDate(day1), WithFormat("xml")}, "unknown ADR format"},
		"repeated key": {Files{}, append(recs, recs[0]), []Option{WithDate(day1)}, "repeated"},
		"same number":  {Files{"0001-a.md": []byte("# 1. A\n"), "0001-b.md": []byte("# 1. B\n")}, recs, []Option{WithDate(day1)}, "share number 0001"},
	} {
		_, err := PlanFiles(tc.files, tc.recs, tc.opts...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
	}
}

func TestSyncWritesAndIsIdempotent(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "docs", "adr")
	recs := derive(t, "multicloud.yaml", example(t, "multicloud"))
	res, err := Sync(dir, recs, WithDate(day1))
	if err != nil {
		t.Fatal(err)
	}
	on, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(on) != len(recs)+1 || len(res.Files) != len(on) {
		t.Fatalf("%d files on disk, want %d", len(on), len(recs)+1)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("left %s behind", e.Name())
		}
	}
	res2, err := Sync(dir, recs, WithDate(day2))
	if err != nil || res2.Changed() {
		t.Fatalf("second sync: %v, changed %v", err, sortedNames(res2.Files))
	}
}

// synthetic builds a topology of 4 clouds × 10 region entries.
func synthetic() []byte {
	var b strings.Builder
	b.WriteString("name: synthetic\ntags: {Owner: bench}\nclouds:\n")
	ibm := []string{"au-syd", "br-sao", "ca-tor", "eu-de", "eu-es", "eu-gb", "jp-osa", "jp-tok", "us-east", "us-south"}
	aws := []string{"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "ap-southeast-1", "ap-south-1"}
	het := []string{"fsn1", "nbg1", "hel1", "ash", "hil", "sin", "fsn1", "nbg1", "hel1", "ash"}
	ovh := []string{"GRA5", "GRA7", "GRA9", "GRA11", "SBG5", "DE1", "UK1", "WAW1", "BHS5", "SGP1"}
	section := func(cloud string, regions []string) {
		b.WriteString("  " + cloud + ":\n    regions:\n")
		for i, r := range regions {
			env := "prod"
			if i >= 6 && cloud == "hetzner" {
				env = "staging"
			}
			b.WriteString("      - {region: " + r + ", environment: " + env + "}\n")
		}
	}
	section("ibm", ibm)
	section("aws", aws)
	section("hetzner", het)
	section("ovh", ovh)
	b.WriteString(`network:
  transit: {ibm: {routing: global}, aws: {peering: true}}
  mesh: {}
  globalLoadBalancer:
    hostname: app.example.com
    pools:
      - {name: us, members: [ibm/us-south, aws/us-east-1, hetzner/hil/prod]}
      - {name: eu, members: [ibm/eu-de, aws/eu-west-1, ovh/GRA11]}
    fallback: eu
landingZone:
  aws: {accounts: [security, log-archive, prod]}
  guardrails: [deny-root-account, require-encryption]
`)
	return []byte(b.String())
}

func TestSynthetic(t *testing.T) {
	recs := derive(t, "synthetic.yaml", synthetic())
	clusters := 0
	for _, r := range recs {
		if strings.HasPrefix(r.Key, "cluster/") {
			clusters++
		}
	}
	if clusters != 40 {
		t.Fatalf("%d cluster records, want 40", clusters)
	}
}

func BenchmarkDerive(b *testing.B) {
	for _, tc := range []struct {
		name string
		data func() []byte
	}{
		{"multicloud", func() []byte { return example(b, "multicloud") }},
		{"synthetic-4x10", synthetic},
	} {
		data := tc.data()
		spec, _, err := topology.Parse(tc.name, data)
		if err != nil {
			b.Fatal(err)
		}
		m, err := derived.Derive(spec)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Derive(m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRegenerate is the common case: an existing directory, nothing changed.
func BenchmarkRegenerate(b *testing.B) {
	recs := derive(b, "synthetic.yaml", synthetic())
	_, files := plan(b, Files{}, recs, WithDate(day1))
	b.ReportAllocs()
	for b.Loop() {
		res, err := PlanFiles(files, recs, WithDate(day2))
		if err != nil || res.Changed() {
			b.Fatal(err)
		}
	}
}

func TestSteeringFigures(t *testing.T) {
	glbText := func(recs []Record) string {
		for _, r := range recs {
			if r.Key == "glb" {
				_, _, fence := render(&r, state{Number: 1, Date: day1, Status: status{Kind: "accepted"}}, Nygard)
				return strings.Join(fence, "\n")
			}
		}
		t.Fatal("no glb record")
		return ""
	}
	off := glbText(derive(t, "multicloud.yaml", edit(t, example(t, "multicloud"), "steering: dynamic_latency", "steering: off")))
	if !strings.Contains(off, "pools take traffic in the order `us` → `eu`") {
		t.Errorf("off steering without failover order:\n%s", off)
	}
	geo := glbText(derive(t, "ipam.yaml", example(t, "ipam")))
	for _, want := range []string{"Amazon Route 53", "geolocation records (one per location", "zone `acme-platform.net`", "7 regions"} {
		if !strings.Contains(geo, want) {
			t.Errorf("route53 geo record lacks %q:\n%s", want, geo)
		}
	}
}

// TestScalingUpdatesInPlace: a change that only moves figures (the OVH
// pool's minimum) re-renders the records it touches in place, with the new
// figures, instead of superseding them (review item 26); a record written
// with the exact digest of earlier versions is matched and migrated.
func TestScalingUpdatesInPlace(t *testing.T) {
	src := example(t, "multicloud")
	v1 := derive(t, "multicloud.yaml", src)
	_, files1 := plan(t, Files{}, v1, WithDate(day1))

	src2 := edit(t, src, "flavor: b3-8, nodes: {min: 3, max: 6}", "flavor: b3-8, nodes: {min: 4, max: 6}")
	v2 := derive(t, "multicloud.yaml", src2)
	res2, files2 := plan(t, files1, v2, WithDate(day2))
	if got := changed(res2, Superseded); len(got) > 0 {
		t.Errorf("scaling superseded %v", got)
	}
	if got := changed(res2, Created); !slices.Equal(got, nil) {
		t.Errorf("scaling created %v", got)
	}
	updated := changed(res2, Updated)
	if len(updated) == 0 {
		t.Fatal("scaling updated no record")
	}
	for _, f := range updated {
		if f == IndexFile {
			continue
		}
		if string(files1[f]) == string(files2[f]) {
			t.Errorf("%s is listed as updated but kept its bytes", f)
		}
		if !strings.Contains(string(files2[f]), "Date: "+day1) {
			t.Errorf("%s lost its date", f)
		}
	}

	// A record carrying the exact digest (figures included) of earlier
	// versions is the same decision: re-rendered with the new digest.
	legacy := Files{}
	for name, b := range files1 {
		legacy[name] = b
	}
	for _, r := range v1 {
		f := fileOf(t, mustPlan(t, files1, v1), r.Key, Unchanged)
		legacy[f] = []byte(strings.Replace(string(files1[f]), "digest="+r.Digest(), "digest="+r.exactDigest(), 1))
	}
	res3, files3 := plan(t, legacy, v1, WithDate(day2))
	if got := append(changed(res3, Superseded), changed(res3, Created)...); len(got) > 0 {
		t.Errorf("records with the earlier digest were superseded: %v", got)
	}
	for name, b := range files1 {
		if got, ok := files3[name]; ok && string(got) != string(b) {
			t.Errorf("%s: migrating the digest did not restore the record's bytes", name)
		}
	}
}

func mustPlan(t *testing.T, existing Files, recs []Record) *Result {
	t.Helper()
	res, err := PlanFiles(existing, recs, WithDate(day2))
	if err != nil {
		t.Fatal(err)
	}
	return res
}
