// Command infra-check validates the deployment files without a Docker engine or a cluster:
//
//	infra-check compose <docker-compose.yml> <prometheus.yml> <repo root>
//	    loads the compose file as `docker compose config` does (compose-go: Compose Specification
//	    schema, interpolation, merge keys), then checks it against the repository: every built
//	    service names an app under apps/, its port variable and published port agree with the
//	    build argument PORT, every app is in the file, every Prometheus target is a compose
//	    service and port, Prometheus loads infra/prometheus/rules/tributary.rules.yml and sends
//	    alerts to an Alertmanager service whose configuration is mounted.
//	infra-check compose-config <docker-compose.yml>
//	    prints the file as `docker compose config` does (compose-go), without a Docker client.
//	infra-check settings <rendered.yaml> <repo root>
//	    checks that every key of a service's ConfigMap in `helm template` output is a setting its
//	    app (apps/<service>/src) or libs/ declares, as compose does for the services' environment.
//	infra-check manifests <rendered.yaml>...
//	    decodes `helm template` output strictly into the Kubernetes API types (an unknown or
//	    misspelt field, a wrong type or a duplicate key fails) and checks the security settings
//	    every workload must have; KEDA and Prometheus Operator objects get structural checks.
//	infra-check setup-job <rendered.yaml>
//	    checks the setup hook Job of `helm template` output: a pre-install and pre-upgrade hook,
//	    deleted before it is created again and once it succeeded, that runs `tributary topics
//	    ensure` and `tributary schemas register` with the registry URL from a Secret that exists
//	    when it runs (yours, or a hook Secret created before it).
//	infra-check crd-schemas <out dir> <crd.yaml>...
//	    converts the openAPIV3Schema of each version of each CustomResourceDefinition into the
//	    JSON schema kubeconform -strict reads: <out dir>/<group>/<kind>_<version>.json, lower case.
package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var problems []string
	var err error
	switch os.Args[1] {
	case "compose":
		if len(os.Args) != 5 {
			usage()
		}
		problems, err = checkCompose(os.Args[2], os.Args[3], os.Args[4])
	case "compose-config":
		if len(os.Args) != 3 {
			usage()
		}
		err = printComposeConfig(os.Args[2])
	case "settings":
		if len(os.Args) != 4 {
			usage()
		}
		problems, err = checkSettings(os.Args[2], os.Args[3])
	case "manifests":
		if len(os.Args) < 3 {
			usage()
		}
		problems, err = checkManifests(os.Args[2:])
	case "setup-job":
		if len(os.Args) != 3 {
			usage()
		}
		problems, err = checkSetupJob(os.Args[2])
	case "crd-schemas":
		if len(os.Args) < 4 {
			usage()
		}
		var written []string
		written, err = writeCRDSchemas(os.Args[2], os.Args[3:])
		if err == nil {
			fmt.Printf("crd-schemas: %s\n", strings.Join(written, ", "))
		}
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "infra-check %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	for _, problem := range problems {
		fmt.Fprintf(os.Stderr, "infra-check %s: %s\n", os.Args[1], problem)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: infra-check compose <docker-compose.yml> <prometheus.yml> <repo root>")
	fmt.Fprintln(os.Stderr, "       infra-check compose-config <docker-compose.yml>")
	fmt.Fprintln(os.Stderr, "       infra-check settings <rendered.yaml> <repo root>")
	fmt.Fprintln(os.Stderr, "       infra-check manifests <rendered.yaml>...")
	fmt.Fprintln(os.Stderr, "       infra-check setup-job <rendered.yaml>")
	fmt.Fprintln(os.Stderr, "       infra-check crd-schemas <out dir> <crd.yaml>...")
	os.Exit(2)
}
