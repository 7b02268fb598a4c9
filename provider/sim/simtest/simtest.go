// Package simtest holds what the tests that drive the pinned pulumi CLI
// through the Automation API share: the simulator's, the provider's and the
// binary's. Only tests import it.
package simtest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// RepoRoot walks up from the test's directory to the main module's go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// PulumiCommand returns the pinned CLI that scripts/install-pulumi builds,
// and skips the test when it has not been built.
func PulumiCommand(t testing.TB) auto.PulumiCommand {
	t.Helper()
	cli := filepath.Join(RepoRoot(t), ".bin", "pulumi")
	if _, err := os.Stat(cli); err != nil {
		t.Skipf("no pulumi CLI at %s: run scripts/install-pulumi to build it", cli)
	}
	return CommandAt(t, cli, t.TempDir())
}

// CommandAt is the Automation API's command for the CLI at cli.
// auto.NewPulumiCommand runs <root>/bin/pulumi, and the CLI lives in
// .bin/pulumi: root/bin links there.
func CommandAt(t testing.TB, cli, root string) auto.PulumiCommand {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(root, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(cli, filepath.Join(root, "bin", "pulumi")); err != nil {
		t.Fatal(err)
	}
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	return cmd
}

// File is one file of a directory tree, read whole.
type File struct {
	Path string
	Data string
}

// ReadTree reads every file below dir, in lexical order, so that a test can
// look for secrets in what a backend holds.
func ReadTree(t testing.TB, dir string) []File {
	t.Helper()
	var files []File
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files = append(files, File{path, string(data)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
