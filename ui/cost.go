package ui

import (
	"fmt"
	"io"
	"strings"

	"infra/cost"
)

// money formats an amount of the totals' currency: $1,234.50.
func money(c cost.Cents) string {
	s := c.String()
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return sign + "$" + b.String() + "." + frac
}

// signedMoney formats a change: +$12.00, -$3.99, $0.00.
func signedMoney(c cost.Cents) string {
	if c > 0 {
		return "+" + money(c)
	}
	return money(c)
}

// CostTable writes a plan's monthly estimate for people: per stack, per
// cloud, the total, and what is not estimated.
func CostTable(w io.Writer, t Theme, e *cost.Estimate) {
	if e == nil {
		return
	}
	fmt.Fprintf(w, "%s %s %s\n", t.Bold.Render("Monthly estimate"), t.Bold.Render(money(e.Monthly)),
		t.Dim.Render(fmt.Sprintf("(list prices of %s in %s; `infra cost` shows the table and its sources)", e.PricesAsOf, e.Currency)))
	width := 0
	for _, s := range e.Stacks {
		width = max(width, len(s.Stack))
	}
	for _, s := range e.Stacks {
		fmt.Fprintf(w, "  %-*s %12s\n", width, s.Stack, money(s.Monthly))
	}
	var parts []string
	for _, c := range e.Clouds {
		parts = append(parts, c.Cloud+" "+money(c.Monthly))
	}
	fmt.Fprintf(w, "  %s %s\n", t.Dim.Render("per cloud:"), strings.Join(parts, " · "))
	if len(e.NotEstimated) > 0 {
		fmt.Fprintf(w, "  %s\n", t.Dim.Render("not estimated:"))
		for _, g := range e.NotEstimated {
			fmt.Fprintf(w, "    %s %s\n", t.Dim.Render(fmt.Sprintf("%s (%s):", g.Type, plural(g.Resources, "resource"))), g.What)
		}
	}
	fmt.Fprintln(w)
}

// CostMarkdown writes a plan's monthly estimate for a pull-request comment.
func CostMarkdown(w io.Writer, e *cost.Estimate) {
	if e == nil {
		return
	}
	fmt.Fprintf(w, "\n#### Monthly estimate: %s\n\n", money(e.Monthly))
	fmt.Fprintf(w, "List prices of %s in %s (`infra cost` shows the table and its sources).\n\n", e.PricesAsOf, e.Currency)
	fmt.Fprintln(w, "| Stack | Monthly |")
	fmt.Fprintln(w, "|---|--:|")
	for _, s := range e.Stacks {
		fmt.Fprintf(w, "| `%s` | %s |\n", s.Stack, money(s.Monthly))
	}
	for _, c := range e.Clouds {
		fmt.Fprintf(w, "| **%s** | %s |\n", c.Cloud, money(c.Monthly))
	}
	fmt.Fprintf(w, "| **total** | **%s** |\n", money(e.Monthly))
	notEstimatedMarkdown(w, e.NotEstimated)
}

func notEstimatedMarkdown(w io.Writer, gaps []cost.Gap) {
	if len(gaps) == 0 {
		return
	}
	fmt.Fprintf(w, "\n<details><summary>Not estimated (%d items)</summary>\n\n", len(gaps))
	for _, g := range gaps {
		fmt.Fprintf(w, "- `%s` (%s): %s\n", g.Type, plural(g.Resources, "resource"), g.What)
	}
	fmt.Fprintln(w, "\n</details>")
}

// PriceTable writes the price table for people.
func PriceTable(w io.Writer, t Theme, tab *cost.Table) {
	fmt.Fprintf(w, "%s %s\n", t.Bold.Render("Price table"), t.Dim.Render(fmt.Sprintf(
		"(as of %s; hourly prices × %d hours; totals in %s at %.4g USD per EUR; excluding VAT)", tab.AsOf, cost.HoursPerMonth, cost.Currency, tab.USDPerEUR)))
	fmt.Fprintln(w, t.Dim.Render("basis: vendor = as published on the source page; third-party = quoted by the page in the note; recalled = entered without fetching the page: verify it"))
	rows := [][]string{{"CLOUD", "KIND", "SKU", "REGIONS", "PRICE", "PER", "MONTHLY", "BASIS", "CHECKED", "SOURCE"}}
	for _, r := range tab.Rows {
		if r.Cloud == "fx" {
			continue
		}
		rows = append(rows, []string{r.Cloud, r.Kind, dash(r.SKU), strings.Join(r.Regions, " "),
			fmt.Sprintf("%g %s", r.Price, r.Currency), r.Unit, fmt.Sprintf("%.2f %s", r.Monthly(), r.Currency), r.Basis, r.Checked, r.Source})
	}
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], len(c))
		}
	}
	for n, row := range rows {
		var b strings.Builder
		for i, c := range row {
			if i == len(row)-1 {
				b.WriteString(c)
				break
			}
			fmt.Fprintf(&b, "%-*s  ", widths[i], c)
		}
		line := b.String()
		if n == 0 {
			line = t.Bold.Render(line)
		}
		fmt.Fprintln(w, line)
	}
}

