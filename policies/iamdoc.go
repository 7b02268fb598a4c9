package policies

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Document is an IAM policy document, the grammar SCPs are written in.
// Fields marshal in the order AWS documents them; condition maps sort.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a Document.
type Statement struct {
	Sid         string    `json:"Sid,omitempty"`
	Effect      string    `json:"Effect"`
	Action      Strings   `json:"Action,omitempty"`
	NotAction   Strings   `json:"NotAction,omitempty"`
	Resource    Strings   `json:"Resource,omitempty"`
	NotResource Strings   `json:"NotResource,omitempty"`
	Condition   Condition `json:"Condition,omitempty"`
}

// Condition maps an operator to condition keys and their values.
type Condition map[string]map[string]Strings

// Strings is a list that marshals as a bare string when it has one element,
// as policy documents are usually written.
type Strings []string

// MarshalJSON writes one element as a string, more as an array.
func (s Strings) MarshalJSON() ([]byte, error) {
	if len(s) == 1 {
		return json.Marshal(s[0])
	}
	return json.Marshal([]string(s))
}

// PolicyVersion is the only policy language version SCPs are written in.
const PolicyVersion = "2012-10-17"

// Minify is the document's JSON without insignificant whitespace: what AWS
// counts against the size limit (the console minifies; the API does not, so
// infra always sends the minified form).
func (d Document) Minify() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// Size is the length of the minified document in characters.
func Size(doc []byte) int {
	var buf bytes.Buffer
	if err := json.Compact(&buf, doc); err != nil {
		return utf8.RuneCount(doc)
	}
	return utf8.RuneCount(buf.Bytes())
}

