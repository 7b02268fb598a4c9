package stackstest

import (
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Resource is one registration a program made.
type Resource struct {
	Type, Name string
	ID         string
	Inputs     resource.PropertyMap
	Deps       []string // URNs the registration depends on
	// Provider is the provider reference of the registration
	// (URN::id), "" for the default provider.
	Provider string
	// IgnoreChanges are the inputs whose changes the engine ignores.
	IgnoreChanges []string
}

// Mocks answers registrations like a cloud would, as far as a test needs,
// and records every one. Invokes are errors: programs derive what they
// need from the spec.
type Mocks struct {
	// Fail is a type token whose registrations fail, after being recorded.
	Fail string
	// ID gives a resource its id; by default its name and "-id".
	ID func(a pulumi.MockResourceArgs) string
	// State adds the attributes a cloud computes to state, a copy of the inputs.
	State func(a pulumi.MockResourceArgs, id string, state resource.PropertyMap)

	mu  sync.Mutex
	res []Resource
}

var _ pulumi.MockResourceMonitor = (*Mocks)(nil)

// NewResource records the registration and answers it.
func (m *Mocks) NewResource(a pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	id := a.Name + "-id"
	if m.ID != nil {
		id = m.ID(a)
	}
	rec := Resource{Type: a.TypeToken, Name: a.Name, ID: id, Inputs: a.Inputs, Provider: a.Provider}
	if a.RegisterRPC != nil {
		rec.Deps = a.RegisterRPC.GetDependencies()
		rec.IgnoreChanges = a.RegisterRPC.GetIgnoreChanges()
	}
	m.mu.Lock()
	m.res = append(m.res, rec)
	m.mu.Unlock()
	if a.TypeToken == m.Fail {
		return "", nil, fmt.Errorf("simulated failure creating %s", a.Name)
	}
	state := a.Inputs.Copy()
	if m.State != nil {
		m.State(a, id, state)
	}
	return id, state, nil
}

// Call refuses every invoke.
func (m *Mocks) Call(a pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return nil, fmt.Errorf("unexpected invoke %s", a.Token)
}

// Resources are the registrations so far, in the order they came.
func (m *Mocks) Resources() []Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Resource(nil), m.res...)
}

// ByType are the registrations of one type, sorted by name: registration
// order is concurrent inside the SDK.
func (m *Mocks) ByType(typ string) []Resource {
	var out []Resource
	for _, r := range m.Resources() {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Named is the registration of that logical name, or the zero Resource.
func (m *Mocks) Named(name string) Resource {
	for _, r := range m.Resources() {
		if r.Name == name {
			return r
		}
	}
	return Resource{}
}

// One is the inputs of the one registration of a type; any other count
// fails the test.
func (m *Mocks) One(t testing.TB, typ string) resource.PropertyMap {
	t.Helper()
	rs := m.ByType(typ)
	if len(rs) != 1 {
		t.Fatalf("%d × %s, want 1", len(rs), typ)
	}
	return rs[0].Inputs
}

// Run runs program under mocks and returns its exports, resolved.
func Run(mocks pulumi.MockResourceMonitor, program pulumi.RunFunc) (map[string]any, error) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	exports := map[string]any{}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		if err := program(ctx); err != nil {
			return err
		}
		for k, v := range ctx.GetCurrentExportMap() {
			wg.Add(1)
			pulumi.ToOutputWithContext(ctx.Context(), v).ApplyT(func(x any) any {
				defer wg.Done()
				mu.Lock()
				defer mu.Unlock()
				exports[k] = x
				return x
			})
		}
		return nil
	}, pulumi.WithMocks("infra", "test", mocks))
	if err == nil {
		wg.Wait()
	}
	return exports, err
}

// Benchmark runs program under fresh mocks in a loop and reports how many
// resources it registers.
func Benchmark(b *testing.B, mocks func() *Mocks, program pulumi.RunFunc) {
	b.Helper()
	var n int
	for b.Loop() {
		m := mocks()
		if err := pulumi.RunErr(program, pulumi.WithMocks("infra", "bench", m)); err != nil {
			b.Fatal(err)
		}
		n = len(m.Resources())
	}
	b.ReportMetric(float64(n), "resources/op")
}
