package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"infra/engine"
	"infra/stacks"
	"infra/topology"
)

// reviewResult is a preview with an update (a short value, a secret and a
// long policy document), a replacement forced by a CIDR, a deletion, a
// stack with no changes and a removed stack.
func reviewResult() *engine.Result {
	policyOld := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	policyNew := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["s3:*","kms:*"],"Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	return &engine.Result{
		Operation: engine.Preview, Project: "acme",
		Stacks: []*engine.StackResult{
			{Name: "landingzone-aws", Kind: stacks.LandingZone, Status: engine.Succeeded, Changes: map[engine.Change]int{}, Unchanged: 44},
			{Name: "aws-us-east-1-prod", Kind: stacks.Regional, Status: engine.Succeeded,
				Changes: map[engine.Change]int{engine.Update: 2, engine.Replace: 1, engine.Delete: 1}, Unchanged: 5,
				Steps: []engine.Step{
					{URN: "u1", Type: "aws:ec2/vpc:Vpc", Name: "vpc", Change: engine.Replace, Diffs: []string{"cidrBlock"}, Replaces: []string{"cidrBlock"},
						Values: []engine.PropertyChange{{Name: "cidrBlock", Kind: engine.PropertyUpdate, Old: "10.0.0.0/16", New: "10.1.0.0/16", Replaces: true}}},
					{URN: "u2", Type: "aws:ec2/subnet:Subnet", Name: "old", Change: engine.Delete},
					{URN: "u3", Type: "aws:eks/nodeGroup:NodeGroup", Name: "nodes", Change: engine.Update, Diffs: []string{"scalingConfig", "userData"},
						Values: []engine.PropertyChange{
							{Name: "scalingConfig", Kind: engine.PropertyUpdate, Old: map[string]any{"minSize": 3.0}, New: map[string]any{"minSize": 4.0}},
							{Name: "userData", Kind: engine.PropertyUpdate, Old: engine.Secret, New: engine.Secret, Secret: true},
						}},
					{URN: "u4", Type: "aws:iam/policy:Policy", Name: "deny", Change: engine.Update, Diffs: []string{"policy"},
						Values: []engine.PropertyChange{{Name: "policy", Kind: engine.PropertyUpdate, Old: policyOld, New: policyNew}}},
				}},
			{Name: "ovh-sbg5-staging", Kind: stacks.Regional, Status: engine.Succeeded, Removed: true,
				Changes: map[engine.Change]int{engine.Delete: 11},
				Steps:   []engine.Step{{URN: "u5", Type: "ovh:CloudProject/kube:Kube", Name: "kube", Change: engine.Delete}}},
			{Name: "hetzner-nbg1-dev", Kind: stacks.Regional, Status: engine.Succeeded, Changes: map[engine.Change]int{}, Unchanged: 15},
		},
	}
}

// diffBlocks returns the lines of every ```diff block.
func diffBlocks(c string) []string {
	var out []string
	for _, m := range regexp.MustCompile("(?s)```diff\n(.*?)```").FindAllStringSubmatch(c, -1) {
		out = append(out, strings.Split(strings.TrimRight(m[1], "\n"), "\n")...)
	}
	return out
}

