package ui

import (
	"bytes"
	"flag"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"infra/model"
	"infra/stacks/stackstest"
	"infra/topology/topologytest"
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
		spec, _ := stackstest.Load(t, p)
		m, err := model.Derive(spec)
		var g *TopologyGraph
		if err == nil {
			g, err = NewTopologyGraph(m)
		}
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(p), ".yaml")] = g
	}
	return out
}

func TestGraphGolden(t *testing.T) {
	for name, g := range exampleGraphs(t) {
		for ext, text := range map[string]string{"mmd": g.Mermaid(), "dot": g.DOT(), "comment.mmd": markedAll(g).CommentMermaid()} {
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
	// 8 regions in the mesh; the two AWS ones have a gateway per zone (3 and 2)
	if len(g.Clouds) != 4 || g.Gateways != 11 {
		t.Fatalf("%d clouds, %d gateways", len(g.Clouds), g.Gateways)
	}
	kinds := map[string]int{}
	for _, e := range g.Edges {
		kinds[e.Kind]++
	}
	// 14 zones, 8 mesh gateways (hel1 dev is out of the mesh), 3 transit attachments, 5 pool members, 1 pool + 1 fallback.
	want := map[string]int{"zone": 14, "hosts": 8, "mesh": 8, "transit": 3, "origin": 5, "pool": 1, "fallback": 1}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d %s edges, want %d", kinds[k], k, n)
		}
	}
	m := g.Mermaid()
	for _, s := range []string{"11 gateways · 23 peer links", "tgw_ibm === region_ibm_us_south_prod", "glb -- fallback --> pool_eu", "pool_us --> k8s_aws_us_east_1_prod", "us-east-1c<br/>10.10.32.0/20"} {
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
	spec := topologytest.Load(t, filepath.Join("..", "examples", "minimal.yaml"))
	m, err := model.Derive(spec)
	if err != nil {
		t.Fatal(err)
	}
	b, err := MermaidBlock(m, GraphMarks{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b, "```mermaid\nflowchart TB\n") || !strings.HasSuffix(b, "\n```\n") {
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

// nodeScript is node and the directory of scripts/<script>, whose npm
// package pkg .ci/run installs; the test skips when either is missing.
func nodeScript(t *testing.T, script, pkg string) (node, dir string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	dir, _ = filepath.Abs(filepath.Join("..", "scripts", script))
	if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg)); err != nil {
		t.Skipf("%s not installed: npm ci --prefix scripts/%s", pkg, script)
	}
	return node, dir
}

// mermaidCheck runs scripts/mermaid-check over diagrams (name → text) and a
// broken one, returning its output and the files by name. .ci/run installs
// it with npm; elsewhere the test skips when node or it is missing.
func mermaidCheck(t *testing.T, diagrams map[string]string, flags ...string) (string, map[string]string) {
	t.Helper()
	node, dir := nodeScript(t, "mermaid-check", "mermaid")
	tmp := t.TempDir()
	args := append([]string{filepath.Join(dir, "check.mjs")}, flags...)
	files := map[string]string{}
	for name, text := range diagrams {
		p := filepath.Join(tmp, name+".mmd")
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		files[name] = p
		args = append(args, p)
	}
	// One run (loading mermaid takes seconds).
	out, _ := exec.Command(node, args...).CombinedOutput()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("output:\n%s", out)
		}
	})
	return string(out), files
}

// TestMermaidParses runs the mermaid package's own parser (the renderer GitHub
// uses) over every example, in both layouts.
func TestMermaidParses(t *testing.T) {
	diagrams := map[string]string{"broken": "flowchart LR\n  a[\"x\"] --> b[/\"broken\n"}
	for name, g := range exampleGraphs(t) {
		diagrams[name] = g.Mermaid()
		diagrams[name+".comment"] = markedAll(g).CommentMermaid()
	}
	out, files := mermaidCheck(t, diagrams)
	for name, p := range files {
		if name != "broken" && !strings.Contains(out, "ok "+p+" flowchart") {
			t.Errorf("mermaid did not accept %s", name)
		}
	}
	// A broken diagram must fail, or the check proves nothing.
	if !strings.Contains(out, "FAIL "+files["broken"]) {
		t.Errorf("mermaid accepted a broken diagram")
	}
}

// commentColumn is the width, in px, of a pull-request comment's column on
// GitHub (about 830 px in a conversation on a wide screen) with a margin: a
// diagram wider than its column is scaled down, text and all.
const commentColumn = 800

// TestCommentMermaidFits lays out the comment's diagram of every example,
// with every mark a preview can set, with mermaid's own renderer, and
// measures its width (scripts/mermaid-check --max-width). The full
// left-to-right diagram of multicloud must not fit, or the measure proves
// nothing.
func TestCommentMermaidFits(t *testing.T) {
	graphs := exampleGraphs(t)
	diagrams := map[string]string{"full": graphs["multicloud"].Mermaid()}
	for name, g := range graphs {
		diagrams[name] = markedAll(g).CommentMermaid()
	}
	out, files := mermaidCheck(t, diagrams, "--max-width", fmt.Sprint(commentColumn))
	for name, p := range files {
		if name != "full" && !strings.Contains(out, "ok "+p+" flowchart") {
			t.Errorf("the comment's diagram of %s is wider than %d px", name, commentColumn)
		}
	}
	if !strings.Contains(out, "FAIL "+files["full"]) {
		t.Errorf("the full multicloud diagram fits %d px: the measure measures nothing", commentColumn)
	}
}

// markedAll is a graph with each mark a preview sets: its first region
// added, every other changed, and two stacks removed (the longest box
// names a comment can carry).
func markedAll(g *TopologyGraph) *TopologyGraph {
	c := *g
	c.Marks = GraphMarks{Added: map[string]bool{}, Changed: map[string]bool{},
		Removed: []string{"aws-ap-southeast-2-staging", "ovh-eu-west-par-staging", "hetzner-hel1-dev"}}
	first := true
	for _, cl := range g.Clouds {
		for _, r := range cl.Groups {
			id := strings.TrimPrefix(r.ID, "region_")
			if first {
				c.Marks.Added[id] = true
			} else {
				c.Marks.Changed[id] = true
			}
			first = false
		}
	}
	return &c
}
