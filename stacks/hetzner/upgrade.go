package hetzner

import (
	"crypto/sha256"
	"encoding/hex"
)

// k3s upgrades in place. A server's user data installs the k3s release
// pinned when the server is made, and the servers ignore later changes of
// it (hetzner.go): a new user data would replace every node at once. A new
// release reaches the running nodes through Rancher's system-upgrade-
// controller instead, the upgrade path k3s documents ("Automated Upgrades",
// docs.k3s.io/upgrades/automated, k3s-io/docs docs/upgrades/automated.md):
// the controller runs in the cluster, and two Plans name the release; when
// the topology's release changes, infra applies the Plans anew and the
// controller upgrades the control planes one at a time, cordoned, then the
// workers one at a time once every control plane is done.
//
// The objects are our own, as addons.go's are; their facts come from
// rancher/system-upgrade-controller v0.20.1 (f1362a3f, 2026-05-19):
// manifests/system-upgrade-controller.yaml, manifests/clusterrole.yaml and
// manifests/clusterrolebinding.yaml as its release's
// system-upgrade-controller.yaml assembles them (kustomization.yaml:
// namespace system-upgrade; scripts/package-controller sets the image to the
// release's tag). The image is pinned by tag; no digest could be sourced
// here.
//
// The Plan's CustomResourceDefinition is not among them: the controller
// registers the definition of its own release when it starts (pkg/upgrade/
// controller.go, Start → registerCRD, crds.List of the embedded
// pkg/crds/yaml, waiting a minute for it to be Established). Applying it too
// would put 72 KB of schema in every plan and state, and two writers on one
// object. The Plans are applied after the controller and the Manifests
// client waits for the kind to be served (provider/kubernetes.go, kind.addon).
const (
	sucImage = "docker.io/rancher/system-upgrade-controller:v0.20.1"
	// k3sUpgradeImage is k3s's upgrade image: the controller tags it with
	// the Plan's version, "+" made "-" (pkg/upgrade/plan/plan.go:98), so
	// it is pinned by the k3s release (k3s-io/k3s-upgrade).
	k3sUpgradeImage = "rancher/k3s-upgrade"
	// kubectlImage cordons nodes in the upgrade jobs (upstream's default
	// SYSTEM_UPGRADE_JOB_KUBECTL_IMAGE at v0.20.1).
	kubectlImage = "rancher/kubectl:v1.30.3"
)

// Names of the upgrade objects.
const (
	upgradeNamespace = "system-upgrade"
	upgradeAccount   = "system-upgrade"
	// The Plans: servers first, agents after them (the agent Plan's
	// prepare step waits for the server Plan).
	serverPlan = "k3s-server"
	agentPlan  = "k3s-agent"
	// controlPlaneLabel is the label k3s puts on servers, which the Plans
	// select by (docs.k3s.io/upgrades/automated).
	controlPlaneLabel = "node-role.kubernetes.io/control-plane"
)

