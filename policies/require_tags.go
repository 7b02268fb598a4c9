package policies

import (
	"strings"

	"infra/rules"
	"infra/topology"
)

// awsUntaggable are AWS types with no tags argument; every other AWS type is
// taggable.
var awsUntaggable = map[string]bool{
	"aws:autoscaling/attachment:Attachment":                                                      true,
	"aws:cloudtrail/organizationDelegatedAdminAccount:OrganizationDelegatedAdminAccount":         true,
	"aws:cfg/deliveryChannel:DeliveryChannel":                                                    true,
	"aws:cfg/recorder:Recorder":                                                                  true,
	"aws:cfg/recorderStatus:RecorderStatus":                                                      true,
	"aws:ebs/defaultKmsKey:DefaultKmsKey":                                                        true,
	"aws:ebs/encryptionByDefault:EncryptionByDefault":                                            true,
	"aws:ec2/eipAssociation:EipAssociation":                                                      true,
	"aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation":                                true,
	"aws:ec2/route:Route":                                                                        true,
	"aws:ec2/routeTableAssociation:RouteTableAssociation":                                        true,
	"aws:ec2/securityGroupRule:SecurityGroupRule":                                                true,
	"aws:ec2/volumeAttachment:VolumeAttachment":                                                  true,
	"aws:ec2transitgateway/route:Route":                                                          true,
	"aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation":                          true,
	"aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation":                          true,
	"aws:eks/accessPolicyAssociation:AccessPolicyAssociation":                                    true,
	"aws:guardduty/organizationAdminAccount:OrganizationAdminAccount":                            true,
	"aws:guardduty/organizationConfiguration:OrganizationConfiguration":                          true,
	"aws:iam/organizationsFeatures:OrganizationsFeatures":                                        true,
	"aws:iam/policyAttachment:PolicyAttachment":                                                  true,
	"aws:iam/rolePolicy:RolePolicy":                                                              true,
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment":                                          true,
	"aws:kms/alias:Alias":                                                                        true,
	"aws:lb/targetGroupAttachment:TargetGroupAttachment":                                         true,
	"aws:organizations/delegatedAdministrator:DelegatedAdministrator":                            true,
	"aws:organizations/organization:Organization":                                                true,
	"aws:organizations/policyAttachment:PolicyAttachment":                                        true,
	"aws:ram/principalAssociation:PrincipalAssociation":                                          true,
	"aws:ram/resourceAssociation:ResourceAssociation":                                            true,
	"aws:ram/sharingWithOrganization:SharingWithOrganization":                                    true,
	"aws:route53/record:Record":                                                                  true,
	"aws:securityhub/account:Account":                                                            true,
	"aws:securityhub/organizationAdminAccount:OrganizationAdminAccount":                          true,
	"aws:securityhub/organizationConfiguration:OrganizationConfiguration":                        true,
	"aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock":                                   true,
	"aws:s3/bucketAclV2:BucketAclV2":                                                             true,
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2":                       true,
	"aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2":                     true,
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls":                                     true,
	"aws:s3/bucketPolicy:BucketPolicy":                                                           true,
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":                                     true,
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": true,
	"aws:s3/bucketVersioningV2:BucketVersioningV2":                                               true,
}

// labelled are the non-AWS types that take tags or labels, and the input
// that holds them.
var labelled = map[string]string{
	"hcloud:index/certificate:Certificate":                 "labels",
	"hcloud:index/firewall:Firewall":                       "labels",
	"hcloud:index/floatingIp:FloatingIp":                   "labels",
	"hcloud:index/loadBalancer:LoadBalancer":               "labels",
	"hcloud:index/managedCertificate:ManagedCertificate":   "labels",
	"hcloud:index/network:Network":                         "labels",
	"hcloud:index/placementGroup:PlacementGroup":           "labels",
	"hcloud:index/primaryIp:PrimaryIp":                     "labels",
	"hcloud:index/server:Server":                           "labels",
	"hcloud:index/snapshot:Snapshot":                       "labels",
	"hcloud:index/sshKey:SshKey":                           "labels",
	"hcloud:index/uploadedCertificate:UploadedCertificate": "labels",
	"hcloud:index/volume:Volume":                           "labels",
	"ovh:CloudProject/storage:Storage":                     "tags",
	"infra:ibm:FloatingIp":                                 "tags",
	"infra:ibm:Instance":                                   "tags",
	"infra:ibm:LoadBalancer":                               "tags",
	"infra:ibm:PublicGateway":                              "tags",
	"infra:ibm:ResourceInstance":                           "tags",
	"infra:ibm:SecurityGroup":                              "tags",
	"infra:ibm:Subnet":                                     "tags",
	"infra:ibm:Vpc":                                        "tags",
	"infra:ibm:TransitGateway":                             "tags",
	"infra:ibm:CisInstance":                                "tags",
	"infra:ibm:VpcCluster":                                 "tags",
}

// Taggable reports whether resources of a type take tags (labels on
// Hetzner), and the input that holds them.
func Taggable(typ string) (input string, ok bool) {
	switch {
	case isProvider(typ):
		return "", false
	case strings.HasPrefix(typ, "aws:"):
		return "tags", !awsUntaggable[typ]
	}
	input, ok = labelled[typ]
	return input, ok
}

// tagsOf reads a resource's effective tags, keyed as the cloud compares
// them; ok is false when they cannot be known from the plan.
func (c *checker) tagsOf(r *Resource, input string) (map[string]string, bool) {
	out := map[string]string{}
	if cloudOf(r.Type) == topology.AWS {
		// Provider default tags land on every resource of the provider.
		if p := c.provider(r); p != nil {
			if m, ok := rules.Get(p.Inputs, "defaultTags", "tags").(map[string]any); ok {
				for k, v := range m {
					out[k], _ = v.(string)
				}
			}
		}
	}
	switch v := r.Inputs[input].(type) {
	case nil:
	case map[string]any:
		for k, e := range v {
			s, ok := e.(string)
			if !ok || !known(s) {
				return nil, false
			}
			out[k] = s
		}
	case []any: // IBM user tags: "key:value", compared without case
		for _, e := range v {
			s, ok := str(e)
			if !ok {
				return nil, false
			}
			k, val, _ := strings.Cut(s, ":")
			out[strings.ToLower(k)] = val
		}
	default:
		return nil, false
	}
	return out, true
}

func (c *checker) requireTags() {
	required := c.active.Spec.Tags
	for _, r := range c.resources {
		input, ok := Taggable(r.Type)
		if !ok {
			continue
		}
		tags, ok := c.tagsOf(r, input)
		if !ok {
			continue
		}
		c.checked++
		var missing []string
		for _, t := range required {
			key := t
			if _, isList := r.Inputs[input].([]any); isList {
				key = strings.ToLower(t)
			}
			if tags[key] == "" {
				missing = append(missing, t)
			}
		}
		if len(missing) > 0 {
			what := "tags"
			if input == "labels" {
				what = "labels"
			}
			c.violate(r, "", "lacks the required "+what+" "+strings.Join(missing, ", "),
				"add "+strings.Join(missing, ": <value>, ")+": <value> to the topology's tags, which every resource carries")
		}
	}
}
