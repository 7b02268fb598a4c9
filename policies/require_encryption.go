package policies

import (
	"slices"

	"infra/rules"
)

const (
	ebsDefaultType = "aws:ebs/encryptionByDefault:EncryptionByDefault"
	bucketSSEType  = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	bucketSSEType1 = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
	bucketPABType  = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	accountPABType = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
	clusterKmsType = "infra:ibm:ClusterKms"
)

var bucketTypes = []string{"aws:s3/bucketV2:BucketV2", "aws:s3/bucket:Bucket"}

// ebsDefault reports whether r's stack turns on EBS encryption by default
// for r's provider (the same account and region).
func (c *checker) ebsDefault(r *Resource) bool {
	for _, e := range c.resources {
		if e.Type == ebsDefaultType && e.Stack == r.Stack && e.Provider == r.Provider {
			if on, ok := truthy(e.Inputs["enabled"]); !ok || on {
				return true
			}
		}
	}
	return false
}

func (c *checker) requireEncryption() {
	for _, r := range c.resources {
		switch r.Type {
		case "aws:eks/cluster:Cluster":
			c.checked++
			if !slices.Contains(strs(rules.Get(r.Inputs, "encryptionConfig", "resources")), "secrets") {
				c.violate(r, "", "does not encrypt Kubernetes secrets with a KMS key", "set encryptionConfig {resources: [secrets], provider.keyArn}")
			}
		case "aws:ebs/volume:Volume":
			c.checked++
			if on, _ := truthy(r.Inputs["encrypted"]); !on {
				c.violate(r, "", "is not encrypted", "set encrypted: true")
			}
		case "aws:ec2/instance:Instance":
			c.checked++
			if c.ebsDefault(r) {
				continue
			}
			devs := append([]any{r.Inputs["rootBlockDevice"]}, list(r.Inputs["ebsBlockDevices"])...)
			for _, d := range devs {
				if on, _ := truthy(rules.Get(d, "encrypted")); !on {
					c.violate(r, "", "has an unencrypted volume and its account does not encrypt EBS by default", "set encrypted on every block device, or add "+ebsDefaultType)
					break
				}
			}
		case "aws:ec2/launchTemplate:LaunchTemplate":
			c.checked++
			if c.ebsDefault(r) {
				continue
			}
			for _, m := range list(r.Inputs["blockDeviceMappings"]) {
				if on, _ := truthy(rules.Get(m, "ebs", "encrypted")); !on {
					c.violate(r, "", "maps an unencrypted volume and its account does not encrypt EBS by default", "set ebs.encrypted, or add "+ebsDefaultType)
					break
				}
			}
		case "aws:eks/nodeGroup:NodeGroup":
			c.checked++
			if r.Inputs["launchTemplate"] == nil && !c.ebsDefault(r) {
				c.violate(r, "", "boots nodes from volumes encrypted only if the account encrypts EBS by default, and nothing here turns that on",
					"add "+ebsDefaultType+" {enabled: true} with the same provider")
			}
		case bucketTypes[0], bucketTypes[1]:
			c.checked++
			if r.Inputs["serverSideEncryptionConfiguration"] == nil && len(c.dependentsOf(r, bucketSSEType, bucketSSEType1)) == 0 {
				c.violate(r, "", "has no server-side encryption configuration", "add "+bucketSSEType+" for it")
			}
		case "hcloud:index/volume:Volume":
			c.checked++
			c.violate(r, "", "cannot be encrypted at rest: Hetzner Cloud volumes have no encryption option", "encrypt inside the guest (LUKS), or keep the data elsewhere")
		case "ovh:CloudProject/storage:Storage":
			c.checked++
			if alg, _ := str(rules.Get(r.Inputs, "encryption", "sseAlgorithm")); alg == "" || alg == "plaintext" {
				c.violate(r, "", "stores objects unencrypted", "set encryption.sseAlgorithm: AES256")
			}
		case "infra:ibm:VpcCluster":
			c.checked++
			if len(c.dependentsOf(r, clusterKmsType)) == 0 {
				c.violate(r, "", "does not encrypt Kubernetes secrets with a Key Protect root key", "add "+clusterKmsType+" for it")
			}
		}
	}
}
