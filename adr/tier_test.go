package adr

import "testing"

func TestTierFor(t *testing.T) {
	tests := []struct {
		zones    int
		target   string
		downtime string
		millis   int64
	}{
		{6, "99.99%", "52.56 minutes", 3_153_600},
		{3, "99.99%", "52.56 minutes", 3_153_600},
		{2, "99.9%", "8.76 hours", 31_536_000},
		{1, "99.5%", "43.8 hours", 157_680_000},
		{0, "99.5%", "43.8 hours", 157_680_000},
	}
	for _, tt := range tests {
		tier := TierFor(tt.zones)
		if got := tier.Target(); got != tt.target {
			t.Errorf("TierFor(%d).Target() = %q, want %q", tt.zones, got, tt.target)
		}
		if got := tier.Downtime(); got != tt.downtime {
			t.Errorf("TierFor(%d).Downtime() = %q, want %q", tt.zones, got, tt.downtime)
		}
		if got := tier.DowntimeMillis(); got != tt.millis {
			t.Errorf("TierFor(%d).DowntimeMillis() = %d, want %d", tt.zones, got, tt.millis)
		}
	}
}

func TestFormatting(t *testing.T) {
	tests := []struct{ got, want string }{
		{decimal(9999, 2), "99.99"},
		{decimal(9990, 2), "99.9"},
		{decimal(9900, 2), "99"},
		{decimal(5, 2), "0.05"},
		{humanMillis(3_153_600), "52.56 minutes"},
		{humanMillis(1_500), "1.5 seconds"},
		{humanMillis(31_536_000_0), "87.6 hours"},
		{ratio(1, 3), "0.3333"},
		{percent(2, 3), "66.7%"},
		{percent(1, 0), "0%"},
		{thousands(19900), "19,900"},
		{thousands(-1234567), "-1,234,567"},
		{plural(1, "zone"), "1 zone"},
		{plural(3, "retry"), "3 retries"},
		{plural(2, "gateway"), "2 gateways"},
		{plural(2, "pass"), "2 passes"},
		{and([]string{"a", "b", "c"}), "a, b and c"},
		{Slug("Global load balancing of app.example.com with dynamic_latency steering"), "global-load-balancing-of-app-example-com-with-dynamic"}, // 61 chars, cut at a dash,
		{Slug("Guardrails: 6 of 6, enforced"), "guardrails-6-of-6-enforced"},
		{Slug("!!!"), "decision"},
		{capitalize("öl"), "Öl"},
		{capitalize("`code`"), "`code`"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}
