package main

import (
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"
)

type typeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
}

// Known kinds decode into their API types; UnmarshalStrict rejects unknown fields and duplicate keys.
var typed = map[string]func() any{
	"apps/v1/Deployment":                     func() any { return &appsv1.Deployment{} },
	"v1/Service":                             func() any { return &corev1.Service{} },
	"v1/ConfigMap":                           func() any { return &corev1.ConfigMap{} },
	"v1/Secret":                              func() any { return &corev1.Secret{} },
	"v1/ServiceAccount":                      func() any { return &corev1.ServiceAccount{} },
	"policy/v1/PodDisruptionBudget":          func() any { return &policyv1.PodDisruptionBudget{} },
	"autoscaling/v2/HorizontalPodAutoscaler": func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"batch/v1/Job":                           func() any { return &batchv1.Job{} },
}

// Fields of KEDA's and the Prometheus Operator's objects this chart may set: narrower than their
// CRDs' schemas (kubeconform checks the rendered objects against those), and naming the Kafka
// scaler's parameters, which the ScaledObject CRD leaves as free-form strings.
var crdFields = map[string]map[string][]string{
	"keda.sh/v1alpha1/ScaledObject": {
		"spec":                              {"scaleTargetRef", "pollingInterval", "cooldownPeriod", "initialCooldownPeriod", "idleReplicaCount", "minReplicaCount", "maxReplicaCount", "fallback", "advanced", "triggers"},
		"spec.scaleTargetRef":               {"apiVersion", "kind", "name", "envSourceContainerName"},
		"spec.triggers[]":                   {"type", "name", "metadata", "authenticationRef", "metricType", "useCachedMetrics"},
		"spec.triggers[].authenticationRef": {"name", "kind"},
		// The Kafka scaler's parameters.
		"spec.triggers[].metadata": {"bootstrapServers", "consumerGroup", "topic", "lagThreshold", "activationLagThreshold", "offsetResetPolicy", "allowIdleConsumers", "excludePersistentLag", "scaleToZeroOnInvalidOffset", "limitToPartitionsWithLag", "partitionLimitation", "version", "sasl", "tls", "unsafeSsl", "username", "password", "ca", "cert", "key", "keyPassword"},
	},
	"keda.sh/v1alpha1/TriggerAuthentication": {
		"spec":                   {"secretTargetRef", "env", "hashiCorpVault", "podIdentity", "configMapTargetRef"},
		"spec.secretTargetRef[]": {"parameter", "name", "key"},
	},
	"monitoring.coreos.com/v1/ServiceMonitor": {
		"spec":             {"selector", "endpoints", "namespaceSelector", "jobLabel"},
		"spec.endpoints[]": {"port", "path", "interval", "scrapeTimeout", "scheme", "honorLabels", "relabelings", "metricRelabelings"},
	},
	// The rules themselves are promtool's to check (check-infra.sh); here their shape.
	"monitoring.coreos.com/v1/PrometheusRule": {
		"spec":                  {"groups"},
		"spec.groups[]":         {"name", "interval", "rules"},
		"spec.groups[].rules[]": {"alert", "record", "expr", "for", "labels", "annotations"},
	},
}