// CostChange is what a preview changes in the monthly estimate: the
// deployed resources priced before, the plan's after, with the same table.
type CostChange struct {
	PricesAsOf string     `json:"pricesAsOf"`
	Currency   string     `json:"currency"`
	Before     cost.Cents `json:"before"`
	After      cost.Cents `json:"after"`
	// Delta is After - Before.
	Delta cost.Cents `json:"delta"`
	// Stacks are every stack priced before or after, in the plan's order,
	// removed stacks last.
	Stacks []StackCostChange `json:"stacks,omitempty"`
	// NotEstimated is what the estimate after the change leaves out.
	NotEstimated []cost.Gap `json:"notEstimated,omitempty"`
}

// StackCostChange is one stack's estimate before and after.
type StackCostChange struct {
	Stack  string     `json:"stack"`
	Before cost.Cents `json:"before"`
	After  cost.Cents `json:"after"`
	// Delta is After - Before.
	Delta cost.Cents `json:"delta"`
}

// NewCostChange compares the estimate of what is deployed with the plan's.
func NewCostChange(before, after *cost.Estimate) *CostChange {
	c := &CostChange{PricesAsOf: after.PricesAsOf, Currency: after.Currency, Before: before.Monthly, After: after.Monthly,
		Delta: after.Monthly - before.Monthly, NotEstimated: after.NotEstimated}
	seen := map[string]bool{}
	for _, s := range after.Stacks {
		seen[s.Stack] = true
		var b cost.Cents
		if bs := before.Stack(s.Stack); bs != nil {
			b = bs.Monthly
		}
		c.Stacks = append(c.Stacks, StackCostChange{s.Stack, b, s.Monthly, s.Monthly - b})
	}
	for _, s := range before.Stacks {
		if !seen[s.Stack] {
			c.Stacks = append(c.Stacks, StackCostChange{s.Stack, s.Monthly, 0, -s.Monthly})
		}
	}
	return c
}

// changed are the stacks whose estimate changes.
func (c *CostChange) changed() []StackCostChange {
	var out []StackCostChange
	for _, s := range c.Stacks {
		if s.Delta != 0 {
			out = append(out, s)
		}
	}
	return out
}

// CostChangeTable writes the change in the monthly estimate for people.
func CostChangeTable(w io.Writer, t Theme, c *CostChange) {
	if c == nil {
		return
	}
	fmt.Fprintf(w, "%s %s → %s (%s a month) %s\n", t.Bold.Render("Monthly estimate"), money(c.Before), t.Bold.Render(money(c.After)),
		signedMoney(c.Delta), t.Dim.Render(fmt.Sprintf("(list prices of %s; usage not estimated; `infra cost` has the table)", c.PricesAsOf)))
	changed := c.changed()
	width := 0
	for _, s := range changed {
		width = max(width, len(s.Stack))
	}
	for _, s := range changed {
		fmt.Fprintf(w, "  %-*s %12s → %12s  %s\n", width, s.Stack, money(s.Before), money(s.After), signedMoney(s.Delta))
	}
	fmt.Fprintln(w)
}

// costChangeMarkdown writes the change in the monthly estimate for the
// pull-request comment.
func costChangeMarkdown(w io.Writer, c *CostChange) {
	if c == nil {
		return
	}
	fmt.Fprintf(w, "\n#### Monthly estimate: %s → %s (%s)\n\n", money(c.Before), money(c.After), signedMoney(c.Delta))
	fmt.Fprintf(w, "List prices of %s in %s, from `infra cost`'s table; usage-based costs are not estimated.\n", c.PricesAsOf, c.Currency)
	if changed := c.changed(); len(changed) > 0 {
		fmt.Fprintln(w, "\n| Stack | Before | After | Change |")
		fmt.Fprintln(w, "|---|--:|--:|--:|")
		for _, s := range changed {
			fmt.Fprintf(w, "| `%s` | %s | %s | %s |\n", s.Stack, money(s.Before), money(s.After), signedMoney(s.Delta))
		}
	}
	notEstimatedMarkdown(w, c.NotEstimated)
}

// PricesJSON is `infra cost --json`: the price table.
type PricesJSON struct {
	// HoursPerMonth turns an hourly price into a monthly one.
	HoursPerMonth int `json:"hoursPerMonth"`
	*cost.Table
}

// WritePricesJSON writes the price table as a prices document.
func WritePricesJSON(w io.Writer, tab *cost.Table) error {
	return writeDocument(w, KindPrices, PricesJSON{HoursPerMonth: cost.HoursPerMonth, Table: tab})
}
