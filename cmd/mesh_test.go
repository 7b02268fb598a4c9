package cmd

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"infra/ui"
)

func runMesh(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	f := &Factory{
		IO:     &ui.IO{In: strings.NewReader(""), Out: &out, Err: &errb},
		Getenv: func(string) string { return "" },
		Now:    func() time.Time { return time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC) },
	}
	code = Run(context.Background(), f, args)
	return code, out.String(), errb.String()
}

func TestMeshConfig(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   []string
		stderr   string
		noStdout string
	}{
		{"node with environment", []string{"mesh", "config", "-f", "../examples/multicloud.yaml", "--node", "aws/us-east-1/prod", "--zone", "us-east-1b", "--placeholders"}, 0,
			[]string{"# aws-us-east-1-prod-b: WireGuard mesh gateway", "PrivateKey = <secret: from state>", "PersistentKeepalive = 25", "AllowedIPs = 10.100.0.51/32, 10.30.0.0/16"}, "", ""},
		{"an AWS region has a gateway per zone", []string{"mesh", "config", "-f", "../examples/multicloud.yaml", "--node", "aws/us-east-1/prod", "--placeholders"}, ExitUsage,
			nil, "aws/us-east-1/prod has a mesh gateway in each zone: pass --zone, one of us-east-1a, us-east-1b, us-east-1c", ""},
		{"no gateway in the zone", []string{"mesh", "config", "-f", "../examples/multicloud.yaml", "--node", "aws/us-east-1/staging", "--zone", "us-east-1c", "--placeholders"}, ExitUsage,
			nil, `aws/us-east-1/staging has no mesh gateway in zone "us-east-1c"; zones: us-east-1a, us-east-1b`, ""},
		{"the peers hold each AWS zone's gateway", []string{"mesh", "config", "-f", "../examples/multicloud.yaml", "--node", "ovh/GRA11", "--placeholders"}, 0,
			[]string{"# aws-us-east-1-prod-a\n", "# aws-us-east-1-prod-b\n", "# aws-us-east-1-prod-c\n", "/32, 10.10.0.0/20, 10.10.128.0/20\n"}, "", "# aws-us-east-1-prod\n"},
		{"hetzner needs no keepalive", []string{"mesh", "config", "-f", "../examples/multicloud.yaml", "--node", "hetzner/nbg1", "--placeholders"}, 0,
			[]string{"ListenPort = 51820", "MTU = 1440"}, "", "PersistentKeepalive"},
		{"placeholders refused off a terminal", []string{"mesh", "config", "-f", "../examples/multicloud.yaml", "--node", "hetzner/nbg1"}, ExitUsage,
			nil, "pass --show-secrets to read them from the deployed state", "Interface"},
		{"ambiguous node", []string{"mesh", "config", "-f", "../examples/multicloud.yaml", "--node", "aws/us-east-1"}, ExitUsage,
			nil, "matches aws/us-east-1/prod and aws/us-east-1/staging: name the environment", ""},
		{"unknown node", []string{"mesh", "config", "-f", "../examples/multicloud.yaml", "--node", "aws/eu-west-1"}, ExitUsage,
			nil, "no mesh node \"aws/eu-west-1\"; nodes: ibm/us-south/prod", ""},
		{"no mesh", []string{"mesh", "config", "-f", "../examples/minimal.yaml", "--node", "aws/eu-west-1"}, ExitError,
			nil, "has no mesh", ""},
		{"node is required", []string{"mesh", "config", "-f", "../examples/multicloud.yaml"}, ExitUsage,
			nil, `required flag(s) "node" not set`, ""},
		{"json", []string{"mesh", "config", "-f", "../examples/multicloud.yaml", "--node", "ovh/GRA11", "--json"}, 0,
			[]string{`"id": "ovh-gra11-prod"`, `"secrets": "redacted"`}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runMesh(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, errOut)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			if tt.noStdout != "" && strings.Contains(out, tt.noStdout) {
				t.Errorf("stdout has %q:\n%s", tt.noStdout, out)
			}
			if !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, errOut)
			}
		})
	}
}
