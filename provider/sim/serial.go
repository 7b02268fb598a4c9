package sim

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// serialCreates are the types whose creations the cloud runs one at a time
// per account, failing a create that starts while another is under way.
//
// AWS Organizations creates accounts asynchronously, one at a time: "If you
// create multiple accounts at the same time, Organizations returns an error"
// (CloudFormation AWS::Organizations::Account, quoted in
// pulumi/pulumi-aws-native#1687), reported as the CreateAccountStatus
// FailureReason CONCURRENT_ACCOUNT_MODIFICATION (Organizations API
// Reference). The Terraform-bridged provider's create waits for that status
// to leave IN_PROGRESS, so the whole create call is the span in which a
// second CreateAccount fails.
var serialCreates = map[string]string{
	"aws:organizations/account:Account": "creating AWS Organizations Account: CreateAccountStatus FAILED: CONCURRENT_ACCOUNT_MODIFICATION: another account is being created in the organization; create accounts one at a time",
}

// startSerial marks a create of urn's type as under way, or fails it when
// the type is created one at a time and another create of it is under way.
// done ends the span.
func (c *Cloud) startSerial(urn resource.URN) (done func(), err error) {
	typ := string(urn.Type())
	msg, serial := serialCreates[typ]
	if !serial {
		return func() {}, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if other := c.creating[typ]; other != "" {
		return nil, fmt.Errorf("%s (%s while %s is)", msg, urn.Name(), other.Name())
	}
	c.creating[typ] = urn
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.creating, typ)
	}, nil
}
