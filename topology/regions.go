package topology

import "strings"

// Regions lists every region entry of every cloud, clouds in canonical order and
// entries in file order.
func (s *Spec) Regions() []*Region {
	var out []*Region
	for _, c := range s.byCloud() {
		out = append(out, c.regions...)
	}
	return out
}

// cloudRegions are one cloud's region entries.
type cloudRegions struct {
	cloud   Cloud
	regions []*Region
}

// byCloud lists the region entries of each cloud the spec has, in the
// order IBM, AWS, Hetzner, OVH. The decoder drops empty list items, so no
// entry is nil.
func (s *Spec) byCloud() []cloudRegions {
	var out []cloudRegions
	if c := s.Clouds.IBM; c != nil {
		out = append(out, cloudRegions{IBM, common(c.Regions)})
	}
	if c := s.Clouds.AWS; c != nil {
		out = append(out, cloudRegions{AWS, common(c.Regions)})
	}
	if c := s.Clouds.Hetzner; c != nil {
		out = append(out, cloudRegions{Hetzner, common(c.Regions)})
	}
	if c := s.Clouds.OVH; c != nil {
		out = append(out, cloudRegions{OVH, common(c.Regions)})
	}
	return out
}

// common is the part every cloud's region entries share.
func common[R interface{ region() *Region }](rs []R) []*Region {
	out := make([]*Region, len(rs))
	for i, r := range rs {
		out[i] = r.region()
	}
	return out
}

func (r *Region) region() *Region { return r }

// EntryOf is the cloud's own entry among entries (one cloud's Regions)
// whose common part is r, as Regions hands it out; nil when none is.
func EntryOf[R interface{ region() *Region }](entries []R, r *Region) R {
	for _, e := range entries {
		if e.region() == r {
			return e
		}
	}
	var none R
	return none
}

// Lookup resolves a region reference (cloud/region or cloud/region/environment).
// It returns every match, so callers can tell a missing reference from an ambiguous one.
func (s *Spec) Lookup(ref string) []*Region {
	parts := strings.Split(ref, "/")
	if len(parts) < 2 || len(parts) > 3 {
		return nil
	}
	var out []*Region
	for _, r := range s.Regions() {
		if string(r.Cloud) != parts[0] || r.Name != parts[1] {
			continue
		}
		if len(parts) == 3 && r.Environment != parts[2] {
			continue
		}
		out = append(out, r)
	}
	return out
}
