package plan

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/provider/computed"
)

// mocks answers one stack's resource registrations and invokes with the
// values the shared model of the clouds gives (provider/computed): the
// ones the simulator gives a deployment of the same program. It records
// every registration, with the inputs as the provider's Check would
// return them (auto-names included).
type mocks struct {
	project, stack string

	mu      sync.Mutex
	records []*Resource
	regions map[string]string // providerKey → the provider's region
	err     error
}

var _ pulumi.MockResourceMonitor = (*mocks)(nil)

func newMocks(project, stack string) *mocks {
	return &mocks{project: project, stack: stack, regions: map[string]string{}}
}

// NewResource records the registration and returns the resource's id and
// state: its inputs plus the computed attributes of its type.
func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	urn := m.urn(args)
	inputs, err := computed.Defaults(urn, args.Inputs, 0)
	if err != nil {
		m.fail(fmt.Errorf("%s: %w", args.Name, err))
		return "", nil, err
	}
	rec, err := m.record(args)
	if err != nil {
		m.fail(err)
		return "", nil, err
	}
	// What Check added shows in the plan, as in a real preview.
	for k, v := range inputs {
		if _, ok := rec.Inputs[string(k)]; !ok {
			rec.Inputs[string(k)] = plain(v)
		}
	}
	m.mu.Lock()
	m.records = append(m.records, rec)
	if strings.HasPrefix(args.TypeToken, "pulumi:providers:") {
		if r, ok := args.Inputs["region"]; ok && r.IsString() {
			m.regions[providerKey(args.TypeToken, args.Name)] = r.StringValue()
		}
	}
	region := m.regions[refKey(args.Provider)]
	m.mu.Unlock()

	r := computed.Resource{URN: urn, Inputs: inputs, Region: region}
	r.ID = computed.NewID(r, 0)
	m.mu.Lock()
	rec.ID = string(r.ID)
	m.mu.Unlock()
	return string(r.ID), computed.Outputs(r), nil
}

// urn is the resource's URN, spelled as the engine spells it, so that the
// values derived from it are the ones a deployment gets.
func (m *mocks) urn(args pulumi.MockResourceArgs) resource.URN {
	parentType := tokens.Type("")
	if rpc := args.RegisterRPC; rpc != nil {
		if p := resource.URN(rpc.GetParent()); p != "" && p.IsValid() && p.QualifiedType() != resource.RootStackType {
			parentType = p.QualifiedType()
		}
	}
	return resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), parentType, tokens.Type(args.TypeToken), args.Name)
}

// Call answers the provider functions the shared model knows; any other
// is an error, so a program never silently plans against an invented
// answer.
func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	region := m.regions[refKey(args.Provider)]
	m.mu.Unlock()
	if ret, ok := computed.Invoke(args.Token, args.Args, region); ok {
		return ret, nil
	}
	err := fmt.Errorf("plan: function %s has no mock; derive the value from the spec instead", args.Token)
	m.fail(err)
	return nil, err
}

func (m *mocks) fail(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err == nil {
		m.err = err
	}
}

func (m *mocks) failed() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.err
}

// resources returns the records sorted by name then type: registration
// order is concurrent inside the SDK and must not leak into the plan.
func (m *mocks) resources() []*Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := append([]*Resource{}, m.records...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Type < out[j].Type
	})
	return out
}

// record turns a registration into a plan record. It reads the full RPC
// rather than args.Inputs, which the SDK strips of unknowns.
func (m *mocks) record(args pulumi.MockResourceArgs) (*Resource, error) {
	rec := &Resource{Stack: m.stack, Type: args.TypeToken, Name: args.Name, Inputs: map[string]any{}}
	props := args.Inputs
	if rpc := args.RegisterRPC; rpc != nil {
		var err error
		props, err = plugin.UnmarshalProperties(rpc.GetObject(), plugin.MarshalOptions{
			KeepUnknowns: true, KeepSecrets: true, KeepResources: true, KeepOutputValues: true, SkipNulls: true,
		})
		if err != nil {
			return nil, fmt.Errorf("%s: inputs: %w", args.Name, err)
		}
		rec.Parent = nameOf(rpc.GetParent())
		rec.Provider = nameOf(refURN(rpc.GetProvider()))
		rec.Import = rpc.GetImportId()
		seen := map[string]bool{}
		for _, d := range rpc.GetDependencies() {
			if n := nameOf(d); n != "" && !seen[n] {
				seen[n] = true
				rec.DependsOn = append(rec.DependsOn, n)
			}
		}
		sort.Strings(rec.DependsOn)
	} else {
		rec.Provider = nameOf(refURN(args.Provider))
	}
	for k, v := range props {
		rec.Inputs[string(k)] = plain(v)
	}
	return rec, nil
}

// planValues converts property values to JSON-ready Go values for the
// record, redacting secrets.
var planValues = computed.Plain{Secret: Redacted, Unknown: Unknown, Other: func(v resource.PropertyValue) any {
	switch {
	case v.IsResourceReference():
		return "resource " + nameOf(string(v.ResourceReferenceValue().URN))
	case v.IsAsset():
		return "asset " + v.AssetValue().Hash
	case v.IsArchive():
		return "archive " + v.ArchiveValue().Hash
	}
	return fmt.Sprint(v.V)
}}

// plain converts a property value to JSON-ready Go values, redacting secrets.
func plain(v resource.PropertyValue) any { return planValues.Value(v) }

// nameOf is the logical name in a URN; the stack resource itself has none.
func nameOf(u string) string {
	urn := resource.URN(u)
	if u == "" || !urn.IsValid() || urn.QualifiedType() == resource.RootStackType {
		return ""
	}
	return urn.Name()
}

// refURN is the URN part of a provider reference ("urn::id").
func refURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i >= 0 {
		return ref[:i]
	}
	return ref
}

// providerKey identifies a provider within a stack: its type and name, as
// in the URN of references to it.
func providerKey(typ, name string) string { return typ + "::" + name }

// refKey is providerKey of a provider reference ("urn::id").
func refKey(ref string) string {
	u := resource.URN(refURN(ref))
	if ref == "" || !u.IsValid() {
		return ""
	}
	return providerKey(string(u.Type()), u.Name())
}
