package ui

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/rogpeppe/go-internal/diff"

	"infra/engine"
)

// valueLine is one line of what a step changes: sign is the diff column
// ("+" added, "-" removed, "!" changed, " " context) and text the rest,
// already indented.
type valueLine struct{ sign, text string }

// Values longer than this, or of several lines, are shown as a unified diff
// of their text instead of old → new on one line.
const inlineValueMax = 60

// diffLinesMax caps the diff of one long value: a user-data script that is
// rewritten whole must not push everything else out of a comment.
const diffLinesMax = 40

// stepValues lists the old → new value of each property a step changes:
// scalars on one line, long values (user data, policy documents, rule
// lists) as a unified diff of their text. Secrets are engine.Secret on both
// sides (the engine masks them before they reach a view).
func stepValues(st *engine.Step) []valueLine {
	const indent = "    "
	var out []valueLine
	for _, v := range st.Values {
		force := ""
		if v.Replaces {
			force = " (forces replacement)"
		}
		name := indent + v.Name + ":"
		switch {
		case v.Kind == engine.PropertyUpdate && v.Old == nil && v.New == nil:
			out = append(out, valueLine{"!", name + " changed" + force})
		case v.Kind == engine.PropertyAdd:
			out = append(out, oneSide("+", name, v.New, force)...)
		case v.Kind == engine.PropertyDelete:
			out = append(out, oneSide("-", name, v.Old, force)...)
		case isLong(v.Old) || isLong(v.New):
			out = append(out, valueLine{"!", name + force})
			out = append(out, textDiff(valueText(v.Old), valueText(v.New), indent+"    ")...)
		default:
			out = append(out, valueLine{"!", name + " " + shortValue(v.Old) + " → " + shortValue(v.New) + force})
		}
	}
	return out
}

// oneSide is a property that only the old or only the new inputs have.
func oneSide(sign, name string, v any, force string) []valueLine {
	if !isLong(v) {
		return []valueLine{{sign, name + " " + shortValue(v) + force}}
	}
	out := []valueLine{{sign, name + force}}
	lines := strings.Split(strings.TrimRight(valueText(v), "\n"), "\n")
	for i, l := range lines {
		if i == diffLinesMax {
			out = append(out, valueLine{" ", fmt.Sprintf("        … %d more lines", len(lines)-i)})
			break
		}
		out = append(out, valueLine{sign, "        " + l})
	}
	return out
}

// shortValue is a value on one line: strings quoted, the masks bare.
func shortValue(v any) string {
	if s, ok := v.(string); ok && (s == engine.Secret || s == engine.Unknown) {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func isLong(v any) bool {
	if s, ok := v.(string); ok {
		return len(s) > inlineValueMax || strings.Contains(s, "\n")
	}
	return len(shortValue(v)) > inlineValueMax
}

// valueText is a long value as text to diff: a string as is (a JSON
// document in it, such as a policy, indented), anything else as indented
// JSON.
func valueText(v any) string {
	if s, ok := v.(string); ok {
		var doc any
		if t := strings.TrimSpace(s); (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) && json.Unmarshal([]byte(t), &doc) == nil {
			v = doc
		} else {
			return s
		}
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// textDiff is the unified diff of two texts, without its file headers,
// each line indented after its sign.
func textDiff(old, nu, indent string) []valueLine {
	if !strings.HasSuffix(old, "\n") {
		old += "\n"
	}
	if !strings.HasSuffix(nu, "\n") {
		nu += "\n"
	}
	d := string(diff.Diff("old", []byte(old), "new", []byte(nu)))
	var out []valueLine
	lines := strings.Split(strings.TrimRight(d, "\n"), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "diff ") || strings.HasPrefix(l, "--- ") || strings.HasPrefix(l, "+++ ") || l == "" {
			continue
		}
		if len(out) == diffLinesMax {
			out = append(out, valueLine{" ", fmt.Sprintf("%s… %d more lines of diff", indent, len(lines)-i)})
			break
		}
		if strings.HasPrefix(l, "@@") {
			out = append(out, valueLine{" ", indent + l})
			continue
		}
		out = append(out, valueLine{l[:1], indent + l[1:]})
	}
	return out
}

// forcingValues says which properties force a replacement, with their old
// and new values when they are short: "ipRange "10.0.0.0/16" → "10.1.0.0/16"
// forces replacement".
func forcingValues(st *engine.Step) string {
	if len(st.Replaces) == 0 {
		return ""
	}
	var parts []string
	for _, name := range st.Replaces {
		part := name
		for _, v := range st.Values {
			if v.Name == name && v.Kind == engine.PropertyUpdate && (v.Old != nil || v.New != nil) && !isLong(v.Old) && !isLong(v.New) {
				part += " " + shortValue(v.Old) + " → " + shortValue(v.New)
			}
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, ", ")
}
