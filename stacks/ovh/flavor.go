package ovh

// GatewayFlavor is the flavor of the mesh gateway instance: the plan shows
// only its id, looked up at deployment, so the cost estimate is told the
// name.
const GatewayFlavor = gatewayFlavor
