package engine

import (
	"regexp"
	"strings"
)

// glogLine is a line of pulumi's own logging (-v=N --logtostderr), such as
// "I1206 04:12:33.123456   12345 plugin.go:123] ...".
var glogLine = regexp.MustCompile(`^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ \S+:\d+\] `)

// manyErrors is the header of a list of errors (hashicorp/go-multierror).
var manyErrors = regexp.MustCompile(`^\d+ errors occurred:$`)

// goroutineLine starts the stack trace of a goroutine.
var goroutineLine = regexp.MustCompile(`^goroutine \d+ \[[^\]]*\]:$`)

// firstError picks the line of pulumi's stderr that says what went wrong:
// for a Go panic, its "panic:" message and the first frame that is not the
// runtime's or a panic handler's (the bottom of a trace says nothing);
// otherwise the first "error:" line that is not a summary such as "update
// failed"; otherwise the first line that is neither a warning nor logging.
func firstError(stderr string) string {
	lines := strings.Split(strings.ReplaceAll(stderr, "\r\n", "\n"), "\n")
	if msg := panicLine(lines); msg != "" {
		return msg
	}
	var fallback string
	for i, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case t == "" || glogLine.MatchString(t):
			continue
		case strings.HasPrefix(t, "error:"):
			msg := strings.TrimSpace(strings.TrimPrefix(t, "error:"))
			if manyErrors.MatchString(msg) && i+1 < len(lines) {
				// "2 errors occurred:" then "    1) ...": the first.
				if first := strings.TrimSpace(lines[i+1]); first != "" {
					return strings.TrimSpace(strings.TrimLeft(first, "0123456789)*- "))
				}
			}
			if msg != "" && !isBoilerplate(msg) {
				return msg
			}
			if fallback == "" {
				fallback = msg
			}
		case strings.HasPrefix(t, "warning:"):
		default:
			if fallback == "" {
				fallback = t
			}
		}
	}
	return fallback
}

// panicLine is "panic: <message> (at <function> <file:line>)" for the first
// panic in lines, or "".
func panicLine(lines []string) string {
	at := -1
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "panic: ") {
			at = i
			break
		}
	}
	if at < 0 {
		return ""
	}
	msg := strings.TrimSpace(lines[at])
	// A re-panic repeats the message with " [recovered]": keep one.
	msg = strings.TrimSuffix(msg, " [recovered]")
	for i := at + 1; i < len(lines); i++ {
		if !goroutineLine.MatchString(strings.TrimSpace(lines[i])) {
			continue
		}
		// Frames are pairs: "pkg.Func(args)" then "\tfile:line +0x..".
		for j := i + 1; j+1 < len(lines); j += 2 {
			fn, file := strings.TrimSpace(lines[j]), strings.TrimSpace(lines[j+1])
			if fn == "" || strings.HasPrefix(fn, "created by ") {
				break
			}
			if isPanicPlumbing(fn, file) {
				continue
			}
			if k := strings.LastIndex(file, " +0x"); k > 0 {
				file = file[:k]
			}
			return msg + " (at " + trimArgs(fn) + " " + shortPath(file) + ")"
		}
		break
	}
	return msg
}

// isPanicPlumbing spots the frames of the runtime and of the handlers that
// recover a panic to print it again.
func isPanicPlumbing(fn, file string) bool {
	return strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "runtime/debug.") ||
		strings.HasPrefix(fn, "panic(") || strings.Contains(file, "goroutine_panic_recovery.go") ||
		strings.Contains(fn, "panicRecovery") || strings.Contains(fn, ".PanicRecovery")
}

// trimArgs drops the argument words of a frame: "pkg.(*T).F(0xc0, ...)".
func trimArgs(fn string) string {
	if i := strings.LastIndex(fn, "("); i > 0 && strings.HasSuffix(fn, ")") {
		return fn[:i]
	}
	return fn
}

// shortPath keeps a source path from its module on:
// ".../pkg/mod/github.com/pulumi/pulumi/pkg/v3@v3.259.0/x/y.go:44" becomes
// "github.com/pulumi/pulumi/pkg/v3@v3.259.0/x/y.go:44".
func shortPath(file string) string {
	if i := strings.Index(file, "/pkg/mod/"); i >= 0 {
		return file[i+len("/pkg/mod/"):]
	}
	return file
}
