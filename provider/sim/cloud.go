package sim

import (
	"fmt"
	"sort"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"infra/provider/computed"
)

// Object is one resource in the simulated cloud: what a real cloud API would
// report for it.
type Object struct {
	URN resource.URN
	ID  resource.ID
	// Inputs are the arguments the object was created or last updated with.
	// Refresh reports them back, so changing them simulates drift.
	Inputs resource.PropertyMap
	// Outputs are Inputs plus the fields the cloud computed (addresses,
	// host names, ARNs, CRNs).
	Outputs resource.PropertyMap
	// region of the provider that made it, for the uniqueness rules.
	region string
}

// Cloud is the simulated world: every object that exists, keyed by URN. The
// providers of one or more Servers act on it, and tests inspect and mutate it
// to simulate drift and out-of-band deletion. It is safe for concurrent use,
// because one Cloud serves every stack of a deployment at once.
type Cloud struct {
	mu      sync.Mutex
	objects map[resource.URN]*Object
	// generation counts the creations per URN, so that a replacement gets a
	// new ID while IDs stay deterministic.
	generation map[resource.URN]int
	// removed remembers objects deleted behind the engine's back, so that a
	// refresh reports them gone instead of adopting them (see read).
	removed map[resource.URN]bool
	// existing holds what the account had before any stack (see Seed),
	// by type and ID, until a stack imports it.
	existing map[string]*Object
	// creating holds, per type created one at a time (serialCreates), the
	// object whose create is under way.
	creating map[string]resource.URN
}

// NewCloud returns an empty simulated cloud.
func NewCloud() *Cloud {
	return &Cloud{
		objects:    map[resource.URN]*Object{},
		generation: map[resource.URN]int{},
		removed:    map[resource.URN]bool{},
		existing:   map[string]*Object{},
		creating:   map[string]resource.URN{},
	}
}

// Objects returns a copy of every object, sorted by URN.
func (c *Cloud) Objects() []Object {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Object, 0, len(c.objects))
	for _, o := range c.objects {
		out = append(out, o.clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}

// Lookup returns a copy of the object with the given URN.
func (c *Cloud) Lookup(urn resource.URN) (Object, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	o, ok := c.objects[urn]
	if !ok {
		return Object{}, false
	}
	return o.clone(), true
}

// Drift sets one input property of an object, and the output of the same
// name, as a change made outside Pulumi would. A refresh then reports it.
func (c *Cloud) Drift(urn resource.URN, key string, v resource.PropertyValue) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	o, ok := c.objects[urn]
	if !ok {
		return fmt.Errorf("sim: no object %s", urn)
	}
	o.Inputs[resource.PropertyKey(key)] = v
	o.Outputs[resource.PropertyKey(key)] = v
	return nil
}

// Remove deletes an object behind the engine's back and reports whether it
// existed. A refresh then drops it from the state, and the next up creates it
// again.
func (c *Cloud) Remove(urn resource.URN) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.objects[urn]
	delete(c.objects, urn)
	c.removed[urn] = true
	return ok
}

// create stores a new object for r.URN, replacing any older one (a
// create-before-delete replacement creates the new object first). Its ID
// comes from the shared model, for the URN's next generation, so a
// replacement gets a new one; outputs computes its state given the ID.
//
// It fails as the cloud would when the object would collide with one that
// exists, seeded or made (see exclusive).
func (c *Cloud) create(r computed.Resource, outputs func(computed.Resource) resource.PropertyMap) (Object, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.collision(r); err != nil {
		return Object{}, err
	}
	gen := c.generation[r.URN]
	c.generation[r.URN] = gen + 1
	r.ID = computed.NewID(r, gen)
	o := &Object{URN: r.URN, ID: r.ID, Inputs: deepCopy(r.Inputs), Outputs: outputs(r), region: r.Region}
	c.objects[r.URN] = o
	delete(c.removed, r.URN)
	return o.clone(), nil
}

// nextGeneration is the generation the next object created for urn will
// have: what a Check without old inputs (a create, or the second Check of
// a replacement) auto-names for.
func (c *Cloud) nextGeneration(urn resource.URN) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.generation[urn]
}

