package golden

import (
	"math"
	"path/filepath"
	"testing"

	"infra/cost"
)

// Every priced line of every example's plan is the table's price times its
// quantity, and the stacks, clouds and total add up to their lines.
func TestCostArithmeticAgainstTheTable(t *testing.T) {
	tab := cost.Prices()
	for _, ex := range examples(t) {
		t.Run(filepath.Base(ex), func(t *testing.T) {
			p := generate(t, ex)
			e := p.Cost
			if e == nil || e.PricesAsOf != tab.AsOf {
				t.Fatalf("plan has no estimate dated %s: %+v", tab.AsOf, e)
			}
			var total cost.Cents
			clouds := map[string]cost.Cents{}
			lines := 0
			for _, s := range e.Stacks {
				if p.Stack(s.Stack) == nil {
					t.Errorf("estimate names stack %s the plan does not have", s.Stack)
				}
				var sum cost.Cents
				for _, l := range s.Lines {
					lines++
					row, ok := tab.Lookup(l.Cloud, l.Kind, l.SKU, l.Region)
					if !ok || row.Price != l.UnitPrice || row.Unit != l.Unit || row.Currency != l.Currency {
						t.Errorf("%s: line %+v does not match the table row %+v", s.Stack, l, row)
						continue
					}
					month := row.Price * l.Quantity
					if row.Unit == "hour" {
						month *= cost.HoursPerMonth
					}
					if row.Currency == "EUR" {
						month *= tab.USDPerEUR
					}
					if want := cost.Cents(math.Round(month * 100)); l.Monthly != want {
						t.Errorf("%s %s: %s, want %s", s.Stack, l.Resource, l.Monthly, want)
					}
					sum += l.Monthly
					clouds[l.Cloud] += l.Monthly
				}
				if sum != s.Monthly {
					t.Errorf("%s: lines add up to %s, stack says %s", s.Stack, sum, s.Monthly)
				}
				total += s.Monthly
			}
			if total != e.Monthly {
				t.Errorf("stacks add up to %s, total says %s", total, e.Monthly)
			}
			for _, c := range e.Clouds {
				if clouds[c.Cloud] != c.Monthly {
					t.Errorf("cloud %s: lines add up to %s, says %s", c.Cloud, clouds[c.Cloud], c.Monthly)
				}
			}
			if lines == 0 || e.Monthly <= 0 {
				t.Errorf("nothing priced")
			}
		})
	}
}
