package engine

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// envPanic makes the test binary panic in a goroutine, the way pulumi's step
// executor did in the review, so the trace the tests read is a real one.
const envPanic = "INFRA_ENGINE_TEST_PANIC"

func TestMain(m *testing.M) {
	if os.Getenv(envPanic) != "" {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			stepExecutorForTest(nil)
		}()
		wg.Wait()
	}
	os.Exit(m.Run())
}

//go:noinline
func stepExecutorForTest(m map[string]*int) int {
	return *m["step"] // nil map read, nil pointer: a runtime panic
}

// realPanic runs the test binary as a process that panics and returns its
// stderr, prefixed as pulumi prints a crash.
func realPanic(t *testing.T) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envPanic+"=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || !strings.Contains(string(out), "goroutine ") {
		t.Fatalf("the panicking process: %v\n%s", err, out)
	}
	return "warning: A new version of Pulumi is available.\n" + string(out)
}

func TestFirstError(t *testing.T) {
	trace := realPanic(t)
	for _, tc := range []struct {
		name, stderr, want string
	}{
		{
			name:   "a Go panic: its message and the first frame of the code, not the bottom of the trace",
			stderr: trace,
			want:   "panic: runtime error: invalid memory address or nil pointer dereference (at infra/engine.stepExecutorForTest ",
		},
		{
			name:   "the first error that is not a summary",
			stderr: "warning: something old\nerror: update failed\nerror: sim: quota exceeded for hcloud servers\nerror: later\n",
			want:   "sim: quota exceeded for hcloud servers",
		},
		{
			name:   "pulumi's logging at -v=9 is skipped",
			stderr: "I1206 04:12:33.123456   12345 plugin.go:123] loading plugin\nE1206 04:12:33.2   12345 x.go:1] noise\nerror: could not deserialize deployment: unexpected end of JSON input\n",
			want:   "could not deserialize deployment: unexpected end of JSON input",
		},
		{
			name:   "a list of errors: the first of them",
			stderr: "error: 2 errors occurred:\n    1) operation error S3: DeleteObject, StatusCode: 503\n    2) Unknown\n",
			want:   "operation error S3: DeleteObject, StatusCode: 503",
		},
		{
			name:   "only a summary: it is all there is",
			stderr: "error: update failed\n",
			want:   "update failed",
		},
		{
			name:   "no error line: the first line that is no warning",
			stderr: "\nwarning: x\nsomething broke\nmore\n",
			want:   "something broke",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := firstError(tc.stderr)
			if !strings.HasPrefix(got, tc.want) {
				t.Errorf("firstError = %q, want it to start with %q", got, tc.want)
			}
		})
	}
	got := firstError(trace)
	if !strings.Contains(got, "errtext_test.go:") || strings.Contains(got, "goroutine") || strings.Contains(got, "+0x") {
		t.Errorf("the panic's frame is not the test's source line, or the trace leaks in: %q", got)
	}
}

// TestCLIErrorOfAutomationError: the Automation API's error text (stdout
// and stderr in full) shortens to the meaningful line.
func TestCLIErrorOfAutomationError(t *testing.T) {
	err := errors.New("failed to run update: exit status 1\ncode: 1\nstdout: Updating (dev)\n    + x creating\nstderr: error: update failed\nerror: the provider exploded: boom\n")
	if got := cliError(err).Error(); got != "the provider exploded: boom" {
		t.Errorf("cliError = %q", got)
	}
}
