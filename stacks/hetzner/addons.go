package hetzner

// The Hetzner add-ons every cluster runs: the hcloud cloud-controller-manager
// (node lifecycle: provider IDs hcloud://<server id>, which it sets when it
// initialises a node, docs/explanation/provider-id.md; private InternalIPs,
// zone labels, nodes of deleted servers removed) and the hcloud CSI driver
// (Hetzner volumes as the default storage). infra applies them over the
// Kubernetes API (secret.go, clusterAddons), so that a new release of
// either reaches a running cluster. They are not in k3s's auto-deploying
// manifests directory, which cloud-init would fill only on servers made
// after the change (the servers ignore changes of their user data). Both
// read the API token and the network from the Secret hcloud in kube-system
// (hcloudSecret), applied the same way, never through user data.
//
// The objects are our own, minimal; their facts come from the upstream
// deployment files, cited at each object, at the pinned releases:
// hetznercloud/hcloud-cloud-controller-manager v1.35.0 (cfbbbd9d),
// deploy/ccm-networks.yaml, and hetznercloud/csi-driver v2.22.1 (3186e787),
// deploy/kubernetes/hcloud-csi.yml. Images are pinned by tag: no digest
// could be sourced for them here.
const (
	ccmImage = "docker.io/hetznercloud/hcloud-cloud-controller-manager:v1.35.0"
	csiImage = "docker.io/hetznercloud/hcloud-csi-driver:v2.22.1"
	// The CSI sidecars of csi-driver v2.22.1's deploy/kubernetes/hcloud-csi.yml.
	csiAttacherImage    = "registry.k8s.io/sig-storage/csi-attacher:v4.11.0"
	csiResizerImage     = "registry.k8s.io/sig-storage/csi-resizer:v2.1.0"
	csiProvisionerImage = "registry.k8s.io/sig-storage/csi-provisioner:v6.2.0"
	csiRegistrarImage   = "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.16.0"
	csiLivenessImage    = "registry.k8s.io/sig-storage/livenessprobe:v2.18.0"
)

// Names the add-ons share.
const (
	kubeSystem = "kube-system"
	// hcloudSecretName is the Secret both add-ons read, with the keys
	// "token" and "network" (hcloud-cloud-controller-manager
	// docs/guides/private-network-setup.md, step 6).
	hcloudSecretName = "hcloud"
	// csiDriverName is the CSI driver's name (hcloud-csi.yml, CSIDriver).
	csiDriverName = "csi.hetzner.cloud"
	// StorageClassName is the cluster's default StorageClass: Hetzner
	// volumes, network block storage that outlives any node.
	StorageClassName = "hcloud-volumes"
)

// obj is a Kubernetes object as YAML or JSON maps it.
type obj = map[string]any

// list is a YAML sequence.
type list = []any

func meta(name, namespace string) obj {
	m := obj{"name": name}
	if namespace != "" {
		m["namespace"] = namespace
	}
	return m
}

// secretEnv is an environment variable read from the hcloud Secret.
func secretEnv(name, key string) obj {
	return obj{"name": name, "valueFrom": obj{"secretKeyRef": obj{"name": hcloudSecretName, "key": key}}}
}

func env(name, value string) obj { return obj{"name": name, "value": value} }

// strs is a YAML sequence of strings.
func strs(ss ...string) list {
	l := make(list, len(ss))
	for i, s := range ss {
		l[i] = s
	}
	return l
}

// workload is a Deployment or DaemonSet in kube-system whose pods carry
// the label app=name, which its selector matches; spec holds the rest of
// its spec, pod the pods' spec.
func workload(kind, name string, spec, pod obj) obj {
	labels := obj{"app": name}
	spec["selector"] = obj{"matchLabels": labels}
	spec["template"] = obj{"metadata": obj{"labels": labels}, "spec": pod}
	return obj{"apiVersion": "apps/v1", "kind": kind, "metadata": meta(name, kubeSystem), "spec": spec}
}

