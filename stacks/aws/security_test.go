package aws_test

import (
	"slices"
	"testing"
)

// GuardDuty and Security Hub run for the whole organization, administered
// by the security account, in the order AWS requires: trusted access, the
// administrator's detector, the designation from the management account,
// then the organization configuration (review item 19).
func TestSecurityServicesAdministeredBySecurityAccount(t *testing.T) {
	p := planOfExample(t, "../../examples/multicloud.yaml")
	res := byType(p.Stack("landingzone-aws"))
	const lz = "landingzone-aws-"
	org := res["aws:organizations/organization:Organization"][lz+"organization"]
	for _, svc := range []string{"guardduty.amazonaws.com", "securityhub.amazonaws.com"} {
		if !slices.Contains(org.Inputs["awsServiceAccessPrincipals"].([]any), any(svc)) {
			t.Errorf("trusted access for %s is off: %v", svc, org.Inputs["awsServiceAccessPrincipals"])
		}
	}
	security := res["aws:organizations/account:Account"][lz+"account-security"]
	if security == nil {
		t.Fatal("no security account")
	}
	region := "us-east-1"
	detector := res["aws:guardduty/detector:Detector"][lz+"guardduty-"+region]
	gdAdmin := res["aws:guardduty/organizationAdminAccount:OrganizationAdminAccount"][lz+"guardduty-admin-"+region]
	gdOrg := res["aws:guardduty/organizationConfiguration:OrganizationConfiguration"][lz+"guardduty-members-"+region]
	hubAdmin := res["aws:securityhub/organizationAdminAccount:OrganizationAdminAccount"][lz+"securityhub-admin-"+region]
	hubOrg := res["aws:securityhub/organizationConfiguration:OrganizationConfiguration"][lz+"securityhub-members-"+region]
	if detector == nil || gdAdmin == nil || gdOrg == nil || hubAdmin == nil || hubOrg == nil {
		t.Fatalf("security services in %s: detector %v, admin %v, members %v, hub admin %v, hub members %v", region, detector, gdAdmin, gdOrg, hubAdmin, hubOrg)
	}
	if detector.Provider != lz+"provider-security" || gdOrg.Provider != lz+"provider-security" || hubOrg.Provider != lz+"provider-security" {
		t.Errorf("the detector and the organization configurations deploy with %s, %s, %s; want the security account's provider", detector.Provider, gdOrg.Provider, hubOrg.Provider)
	}
	if gdAdmin.Provider != lz+"provider" || hubAdmin.Provider != lz+"provider" {
		t.Errorf("the administrators are designated with %s and %s; want the management account's provider", gdAdmin.Provider, hubAdmin.Provider)
	}
	if !slices.Contains(gdAdmin.DependsOn, detector.Name) || !slices.Contains(gdOrg.DependsOn, gdAdmin.Name) || !slices.Contains(hubOrg.DependsOn, hubAdmin.Name) {
		t.Errorf("order: admin after %v, members after %v, hub members after %v", gdAdmin.DependsOn, gdOrg.DependsOn, hubOrg.DependsOn)
	}
	if gdOrg.Inputs["autoEnableOrganizationMembers"] != "ALL" || hubOrg.Inputs["autoEnable"] != true {
		t.Errorf("members not enabled: %v, %v", gdOrg.Inputs, hubOrg.Inputs)
	}
}
