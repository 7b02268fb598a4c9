// Package cost estimates what a planned topology costs a month at list
// price, from a dated, sourced price table kept in the repository
// (prices.csv). It prices exactly the resource kinds the stack programs
// create; what depends on use (traffic, requests, load balancer capacity
// units) and any kind the table has no row for are listed as not
// estimated, never priced at zero by omission.
package cost

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

//go:embed prices.csv
var pricesCSV string

// HoursPerMonth turns an hourly price into a monthly one: AWS's and
// OVHcloud's convention (365 × 24 / 12).
const HoursPerMonth = 730

// Currency is the currency of every total.
const Currency = "USD"

// Row is one price of the table.
type Row struct {
	Cloud string `json:"cloud"`
	// Kind is what is priced: instance, server, load-balancer, ...
	Kind string `json:"kind"`
	// SKU is the instance type, server type, flavor, plan or model; empty
	// when the kind has one price.
	SKU string `json:"sku,omitempty"`
	// Regions the price applies in; ["*"] for every region.
	Regions []string `json:"regions"`
	// Unit is "hour" (times HoursPerMonth), "month", or "unit" (the
	// exchange rate).
	Unit     string  `json:"unit"`
	Price    float64 `json:"price"`
	Currency string  `json:"currency"`
	// Source is the page the price is published on; Checked the date the
	// row was entered; Basis how (vendor, third-party, recalled).
	Source  string `json:"source"`
	Checked string `json:"checked"`
	Basis   string `json:"basis"`
	Note    string `json:"note,omitempty"`
}

// Monthly is the row's price for one unit for a month, in its currency.
func (r Row) Monthly() float64 {
	if r.Unit == "hour" {
		return r.Price * HoursPerMonth
	}
	return r.Price
}

// Table is the price table.
type Table struct {
	Rows []Row `json:"rows"`
	// AsOf is the latest date a row was checked.
	AsOf string `json:"asOf"`
	// USDPerEUR converts euro prices into the currency of the totals.
	USDPerEUR float64 `json:"usdPerEur"`
}

var builtin = mustParse(pricesCSV)

// Prices returns the built-in price table.
func Prices() *Table { return builtin }

func mustParse(text string) *Table {
	t, err := Parse(text)
	if err != nil {
		panic(err)
	}
	return t
}

// Parse reads a price table in the CSV form of prices.csv: lines starting
// with # are comments, the first other line is the header.
func Parse(text string) (*Table, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comment = '#'
	r.FieldsPerRecord = 11
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("price table: %w", err)
	}
	if len(recs) < 2 {
		return nil, fmt.Errorf("price table: no rows")
	}
	t := &Table{}
	for i, rec := range recs[1:] {
		price, err := strconv.ParseFloat(rec[5], 64)
		if err != nil || price < 0 {
			return nil, fmt.Errorf("price table row %d: price %q", i+1, rec[5])
		}
		row := Row{Cloud: rec[0], Kind: rec[1], SKU: rec[2], Regions: strings.Fields(rec[3]), Unit: rec[4], Price: price,
			Currency: rec[6], Source: rec[7], Checked: rec[8], Basis: rec[9], Note: rec[10]}
		switch {
		case !slices.Contains([]string{"hour", "month", "unit"}, row.Unit):
			return nil, fmt.Errorf("price table row %d: unit %q is not hour, month or unit", i+1, row.Unit)
		case row.Currency != "USD" && row.Currency != "EUR":
			return nil, fmt.Errorf("price table row %d: currency %q is not USD or EUR", i+1, row.Currency)
		case !strings.HasPrefix(row.Source, "https://"):
			return nil, fmt.Errorf("price table row %d: no source page", i+1)
		case len(row.Checked) != len("2006-01-02"):
			return nil, fmt.Errorf("price table row %d: checked %q is not a date", i+1, row.Checked)
		case !slices.Contains([]string{"vendor", "third-party", "recalled"}, row.Basis):
			return nil, fmt.Errorf("price table row %d: basis %q is not vendor, third-party or recalled", i+1, row.Basis)
		case len(row.Regions) == 0:
			return nil, fmt.Errorf("price table row %d: no regions (use *)", i+1)
		}
		if row.Checked > t.AsOf {
			t.AsOf = row.Checked
		}
		if row.Cloud == "fx" && row.Kind == "usd-per-eur" {
			t.USDPerEUR = row.Price
		}
		t.Rows = append(t.Rows, row)
	}
	if t.USDPerEUR == 0 {
		return nil, fmt.Errorf("price table: no fx,usd-per-eur row")
	}
	return t, nil
}

// Lookup finds the price of a kind and SKU in a region: a row naming the
// region wins over a row for every region.
func (t *Table) Lookup(cloud, kind, sku, region string) (Row, bool) {
	var any *Row
	for i, r := range t.Rows {
		if r.Cloud != cloud || r.Kind != kind || r.SKU != sku {
			continue
		}
		if slices.Contains(r.Regions, region) {
			return r, true
		}
		if slices.Contains(r.Regions, "*") {
			any = &t.Rows[i]
		}
	}
	if any != nil {
		return *any, true
	}
	return Row{}, false
}

// toUSD converts a price of the table into the totals' currency.
func (t *Table) toUSD(amount float64, currency string) float64 {
	if currency == "EUR" {
		return amount * t.USDPerEUR
	}
	return amount
}
