package ui

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"infra/topology"
)

// TestCommentsRenderOnGitHub renders the pull-request comment of each
// outcome (a change with updates, replacements and deletions; an invalid
// topology; a mandatory guardrail violation; a comment cut to GitHub's
// limit) with a real GitHub-flavoured Markdown renderer, the marked
// package (.ci/run installs it into scripts/markdown-check), and asserts
// on what a reviewer sees: the visible text, tables that are tables, and
// no Markdown or HTML left raw. Elsewhere the test skips when node or
// marked is missing.
func TestCommentsRenderOnGitHub(t *testing.T) {
	node, dir := nodeScript(t, "markdown-check", "marked")
	tmp := t.TempDir()
	load := func(name, src string) (string, topology.Diagnostics) {
		file := filepath.Join(tmp, name)
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, err := topology.Load(file)
		var ds topology.Diagnostics
		if !errors.As(err, &ds) {
			t.Fatalf("%s loads: %v", name, err)
		}
		return file, ds
	}
	const base = "name: acme\nclouds:\n  hetzner:\n    regions:\n      - region: hel1\n        environment: dev\n        cluster: {serverType: cx23, workers: 1, apiAccess: [203.0.113.0/24]}\n"
	typo, typoDs := load("typo.yaml", strings.Replace(base, "serverType", "serverTyp", 1))
	mandatory, mandatoryDs := load("mandatory.yaml", base+"landingZone:\n  guardrails:\n    - allowed-regions:\n        hetzner: [nbg1]\n")
	run := "https://github.com/acme/infra/actions/runs/42"
	cases := []struct {
		name    string
		comment string
		want    []string // in the visible text, in this order
		tables  int      // at least this many tables
	}{
		{"changes", RenderComment(Comment{File: "topology.yaml", Preview: reviewResult(), Commit: "0123456789abcdef", RunURL: run,
			Mermaid: "```mermaid\nflowchart LR\n  a --> b\n```\n"}),
			[]string{"infra preview", "commit 0123456789ab", "CI run",
				"Stack", "Create", "Update", "Replace", "Delete", "aws-us-east-1-prod", "2 stacks with no changes",
				"vpc", `cidrBlock "10.0.0.0/16" → "10.1.0.0/16" forces replacement`,
				"! replace aws:ec2/vpc:Vpc vpc", `!     cidrBlock: "10.0.0.0/16" → "10.1.0.0/16" (forces replacement)`,
				"- delete  aws:ec2/subnet:Subnet old", "!     userData: [secret] → [secret]", `-               "Action": "s3:*",`}, 1},
		{"invalid topology", RenderComment(Comment{File: typo, Invalid: typoDs, Commit: "abc", RunURL: run}),
			[]string{"infra preview", "is invalid", "commit abc", "Nothing was previewed", `unknown field "serverTyp"`, typo + ":7:", "^", "hint:"}, 0},
		{"mandatory violation", RenderComment(Comment{File: mandatory, Invalid: mandatoryDs, Commit: "abc"}),
			[]string{"violates a mandatory guardrail", "Nothing was previewed", "region hel1 is not in the guardrail's allowed regions for hetzner",
				mandatory + ":5:", "5 |       - region: hel1", "hint: add hel1 to allowed-regions.hetzner"}, 0},
		{"cut", cutComment(), []string{"Cut to stay under GitHub's 65536-character limit", "global (900 to create)", "preview-full.md",
			"this CI run", "aws:ec2/route:Route", "300", "hcloud:index/firewall:Firewall", "600", "aws-region-19-prod"}, 2},
	}
	var args []string
	for i, c := range cases {
		p := filepath.Join(tmp, string(rune('a'+i))+".md")
		if err := os.WriteFile(p, []byte(c.comment), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	out, err := exec.Command(node, append([]string{filepath.Join(dir, "render.mjs")}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("marked: %v\n%s", err, out)
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data, err := os.ReadFile(args[i] + ".html")
			if err != nil {
				t.Fatal(err)
			}
			text, tables := visible(t, string(data))
			at := 0
			for _, w := range c.want {
				j := strings.Index(text[at:], w)
				if j < 0 {
					t.Errorf("the rendered comment does not show %q (after %d characters):\n%s", w, at, text)
					continue
				}
				at += j + len(w)
			}
			if tables < c.tables {
				t.Errorf("%d tables rendered, want %d", tables, c.tables)
			}
			// The marker is an HTML comment: never seen. Markdown that
			// did not render would show as its source.
			for _, raw := range []string{"infra-preview:file=", "|---", "**", "<details", "<summary", "```", "[CI run]("} {
				if strings.Contains(text, raw) {
					t.Errorf("the rendered comment shows %q raw:\n%s", raw, text)
				}
			}
		})
	}
}

// visible is the text a browser shows of an HTML fragment (every
// <details> opened), one line per block, and the number of tables.
func visible(t *testing.T, fragment string) (string, int) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader("<body>" + fragment + "</body>"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	tables := 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
		case html.ElementNode:
			switch n.Data {
			case "table":
				tables++
			case "tr", "p", "li", "summary", "h1", "h2", "h3", "h4", "blockquote", "pre":
				b.WriteString("\n")
			case "td", "th":
				b.WriteString(" ")
			}
		case html.CommentNode:
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return b.String(), tables
}
