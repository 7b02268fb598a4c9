package ui

import (
	"bytes"
	"flag"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"infra/model"
	"infra/topology"
)

// Another test file of the package may own -update; register it only if not.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func exampleGraphs(t *testing.T) map[string]*TopologyGraph {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "examples", "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	out := map[string]*TopologyGraph{}
	for _, p := range paths {
		spec, _, err := topology.Load(p)
		if err != nil {
			t.Fatal(err)
		}
		m, err := model.Derive(spec)
		if err != nil {
			t.Fatal(err)
		}
		g, err := NewTopologyGraph(m)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(p), ".yaml")] = g
	}
	return out
}

func TestGraphGolden(t *testing.T) {
	for name, g := range exampleGraphs(t) {
		for ext, text := range map[string]string{"mmd": g.Mermaid(), "dot": g.DOT()} {
			path := filepath.Join("testdata", "graph", name+"."+ext)
			if updating() {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
				continue // written, not compared with itself
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./ui -run TestGraphGolden -update)", err)
			}
			if string(want) != text {
				t.Errorf("%s differs from the golden file (run go test ./ui -run TestGraphGolden -update and review)", path)
			}
		}
	}
}

// TestGraphContent checks the multicloud diagram has every kind of element.
func TestGraphContent(t *testing.T) {
	g := exampleGraphs(t)["multicloud"]
	if len(g.Clouds) != 4 || g.Gateways != 9 {
		t.Fatalf("%d clouds, %d gateways", len(g.Clouds), g.Gateways)
	}
	kinds := map[string]int{}
	for _, e := range g.Edges {
		kinds[e.Kind]++
	}
	// 14 zones, 9 mesh gateways, 3 transit attachments, 5 pool members, 1 pool + 1 fallback.
	want := map[string]int{"zone": 14, "hosts": 9, "mesh": 9, "transit": 3, "origin": 5, "pool": 1, "fallback": 1}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d %s edges, want %d", kinds[k], k, n)
		}
	}
	m := g.Mermaid()
	for _, s := range []string{"9 gateways · 13 peer links", "tgw_ibm === region_ibm_us_south_prod", "glb -- fallback --> pool_eu", "pool_us --> k8s_aws_us_east_1_prod", "us-east-1c<br/>10.10.32.0/20"} {
		if !strings.Contains(m, s) {
			t.Errorf("mermaid lacks %q", s)
		}
	}
}

var (
	mermaidNode  = regexp.MustCompile(`^\s*([a-z0-9_]+)(\(\(|\(\[|\[\(|\[/|\{\{|\(|\[)"`)
	mermaidGroup = regexp.MustCompile(`^\s*subgraph ([a-z0-9_]+)\["`)
	mermaidEdge  = regexp.MustCompile(`^\s*([a-z0-9_]+) (---|-\.-|===|-->|-- [a-z]+ -->|<-\. [a-z]+ \.->) ([a-z0-9_]+)$`)
)

// TestMermaidWellFormed checks what GitHub's renderer needs: a flowchart
// header, balanced subgraphs, safe ids, quoted labels without raw quotes, and
// edges between declared nodes or subgraphs only.
func TestMermaidWellFormed(t *testing.T) {
	for name, g := range exampleGraphs(t) {
		lines := strings.Split(strings.TrimSuffix(g.Mermaid(), "\n"), "\n")
		if lines[0] != "flowchart LR" {
			t.Errorf("%s: header %q", name, lines[0])
		}
		declared := map[string]bool{}
		depth := 0
		var edges [][2]string
		for _, l := range lines[1:] {
			s := strings.TrimSpace(l)
			switch {
			case mermaidGroup.MatchString(l):
				declared[mermaidGroup.FindStringSubmatch(l)[1]] = true
				depth++
			case s == "end":
				depth--
			case mermaidEdge.MatchString(l):
				m := mermaidEdge.FindStringSubmatch(l)
				edges = append(edges, [2]string{m[1], m[3]})
			case mermaidNode.MatchString(l):
				declared[mermaidNode.FindStringSubmatch(l)[1]] = true
			case strings.HasPrefix(s, "class "), strings.HasPrefix(s, "classDef "), strings.HasPrefix(s, "style "), s == "direction LR":
			default:
				t.Errorf("%s: unexpected line %q", name, l)
			}
			if depth < 0 {
				t.Fatalf("%s: unbalanced end", name)
			}
			if q := strings.Count(s, `"`); q != 0 && q != 2 {
				t.Errorf("%s: label with a raw quote: %q", name, l)
			}
		}
		if depth != 0 {
			t.Errorf("%s: %d subgraphs left open", name, depth)
		}
		for _, e := range edges {
			if !declared[e[0]] || !declared[e[1]] {
				t.Errorf("%s: edge %s → %s to an undeclared id", name, e[0], e[1])
			}
		}
	}
}

