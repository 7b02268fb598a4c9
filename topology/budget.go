package topology

// Budget is the most a topology may cost a month at list price.
type Budget struct {
	Meta `yaml:"-" json:"-"`
	// Monthly is the cap in whole US dollars, compared with the plan's
	// estimate (the price table of `infra cost`; usage is not estimated).
	Monthly int `yaml:"monthly" jsonschema:"required,minimum=1"`
}