// update replaces the inputs and outputs of an existing object. An object the
// cloud has never seen is adopted with the given ID (see read).
func (c *Cloud) update(urn resource.URN, id resource.ID, inputs, outputs resource.PropertyMap) (Object, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	o, ok := c.objects[urn]
	if !ok {
		if c.removed[urn] {
			return Object{}, false
		}
		o = &Object{URN: urn, ID: id}
		c.objects[urn] = o
	}
	o.Inputs, o.Outputs = deepCopy(inputs), deepCopy(outputs)
	return o.clone(), true
}

// delete removes the object with this URN and ID. A replacement that created
// its new object first leaves the old ID to delete, which must not remove the
// new object; so a mismatched ID is a no-op, as is an object already gone.
// A resource moved to another stack (pulumi state move) has a new URN and
// the same ID: a real cloud deletes by ID, so the object with that ID and
// type goes.
//
// It fails as the cloud would when another object still uses this one (see
// refuseDelete); state is the object's last known state.
func (c *Cloud) delete(urn resource.URN, id resource.ID, state resource.PropertyMap) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.refuseDelete(urn, id, state); err != nil {
		return err
	}
	if o, ok := c.objects[urn]; ok {
		if o.ID == id {
			delete(c.objects, urn)
		}
		return nil
	}
	for u, o := range c.objects {
		if o.ID == id && u.Type() == urn.Type() {
			delete(c.objects, u)
			return nil
		}
	}
	return nil
}

// read returns the object as the cloud has it now. The Cloud lives in memory,
// but a file-backend state outlives the process: an object the cloud has
// never heard of is assumed to exist as the state says, and is adopted, so a
// refresh in a new process is a no-op. Only objects removed with Remove read
// as gone.
//
// A read with no state is an import: it finds the object by type and ID,
// among what the account had before (seeds) and what stacks made, and the
// importing URN adopts it; an ID the cloud does not have reads as gone.
func (c *Cloud) read(urn resource.URN, id resource.ID, inputs, outputs resource.PropertyMap) (Object, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(inputs) == 0 && len(outputs) == 0 {
		return c.importLocked(urn, id)
	}
	if o, ok := c.objects[urn]; ok {
		return o.clone(), true
	}
	if c.removed[urn] || id == "" {
		return Object{}, false
	}
	o := &Object{URN: urn, ID: id, Inputs: deepCopy(inputs), Outputs: deepCopy(outputs)}
	c.objects[urn] = o
	return o.clone(), true
}

func (c *Cloud) importLocked(urn resource.URN, id resource.ID) (Object, bool) {
	typ := string(urn.Type())
	if o, ok := c.objects[urn]; ok && o.ID == id {
		return o.clone(), true
	}
	key := existingKey(typ, id)
	o, ok := c.existing[key]
	if !ok {
		return Object{}, false
	}
	delete(c.existing, key)
	adopted := &Object{URN: urn, ID: o.ID, Inputs: deepCopy(o.Inputs), region: o.region,
		Outputs: computed.Outputs(computed.Resource{URN: urn, ID: o.ID, Inputs: o.Inputs, Region: o.region})}
	c.objects[urn] = adopted
	delete(c.removed, urn)
	return adopted.clone(), true
}

func (o *Object) clone() Object {
	return Object{URN: o.URN, ID: o.ID, Inputs: deepCopy(o.Inputs), Outputs: deepCopy(o.Outputs), region: o.region}
}

// deepCopy copies a property map down to its leaves, so that callers of
// Objects and Lookup cannot change the cloud by mutating what they got.
func deepCopy(m resource.PropertyMap) resource.PropertyMap {
	if m == nil {
		return resource.PropertyMap{}
	}
	out := make(resource.PropertyMap, len(m))
	for k, v := range m {
		out[k] = deepCopyValue(v)
	}
	return out
}

func deepCopyValue(v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsObject():
		return resource.NewObjectProperty(deepCopy(v.ObjectValue()))
	case v.IsArray():
		arr := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, e := range v.ArrayValue() {
			arr[i] = deepCopyValue(e)
		}
		return resource.NewArrayProperty(arr)
	case v.IsSecret():
		return resource.MakeSecret(deepCopyValue(v.SecretValue().Element))
	case v.IsComputed():
		return resource.MakeComputed(deepCopyValue(v.V.(resource.Computed).Element))
	default:
		return v
	}
}
