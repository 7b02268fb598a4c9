package cmd

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestRemovedRegionIsDestroyed deploys the multicloud example, removes a
// region from the topology, and checks that nothing is forgotten: the
// preview and its PR comment list the removed stack's resources as
// deletions, up destroys them and removes the stack from the backend, and
// a second preview has nothing left to do.
func TestRemovedRegionIsDestroyed(t *testing.T) {
	needDeploy(t, "deploys the multicloud example")
	src, file, dir := copySpec(t, "../examples/multicloud.yaml")
	env := map[string]string{"INFRA_PASSPHRASE": "orphan-test"}
	step := stepper(t, env)
	step(ExitOK, "up", "--simulate", "--yes", "-f", file)
	const orphan = "ovh-sbg5-staging"
	stackFile := filepath.Join(dir, ".infra", "state", ".pulumi", "stacks", "acme-platform", orphan+".json")
	if _, err := os.Stat(stackFile); err != nil {
		t.Fatalf("the deployed example has no %s stack: %v", orphan, err)
	}

	// Remove the region (and its allowed-regions entry).
	text := strings.Replace(string(src), "      - region: SBG5\n        environment: staging\n        cidr: 10.32.0.0/16\n        cluster: {flavor: b2-7, nodes: 3}\n", "", 1)
	text = strings.Replace(text, "ovh: [GRA11, BHS5, SBG5]", "ovh: [GRA11, BHS5]", 1)
	if text == string(src) || strings.Contains(text, "SBG5") {
		t.Fatal("the example changed: update how this test removes SBG5")
	}
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}

	comment := filepath.Join(dir, "comment.md")
	r := step(ExitChanges, "preview", "--simulate", "-f", file, "--detailed-exitcode", "--comment", comment)
	n := regexp.MustCompile(orphan + `: (\d+) to delete, then the stack is removed`).FindStringSubmatch(r.out)
	if n == nil || n[1] == "0" {
		t.Fatalf("preview does not list the removed stack's deletions:\n%s", r.out)
	}
	for _, want := range []string{orphan + " (removed)", "Removed from the topology", orphan + " ovh:CloudProject/kube:Kube"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("preview lacks %q:\n%s", want, r.out)
		}
	}
	c, err := os.ReadFile(comment)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"**Removed from the topology**", "`" + orphan + "`: " + n[1] + " to delete", "| `" + orphan + "` (removed) |"} {
		if !strings.Contains(string(c), want) {
			t.Errorf("comment lacks %q:\n%s", want, c)
		}
	}

	r = step(ExitOK, "up", "--simulate", "--yes", "-f", file)
	if !strings.Contains(r.out, orphan+": "+n[1]+" deleted, stack removed") {
		t.Errorf("up does not report the removed stack:\n%s", r.out)
	}
	if _, err := os.Stat(stackFile); !os.IsNotExist(err) {
		t.Errorf("the backend still holds %s after up: %v", orphan, err)
	}
	r = step(ExitOK, "preview", "--simulate", "-f", file, "--detailed-exitcode")
	if strings.Contains(r.out, orphan) {
		t.Errorf("the removed stack is still seen:\n%s", r.out)
	}
}
