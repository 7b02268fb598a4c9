package hetzner

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// suPlan is system-upgrade-controller's Plan as its API type has it
// (pkg/apis/upgrade.cattle.io/v1/types.go at v0.20.1), the fields infra
// sets and their neighbours: a strict decode into it refuses a misspelt
// field, which the API server would prune without a word.
type suPlan struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		Concurrency        int64                 `json:"concurrency,omitempty"`
		NodeSelector       *metav1.LabelSelector `json:"nodeSelector,omitempty"`
		ServiceAccountName string                `json:"serviceAccountName,omitempty"`
		Channel            string                `json:"channel,omitempty"`
		Version            string                `json:"version,omitempty"`
		Tolerations        []corev1.Toleration   `json:"tolerations,omitempty"`
		Exclusive          bool                  `json:"exclusive,omitempty"`
		Prepare            *suContainer          `json:"prepare,omitempty"`
		Upgrade            *suContainer          `json:"upgrade"`
		Cordon             bool                  `json:"cordon,omitempty"`
		PriorityClassName  string                `json:"priorityClassName,omitempty"`
	} `json:"spec"`
}

// suContainer is the Plan's ContainerSpec.
type suContainer struct {
	Image   string   `json:"image"`
	Command []string `json:"command,omitempty"`
	Args    []string `json:"args,omitempty"`
}

// The controller's objects are valid objects of their API types, in its
// namespace, which admits its privileged jobs; it runs on a control plane,
// tolerating their taint, and every binding names its service account.
func TestControllerObjects(t *testing.T) {
	var kinds []string
	for _, o := range controllerObjects() {
		v := strict(t, o)
		kinds = append(kinds, o["kind"].(string))
		switch v := v.(type) {
		case *corev1.Namespace:
			if v.Name != upgradeNamespace || v.Labels["pod-security.kubernetes.io/enforce"] != "privileged" {
				t.Errorf("namespace %+v", v.ObjectMeta)
			}
		case *appsv1.Deployment:
			spec := v.Spec.Template.Spec
			if v.Namespace != upgradeNamespace || spec.ServiceAccountName != upgradeAccount || spec.Containers[0].Image != sucImage {
				t.Errorf("deployment %s/%s account %s image %s", v.Namespace, v.Name, spec.ServiceAccountName, spec.Containers[0].Image)
			}
			if !tolerates(spec.Tolerations, controlPlaneLabel) {
				t.Error("the controller does not tolerate the control planes' taint, where its affinity puts it")
			}
			if v.Spec.Selector.MatchLabels["upgrade.cattle.io/controller"] != v.Spec.Template.Labels["upgrade.cattle.io/controller"] {
				t.Error("the selector does not select the pods")
			}
		}
		if subjects, ok := o["subjects"].(list); ok {
			for _, s := range subjects {
				if s := s.(obj); s["name"] != upgradeAccount || s["namespace"] != upgradeNamespace {
					t.Errorf("%s binds %v", o["kind"], s)
				}
			}
		}
	}
	want := []string{"ClusterRole", "ClusterRole", "ClusterRoleBinding", "ClusterRoleBinding", "ConfigMap", "Deployment", "Namespace", "Role", "RoleBinding", "ServiceAccount"}
	if slices.Sort(kinds); !slices.Equal(kinds, want) {
		t.Errorf("kinds %v, want %v", kinds, want)
	}
}

func tolerates(ts []corev1.Toleration, key string) bool {
	for _, t := range ts {
		if t.Key == key && t.Operator == corev1.TolerationOpExists && (t.Effect == "" || t.Effect == corev1.TaintEffectNoSchedule) {
			return true
		}
	}
	return false
}

// The Plans are k3s's documented pair at the pinned release: servers one
// at a time, cordoned, tolerating their taint; agents one at a time after
// the server Plan (prepare); nothing selected twice or never.
func TestUpgradePlans(t *testing.T) {
	plans := map[string]*suPlan{}
	for _, o := range upgradePlans("v1.35.5+k3s1") {
		p := strict(t, o).(*suPlan)
		plans[p.Name] = p
		s := p.Spec
		if p.Namespace != upgradeNamespace || s.Version != "v1.35.5+k3s1" || s.Concurrency != 1 || !s.Cordon ||
			s.ServiceAccountName != upgradeAccount || s.Upgrade == nil || s.Upgrade.Image != k3sUpgradeImage || s.Channel != "" {
			t.Errorf("plan %s: %+v", p.Name, s)
		}
	}
	server, agent := plans[serverPlan], plans[agentPlan]
	if server == nil || agent == nil || len(plans) != 2 {
		t.Fatalf("plans %v", plans)
	}
	sel := func(p *suPlan) string {
		e := p.Spec.NodeSelector.MatchExpressions
		if len(e) != 1 || e[0].Key != controlPlaneLabel {
			return fmt.Sprint(e)
		}
		return string(e[0].Operator) + strings.Join(e[0].Values, ",")
	}
	if sel(server) != "Intrue" || sel(agent) != "DoesNotExist" {
		t.Errorf("selectors: server %s, agent %s", sel(server), sel(agent))
	}
	if !tolerates(server.Spec.Tolerations, controlPlaneLabel) {
		t.Error("the server plan's jobs cannot run on the tainted control planes")
	}
	if server.Spec.Prepare != nil || agent.Spec.Prepare == nil || agent.Spec.Prepare.Image != k3sUpgradeImage ||
		strings.Join(agent.Spec.Prepare.Args, " ") != "prepare "+serverPlan {
		t.Errorf("prepare: server %+v, agent %+v", server.Spec.Prepare, agent.Spec.Prepare)
	}
}

// The configuration label changes with what reaches only new servers, not
// with the k3s release (the Plans carry that) nor the secrets, and fits a
// Hetzner label value.
func TestConfigHash(t *testing.T) {
	n := testNodes()[0]
	h := configHash(n)
	if len(h) != 12 || strings.Trim(h, "0123456789abcdef") != "" {
		t.Errorf("hash %q", h)
	}
	bumped := n
	bumped.Version = "v1.36.1+k3s1"
	if configHash(bumped) != h {
		t.Error("a new k3s release changes the configuration label")
	}
	moved := n
	moved.Labels = map[string]string{labelRole: "control-plane", "extra": "x"}
	if configHash(moved) == h {
		t.Error("a new node label leaves the configuration label")
	}
}

func TestStaleConfig(t *testing.T) {
	if msg := staleConfig("cp-1", "abc", "abc"); msg != "" {
		t.Errorf("same configuration: %q", msg)
	}
	for got, want := range map[string]string{"abc": "made with k3s configuration abc", "": "made before infra labelled"} {
		msg := staleConfig("cp-1", got, "def")
		if !strings.HasPrefix(msg, "cp-1 was ") || !strings.Contains(msg, want) || !strings.Contains(msg, "(def) reaches only servers made anew") {
			t.Errorf("label %q: %q", got, msg)
		}
	}
}