func TestCommentLayoutAndValues(t *testing.T) {
	c := RenderComment(Comment{File: "topology.yaml", Preview: reviewResult(), Commit: "0123456789abcdef0123", RunURL: "https://github.com/acme/infra/actions/runs/42",
		Mermaid: "```mermaid\nflowchart LR\n  a --> b\n```\n"})
	if !strings.HasPrefix(c, "<!-- infra-preview:file=topology.yaml -->\n") {
		t.Errorf("the marker is not the first line:\n%s", c)
	}
	containsAll(t, "comment", c,
		"<sub>commit `0123456789ab` · [CI run](https://github.com/acme/infra/actions/runs/42)</sub>",
		// Changed stacks first; the unchanged ones in one row.
		"|---|--:|--:|--:|--:|--:|---|\n| `aws-us-east-1-prod` | · | 2 | 1 | 1 | 5 | changes |\n| `ovh-sbg5-staging` (removed) |",
		"| 2 stacks with no changes: `landingzone-aws`, `hetzner-nbg1-dev` | · | · | · | · | 59 | no changes |",
		// The replacement names its forcing property with both values.
		"**vpc** (cidrBlock \"10.0.0.0/16\" → \"10.1.0.0/16\" forces replacement)",
		"! replace aws:ec2/vpc:Vpc vpc",
		"!     cidrBlock: \"10.0.0.0/16\" → \"10.1.0.0/16\" (forces replacement)",
		"! update  aws:eks/nodeGroup:NodeGroup nodes (scalingConfig, userData)",
		"!     scalingConfig: {\"minSize\":3} → {\"minSize\":4}",
		"!     userData: [secret] → [secret]",
		// A policy document: a diff of its indented text.
		"!     policy:\n",
		"-               \"Action\": \"s3:*\",\n+               \"Action\": [\n+                 \"s3:*\",\n+                 \"kms:*\"\n+               ],",
		"- delete  aws:ec2/subnet:Subnet old",
		"<details><summary>Topology (green: added, orange: changed, red dashed: removed)</summary>",
	)
	// GitHub colours only +, - and ! in a diff block: no line starts with
	// ~, and a replacement is not a red deletion.
	for _, l := range diffBlocks(c) {
		if strings.HasPrefix(l, "~") || strings.HasPrefix(l, "-+") || strings.HasPrefix(l, "-") && strings.Contains(l, "replace") {
			t.Errorf("diff line %q would be uncoloured or read as a deletion", l)
		}
	}
	if strings.Index(c, "Topology") > strings.Index(c, "<details><summary><code>aws-us-east-1-prod") {
		t.Errorf("the diagram comes after the stack details")
	}
	if strings.Contains(c, "Cut to stay") {
		t.Errorf("a small comment was cut:\n%s", c)
	}
}

func TestRunViewDiff(t *testing.T) {
	var out strings.Builder
	v := NewRunView(&IO{Out: &out}, false, RunOptions{Diff: true})
	if err := v.Result(reviewResult()); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	containsAll(t, "--diff view", got,
		"Changed values (old → new):",
		"  ~ aws-us-east-1-prod aws:eks/nodeGroup:NodeGroup nodes\n  ~     scalingConfig: {\"minSize\":3} → {\"minSize\":4}\n  ~     userData: [secret] → [secret]\n",
		"  ~     cidrBlock: \"10.0.0.0/16\" → \"10.1.0.0/16\" (forces replacement)",
		"+- aws-us-east-1-prod aws:ec2/vpc:Vpc vpc (cidrBlock \"10.0.0.0/16\" → \"10.1.0.0/16\" forces replacement)",
	)
	out.Reset()
	if err := NewRunView(&IO{Out: &out}, false, RunOptions{}).Result(reviewResult()); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "Changed values") {
		t.Errorf("values listed without --diff")
	}
}

// TestCommentOnInvalidTopology: a topology that breaks a mandatory
// guardrail gets a comment that says so, with the diagnostics rendered as
// the terminal shows them.
func TestCommentOnInvalidTopology(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "topology.yaml")
	src := `name: acme
clouds:
  hetzner:
    regions:
      - region: hel1
        environment: dev
        cluster: {serverType: cx23, workers: 1, apiAccess: [203.0.113.0/24]}
landingZone:
  guardrails:
    - allowed-regions:
        hetzner: [nbg1]
`
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := topology.Load(file)
	var ds topology.Diagnostics
	if !errors.As(err, &ds) {
		t.Fatalf("the topology loads: %v", err)
	}
	c := RenderComment(Comment{File: file, Invalid: ds, Commit: "abc"})
	containsAll(t, "comment", c,
		CommentMarker(file)+"\n",
		"### ❌ infra preview: `"+file+"` violates a mandatory guardrail",
		"commit `abc`",
		"> [!CAUTION]\n> Nothing was previewed: 1 error in",
		"```text\nerror[topology/landing-zone]: region hel1 is not in the guardrail's allowed regions for hetzner\n  --> "+file+":5:",
		"5 |       - region: hel1\n", "^", "hint: add hel1 to allowed-regions.hetzner",
	)
	if strings.Contains(c, "| Stack |") {
		t.Errorf("an invalid topology's comment has a summary table:\n%s", c)
	}
}

func TestCommentOnEngineFailure(t *testing.T) {
	c := RenderComment(Comment{File: "topology.yaml", Failure: "read stack hetzner-hel1-dev: stack locked: update, pid 4242 on ci-runner-7"})
	containsAll(t, "comment", c, "### ❌ infra preview of `topology.yaml` failed", "Nothing was previewed: the engine could not start", "stack locked: update, pid 4242 on ci-runner-7")
	// A preview with a failed stack is headlined as incomplete.
	c = RenderComment(Comment{File: "topology.yaml", Preview: sampleResult(engine.Preview, true)})
	if !strings.Contains(c, "### ❌ infra preview of `acme` is incomplete — SIMULATED") || !strings.Contains(c, "#### ❌ Failed") {
		t.Errorf("a failed preview's comment:\n%s", c)
	}
}

