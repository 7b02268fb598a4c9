package ui

import (
	"bytes"
	"testing"

	"infra/engine"
	"infra/stacks"
)

// The human view of outputs prints maps and lists as an indented tree,
// keys sorted and aligned at each level, multi-line strings as a block, and
// a secret as [secret] whatever its shape unless secrets are shown.
func TestOutputsAsATree(t *testing.T) {
	outs := stacks.Outputs{
		"roleArns": {Value: map[string]any{"staging": "arn:s", "dev": "arn:d", "log-archive": "arn:l"}},
		"cidr":     {Value: "10.0.0.0/16"},
		"zones":    {Value: []any{"a", "b"}},
		"nested":   {Value: map[string]any{"b": map[string]any{"port": 443.0, "on": true}, "a": []any{}, "c": []any{map[string]any{"x": "1"}}}},
		"keys":     {Value: map[string]any{"prod": "private-key"}, Secret: true},
		"pem":      {Value: "-----BEGIN-----\nMIIB\n-----END-----\n"},
		"later":    {Unknown: true},
	}
	r := &engine.Result{Operation: engine.Up, Project: "acme", Stacks: []*engine.StackResult{
		{Name: "aws-us-east-1-prod", Status: engine.Succeeded, Outputs: outs},
	}}
	const want = `
Outputs:
  aws-us-east-1-prod
    cidr      10.0.0.0/16
    keys      [secret]
    later     [unknown]
    nested
      a  []
      b
        on    true
        port  443
      c
        -
          x  1
    pem
      -----BEGIN-----
      MIIB
      -----END-----
    roleArns
      dev          arn:d
      log-archive  arn:l
      staging      arn:s
    zones
      - a
      - b
`
	var out bytes.Buffer
	if err := NewOutputsView(&IO{Out: &out, Err: &out}, false, false).Outputs(r); err != nil {
		t.Fatal(err)
	}
	if out.String() != want {
		t.Errorf("outputs:\n%s\nwant:\n%s", out.String(), want)
	}
	out.Reset()
	if err := NewOutputsView(&IO{Out: &out, Err: &out}, false, true).Outputs(r); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out.Bytes(), []byte("    keys\n      prod  private-key\n")) {
		t.Errorf("--show-secrets: the secret map is not shown as a tree:\n%s", out.String())
	}
}