var (
	sidRE     = regexp.MustCompile(`^[A-Za-z0-9]+$`)
	actionRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*:[A-Za-z0-9*?]+$`)
	condKeyRE = regexp.MustCompile(`^[A-Za-z0-9-]+:[A-Za-z0-9_./:*-]+$`)
)

// conditionOperators are the IAM condition operators, before the optional
// ForAnyValue:/ForAllValues: prefix and IfExists suffix.
var conditionOperators = map[string]bool{
	"StringEquals": true, "StringNotEquals": true, "StringEqualsIgnoreCase": true, "StringNotEqualsIgnoreCase": true,
	"StringLike": true, "StringNotLike": true,
	"NumericEquals": true, "NumericNotEquals": true, "NumericLessThan": true, "NumericLessThanEquals": true,
	"NumericGreaterThan": true, "NumericGreaterThanEquals": true,
	"DateEquals": true, "DateNotEquals": true, "DateLessThan": true, "DateLessThanEquals": true,
	"DateGreaterThan": true, "DateGreaterThanEquals": true,
	"Bool": true, "BinaryEquals": true, "IpAddress": true, "NotIpAddress": true,
	"ArnEquals": true, "ArnNotEquals": true, "ArnLike": true, "ArnNotLike": true,
	"Null": true,
}

// ValidateSCP checks a service control policy document against the IAM
// policy grammar as SCPs accept it: Version 2012-10-17; a Statement object
// or non-empty array; in each statement an alphanumeric, unique Sid when
// present, Effect Allow or Deny, exactly one of Action and NotAction with
// well-formed service:Action names, exactly one of Resource and NotResource,
// and a Condition of known operators over service:key names. SCPs take no
// Principal. It returns every problem found, in document order.
func ValidateSCP(doc []byte) []error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var top map[string]json.RawMessage
	if err := dec.Decode(&top); err != nil {
		return []error{fmt.Errorf("not a JSON object: %v", err)}
	}
	for _, k := range sortedKeys(top) {
		switch k {
		case "Version", "Statement", "Id":
		default:
			fail("unknown top-level element %q", k)
		}
	}
	var version string
	if err := json.Unmarshal(top["Version"], &version); err != nil || version != PolicyVersion {
		fail("Version must be %q", PolicyVersion)
	}
	raw, ok := top["Statement"]
	if !ok {
		fail("no Statement")
		return errs
	}
	var stmts []map[string]json.RawMessage
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		var one map[string]json.RawMessage
		if err := json.Unmarshal(raw, &one); err != nil {
			fail("Statement: %v", err)
			return errs
		}
		stmts = append(stmts, one)
	} else if err := json.Unmarshal(raw, &stmts); err != nil {
		fail("Statement must be an object or an array of objects")
		return errs
	}
	if len(stmts) == 0 {
		fail("Statement is empty")
	}
	sids := map[string]bool{}
	for i, st := range stmts {
		where := fmt.Sprintf("Statement[%d]", i)
		if raw, ok := st["Sid"]; ok {
			var sid string
			switch {
			case json.Unmarshal(raw, &sid) != nil || !sidRE.MatchString(sid):
				fail("%s: Sid must be letters and digits only", where)
			case sids[sid]:
				fail("%s: Sid %q is used twice", where, sid)
			}
			sids[sid] = true
			if sid != "" {
				where += " (" + sid + ")"
			}
		}
		for _, k := range sortedKeys(st) {
			switch k {
			case "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition":
			case "Principal", "NotPrincipal":
				fail("%s: SCPs take no %s", where, k)
			default:
				fail("%s: unknown element %q", where, k)
			}
		}
		var effect string
		if err := json.Unmarshal(st["Effect"], &effect); err != nil || (effect != "Allow" && effect != "Deny") {
			fail("%s: Effect must be Allow or Deny", where)
		}
		// Each pair of elements: one of the two, a string or a list of
		// values, each * or of the element's form.
		for _, el := range []struct {
			keys  [2]string
			valid func(string) bool
			form  string
		}{
			{[2]string{"Action", "NotAction"}, actionRE.MatchString, "is not service:Action"},
			{[2]string{"Resource", "NotResource"}, func(r string) bool { return strings.HasPrefix(r, "arn:") }, "is neither * nor an ARN"},
		} {
			if err := oneOf(st, el.keys[0], el.keys[1]); err != nil {
				fail("%s: %v", where, err)
			}
			for _, k := range el.keys {
				if raw, ok := st[k]; ok {
					list, err := stringOrList(raw)
					if err != nil {
						fail("%s: %s: %v", where, k, err)
					}
					for _, v := range list {
						if v != "*" && !el.valid(v) {
							fail("%s: %s %q %s", where, k, v, el.form)
						}
					}
				}
			}
		}
		if raw, ok := st["Condition"]; ok {
			for _, err := range validateCondition(raw) {
				fail("%s: Condition: %v", where, err)
			}
		}
	}
	return errs
}

func validateCondition(raw json.RawMessage) []error {
	var errs []error
	var cond map[string]map[string]json.RawMessage
	if err := json.Unmarshal(raw, &cond); err != nil {
		return []error{fmt.Errorf("must map operators to {key: values}")}
	}
	if len(cond) == 0 {
		errs = append(errs, fmt.Errorf("is empty"))
	}
	for _, op := range sortedKeys(cond) {
		base := strings.TrimPrefix(strings.TrimPrefix(op, "ForAnyValue:"), "ForAllValues:")
		base = strings.TrimSuffix(base, "IfExists")
		if !conditionOperators[base] {
			errs = append(errs, fmt.Errorf("unknown operator %q", op))
		}
		if len(cond[op]) == 0 {
			errs = append(errs, fmt.Errorf("%s has no keys", op))
		}
		for _, k := range sortedKeys(cond[op]) {
			if !condKeyRE.MatchString(k) {
				errs = append(errs, fmt.Errorf("%s: key %q is not service:key", op, k))
			}
			v := bytes.TrimSpace(cond[op][k])
			var b bool
			if json.Unmarshal(v, &b) == nil {
				continue
			}
			if _, err := stringOrList(v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %s: %v", op, k, err))
			}
		}
	}
	return errs
}

// oneOf requires exactly one of two elements.
func oneOf(st map[string]json.RawMessage, a, b string) error {
	_, hasA := st[a]
	_, hasB := st[b]
	switch {
	case hasA && hasB:
		return fmt.Errorf("has both %s and %s", a, b)
	case !hasA && !hasB:
		return fmt.Errorf("needs %s or %s", a, b)
	}
	return nil
}

// stringOrList reads a string or a non-empty array of strings.
func stringOrList(raw json.RawMessage) ([]string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return []string{s}, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("must be a string or an array of strings")
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("is an empty array")
	}
	return list, nil
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
