package adr

import (
	"fmt"
	"strconv"
	"strings"
)

// Tier is an availability tier of seed 000's table, chosen by how many zones a
// cluster spans.
type Tier struct {
	Name string
	// BasisPoints is the availability target in hundredths of a percent (9999 = 99.99%).
	BasisPoints int
	// Architecture is what the tier asks of a deployment, from the same table.
	Architecture string
	// Operations is the part of Architecture that workloads, not zones, provide.
	Operations string
}

// The tiers of seed 000 ("availability_tiers").
var (
	TierMissionCritical  = Tier{"tier 1 (mission critical)", 9999, "multi-zone over at least 3 zones, active-active, automated failover", "an active-active configuration and automated failover"}
	TierBusinessCritical = Tier{"tier 2 (business critical)", 9990, "multi-zone over at least 2 zones, active-passive, automated failover", "an active-passive configuration and automated failover"}
	TierStandard         = Tier{"tier 3 (standard)", 9950, "single zone with backup, manual failover", "daily backups and a manual failover procedure"}
)

// TierFor maps a zone count to its tier: 3 or more zones → 99.99%, 2 → 99.9%, 1 → 99.5%.
func TierFor(zones int) Tier {
	switch {
	case zones >= 3:
		return TierMissionCritical
	case zones == 2:
		return TierBusinessCritical
	}
	return TierStandard
}

// Target renders the availability target, e.g. "99.99%".
func (t Tier) Target() string {
	return decimal(int64(t.BasisPoints), 2) + "%"
}

// msPerYear is a 365-day year in milliseconds, the year seed 000's figures use.
const msPerYear = 365 * 24 * 60 * 60 * 1000

// DowntimeMillis is the downtime a year the target allows, exact in integer
// milliseconds: a basis point of a 365-day year is 3,153,600 ms.
func (t Tier) DowntimeMillis() int64 {
	return int64(10000-t.BasisPoints) * msPerYear / 10000
}

// Downtime renders the yearly downtime budget in the largest unit that keeps
// it at or above one: "52.56 minutes", "8.76 hours", "43.8 hours".
func (t Tier) Downtime() string {
	return humanMillis(t.DowntimeMillis())
}

func humanMillis(ms int64) string {
	const (
		second = 1000
		minute = 60 * second
		hour   = 60 * minute
	)
	switch {
	case ms >= hour:
		return ratio(ms, hour) + " hours"
	case ms >= minute:
		return ratio(ms, minute) + " minutes"
	}
	return ratio(ms, second) + " seconds"
}

// ratio divides exactly when the quotient has at most 4 decimals, rounding otherwise.
func ratio(n, d int64) string {
	const scale = 10000
	q := (n*scale + d/2) / d
	return decimal(q, 4)
}

// decimal formats v / 10^places without trailing zeros: decimal(9990, 2) = "99.9".
func decimal(v int64, places int) string {
	s := strconv.FormatInt(v, 10)
	for len(s) <= places {
		s = "0" + s
	}
	i, f := s[:len(s)-places], strings.TrimRight(s[len(s)-places:], "0")
	if f == "" {
		return i
	}
	return i + "." + f
}

// percent renders part/whole as a percentage with at most one decimal.
func percent(part, whole int) string {
	if whole == 0 {
		return "0%"
	}
	return decimal(int64((part*1000+whole/2)/whole), 1) + "%"
}

// thousands groups digits: 19900 → "19,900".
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	if strings.HasSuffix(one, "y") && !strings.HasSuffix(one, "ay") && !strings.HasSuffix(one, "ey") {
		return fmt.Sprintf("%s %sies", thousands(n), one[:len(one)-1])
	}
	if strings.HasSuffix(one, "s") || strings.HasSuffix(one, "x") {
		return fmt.Sprintf("%s %ses", thousands(n), one)
	}
	return fmt.Sprintf("%s %ss", thousands(n), one)
}
