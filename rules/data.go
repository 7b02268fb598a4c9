package rules

import (
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

//go:generate sh -c "cp ../../shared/reference/provider-rules.json data/ && cp ../../shared/reference/schemas/aws.json ../../shared/reference/schemas/hcloud.json ../../shared/reference/schemas/ovh.json data/schemas/ && chmod 644 data/*.json data/schemas/*.json"

// data holds byte-identical copies of ../shared/reference/provider-rules.json
// and ../shared/reference/schemas/*.json (TestDataMatchesReference proves it
// wherever the reference is present; `go generate ./rules` refreshes them).
//
// data/corrections.json and data/additions.json are the project's own:
// corrections to the copy and resource types the reference lacks, each with
// its source, applied on top of it by decode. The reference is read-only and
// CI compares the copies with it, so amendments never go into the copies.
//
//go:embed data/provider-rules.json data/corrections.json data/additions.json data/schemas/*.json
var data embed.FS

// corrections is data/corrections.json: per IBM object, the fields that
// replace the reference's, or a whole object the reference lacks.
type corrections struct {
	IBM map[string]json.RawMessage `json:"ibm"`
}

// correctionHead is what decode reads of a correction before applying it:
// an added object (one the reference lacks) says so and cites its sources.
type correctionHead struct {
	Added  bool   `json:"added"`
	Source string `json:"source"`
}

// additions is data/additions.json: rules and schemas for resource types the
// reference does not cover.
type additions struct {
	Resources map[string]*resourceRules `json:"resources"`
	Schemas   map[string]schemaFile     `json:"schemas"`
}

// Schema files per package prefix of a type token.
var schemaFiles = map[string]string{
	"aws":    "data/schemas/aws.json",
	"hcloud": "data/schemas/hcloud.json",
	"ovh":    "data/schemas/ovh.json",
}

type ruleFile struct {
	Resources   map[string]*resourceRules  `json:"resources"`
	CloudLimits []cloudLimit               `json:"cloudLimits"`
	IBM         map[string]json.RawMessage `json:"ibm"`
}

type resourceRules struct {
	TerraformResource   string        `json:"terraformResource"`
	ForceNew            []string      `json:"forceNew"`
	ConditionalForceNew []conditional `json:"conditionalForceNew"`
	Constraints         []constraint  `json:"constraints"`
	ImportID            string        `json:"importId"`
	Source              string        `json:"source"`
}

type constraint struct {
	Property   string          `json:"property"`
	Rule       string          `json:"rule"`
	Value      json.RawMessage `json:"value"`
	Source     string          `json:"source"`
	Note       string          `json:"note"`
	Confidence string          `json:"confidence"`
}

type conditional struct {
	Property  string `json:"property"`
	Condition string `json:"condition"`
	Source    string `json:"source"`
}

type cloudLimit struct {
	Cloud      string          `json:"cloud"`
	AppliesTo  []string        `json:"appliesTo"`
	Limit      string          `json:"limit"`
	Value      json.RawMessage `json:"value"`
	Source     string          `json:"source"`
	Note       string          `json:"note"`
	Confidence string          `json:"confidence"`
}

type ibmObject struct {
	Name              *ibmName            `json:"name"`
	Mutable           []string            `json:"mutable"`
	Immutable         []string            `json:"immutable"`
	ImmutableSource   string              `json:"immutableSource"`
	AppliedOnceOnly   []string            `json:"appliedOnceOnly"`
	AppliedOnceSource string              `json:"appliedOnceSource"`
	Enums             map[string][]string `json:"enums"`
	EnumSource        string              `json:"enumSource"`
	Constraints       []constraint        `json:"constraints"`
}

type ibmName struct {
	Pattern        string   `json:"pattern"`
	LengthBetween  []int    `json:"lengthBetween"`
	MaxLength      int      `json:"maxLength"`
	ReservedPrefix string   `json:"reservedPrefix"`
	Charset        string   `json:"charset"`
	Note           string   `json:"note"`
	Source         []string `json:"source"`
	Confidence     string   `json:"confidence"`
}

type ibmAPIVersion struct {
	VersionDependentEnums []struct {
		Object   string `json:"object"`
		Property string `json:"property"`
		Rule     string `json:"rule"`
		Source   string `json:"source"`
	} `json:"versionDependentEnums"`
}

type schemaFile struct {
	Resources map[string]*schemaRes  `json:"resources"`
	Types     map[string]*schemaType `json:"types"`
}

type schemaRes struct {
	InputProperties map[string]*propSpec `json:"inputProperties"`
	RequiredInputs  []string             `json:"requiredInputs"`
}

type schemaType struct {
	Properties map[string]*propSpec `json:"properties"`
	Required   []string             `json:"required"`
}

type propSpec struct {
	Type                 string    `json:"type"`
	Ref                  string    `json:"$ref"`
	Items                *propSpec `json:"items"`
	AdditionalProperties *propSpec `json:"additionalProperties"`
	DocEnum              []any     `json:"x-docEnum"`
	DocEnumSource        string    `json:"x-docEnumSource"`
	DocEnumAuto          []any     `json:"x-docEnumAuto"`
	Pattern              string    `json:"x-pattern"`
	PatternSource        string    `json:"x-patternSource"`
	KeyPattern           string    `json:"x-keyPattern"`
}

// db is the decoded data with its regular expressions compiled.
type db struct {
	resources  map[string]*resourceRules
	limits     []cloudLimit
	ibm        map[string]*ibmObject
	ibmVersion ibmAPIVersion
	schemaRes  map[string]*schemaRes
	// schemaTypes by package ("aws") and type token.
	schemaTypes map[string]*schemaType
	// schemaSource names the schema a type's facts come from.
	schemaSource map[string]string
	regexps      map[string]*regexp.Regexp
}

var (
	loadOnce sync.Once
	loaded   *db
)

// load decodes the embedded data once. The data is part of the binary, so a
// decoding error is a build defect: it panics, and the package tests catch it.
func load() *db {
	loadOnce.Do(func() {
		d, err := decode()
		if err != nil {
			panic("rules: embedded data: " + err.Error())
		}
		loaded = d
	})
	return loaded
}

func decode() (*db, error) {
	d := &db{
		ibm:          map[string]*ibmObject{},
		schemaRes:    map[string]*schemaRes{},
		schemaTypes:  map[string]*schemaType{},
		schemaSource: map[string]string{},
		regexps:      map[string]*regexp.Regexp{},
	}
	raw, err := data.ReadFile("data/provider-rules.json")
	if err != nil {
		return nil, err
	}
	var rf ruleFile
	if err := json.Unmarshal(raw, &rf); err != nil {
		return nil, fmt.Errorf("provider-rules.json: %w", err)
	}
	d.resources, d.limits = rf.Resources, rf.CloudLimits
	for name, msg := range rf.IBM {
		if name == "_apiVersion" {
			if err := json.Unmarshal(msg, &d.ibmVersion); err != nil {
				return nil, fmt.Errorf("provider-rules.json ibm._apiVersion: %w", err)
			}
			continue
		}
		var o ibmObject
		if err := json.Unmarshal(msg, &o); err != nil {
			return nil, fmt.Errorf("provider-rules.json ibm.%s: %w", name, err)
		}
		d.ibm[name] = &o
	}
	raw, err = data.ReadFile("data/corrections.json")
	if err != nil {
		return nil, err
	}
	if err := applyCorrections(d, raw); err != nil {
		return nil, err
	}
	for pkg, file := range schemaFiles {
		raw, err := data.ReadFile(file)
		if err != nil {
			return nil, err
		}
		var sf schemaFile
		if err := json.Unmarshal(raw, &sf); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		for t, r := range sf.Resources {
			d.schemaRes[t] = r
			d.schemaSource[t] = pkg
		}
		for t, ty := range sf.Types {
			d.schemaTypes[t] = ty
		}
	}
	return d, applyAdditions(d)
}

// applyCorrections applies corrections.json to the decoded reference. An
// entry for an object the reference has replaces the fields it names; an
// entry marked "added" is a whole object the reference lacks (an infra:ibm
// type the reference was trimmed before), which must cite its source. An
// unmarked entry for an unknown object is a typo, and a marked one for an
// object the reference already has would silently drop its other fields:
// both fail.
func applyCorrections(d *db, raw []byte) error {
	var cf corrections
	if err := json.Unmarshal(raw, &cf); err != nil {
		return fmt.Errorf("corrections.json: %w", err)
	}
	for name, msg := range cf.IBM {
		var head correctionHead
		if err := json.Unmarshal(msg, &head); err != nil {
			return fmt.Errorf("corrections.json ibm.%s: %w", name, err)
		}
		o := d.ibm[name]
		switch {
		case head.Added && o != nil:
			return fmt.Errorf("corrections.json: ibm.%s is marked added but provider-rules.json has it; correct only the fields that differ", name)
		case head.Added && head.Source == "":
			return fmt.Errorf("corrections.json: the added ibm.%s cites no source", name)
		case head.Added:
			o = &ibmObject{}
			d.ibm[name] = o
		case o == nil:
			return fmt.Errorf("corrections.json: ibm.%s is not in provider-rules.json (mark a new object \"added\": true)", name)
		}
		// Unmarshal into the decoded object replaces only the fields the
		// correction names.
		if err := json.Unmarshal(msg, o); err != nil {
			return fmt.Errorf("corrections.json ibm.%s: %w", name, err)
		}
	}
	return nil
}

func applyAdditions(d *db) error {
	raw, err := data.ReadFile("data/additions.json")
	if err != nil {
		return err
	}
	var af additions
	if err := json.Unmarshal(raw, &af); err != nil {
		return fmt.Errorf("additions.json: %w", err)
	}
	for t, r := range af.Resources {
		if d.resources[t] != nil {
			return fmt.Errorf("additions.json: resources.%s is already in provider-rules.json; drop the addition", t)
		}
		d.resources[t] = r
	}
	for pkg, sf := range af.Schemas {
		if _, ok := schemaFiles[pkg]; !ok {
			return fmt.Errorf("additions.json: schemas.%s is not a schema package", pkg)
		}
		for t, r := range sf.Resources {
			if d.schemaRes[t] != nil {
				return fmt.Errorf("additions.json: schemas.%s resource %s is already in the reference schema; drop the addition", pkg, t)
			}
			d.schemaRes[t] = r
			d.schemaSource[t] = pkg
		}
		for t, ty := range sf.Types {
			if d.schemaTypes[t] != nil {
				return fmt.Errorf("additions.json: schemas.%s type %s is already in the reference schema; drop the addition", pkg, t)
			}
			d.schemaTypes[t] = ty
		}
	}
	return nil
}

var reMu sync.Mutex

// compile returns the compiled pattern, or nil when it is not a Go regular
// expression (prose, or a lookahead).
func (d *db) compile(pattern string) *regexp.Regexp {
	reMu.Lock()
	defer reMu.Unlock()
	if r, ok := d.regexps[pattern]; ok {
		return r
	}
	r, err := regexp.Compile(pattern)
	if err != nil {
		r = nil
	}
	d.regexps[pattern] = r
	return r
}

// ibmObject is the IBM object behind an infra:ibm:* type, or nil.
func (d *db) ibmObject(typ string) *ibmObject {
	name, ok := strings.CutPrefix(typ, "infra:ibm:")
	if !ok {
		return nil
	}
	return d.ibm[name]
}