func checkManifests(files []string) ([]string, error) {
	var problems []string
	counts := map[string]int{}
	for _, file := range files {
		err := eachDocument(file, func(doc []byte) error {
			var meta typeMeta
			if err := yaml.Unmarshal(doc, &meta); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", file, err))
				return nil
			}
			key := meta.APIVersion + "/" + meta.Kind
			where := fmt.Sprintf("%s: %s %s", file, meta.Kind, meta.Metadata.Name)
			counts[meta.Kind]++
			if meta.Metadata.Name == "" {
				problems = append(problems, where+": no metadata.name")
			}
			if make, ok := typed[key]; ok {
				object := make()
				if err := yaml.UnmarshalStrict(doc, object); err != nil {
					problems = append(problems, fmt.Sprintf("%s: %v", where, err))
					return nil
				}
				problems = append(problems, checkWorkload(where, object)...)
				return nil
			}
			if fields, ok := crdFields[key]; ok {
				var generic map[string]any
				if err := yaml.Unmarshal(doc, &generic); err != nil {
					problems = append(problems, fmt.Sprintf("%s: %v", where, err))
					return nil
				}
				problems = append(problems, checkFields(where, generic, fields)...)
				if meta.Kind == "ScaledObject" {
					problems = append(problems, checkScaledObject(where, generic)...)
				}
				return nil
			}
			problems = append(problems, fmt.Sprintf("%s: unexpected kind %s", where, key))
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(problems) == 0 {
		var parts []string
		for _, kind := range []string{"Deployment", "Service", "ConfigMap", "Secret", "ServiceAccount", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Job", "ScaledObject", "TriggerAuthentication", "ServiceMonitor", "PrometheusRule"} {
			if counts[kind] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", counts[kind], kind))
			}
		}
		fmt.Printf("manifests: %s valid\n", strings.Join(parts, ", "))
	}
	return problems, nil
}

// checkWorkload: every pod runs as non-root with a read-only root filesystem, no privilege
// escalation, all capabilities dropped and probes on the HTTP port.
func checkWorkload(where string, object any) []string {
	var pod *corev1.PodSpec
	isDeployment := false
	switch o := object.(type) {
	case *appsv1.Deployment:
		pod = &o.Spec.Template.Spec
		isDeployment = true
		if o.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType {
			return []string{where + ": strategy is not RollingUpdate"}
		}
	case *batchv1.Job:
		pod = &o.Spec.Template.Spec
	default:
		return nil
	}
	var problems []string
	if pod.SecurityContext == nil || pod.SecurityContext.RunAsNonRoot == nil || !*pod.SecurityContext.RunAsNonRoot {
		problems = append(problems, where+": pod securityContext.runAsNonRoot is not true")
	}
	for _, c := range pod.Containers {
		sc := c.SecurityContext
		switch {
		case sc == nil:
			problems = append(problems, fmt.Sprintf("%s: container %s has no securityContext", where, c.Name))
			continue
		case sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem:
			problems = append(problems, fmt.Sprintf("%s: container %s: readOnlyRootFilesystem is not true", where, c.Name))
		case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
			problems = append(problems, fmt.Sprintf("%s: container %s: allowPrivilegeEscalation is not false", where, c.Name))
		case sc.Capabilities == nil || len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL":
			problems = append(problems, fmt.Sprintf("%s: container %s: capabilities do not drop ALL", where, c.Name))
		}
		writableTmp := false
		for _, m := range c.VolumeMounts {
			if m.MountPath == "/tmp" {
				writableTmp = true
			}
		}
		if !writableTmp {
			problems = append(problems, fmt.Sprintf("%s: container %s: no writable /tmp", where, c.Name))
		}
		if isDeployment {
			if c.LivenessProbe == nil || c.LivenessProbe.HTTPGet == nil || c.LivenessProbe.HTTPGet.Path != "/healthz" {
				problems = append(problems, fmt.Sprintf("%s: container %s: liveness probe is not GET /healthz", where, c.Name))
			}
			if c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet == nil || c.ReadinessProbe.HTTPGet.Path != "/readyz" {
				problems = append(problems, fmt.Sprintf("%s: container %s: readiness probe is not GET /readyz", where, c.Name))
			}
			if c.Resources.Requests.Cpu().IsZero() || c.Resources.Limits.Memory().IsZero() {
				problems = append(problems, fmt.Sprintf("%s: container %s: needs a CPU request and a memory limit", where, c.Name))
			}
		}
	}
	return problems
}

// checkFields walks the paths named in fields ("spec", "spec.triggers[]", ...) and reports keys
// the CRD does not have.
func checkFields(where string, object map[string]any, fields map[string][]string) []string {
	var problems []string
	for path, allowed := range fields {
		for _, m := range lookup(object, strings.Split(path, ".")) {
			for key := range m {
				if !contains(allowed, key) {
					problems = append(problems, fmt.Sprintf("%s: unknown field %s.%s", where, path, key))
				}
			}
		}
	}
	return problems
}

func lookup(value any, path []string) []map[string]any {
	if len(path) == 0 {
		if m, ok := value.(map[string]any); ok {
			return []map[string]any{m}
		}
		return nil
	}
	m, ok := value.(map[string]any)
	if !ok {
		return nil
	}
	step, isList := strings.CutSuffix(path[0], "[]")
	next := m[step]
	if !isList {
		return lookup(next, path[1:])
	}
	var out []map[string]any
	items, _ := next.([]any)
	for _, item := range items {
		out = append(out, lookup(item, path[1:])...)
	}
	return out
}

func checkScaledObject(where string, object map[string]any) []string {
	var problems []string
	spec, _ := object["spec"].(map[string]any)
	if ref, _ := spec["scaleTargetRef"].(map[string]any); ref == nil || ref["name"] == nil {
		problems = append(problems, where+": spec.scaleTargetRef.name is missing")
	}
	if _, ok := spec["maxReplicaCount"].(float64); !ok {
		problems = append(problems, where+": spec.maxReplicaCount is missing")
	}
	triggers, _ := spec["triggers"].([]any)
	if len(triggers) == 0 {
		problems = append(problems, where+": no triggers")
	}
	for _, t := range triggers {
		trigger, _ := t.(map[string]any)
		metadata, _ := trigger["metadata"].(map[string]any)
		if trigger["type"] != "kafka" {
			problems = append(problems, fmt.Sprintf("%s: trigger type %v, want kafka", where, trigger["type"]))
		}
		for _, key := range []string{"bootstrapServers", "consumerGroup", "topic", "lagThreshold"} {
			if s, _ := metadata[key].(string); s == "" {
				problems = append(problems, fmt.Sprintf("%s: kafka trigger needs metadata.%s (a string)", where, key))
			}
		}
	}
	return problems
}

func contains(list []string, s string) bool {
	for _, item := range list {
		if item == s {
			return true
		}
	}
	return false
}
