package engine

import (
	"slices"
	"testing"
)

func TestCancelArgsQualifyTheStackPerBackend(t *testing.T) {
	for _, c := range []struct{ backend, want string }{
		{"file:///state", "organization/pair/dev"},
		{"s3://bucket?region=eu-west-1", "organization/pair/dev"},
		{"gs://bucket", "organization/pair/dev"},
		{"azblob://container", "organization/pair/dev"},
		{"postgres://db/state", "organization/pair/dev"},
		{"https://api.pulumi.com", "pair/dev"},
		{"", "pair/dev"},
	} {
		args := CancelArgs(c.backend, "pair", "dev")
		if i := slices.Index(args, "--stack"); i < 0 || args[i+1] != c.want {
			t.Errorf("%q: %v, want --stack %s", c.backend, args, c.want)
		}
	}
}
