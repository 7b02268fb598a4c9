package topology

import (
	"encoding/json"

	"github.com/invopop/jsonschema"
)

// SchemaID is the $id of the generated JSON Schema.
const SchemaID = "https://infra.dev/schema/topology.json"

// Schema returns the JSON Schema of a topology file, generated from the Go
// types so that editors and the loader can never disagree on field names.
func Schema() ([]byte, error) {
	r := &jsonschema.Reflector{
		FieldNameTag:               "yaml",
		RequiredFromJSONSchemaTags: true,
		ExpandedStruct:             true,
		DoNotReference:             false,
	}
	s := r.Reflect(&Spec{})
	s.ID = SchemaID
	s.Title = "infra topology"
	s.Description = "One file describing clusters, networks, mesh, load balancing and guardrails across IBM Cloud, AWS, Hetzner Cloud and OVHcloud."
	return json.MarshalIndent(s, "", "  ")
}

// JSONSchema describes the two ways to write a node count.
func (Scaling) JSONSchema() *jsonschema.Schema {
	obj := jsonschema.NewProperties()
	for _, k := range []string{"min", "max", "desired"} {
		obj.Set(k, &jsonschema.Schema{Type: "integer", Minimum: json.Number("0")})
	}
	return &jsonschema.Schema{OneOf: []*jsonschema.Schema{
		{Type: "integer", Minimum: json.Number("0"), Description: "fixed node count"},
		{Type: "object", Properties: obj, AdditionalProperties: jsonschema.FalseSchema},
	}}
}

// JSONSchema describes a duration string.
func (Duration) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", Pattern: `^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$`, Examples: []any{"30s", "5m"}}
}

// JSONSchema describes a guardrail: a bare name, or name: parameters with an
// optional enforcement level.
func (Guardrail) JSONSchema() *jsonschema.Schema {
	var bare []any
	for _, n := range guardrailNames {
		if n != "allowed-regions" && n != "require-tags" {
			bare = append(bare, n)
		}
	}
	enforcement := &jsonschema.Schema{Type: "string", Enum: []any{"mandatory", "advisory"}}
	strList := &jsonschema.Schema{Type: "array", Items: &jsonschema.Schema{Type: "string"}}
	clouds := jsonschema.NewProperties()
	for _, c := range AllClouds {
		clouds.Set(string(c), strList)
	}
	variant := func(name string, params *jsonschema.Schema) *jsonschema.Schema {
		p := jsonschema.NewProperties()
		p.Set(name, params)
		p.Set("enforcement", enforcement)
		return &jsonschema.Schema{Type: "object", Properties: p, Required: []string{name}, AdditionalProperties: jsonschema.FalseSchema}
	}
	oneOf := []*jsonschema.Schema{
		{Type: "string", Enum: append(bare, "allowed-regions", "require-tags")},
		variant("allowed-regions", &jsonschema.Schema{Type: "object", Properties: clouds, AdditionalProperties: jsonschema.FalseSchema}),
		variant("require-tags", strList),
	}
	for _, n := range bare {
		oneOf = append(oneOf, variant(n.(string), &jsonschema.Schema{Type: "null"}))
	}
	return &jsonschema.Schema{OneOf: oneOf}
}

// JSONSchema describes an account: a bare name (infra creates it) or a
// mapping that may adopt an existing one.
func (AWSAccount) JSONSchema() *jsonschema.Schema {
	name := &jsonschema.Schema{Type: "string", Pattern: "^[a-z]([-a-z0-9]*[a-z0-9])?$"}
	p := jsonschema.NewProperties()
	p.Set("name", name)
	p.Set("existing", &jsonschema.Schema{Type: "boolean", Description: "adopt an account the organization already has, found by id or, without one, by email"})
	p.Set("id", &jsonschema.Schema{Type: "string", Pattern: "^[0-9]{12}$", Description: "12-digit id of an existing account; implies existing"})
	p.Set("email", &jsonschema.Schema{Type: "string", Description: "root e-mail address; defaults to emailPattern"})
	p.Set("role", &jsonschema.Schema{Type: "string", Pattern: `^[\w+=,.@-]{1,64}$`,
		Description: "role infra assumes in the account: infra-deployer for created accounts, OrganizationAccountAccessRole for existing ones by default"})
	return &jsonschema.Schema{OneOf: []*jsonschema.Schema{
		{Type: "string", Pattern: name.Pattern, Description: "an account infra creates"},
		{Type: "object", Properties: p, Required: []string{"name"}, AdditionalProperties: jsonschema.FalseSchema},
	}}
}