func TestEscaping(t *testing.T) {
	if got := mermaidLabel([]string{`a "b" <c> & d`, "e"}); got != `"a #quot;b#quot; #lt;c#gt; #amp; d<br/>e"` {
		t.Errorf("mermaidLabel = %s", got)
	}
	if got := dotQuote("a \"b\" \\ c\nd"); got != `"a \"b\" \\ c\nd"` {
		t.Errorf("dotQuote = %s", got)
	}
	if got := graphID("aws", "us-east-1/prod.x"); got != "aws_us_east_1_prod_x" {
		t.Errorf("graphID = %s", got)
	}
}

func TestMermaidBlock(t *testing.T) {
	spec, _, err := topology.Load(filepath.Join("..", "examples", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Derive(spec)
	if err != nil {
		t.Fatal(err)
	}
	b, err := MermaidBlock(m, GraphMarks{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b, "```mermaid\nflowchart LR\n") || !strings.HasSuffix(b, "\n```\n") {
		t.Errorf("not a fenced mermaid block:\n%s", b)
	}
}

// TestDOTRenders runs Debian's graphviz over every example. .ci/run installs
// it; elsewhere the test skips when dot is missing.
func TestDOTRenders(t *testing.T) {
	dot, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("graphviz (dot) not installed")
	}
	for name, g := range exampleGraphs(t) {
		cmd := exec.Command(dot, "-Tsvg")
		cmd.Stdin = strings.NewReader(g.DOT())
		var out, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: dot failed: %v\n%s", name, err, stderr.String())
		}
		if stderr.Len() > 0 {
			t.Errorf("%s: dot warned: %s", name, stderr.String())
		}
		svg := html.UnescapeString(out.String())
		if !strings.Contains(svg, "<svg") || !strings.Contains(svg, g.Title) {
			t.Errorf("%s: no SVG with the title", name)
		}
		for _, c := range g.Clouds {
			for _, r := range c.Groups {
				if !strings.Contains(svg, r.Label[0]) {
					t.Errorf("%s: region %s missing from the render", name, r.Label[0])
				}
			}
		}
	}
}

// TestMermaidParses runs the mermaid package's own parser (the renderer GitHub
// uses) over every example. .ci/run installs it with npm into
// scripts/mermaid-check; elsewhere the test skips when node or it is missing.
func TestMermaidParses(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	dir, _ := filepath.Abs(filepath.Join("..", "scripts", "mermaid-check"))
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "mermaid")); err != nil {
		t.Skip("mermaid not installed: npm ci --prefix scripts/mermaid-check")
	}
	tmp := t.TempDir()
	args := []string{filepath.Join(dir, "check.mjs")}
	for name, g := range exampleGraphs(t) {
		p := filepath.Join(tmp, name+".mmd")
		if err := os.WriteFile(p, []byte(g.Mermaid()), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	// A broken diagram must fail, or the check proves nothing.
	bad := filepath.Join(tmp, "broken.mmd")
	if err := os.WriteFile(bad, []byte("flowchart LR\n  a[\"x\"] --> b[/\"broken\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// One run (loading mermaid takes seconds): every example must pass and
	// the broken diagram must fail, or the check proves nothing.
	out, _ := exec.Command(node, append(args, bad)...).CombinedOutput()
	for _, p := range args[1:] {
		if !strings.Contains(string(out), "ok "+p+" flowchart") {
			t.Errorf("mermaid did not accept %s", filepath.Base(p))
		}
	}
	if !strings.Contains(string(out), "FAIL "+bad) {
		t.Errorf("mermaid accepted a broken diagram")
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}
