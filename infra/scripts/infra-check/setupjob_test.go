package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const setupSecret = `apiVersion: v1
kind: Secret
metadata:
  name: setup
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-10"
stringData:
  schema-registry-url: http://registry:8081
`

const setupJob = `apiVersion: batch/v1
kind: Job
metadata:
  name: setup
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-5"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: setup
          image: cli
          command: ["/bin/sh", "-ec"]
          args:
            - |
              tributary topics ensure
              tributary schemas register
          env:
            - name: KAFKA_BROKERS
              value: kafka:9092
            - name: SCHEMA_REGISTRY_URL
              valueFrom:
                secretKeyRef: {name: setup, key: schema-registry-url}
`

func TestCheckSetupJob(t *testing.T) {
	cases := []struct {
		name     string
		rendered string
		want     string // a problem the check must report; empty: none
	}{
		{"a hook Job with its hook Secret passes", setupSecret + "---\n" + setupJob, ""},
		{"a Secret the chart renders as an ordinary object does not exist yet on install",
			strings.Replace(setupSecret, "helm.sh/hook: pre-install,pre-upgrade", "x: y", 1) + "---\n" + setupJob, "which is no pre-install/pre-upgrade hook"},
		{"the Secret must come first", strings.Replace(setupSecret, `"-10"`, `"-5"`, 1) + "---\n" + setupJob, "not below the Job's -5"},
		{"schemas must be registered", setupSecret + "---\n" + strings.Replace(setupJob, "tributary schemas register", "true", 1), "does not run `tributary schemas register`"},
		{"the Job must run on upgrade too", setupSecret + "---\n" + strings.Replace(setupJob, "pre-install,pre-upgrade", "pre-install", 1), "helm.sh/hook lacks pre-upgrade"},
		{"a finished Job must go", setupSecret + "---\n" + strings.Replace(setupJob, ",hook-succeeded", "", 1), "lacks hook-succeeded"},
		{"the registry URL may carry credentials", setupSecret + "---\n" + strings.Replace(setupJob, "valueFrom:\n                secretKeyRef: {name: setup, key: schema-registry-url}", "value: http://registry:8081", 1), "SCHEMA_REGISTRY_URL must come from a Secret"},
		{"no setup Job at all", setupSecret, "want one pre-install hook Job"},
	}
	for _, c := range cases {
		file := filepath.Join(t.TempDir(), "rendered.yaml")
		if err := os.WriteFile(file, []byte(c.rendered), 0o600); err != nil {
			t.Fatal(err)
		}
		problems, err := checkSetupJob(file)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		joined := strings.Join(problems, "\n")
		if c.want == "" && len(problems) > 0 {
			t.Errorf("%s: unexpected problems:\n%s", c.name, joined)
		}
		if c.want != "" && !strings.Contains(joined, c.want) {
			t.Errorf("%s: want a problem containing %q, got:\n%s", c.name, c.want, joined)
		}
	}
}
