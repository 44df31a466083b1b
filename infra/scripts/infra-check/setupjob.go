package main

import (
	"fmt"
	"strconv"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// hookSteps are what the setup hook Job must run before the services start.
var hookSteps = []string{"tributary topics ensure", "tributary schemas register"}

// hookAnnotations of a resource: its events, delete policies and weight (0 when unset).
func hookAnnotations(annotations map[string]string) (events, policies []string, weight int) {
	split := func(text string) []string {
		var out []string
		for _, part := range strings.Split(text, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
		return out
	}
	weight, _ = strconv.Atoi(annotations["helm.sh/hook-weight"])
	return split(annotations["helm.sh/hook"]), split(annotations["helm.sh/hook-delete-policy"]), weight
}

// checkSetupJob reads `helm template` output: one Job is a pre-install and pre-upgrade hook,
// replaced before it is created again and deleted once it succeeded, that runs every hookSteps
// command with the Kafka brokers and the registry URL from a Secret. A Secret it reads that the
// chart renders must be a hook too, created before the Job: the chart's ordinary objects do not
// exist yet when a pre-install hook runs.
func checkSetupJob(rendered string) ([]string, error) {
	var jobs []*batchv1.Job
	secrets := map[string]*corev1.Secret{}
	err := eachDocument(rendered, func(doc []byte) error {
		var meta typeMeta
		if err := yaml.Unmarshal(doc, &meta); err != nil {
			return fmt.Errorf("%s: %w", rendered, err)
		}
		switch meta.APIVersion + "/" + meta.Kind {
		case "batch/v1/Job":
			job := &batchv1.Job{}
			if err := yaml.Unmarshal(doc, job); err != nil {
				return fmt.Errorf("%s: Job %s: %w", rendered, meta.Metadata.Name, err)
			}
			if events, _, _ := hookAnnotations(job.Annotations); contains(events, "pre-install") {
				jobs = append(jobs, job)
			}
		case "v1/Secret":
			secret := &corev1.Secret{}
			if err := yaml.Unmarshal(doc, secret); err != nil {
				return fmt.Errorf("%s: Secret %s: %w", rendered, meta.Metadata.Name, err)
			}
			secrets[secret.Name] = secret
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(jobs) != 1 {
		return []string{fmt.Sprintf("%s: want one pre-install hook Job (the setup job), found %d", rendered, len(jobs))}, nil
	}
	job := jobs[0]
	where := "Job " + job.Name
	var problems []string
	events, policies, weight := hookAnnotations(job.Annotations)
	for _, event := range []string{"pre-install", "pre-upgrade"} {
		if !contains(events, event) {
			problems = append(problems, fmt.Sprintf("%s: helm.sh/hook lacks %s", where, event))
		}
	}
	for _, policy := range []string{"before-hook-creation", "hook-succeeded"} {
		if !contains(policies, policy) {
			problems = append(problems, fmt.Sprintf("%s: helm.sh/hook-delete-policy lacks %s", where, policy))
		}
	}
	containers := job.Spec.Template.Spec.Containers
	if len(containers) != 1 {
		return append(problems, fmt.Sprintf("%s: want one container, found %d", where, len(containers))), nil
	}
	container := containers[0]
	script := strings.Join(append(append([]string{}, container.Command...), container.Args...), " ")
	for _, step := range hookSteps {
		if !strings.Contains(script, step) {
			problems = append(problems, fmt.Sprintf("%s: container %s does not run `%s`", where, container.Name, step))
		}
	}
	env := map[string]corev1.EnvVar{}
	for _, variable := range container.Env {
		env[variable.Name] = variable
	}
	if env["KAFKA_BROKERS"].Value == "" {
		problems = append(problems, fmt.Sprintf("%s: no KAFKA_BROKERS", where))
	}
	registry, ok := env["SCHEMA_REGISTRY_URL"]
	if !ok || registry.ValueFrom == nil || registry.ValueFrom.SecretKeyRef == nil {
		problems = append(problems, fmt.Sprintf("%s: SCHEMA_REGISTRY_URL must come from a Secret (it may carry credentials)", where))
	}
	var sources []string
	for _, variable := range container.Env {
		if variable.ValueFrom == nil || variable.ValueFrom.SecretKeyRef == nil {
			continue
		}
		name := variable.ValueFrom.SecretKeyRef.Name
		secret, rendered := secrets[name]
		if !rendered {
			sources = append(sources, fmt.Sprintf("%s from Secret %s (yours)", variable.Name, name))
			continue
		}
		secretEvents, _, secretWeight := hookAnnotations(secret.Annotations)
		switch {
		case !contains(secretEvents, "pre-install") || !contains(secretEvents, "pre-upgrade"):
			problems = append(problems, fmt.Sprintf("%s: %s comes from Secret %s, which is no pre-install/pre-upgrade hook, so it does not exist yet when the Job runs on install", where, variable.Name, name))
		case secretWeight >= weight:
			problems = append(problems, fmt.Sprintf("%s: Secret %s has hook weight %d, not below the Job's %d, so it may not exist when the Job starts", where, name, secretWeight, weight))
		case secret.StringData[variable.ValueFrom.SecretKeyRef.Key] == "" && len(secret.Data[variable.ValueFrom.SecretKeyRef.Key]) == 0:
			problems = append(problems, fmt.Sprintf("%s: %s comes from key %s of Secret %s, which has no such key", where, variable.Name, variable.ValueFrom.SecretKeyRef.Key, name))
		default:
			sources = append(sources, fmt.Sprintf("%s from hook Secret %s (weight %d)", variable.Name, name, secretWeight))
		}
	}
	if len(problems) == 0 {
		fmt.Printf("setup-job: %s (%s, image %s) runs `%s`; %s\n", job.Name, strings.Join(events, ","), container.Image, strings.Join(hookSteps, "`, `"), strings.Join(sources, ", "))
	}
	return problems, nil
}
