package ibm

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/IBM/go-sdk-core/v5/core"
)

// Error is an IBM API error, told in terms of the resource and its inputs.
type Error struct {
	Op, Type, Name string
	// Status is the HTTP status; 0 when no answer came.
	Status int
	// Code and Message are IBM's; Field is the input the API blamed, if any.
	Code, Message, Field string
	// Trace is IBM's request trace id, for support tickets.
	Trace string
	Err   error
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ibm: cannot %s %s %q", e.Op, e.Type, e.Name)
	if e.Field != "" {
		fmt.Fprintf(&b, ": input %s", e.Field)
	}
	msg := e.Message
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	fmt.Fprintf(&b, ": %s", msg)
	var details []string
	if e.Status != 0 {
		details = append(details, fmt.Sprintf("HTTP %d", e.Status))
	}
	if e.Code != "" {
		details = append(details, "code "+e.Code)
	}
	if e.Trace != "" {
		details = append(details, "trace "+e.Trace)
	}
	if len(details) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(details, ", "))
	}
	if hint := hintFor(e.Status); hint != "" {
		b.WriteString("; " + hint)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

func hintFor(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "check " + EnvAPIKey
	case http.StatusForbidden:
		// IAM and context-based restrictions both answer 403: the identity
		// lacks a role, or the request comes from a network or over an
		// endpoint no rule on the resource admits.
		return "the API key's identity lacks an IAM role for this (see the landing zone's access groups), " +
			"or a context-based restriction refuses where infra runs from (see clouds.ibm.deployFrom)"
	}
	return ""
}

// uncertain reports whether a failed create may nonetheless have been
// carried out: the answer was a server error, or none came.
func uncertain(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return e.Status == 0 || e.Status >= 500 || e.Status == http.StatusTooManyRequests
	}
	return false
}

// notFound reports whether the answer was a 404 (or a 410, which Key
// Protect gives for destroyed keys).
func notFound(resp *core.DetailedResponse) bool {
	return resp != nil && (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone)
}

// apiError turns an SDK error into an Error naming the resource and, when
// IBM says which field it refuses, the input it comes from.
func (o *op) apiError(verb string, err error, resp *core.DetailedResponse) error {
	if err == nil {
		return nil
	}
	e := &Error{Op: verb, Type: o.k.token, Name: o.name, Err: err, Message: err.Error()}
	var hp *core.HTTPProblem
	if resp == nil && errors.As(err, &hp) {
		resp = hp.Response
	}
	if resp != nil {
		e.Status = resp.StatusCode
		if m, ok := resp.Result.(map[string]any); ok {
			e.fromBody(m, o.k.fields)
		}
		for _, h := range []string{"X-Request-Id", "Correlation-Id"} {
			if e.Trace == "" {
				e.Trace = resp.Headers.Get(h)
			}
		}
	}
	return e
}

// fromBody reads the error shapes of IBM's APIs: the VPC and platform
// APIs' {"errors":[{code,message,target:{name}}],"trace"}, the Kubernetes
// Service's {code,description,incidentID}, CIS's {errors:[{code,message}]}
// and Key Protect's {resources:[{errorMsg,reasons:[{code,message}]}]}.
func (e *Error) fromBody(m map[string]any, fields map[string]string) {
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	if res, ok := m["resources"].([]any); ok && len(res) > 0 {
		// Key Protect: {"metadata":…,"resources":[{"errorMsg","reasons":[{"code","message"}]}]}
		// (IBM/keyprotect-go-client kp.go).
		if first, ok := res[0].(map[string]any); ok {
			e.Message = str(first, "errorMsg")
			if rs, ok := first["reasons"].([]any); ok && len(rs) > 0 {
				if r, ok := rs[0].(map[string]any); ok {
					e.Code = str(r, "code")
					if msg := str(r, "message"); e.Message == "" {
						e.Message = msg
					}
				}
			}
		}
	} else if list, ok := m["errors"].([]any); ok && len(list) > 0 {
		if first, ok := list[0].(map[string]any); ok {
			e.Message = str(first, "message")
			switch c := first["code"].(type) {
			case string:
				e.Code = c
			case float64:
				e.Code = fmt.Sprint(c)
			}
			if t, ok := first["target"].(map[string]any); ok {
				e.Field = str(t, "name")
			}
		}
	} else {
		for _, k := range []string{"description", "message", "error"} {
			if s := str(m, k); s != "" {
				e.Message = s
				break
			}
		}
		e.Code = str(m, "code")
	}
	for _, k := range []string{"trace", "incidentID"} {
		if s := str(m, k); s != "" {
			e.Trace = s
		}
	}
	if e.Field != "" {
		e.Field = inputName(e.Field, fields)
	}
}

// inputName maps an API field (ipv4_cidr_block, zone.name) to the input it
// comes from (ipv4CidrBlock, zone).
func inputName(apiField string, fields map[string]string) string {
	if in, ok := fields[apiField]; ok {
		return in
	}
	head, _, _ := strings.Cut(apiField, ".")
	if in, ok := fields[head]; ok {
		return in
	}
	parts := strings.Split(head, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}
