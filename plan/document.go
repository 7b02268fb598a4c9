package plan

// DocumentKind and DocumentVersion are the envelope of the plan's JSON
// form (`infra plan --format json`, --out, the golden files): every JSON
// document infra prints starts with its kind and the version of its shape.
const (
	DocumentKind    = "plan"
	DocumentVersion = 1
)

// document is the plan's JSON form: the envelope, then the plan's fields.
type document struct {
	Kind    string `json:"kind"`
	Version int    `json:"version"`
	*Plan
}