// controllerObjects are the system-upgrade-controller: its namespace
// (privileged, as its upgrade jobs run on the host), service account,
// configuration, roles and their bindings, and one replica on a control
// plane.
func controllerObjects() []obj {
	ns := func(name string) obj { return meta(name, upgradeNamespace) }
	account := list{obj{"kind": "ServiceAccount", "name": upgradeAccount, "namespace": upgradeNamespace}}
	roleRef := func(kind, name string) obj {
		return obj{"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": name}
	}
	ruleOn := func(group string, resources, names []string, verbs ...string) obj {
		r := rule(group, resources, verbs...)
		if len(names) > 0 {
			r["resourceNames"] = strs(names...)
		}
		return r
	}
	const controller = "system-upgrade-controller"
	const drainer = "system-upgrade-controller-drainer"
	return []obj{
		{"apiVersion": "v1", "kind": "Namespace",
			"metadata": obj{"name": upgradeNamespace, "labels": obj{"pod-security.kubernetes.io/enforce": "privileged"}}},
		{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": ns(upgradeAccount)},
		{"apiVersion": "v1", "kind": "ConfigMap", "metadata": ns("default-controller-env"), "data": obj{
			"SYSTEM_UPGRADE_CONTROLLER_DEBUG":             "false",
			"SYSTEM_UPGRADE_CONTROLLER_THREADS":           "2",
			"SYSTEM_UPGRADE_CONTROLLER_LEADER_ELECT":      "true",
			"SYSTEM_UPGRADE_JOB_ACTIVE_DEADLINE_SECONDS":  "900",
			"SYSTEM_UPGRADE_JOB_BACKOFF_LIMIT":            "99",
			"SYSTEM_UPGRADE_JOB_IMAGE_PULL_POLICY":        "Always",
			"SYSTEM_UPGRADE_JOB_KUBECTL_IMAGE":            kubectlImage,
			"SYSTEM_UPGRADE_JOB_KUBECTL_IMAGE_WINDOWS":    "",
			"SYSTEM_UPGRADE_JOB_PRIVILEGED":               "true",
			"SYSTEM_UPGRADE_JOB_TTL_SECONDS_AFTER_FINISH": "900",
			"SYSTEM_UPGRADE_PLAN_POLLING_INTERVAL":        "15m",
		}},
		{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": meta(controller, ""), "rules": list{
			rule("batch", []string{"jobs"}, "get", "list", "watch"),
			rule("apiextensions.k8s.io", []string{"customresourcedefinitions"}, "get", "list", "watch", "create", "patch", "update"),
			rule("", []string{"namespaces", "nodes"}, "get", "list", "watch"),
			rule("", []string{"nodes"}, "update"),
			rule("", []string{"events"}, "get", "create", "patch", "update"),
			rule("coordination.k8s.io", []string{"leases"}, "create"),
			ruleOn("coordination.k8s.io", []string{"leases"}, []string{controller}, "get", "update"),
			rule("upgrade.cattle.io", []string{"plans", "plans/status"}, "get", "list", "watch", "create", "patch", "update", "delete"),
		}},
		{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": ns(controller), "rules": list{
			rule("batch", []string{"jobs"}, "create", "delete", "deletecollection", "patch", "update", "get", "list", "watch"),
			rule("", []string{"secrets"}, "get", "list", "watch"),
		}},
		{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": meta(drainer, ""), "rules": list{
			rule("", []string{"pods/eviction"}, "create"),
			rule("", []string{"pods"}, "get", "list", "delete"),
			rule("", []string{"nodes"}, "get", "patch"),
			rule("apps", []string{"statefulsets", "daemonsets", "replicasets"}, "get", "list"),
		}},
		{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": meta("system-upgrade-drainer", ""),
			"roleRef": roleRef("ClusterRole", drainer), "subjects": account},
		{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": meta("system-upgrade", ""),
			"roleRef": roleRef("ClusterRole", controller), "subjects": account},
		{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": ns("system-upgrade"),
			"roleRef": roleRef("Role", controller), "subjects": account},
		controllerDeployment(),
	}
}

// controllerDeployment is the controller itself: on a control plane
// (tolerating their taint), with no privileges of its own; the jobs it
// makes are the privileged part.
func controllerDeployment() obj {
	const name = "system-upgrade-controller"
	fieldRef := func(env, path string) obj {
		return obj{"name": env, "valueFrom": obj{"fieldRef": obj{"fieldPath": path}}}
	}
	hostDir := func(name, path string) obj {
		return obj{"name": name, "hostPath": obj{"path": path, "type": "DirectoryOrCreate"}}
	}
	mount := func(name, path string) obj { return obj{"name": name, "mountPath": path, "readOnly": true} }
	noSchedule := func(key string) obj { return obj{"key": key, "operator": "Exists", "effect": "NoSchedule"} }
	// the controller name comes from this label: without it the
	// controller's own pod would be drained (upstream's comment)
	labels := obj{"app.kubernetes.io/component": "controller", "app.kubernetes.io/name": name, "upgrade.cattle.io/controller": name}
	return obj{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(name, upgradeNamespace), "spec": obj{
		"strategy": obj{"type": "Recreate"},
		"selector": obj{"matchLabels": obj{"upgrade.cattle.io/controller": name}},
		"template": obj{"metadata": obj{"labels": labels}, "spec": obj{
			"serviceAccountName": upgradeAccount,
			"affinity": obj{
				"nodeAffinity": obj{"requiredDuringSchedulingIgnoredDuringExecution": obj{"nodeSelectorTerms": list{obj{"matchExpressions": list{
					obj{"key": controlPlaneLabel, "operator": "Exists"},
					obj{"key": "kubernetes.io/os", "operator": "In", "values": strs("linux")},
				}}}}},
				"podAntiAffinity": obj{"requiredDuringSchedulingIgnoredDuringExecution": list{obj{
					"topologyKey":   "kubernetes.io/hostname",
					"labelSelector": obj{"matchExpressions": list{obj{"key": "app.kubernetes.io/name", "operator": "In", "values": strs(name)}}},
				}}},
			},
			"tolerations": list{
				obj{"key": "CriticalAddonsOnly", "operator": "Exists"},
				noSchedule("node-role.kubernetes.io/master"),
				noSchedule("node-role.kubernetes.io/controlplane"),
				noSchedule(controlPlaneLabel),
				obj{"key": "node-role.kubernetes.io/etcd", "operator": "Exists", "effect": "NoExecute"},
			},
			"containers": list{obj{
				"name":            name,
				"image":           sucImage,
				"imagePullPolicy": "IfNotPresent",
				"securityContext": obj{"runAsNonRoot": true, "runAsUser": 65534, "runAsGroup": 65534, "allowPrivilegeEscalation": false,
					"seccompProfile": obj{"type": "RuntimeDefault"}, "capabilities": obj{"drop": strs("ALL")}},
				"envFrom": list{obj{"configMapRef": obj{"name": "default-controller-env"}}},
				"env": list{
					fieldRef("SYSTEM_UPGRADE_CONTROLLER_NAME", "metadata.labels['upgrade.cattle.io/controller']"),
					fieldRef("SYSTEM_UPGRADE_CONTROLLER_NAMESPACE", "metadata.namespace"),
					fieldRef("SYSTEM_UPGRADE_CONTROLLER_NODE_NAME", "spec.nodeName"),
				},
				"volumeMounts": list{
					mount("etc-ssl", "/etc/ssl"), mount("etc-pki", "/etc/pki"), mount("etc-ca-certificates", "/etc/ca-certificates"),
					obj{"name": "tmp", "mountPath": "/tmp"},
				},
			}},
			"volumes": list{
				hostDir("etc-ssl", "/etc/ssl"), hostDir("etc-pki", "/etc/pki"), hostDir("etc-ca-certificates", "/etc/ca-certificates"),
				obj{"name": "tmp", "emptyDir": obj{}},
			},
		}},
	}}
}