// identity is a service account in kube-system and a cluster role of
// rules bound to it.
func identity(account, role string, rules ...any) []obj {
	return []obj{
		{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta(account, kubeSystem)},
		{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": meta(role, ""), "rules": list(rules)},
		{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": meta(role, ""),
			"roleRef":  obj{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
			"subjects": list{obj{"kind": "ServiceAccount", "name": account, "namespace": kubeSystem}}},
	}
}

// rule is an RBAC policy rule.
func rule(group string, resources []string, verbs ...string) obj {
	return obj{"apiGroups": list{group}, "resources": strs(resources...), "verbs": strs(verbs...)}
}

// ccmObjects is the hcloud cloud-controller-manager (deploy/ccm-networks.yaml
// at v1.35.0): its service account, cluster role and binding, and one
// replica on the host network (it must run before any node is initialised,
// so before pod networking exists for it), tolerating the uninitialised and
// control-plane taints.
//
// Two choices differ from upstream's networks variant:
//   - The route controller is off (HCLOUD_NETWORK_ROUTES_ENABLED=false, and no
//     --allocate-node-cidrs, without which the cloud-provider library does not
//     start it): k3s's flannel carries pod traffic in VXLAN between the nodes'
//     private addresses, and the CCM's routes are for CNIs routing natively
//     (docs/explanation/private-networks.md, "Route Controller"). Its
//     per-node 10.42.x.0/24 routes would also land in the network the mesh
//     routes (mesh.go): Hetzner refuses a route overlapping another, the
//     engine clears only routes in Pulumi's state (engine/routes.go), and
//     every region uses the same pod range, which must never be routed
//     between regions.
//   - The load balancer controller is off (HCLOUD_LOAD_BALANCERS_ENABLED=false):
//     k3s's ServiceLB still serves Services of type LoadBalancer (it is not
//     part of the node controllers --disable-cloud-controller stops, k3s
//     docs/adrs/servicelb-ccm.md), and the ingress load balancer infra
//     declares targets its host ports; two controllers on one Service fight
//     over its status.
//
// Nothing of it listens on the node: no webhook port, no metrics. It needs
// no inbound rule, only egress to the Hetzner API, which the firewall's
// absent outbound rules leave open.
//
// HCLOUD_NETWORK stays: with it the CCM reports the private address as the
// node's InternalIP, which must match the kubelet's --node-ip for the node
// to initialise, and it checks the server is attached to that network.
func ccmObjects() []obj {
	const name = "hcloud-cloud-controller-manager"
	const role = "system:hcloud-cloud-controller-manager"
	return append(identity(name, role,
		rule("", []string{"configmaps"}, "get", "list", "watch"),
		rule("", []string{"events"}, "create", "patch", "update"),
		rule("", []string{"nodes"}, "*"),
		rule("", []string{"nodes/status"}, "patch"),
		rule("", []string{"services"}, "list", "watch"),
		rule("", []string{"services/status"}, "patch", "update"),
		rule("", []string{"serviceaccounts"}, "create"),
		rule("coordination.k8s.io", []string{"leases"}, "create", "get", "list", "watch", "update"),
	), workload("Deployment", name, obj{"replicas": 1, "revisionHistoryLimit": 2}, obj{
		"serviceAccountName": name,
		"hostNetwork":        true,
		"dnsPolicy":          "Default",
		"priorityClassName":  "system-cluster-critical",
		"securityContext": obj{"runAsUser": 65532, "runAsGroup": 65532, "runAsNonRoot": true,
			"seccompProfile": obj{"type": "RuntimeDefault"}},
		"tolerations": list{
			obj{"key": "node.cloudprovider.kubernetes.io/uninitialized", "value": "true", "effect": "NoSchedule"},
			obj{"key": "CriticalAddonsOnly", "operator": "Exists"},
			obj{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"},
			obj{"key": "node.kubernetes.io/not-ready", "effect": "NoExecute"},
		},
		"containers": list{obj{
			"name":  name,
			"image": ccmImage,
			"args":  strs("--allow-untagged-cloud", "--cloud-provider=hcloud", "--webhook-secure-port=0", "--leader-elect=false"),
			"env": list{
				secretEnv("HCLOUD_TOKEN", "token"),
				secretEnv("HCLOUD_NETWORK", "network"),
				env("HCLOUD_NETWORK_ROUTES_ENABLED", "false"),
				env("HCLOUD_LOAD_BALANCERS_ENABLED", "false"),
				// on the host network its metrics would listen on
				// every interface (:8233, internal/config/config.go)
				env("HCLOUD_METRICS_ENABLED", "false"),
			},
			"securityContext": obj{"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
				"capabilities": obj{"drop": list{"ALL"}}},
			"resources": obj{"requests": obj{"cpu": "100m", "memory": "50Mi"}},
		}},
	}))
}

// csiObjects is the hcloud CSI driver (deploy/kubernetes/hcloud-csi.yml at
// v2.22.1) without its metrics services: the CSIDriver, the default
// StorageClass, the controller (its service account, cluster role, binding
// and one replica with the attacher, resizer, provisioner and liveness
// sidecars) and the node plugin on every node.
//
// location is the Hetzner location volumes are made in
// (HCLOUD_VOLUME_DEFAULT_LOCATION, internal/app/app.go GetServerLocation):
// the cluster's own, which spares the controller a metadata lookup.
//
// The node plugin runs on the host network, unlike upstream's: it reads its
// server ID from the metadata service at start (cmd/main.go, setup), and
// every node's firewall drops traffic from the pod network to the metadata
// service (nodeFirewall), which serves the user data. Its metrics are off,
// so it listens on the host for the liveness probe only.
func csiObjects(location string) []obj {
	const controller = "hcloud-csi-controller"
	const node = "hcloud-csi-node"
	socket := obj{"name": "socket-dir", "mountPath": "/run/csi"}
	sidecar := func(name, image string, args ...string) obj {
		c := obj{"name": name, "image": image, "volumeMounts": list{socket}}
		if len(args) > 0 {
			c["args"] = strs(args...)
		}
		return c
	}
	healthz := obj{"name": "healthz", "containerPort": 9808, "protocol": "TCP"}
	liveness := obj{"httpGet": obj{"path": "/healthz", "port": "healthz"}, "initialDelaySeconds": 10,
		"periodSeconds": 2, "timeoutSeconds": 3, "failureThreshold": 5}
	hostPath := func(name, path, typ string) obj {
		return obj{"name": name, "hostPath": obj{"path": path, "type": typ}}
	}
	objs := []obj{
		{"apiVersion": "storage.k8s.io/v1", "kind": "CSIDriver", "metadata": meta(csiDriverName, ""),
			"spec": obj{"attachRequired": true, "fsGroupPolicy": "File", "podInfoOnMount": true, "seLinuxMount": true,
				"volumeLifecycleModes": list{"Persistent"}}},
		{"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
			"metadata":    obj{"name": StorageClassName, "annotations": obj{"storageclass.kubernetes.io/is-default-class": "true"}},
			"provisioner": csiDriverName, "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": true,
			"reclaimPolicy": "Delete"},
	}
	objs = append(objs, identity(controller, controller,
		rule("", []string{"persistentvolumes"}, "get", "list", "watch", "create", "delete", "update", "patch"),
		rule("", []string{"persistentvolumeclaims", "persistentvolumeclaims/status"}, "get", "list", "watch", "update", "patch"),
		rule("", []string{"nodes", "pods"}, "get", "list", "watch"),
		rule("", []string{"events"}, "get", "list", "watch", "create", "update", "patch"),
		rule("storage.k8s.io", []string{"csinodes", "storageclasses", "volumeattributesclasses"}, "get", "list", "watch"),
		rule("storage.k8s.io", []string{"volumeattachments"}, "get", "list", "watch", "update", "patch"),
		rule("storage.k8s.io", []string{"volumeattachments/status"}, "patch"),
		rule("snapshot.storage.k8s.io", []string{"volumesnapshots", "volumesnapshotcontents"}, "get", "list"),
	)...)
	return append(objs,
		workload("Deployment", controller, obj{"replicas": 1}, obj{
			"serviceAccountName": controller,
			"securityContext":    obj{"fsGroup": 1001},
			"containers": list{
				obj{"name": "hcloud-csi-driver", "image": csiImage, "args": list{"-controller"},
					"env": list{
						env("CSI_ENDPOINT", "unix:///run/csi/socket"),
						env("ENABLE_METRICS", "false"),
						env("HCLOUD_VOLUME_DEFAULT_LOCATION", location),
						obj{"name": "KUBE_NODE_NAME", "valueFrom": obj{"fieldRef": obj{"apiVersion": "v1", "fieldPath": "spec.nodeName"}}},
						secretEnv("HCLOUD_TOKEN", "token"),
					},
					"ports": list{healthz}, "livenessProbe": liveness, "volumeMounts": list{socket}},
				sidecar("csi-attacher", csiAttacherImage, "--default-fstype=ext4"),
				sidecar("csi-resizer", csiResizerImage),
				sidecar("csi-provisioner", csiProvisionerImage, "--feature-gates=Topology=true", "--default-fstype=ext4",
					"--extra-create-metadata", "--strict-topology"),
				sidecar("liveness-probe", csiLivenessImage),
			},
			"volumes": list{obj{"name": "socket-dir", "emptyDir": obj{}}},
		}),
		workload("DaemonSet", node, obj{"updateStrategy": obj{"type": "RollingUpdate"}}, obj{
			"hostNetwork":     true,
			"securityContext": obj{"fsGroup": 1001},
			"tolerations": list{
				obj{"effect": "NoExecute", "operator": "Exists"},
				obj{"effect": "NoSchedule", "operator": "Exists"},
				obj{"key": "CriticalAddonsOnly", "operator": "Exists"},
			},
			"containers": list{
				obj{"name": "csi-node-driver-registrar", "image": csiRegistrarImage,
					"args": list{"--kubelet-registration-path=/var/lib/kubelet/plugins/" + csiDriverName + "/socket"},
					"volumeMounts": list{obj{"name": "plugin-dir", "mountPath": "/run/csi"},
						obj{"name": "registration-dir", "mountPath": "/registration"}}},
				obj{"name": "liveness-probe", "image": csiLivenessImage,
					"volumeMounts": list{obj{"name": "plugin-dir", "mountPath": "/run/csi"}}},
				obj{"name": "hcloud-csi-driver", "image": csiImage, "args": list{"-node"},
					"env": list{
						env("CSI_ENDPOINT", "unix:///run/csi/socket"),
						env("ENABLE_METRICS", "false"),
						env("HCLOUD_VOLUME_DEFAULT_LOCATION", location),
					},
					"securityContext": obj{"privileged": true},
					"ports":           list{healthz}, "livenessProbe": liveness,
					"volumeMounts": list{
						obj{"name": "kubelet-dir", "mountPath": "/var/lib/kubelet", "mountPropagation": "Bidirectional"},
						obj{"name": "plugin-dir", "mountPath": "/run/csi"},
						obj{"name": "device-dir", "mountPath": "/dev"},
					}},
			},
			"volumes": list{
				hostPath("kubelet-dir", "/var/lib/kubelet", "Directory"),
				hostPath("plugin-dir", "/var/lib/kubelet/plugins/"+csiDriverName+"/", "DirectoryOrCreate"),
				hostPath("registration-dir", "/var/lib/kubelet/plugins_registry/", "Directory"),
				hostPath("device-dir", "/dev", "Directory"),
			},
		}))
}

// addonObjects are the hcloud add-ons, the cloud-controller-manager then
// the CSI driver, for a cluster in location.
func addonObjects(location string) []obj {
	return append(ccmObjects(), csiObjects(location)...)
}

// hcloudSecret is the Secret the add-ons read: the Hetzner API token and
// the cluster's private network (its ID). It is applied over the
// Kubernetes API from where infra runs, so the token is never in user data,
// which the metadata service serves to anything on the node.
func hcloudSecret(token, network string) obj {
	return obj{"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": meta(hcloudSecretName, kubeSystem),
		"stringData": obj{"token": token, "network": network}}
}
