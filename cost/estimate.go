package cost

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Cents is an amount in hundredths of the totals' currency: sums of cents
// are exact, so totals add up to their lines to the cent.
type Cents int64

// MarshalJSON writes the amount as a decimal number with two places.
func (c Cents) MarshalJSON() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalJSON reads a decimal number.
func (c *Cents) UnmarshalJSON(b []byte) error {
	var f float64
	if _, err := fmt.Sscan(string(b), &f); err != nil {
		return fmt.Errorf("amount %s: %w", b, err)
	}
	*c = Cents(math.Round(f * 100))
	return nil
}

// String is the amount with two decimal places: 1234.50, -3.99.
func (c Cents) String() string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// Stack is what Estimate reads of a planned stack.
type Stack struct {
	Name   string
	Region string
	// Resources of the stack, with their inputs as planned.
	Resources []Resource
}

// Resource is what Estimate reads of a planned resource.
type Resource struct {
	Type     string
	Name     string
	Provider string
	Inputs   map[string]any
}

// Hints are facts the plan cannot show: values the programs look up at
// deployment (an OVH flavor is passed by id).
type Hints struct {
	// OVHInstanceFlavor is the flavor name of the OVH instances (the mesh
	// gateways), whose input carries only the flavor id.
	OVHInstanceFlavor string
}

// Estimate is the monthly list price of a plan.
type Estimate struct {
	// PricesAsOf is the date of the price table.
	PricesAsOf string `json:"pricesAsOf"`
	Currency   string `json:"currency"`
	// Monthly is the total of every priced line.
	Monthly Cents        `json:"monthly"`
	Clouds  []CloudTotal `json:"clouds"`
	Stacks  []StackCost  `json:"stacks"`
	// NotEstimated lists what the estimate leaves out: costs that depend
	// on use, and resources the table has no price for.
	NotEstimated []Gap `json:"notEstimated,omitempty"`
}

// CloudTotal is the monthly price of one cloud's resources, wherever
// their stack is.
type CloudTotal struct {
	Cloud   string `json:"cloud"`
	Monthly Cents  `json:"monthly"`
}

// StackCost is the monthly price of one stack.
type StackCost struct {
	Stack   string `json:"stack"`
	Monthly Cents  `json:"monthly"`
	Lines   []Line `json:"lines,omitempty"`
}

// Line prices one resource (or one part of it: a server and its IPv4).
type Line struct {
	Resource string  `json:"resource"`
	Cloud    string  `json:"cloud"`
	Kind     string  `json:"kind"`
	SKU      string  `json:"sku,omitempty"`
	Region   string  `json:"region,omitempty"`
	Quantity float64 `json:"quantity"`
	// UnitPrice, Unit and Currency are the table's.
	UnitPrice float64 `json:"unitPrice"`
	Unit      string  `json:"unit"`
	Currency  string  `json:"currency"`
	// Monthly is Quantity × UnitPrice (× HoursPerMonth for hourly
	// prices), converted into the totals' currency, rounded to the cent.
	Monthly Cents `json:"monthly"`
}

// Gap is something the estimate leaves out, with how many resources it
// concerns.
type Gap struct {
	Type      string `json:"type"`
	What      string `json:"what"`
	Resources int    `json:"resources"`
}

// Estimate prices the stacks with the table.
func (t *Table) Estimate(stacks []Stack, h Hints) *Estimate {
	e := &Estimate{PricesAsOf: t.AsOf, Currency: Currency}
	clouds := map[string]Cents{}
	gaps := map[[2]string]int{}
	for _, s := range stacks {
		regions := providerRegions(s)
		sc := StackCost{Stack: s.Name}
		for _, r := range s.Resources {
			for _, u := range Usage(r.Type) {
				gaps[[2]string{r.Type, u}]++
			}
			items, gap := classify(r, h)
			if gap != "" {
				gaps[[2]string{r.Type, gap}]++
				continue
			}
			region := regionOf(r, s, regions)
			for _, it := range items {
				row, ok := t.Lookup(it.cloud, it.kind, it.sku, region)
				if !ok {
					what := fmt.Sprintf("no price for %s", strings.TrimSpace(it.kind+" "+it.sku))
					if region != "" {
						what += " in " + region
					}
					gaps[[2]string{r.Type, what}]++
					continue
				}
				l := Line{Resource: r.Name, Cloud: it.cloud, Kind: it.kind, SKU: it.sku, Region: region, Quantity: it.qty,
					UnitPrice: row.Price, Unit: row.Unit, Currency: row.Currency}
				l.Monthly = Cents(math.Round(t.toUSD(it.qty*row.Monthly(), row.Currency) * 100))
				sc.Lines = append(sc.Lines, l)
				sc.Monthly += l.Monthly
				clouds[it.cloud] += l.Monthly
			}
		}
		e.Stacks = append(e.Stacks, sc)
		e.Monthly += sc.Monthly
	}
	for c, m := range clouds {
		e.Clouds = append(e.Clouds, CloudTotal{c, m})
	}
	sort.Slice(e.Clouds, func(i, j int) bool { return e.Clouds[i].Cloud < e.Clouds[j].Cloud })
	for k, n := range gaps {
		e.NotEstimated = append(e.NotEstimated, Gap{Type: k[0], What: k[1], Resources: n})
	}
	sort.Slice(e.NotEstimated, func(i, j int) bool {
		a, b := e.NotEstimated[i], e.NotEstimated[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.What < b.What
	})
	return e
}

// Stack returns the named stack's cost, or nil.
func (e *Estimate) Stack(name string) *StackCost {
	for i := range e.Stacks {
		if e.Stacks[i].Stack == name {
			return &e.Stacks[i]
		}
	}
	return nil
}

// item is one priced part of a resource.
type item struct {
	cloud, kind, sku string
	qty              float64
}

// providerRegions maps each explicit AWS provider of a stack to its region:
// the global stack's AWS resources deploy through their region's provider.
func providerRegions(s Stack) map[string]string {
	out := map[string]string{}
	for _, r := range s.Resources {
		if strings.HasPrefix(r.Type, "pulumi:providers:") {
			if v, ok := r.Inputs["region"].(string); ok {
				out[r.Name] = v
			}
		}
	}
	return out
}

// regionOf is where a resource deploys: its provider's region, its own
// region or location input, or its stack's region.
func regionOf(r Resource, s Stack, providers map[string]string) string {
	if v, ok := providers[r.Provider]; ok {
		return v
	}
	for _, k := range []string{"region", "location"} {
		if v, ok := r.Inputs[k].(string); ok && v != "" && !unknown(v) {
			return v
		}
	}
	return s.Region
}
