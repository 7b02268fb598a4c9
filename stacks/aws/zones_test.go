package aws

import (
	"fmt"
	"strings"
	"testing"
)

func TestPlaceZones(t *testing.T) {
	use1 := []string{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"}
	ids := []string{"use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"}
	// An account with a non-identity mapping: a is use1-az3.
	shuffled := []string{"use1-az3", "use1-az6", "use1-az1", "use1-az4", "use1-az5", "use1-az2"}
	for _, tc := range []struct {
		name      string
		spec      []string
		ids       []string
		excluded  []string
		want, err string
	}{
		{"own IDs", []string{"us-east-1a", "us-east-1b"}, ids, []string{"use1-az3"}, "map[us-east-1a:use1-az1 us-east-1b:use1-az2]", ""},
		{"c is use1-az3: moves to the first free allowed ID", []string{"us-east-1a", "us-east-1b", "us-east-1c"}, ids, []string{"use1-az3"}, "map[us-east-1a:use1-az1 us-east-1b:use1-az2 us-east-1c:use1-az4]", ""},
		{"skips IDs other spec zones take", []string{"us-east-1c", "us-east-1d", "us-east-1a"}, ids, []string{"use1-az3"}, "map[us-east-1a:use1-az1 us-east-1c:use1-az2 us-east-1d:use1-az4]", ""},
		{"per-account mapping", []string{"us-east-1a", "us-east-1b"}, shuffled, []string{"use1-az3"}, "map[us-east-1a:use1-az1 us-east-1b:use1-az6]", ""},
		{"nothing excluded", []string{"us-east-1c"}, ids, nil, "map[us-east-1c:use1-az3]", ""},
		{"unknown zone", []string{"us-east-1z"}, ids, nil, "", "zone us-east-1z is not available"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := placeZones(tc.spec, use1, tc.ids, tc.excluded)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || fmt.Sprint(got) != tc.want {
				t.Errorf("placeZones = %v, %v; want %s", got, err, tc.want)
			}
		})
	}
	if _, err := placeZones([]string{"us-west-1a", "us-west-1b"}, []string{"us-west-1a", "us-west-1b"}, []string{"usw1-az2", "usw1-az1"}, []string{"usw1-az2"}); err == nil ||
		!strings.Contains(err.Error(), "no other zone left") {
		t.Errorf("a region with no zone to move to: err = %v", err)
	}
}