// upgradePlans are the two Plans that hold the cluster at version, k3s's
// documented pair: the server Plan upgrades control planes one at a time,
// cordoned (etcd keeps its quorum: one member is down at a time); the
// agent Plan then does the workers, one at a time, its prepare step
// waiting until the server Plan is complete. Both select by k3s's own
// control-plane label. The server Plan tolerates the control planes'
// taint (cloudinit.go node-taint), which its jobs would otherwise not
// (the controller adds only the unschedulable toleration, pkg/upgrade/job/
// job.go). A node already at version is left as it is, after a moment
// cordoned: k3s-upgrade compares the binaries and exits ("Binary already
// been replaced", k3s-io/k3s-upgrade upgrade.sh, replace_binary), so the
// Plans are harmless on a new cluster and on new nodes, which install the
// same release from their user data. A Plan's version can only go up: k3s-upgrade refuses a
// downgrade and leaves the node cordoned (docs.k3s.io/upgrades/automated,
// "Downgrade Prevention"), and minor versions must not be skipped.
func upgradePlans(version string) []obj {
	plan := func(name string, spec obj) obj {
		spec["concurrency"] = 1
		spec["cordon"] = true
		spec["serviceAccountName"] = upgradeAccount
		spec["upgrade"] = obj{"image": k3sUpgradeImage}
		spec["version"] = version
		return obj{"apiVersion": "upgrade.cattle.io/v1", "kind": "Plan", "metadata": meta(name, upgradeNamespace), "spec": spec}
	}
	return []obj{
		plan(serverPlan, obj{
			"nodeSelector": obj{"matchExpressions": list{obj{"key": controlPlaneLabel, "operator": "In", "values": strs("true")}}},
			"tolerations":  list{obj{"key": controlPlaneLabel, "operator": "Exists", "effect": "NoSchedule"}},
		}),
		plan(agentPlan, obj{
			"nodeSelector": obj{"matchExpressions": list{obj{"key": controlPlaneLabel, "operator": "DoesNotExist"}}},
			"prepare":      obj{"image": k3sUpgradeImage, "args": strs("prepare", serverPlan)},
		}),
	}
}

// configHash names the configuration a server is made with, for its label
// configLabel: 12 hex digits of the SHA-256 of its user data rendered
// without the k3s release (the upgrade Plans move running nodes to a new
// one) and with placeholders for the join tokens and the CA (made once,
// they never change, and a label is no place for a secret's hash). It
// changes only when the configuration does, and a server whose label
// changes in a preview keeps its old configuration: only a replacement
// of the server would apply the new one.
func configHash(n node) string {
	n.Version = ""
	sum := sha256.Sum256([]byte(cloudInit(n, secrets{server: "-", agent: "-", caCert: "-", caKey: "-"})))
	return hex.EncodeToString(sum[:6])
}

// ignoredServerInputs are the inputs of a k3s server that never change
// once it is made (Pulumi's ignoreChanges: the engine keeps the state's
// value, pulumi/pulumi#2657): its user data, read once at boot, and the
// label that names the configuration in it.
var ignoredServerInputs = []string{"userData", `labels["` + configLabel + `"]`}

// staleConfig is the warning for a server whose configuration label got
// differs from the current configuration want, "" when they agree. A
// server made before infra labelled configurations has none.
func staleConfig(server, got, want string) string {
	if got == want {
		return ""
	}
	made := "with k3s configuration " + got
	if got == "" {
		made = "before infra labelled k3s configurations"
	}
	return server + " was made " + made + " and keeps it: the current configuration (" + want +
		") reaches only servers made anew, as a server reads its user data once; a k3s release reaches it through the upgrade Plans"
}
