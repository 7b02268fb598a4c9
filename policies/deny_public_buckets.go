package policies

import (
	"encoding/json"
	"slices"
)

var publicACLs = []string{"authenticated-read", "public-read", "public-read-write"}

func (c *checker) denyPublicBuckets() {
	blocksAll := func(r *Resource) bool {
		for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
			if on, ok := truthy(r.Inputs[k]); !ok || !on {
				return false
			}
		}
		return true
	}
	accountBlocked := map[string]bool{} // stack and provider
	for _, r := range c.resources {
		if r.Type == accountPABType && blocksAll(r) {
			accountBlocked[r.Stack+"\x00"+r.Provider] = true
		}
	}
	for _, r := range c.resources {
		switch r.Type {
		case bucketTypes[0], bucketTypes[1]:
			c.checked++
			if acl, _ := str(r.Inputs["acl"]); slices.Contains(publicACLs, acl) {
				c.violate(r, "", "has the public ACL "+acl, "remove the acl")
				continue
			}
			blocked := accountBlocked[r.Stack+"\x00"+r.Provider]
			for _, b := range c.dependentsOf(r, bucketPABType) {
				blocked = blocked || blocksAll(b)
			}
			if !blocked {
				c.violate(r, "", "has no public access block with all four settings on", "add "+bucketPABType+" with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets")
			}
		case "aws:s3/bucketAclV2:BucketAclV2":
			c.checked++
			if acl, _ := str(r.Inputs["acl"]); slices.Contains(publicACLs, acl) {
				c.violate(r, "", "grants the public ACL "+acl, "remove it")
			}
		case "aws:s3/bucketPolicy:BucketPolicy":
			c.checked++
			if doc, ok := str(r.Inputs["policy"]); ok && publicPolicy(doc) {
				c.violate(r, "", "allows any principal without a condition", "name the principals, or add a condition")
			}
		}
	}
}

// publicPolicy reports whether a bucket policy allows any principal with no
// condition.
func publicPolicy(doc string) bool {
	var d struct {
		Statement []struct {
			Effect    string
			Principal any
			Condition map[string]any
		}
	}
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return false
	}
	for _, s := range d.Statement {
		if s.Effect != "Allow" || len(s.Condition) > 0 {
			continue
		}
		switch p := s.Principal.(type) {
		case string:
			if p == "*" {
				return true
			}
		case map[string]any:
			if aws, _ := p["AWS"].(string); aws == "*" {
				return true
			}
			for _, v := range list(p["AWS"]) {
				if v == "*" {
					return true
				}
			}
		}
	}
	return false
}
