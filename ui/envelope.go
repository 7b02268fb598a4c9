package ui

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"

	"github.com/invopop/jsonschema"

	"infra/cost"
	"infra/plan"
)

// The kinds of JSON document infra prints under --json. Every document is
// one JSON object that starts with "kind" (one of these) and "version"
// (JSONVersion), then the kind's own fields; ui/schema/<kind>.json is its
// JSON Schema, printed by `infra schema --output <kind>`.
const (
	KindValidate   = "validate"
	KindPlan       = plan.DocumentKind
	KindGuardrails = "guardrails"
	KindNative     = "guardrails-render"
	KindADR        = "adr"
	KindRun        = "run"
	KindUp         = "up"
	KindOutputs    = "outputs"
	KindDoctor     = "doctor"
	KindMeshConfig = "mesh-config"
	KindVersion    = "version"
	KindError      = "error"
	KindBundle     = "plan-bundle"
	KindUpPlan     = "up-plan"
	KindDrift      = "drift"
	KindPrices     = "prices"
	KindKubeconfig = "kubeconfig"
)

// documents maps each kind to a value of its payload's type, from which
// its schema is generated.
var documents = map[string]any{
	KindValidate:   ValidateResult{},
	KindPlan:       plan.Plan{},
	KindGuardrails: GuardrailsResult{},
	KindNative:     NativeResult{},
	KindADR:        ADRJSON{},
	KindRun:        ResultJSON{},
	KindUp:         UpJSON{},
	KindOutputs:    OutputsJSON{},
	KindDoctor:     DoctorJSON{},
	KindMeshConfig: MeshConfig{},
	KindVersion:    VersionInfo{},
	KindError:      errorPayload{},
	KindBundle:     BundleJSON{},
	KindUpPlan:     UpPlanJSON{},
	KindDrift:      DriftJSON{},
	KindPrices:     PricesJSON{},
	KindKubeconfig: KubeconfigJSON{},
}

// Kinds lists the kinds of JSON document, sorted.
func Kinds() []string { return slices.Sorted(maps.Keys(documents)) }

// writeDocument writes payload, which must encode as a JSON object, as a
// document of kind: {"kind": kind, "version": JSONVersion, ...payload},
// indented, with a trailing newline.
func writeDocument(w io.Writer, kind string, payload any) error {
	if _, ok := documents[kind]; !ok {
		return fmt.Errorf("ui: no JSON document kind %q", kind)
	}
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(payload); err != nil {
		return err
	}
	b := bytes.TrimSpace(body.Bytes())
	if len(b) < 2 || b[0] != '{' {
		return fmt.Errorf("ui: a %s document must be a JSON object", kind)
	}
	head := fmt.Sprintf(`{"kind":%q,"version":%d`, kind, JSONVersion)
	var doc []byte
	if string(b) == "{}" {
		doc = append([]byte(head), '}')
	} else {
		doc = append(append([]byte(head), ','), b[1:]...)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, doc, "", "  "); err != nil {
		return err
	}
	out.WriteByte('\n')
	_, err := w.Write(out.Bytes())
	return err
}

//go:embed schema/*.json
var schemaFiles embed.FS

// SchemaOf returns the published JSON Schema of a kind of document (the
// file ui/schema/<kind>.json).
func SchemaOf(kind string) ([]byte, error) {
	if _, ok := documents[kind]; !ok {
		return nil, fmt.Errorf("no JSON output kind %q; the kinds are %v", kind, Kinds())
	}
	return schemaFiles.ReadFile("schema/" + kind + ".json")
}

// SchemaID is the $id of a kind's schema.
func SchemaID(kind string) string { return "https://infra.dev/schema/output/" + kind + ".json" }

// GenerateSchema derives a kind's JSON Schema from its Go type, with the
// envelope's kind and version required: what ui/schema/<kind>.json holds
// (a test keeps them equal).
func GenerateSchema(kind string) ([]byte, error) {
	v, ok := documents[kind]
	if !ok {
		return nil, fmt.Errorf("no JSON output kind %q", kind)
	}
	r := &jsonschema.Reflector{ExpandedStruct: true, DoNotReference: false,
		// Types whose JSON is not what their Go kind says.
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			if t == reflect.TypeOf(cost.Cents(0)) {
				return &jsonschema.Schema{Type: "number", Description: "an amount in US dollars, to the cent"}
			}
			return nil
		}}
	s := r.Reflect(v)
	s.ID = jsonschema.ID(SchemaID(kind))
	s.Title = "infra --json: " + kind
	s.Description = fmt.Sprintf("The document infra prints under --json (kind %q, version %d).", kind, JSONVersion)
	if s.Properties == nil {
		s.Properties = jsonschema.NewProperties()
	}
	for _, reserved := range []string{"kind", "version"} {
		if _, taken := s.Properties.Get(reserved); taken {
			return nil, fmt.Errorf("ui: the %s document has a field %q, which the envelope owns", kind, reserved)
		}
	}
	props := jsonschema.NewProperties()
	props.Set("kind", &jsonschema.Schema{Type: "string", Const: kind})
	props.Set("version", &jsonschema.Schema{Type: "integer", Const: JSONVersion})
	for p := s.Properties.Oldest(); p != nil; p = p.Next() {
		props.Set(p.Key, p.Value)
	}
	s.Properties = props
	s.Required = append([]string{"kind", "version"}, slices.DeleteFunc(s.Required, func(r string) bool { return r == "kind" || r == "version" })...)
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// writeIndented writes v as indented JSON with a trailing newline, for
// documents whose shape is someone else's (SARIF).
func writeIndented(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