// TestCommentCutNamesStacks: a preview too big for one comment loses the
// diagram first, then the largest stack details; the note at the top names
// every stack cut with its changes per type, and points at the full
// preview, which has everything.
func TestCommentCutNamesStacks(t *testing.T) {
	c := cutComment()
	if len(c) > GitHubCommentLimit {
		t.Fatalf("comment is %d characters, over %d", len(c), GitHubCommentLimit)
	}
	note := "> Cut to stay under GitHub's 65536-character limit: the details of `global` (900 to create) and the topology diagram left out. " +
		"The full preview, `preview-full.md`, is an artifact of [this CI run](https://github.com/acme/infra/actions/runs/42)."
	containsAll(t, "cut comment", c, note,
		"| `global` | `aws:ec2/route:Route` | 300 | · | · | · |", "| `global` | `hcloud:index/firewall:Firewall` | 600 | · | · | · |",
		"<details><summary><code>aws-region-19-prod</code>")
	if strings.Index(c, note) > strings.Index(c, "| Stack | Create |") {
		t.Errorf("the cut note is not at the top")
	}
	if strings.Contains(c, "```mermaid") || strings.Contains(c, "<code>global</code>") {
		t.Errorf("the diagram or global's details are in the cut comment")
	}
	full := RenderFullPreview(cutPreview())
	if strings.Contains(full, "Cut to stay") || !strings.Contains(full, "<code>global</code>") || !strings.Contains(full, "```mermaid") {
		t.Errorf("the full preview is cut")
	}
	// A tiny limit still gives a valid, marked comment.
	big := cutPreview().Preview
	c = RenderComment(Comment{File: "topology.yaml", Preview: big, Limit: 2000})
	if len(c) > 2000 || !strings.HasPrefix(c, CommentMarker("topology.yaml")) || !strings.Contains(c, "Cut to stay") {
		t.Errorf("comment under a 2000 limit: %d characters:\n%s", len(c), c)
	}
}

// cutComment is the comment of cutPreview.
func cutComment() string { return RenderComment(cutPreview()) }

// cutPreview is a preview too big for one comment: 21 more stacks, one of
// them (global) with 900 creates, and a big diagram.
func cutPreview() Comment {
	big := reviewResult()
	huge := &engine.StackResult{Name: "global", Status: engine.Succeeded, Changes: map[engine.Change]int{engine.Create: 900}}
	for j := range 900 {
		typ := "hcloud:index/firewall:Firewall"
		if j%3 == 0 {
			typ = "aws:ec2/route:Route"
		}
		huge.Steps = append(huge.Steps, engine.Step{URN: fmt.Sprint(j), Type: typ, Name: fmt.Sprintf("route-with-a-long-name-%04d", j), Change: engine.Create})
	}
	big.Stacks = append(big.Stacks, huge)
	for i := range 20 {
		s := &engine.StackResult{Name: fmt.Sprintf("aws-region-%02d-prod", i), Status: engine.Succeeded, Changes: map[engine.Change]int{engine.Create: 30}}
		for j := range 30 {
			s.Steps = append(s.Steps, engine.Step{URN: fmt.Sprint(j), Type: "aws:ec2/subnet:Subnet", Name: fmt.Sprintf("subnet-%d", j), Change: engine.Create})
		}
		big.Stacks = append(big.Stacks, s)
	}
	mermaid := "```mermaid\nflowchart LR\n" + strings.Repeat("  a --> b\n", 1000) + "```\n"
	return Comment{File: "topology.yaml", Preview: big, Mermaid: mermaid, RunURL: "https://github.com/acme/infra/actions/runs/42", FullPreview: "out/preview-full.md"}
}

func TestMarksOf(t *testing.T) {
	r := reviewResult()
	r.Stacks = append(r.Stacks, &engine.StackResult{Name: "aws-us-west-2-prod", Status: engine.Succeeded, Changes: map[engine.Change]int{engine.Create: 40}})
	m := MarksOf(r)
	if !m.Added["aws-us-west-2-prod"] || !m.Changed["aws-us-east-1-prod"] || len(m.Added)+len(m.Changed) != 2 ||
		strings.Join(m.Removed, ",") != "ovh-sbg5-staging" {
		t.Errorf("marks = %+v", m)
	}
}

// containsAll reports each of wants that got lacks, naming what got is.
func containsAll(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, got)
		}
	}
}
