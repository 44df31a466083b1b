package main

import (
	"context"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"gopkg.in/yaml.v3"
)

type prometheusConfig struct {
	ScrapeConfigs []struct {
		JobName       string `yaml:"job_name"`
		StaticConfigs []struct {
			Targets []string `yaml:"targets"`
		} `yaml:"static_configs"`
	} `yaml:"scrape_configs"`
}

// portVariable follows the apps' naming: orders-api listens on ORDERS_API_PORT.
func portVariable(app string) string {
	return strings.ToUpper(strings.ReplaceAll(app, "-", "_")) + "_PORT"
}

// settingName finds the environment variable of a `setting('NAME', ...)` declaration (libs/config).
var settingName = regexp.MustCompile(`\bsetting\(\s*['"]([A-Z][A-Z0-9_]*)['"]`)

// runtimeVariables are read by Node.js or tsx, not by a settings declaration, and the
// OpenTelemetry variables the deployment files give every service, which keep the SDK's standard
// names.
var runtimeVariables = map[string]bool{
	"NODE_ENV": true, "NODE_OPTIONS": true, "TSX_DISABLE_CACHE": true,
	"OTEL_EXPORTER_OTLP_ENDPOINT": true, "OTEL_SERVICE_NAME": true,
}

// declaredSettings returns the variables declared with setting(...) in the TypeScript sources under
// dirs (tests left out).
func declaredSettings(dirs ...string) (map[string]bool, error) {
	names := map[string]bool{}
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, entry fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if entry.IsDir() && entry.Name() == "node_modules" {
				return filepath.SkipDir
			}
			if entry.IsDir() || !strings.HasSuffix(path, ".ts") || strings.HasSuffix(path, ".test.ts") {
				return nil
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, match := range settingName.FindAllStringSubmatch(string(raw), -1) {
				names[match[1]] = true
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return names, nil
}

func checkCompose(composeFile, prometheusFile, root string) ([]string, error) {
	options, err := cli.NewProjectOptions([]string{composeFile}, cli.WithOsEnv, cli.WithName("tributary"))
	if err != nil {
		return nil, err
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		return nil, err
	}

	// Settings every app may read: the shared ones declared in libs/ (backbone, topics, consumers...).
	shared, err := declaredSettings(filepath.Join(root, "libs"))
	if err != nil {
		return nil, err
	}

	var problems []string
	apps := map[string]bool{}    // apps built by the compose file
	ports := map[string]uint32{} // Tributary service -> port it listens on
	for name, service := range project.Services {
		if service.Build == nil {
			continue
		}
		app := value(service.Build.Args["APP"])
		if app == "" {
			problems = append(problems, fmt.Sprintf("service %s: build has no APP argument", name))
			continue
		}
		if _, err := os.Stat(filepath.Join(root, "apps", app, "src", "main.ts")); err != nil {
			problems = append(problems, fmt.Sprintf("service %s: APP=%s has no apps/%s/src/main.ts", name, app, app))
			continue
		}
		apps[app] = true
		// A one-shot job (restart: "no") may run any app's image under its own name, like the
		// setup jobs; a long-running service is named after its app.
		if name != app && service.Restart != "no" {
			problems = append(problems, fmt.Sprintf("service %s builds APP=%s: name the service after its app (or make it a one-shot job, restart: \"no\")", name, app))
		}
		port := value(service.Build.Args["PORT"])
		if name != app {
			continue
		}
		// Every variable the service sets is a setting the app reads: a misspelt name would be
		// ignored silently and the default used.
		settingsFile := filepath.Join(root, "apps", app, "src", "settings.ts")
		if _, err := os.Stat(settingsFile); err != nil {
			problems = append(problems, fmt.Sprintf("service %s: apps/%s/src/settings.ts is missing, so its environment cannot be checked", name, app))
		} else {
			own, err := declaredSettings(filepath.Join(root, "apps", app, "src"))
			if err != nil {
				return nil, err
			}
			if !own[portVariable(app)] {
				problems = append(problems, fmt.Sprintf("service %s: apps/%s/src declares no setting %s (its port)", name, app, portVariable(app)))
			}
			var unknown []string
			for variable := range service.Environment {
				if !own[variable] && !shared[variable] && !runtimeVariables[variable] {
					unknown = append(unknown, variable)
				}
			}
			sort.Strings(unknown)
			for _, variable := range unknown {
				problems = append(problems, fmt.Sprintf("service %s: %s is no setting of apps/%s or libs/ (setting('%s', ...))", name, variable, app, variable))
			}
		}
		problems = append(problems, checkComposeTracing(project, name, service)...)
		env := value(service.Environment[portVariable(app)])
		if env == "" {
			problems = append(problems, fmt.Sprintf("service %s: environment has no %s", name, portVariable(app)))
			continue
		}
		if env != port {
			problems = append(problems, fmt.Sprintf("service %s: %s=%s but the image is built with PORT=%s (its health check port)", name, portVariable(app), env, port))
		}
		listen, err := strconv.ParseUint(env, 10, 16)
		if err != nil {
			problems = append(problems, fmt.Sprintf("service %s: %s=%q is not a port", name, portVariable(app), env))
			continue
		}
		ports[name] = uint32(listen)
		published := false
		for _, p := range service.Ports {
			if p.Target == uint32(listen) {
				published = true
			}
		}
		if !published {
			problems = append(problems, fmt.Sprintf("service %s: listens on %d but publishes no port with that target", name, listen))
		}
		if !service.ReadOnly {
			problems = append(problems, fmt.Sprintf("service %s: read_only: true is missing", name))
		}
	}

	// Every deployable app (one with src/main.ts, except the CLI) runs in the stack.
	entries, err := os.ReadDir(filepath.Join(root, "apps"))
	if err != nil {
		return nil, err
	}
	for _, entry := range entries {
		if !entry.IsDir() || entry.Name() == "cli" {
			continue
		}
		if _, err := os.Stat(filepath.Join(root, "apps", entry.Name(), "src", "main.ts")); err != nil {
			continue
		}
		if !apps[entry.Name()] {
			problems = append(problems, fmt.Sprintf("apps/%s is not in %s: add a service block for it", entry.Name(), composeFile))
		}
	}

	problems = append(problems, checkComposeSetup(project)...)

	raw, err := os.ReadFile(prometheusFile)
	if err != nil {
		return nil, err
	}
	var prometheus prometheusConfig
	decoder := yaml.NewDecoder(strings.NewReader(string(raw)))
	if err := decoder.Decode(&prometheus); err != nil {
		return nil, fmt.Errorf("%s: %w", prometheusFile, err)
	}
	alerting, loaded := checkComposeAlerting(project, raw, root)
	problems = append(problems, alerting...)
	scraped := map[string]bool{}
	for _, job := range prometheus.ScrapeConfigs {
		if job.JobName == "" {
			problems = append(problems, fmt.Sprintf("%s: a scrape config has no job_name", prometheusFile))
		}
		for _, static := range job.StaticConfigs {
			for _, target := range static.Targets {
				host, portText, err := net.SplitHostPort(target)
				if err != nil {
					problems = append(problems, fmt.Sprintf("%s: target %q is not host:port", prometheusFile, target))
					continue
				}
				if host == "localhost" {
					continue
				}
				if _, ok := project.Services[host]; !ok {
					problems = append(problems, fmt.Sprintf("%s: target %s names no compose service", prometheusFile, target))
					continue
				}
				scraped[host] = true
				if want, ok := ports[host]; ok && portText != strconv.Itoa(int(want)) {
					problems = append(problems, fmt.Sprintf("%s: target %s, but %s listens on %d", prometheusFile, target, host, want))
				}
			}
		}
	}
	for name := range ports {
		if !scraped[name] {
			problems = append(problems, fmt.Sprintf("%s: service %s is not scraped", prometheusFile, name))
		}
	}

	names := make([]string, 0, len(project.Services))
	for name := range project.Services {
		names = append(names, name)
	}
	sort.Strings(names)
	if len(problems) == 0 {
		fmt.Printf("compose: %d services valid (%s); %d Tributary services scraped by Prometheus\n%s\n", len(names), strings.Join(names, ", "), len(ports), loaded)
	}
	return problems, nil
}

// setupSteps are what the setup job must run, in the CLI image, before any service starts.
var setupSteps = []string{"topics ensure", "schemas register", "stock set"}

// checkComposeSetup: one one-shot job built from APP=cli runs every setup step (creates the topics,
// registers the schemas, seeds stock), and every Tributary service on Kafka waits until it has
// completed successfully.
func checkComposeSetup(project *types.Project) []string {
	var jobs []string
	for name, service := range project.Services {
		if service.Build == nil || value(service.Build.Args["APP"]) != "cli" || service.Restart != "no" {
			continue
		}
		script := strings.Join(append(append([]string{}, service.Entrypoint...), service.Command...), " ")
		missing := false
		for _, step := range setupSteps {
			if !strings.Contains(script, "tributary "+step) {
				missing = true
			}
		}
		if !missing {
			jobs = append(jobs, name)
		}
	}
	if len(jobs) != 1 {
		return []string{fmt.Sprintf("want one one-shot job built with APP=cli that runs `tributary %s`, found %d (%s)", strings.Join(setupSteps, "`, `tributary "), len(jobs), strings.Join(jobs, ", "))}
	}
	setup := jobs[0]
	var problems []string
	for name, service := range project.Services {
		if service.Build == nil || name != value(service.Build.Args["APP"]) || service.Environment["KAFKA_BROKERS"] == nil {
			continue
		}
		if dependency, ok := service.DependsOn[setup]; !ok || dependency.Condition != types.ServiceConditionCompletedSuccessfully {
			problems = append(problems, fmt.Sprintf("service %s uses Kafka but does not wait for %s (depends_on: %s: condition: %s)", name, setup, setup, types.ServiceConditionCompletedSuccessfully))
		}
	}
	if len(problems) == 0 {
		fmt.Printf("compose: %s runs `tributary %s`; every service on Kafka waits for it\n", setup, strings.Join(setupSteps, "`, `tributary "))
	}
	return problems
}

// checkComposeTracing: a Tributary service sends its spans to a service of this file over OTLP/HTTP
// and names itself after its service, which is how `tributary trace` finds its spans.
func checkComposeTracing(project *types.Project, name string, service types.ServiceConfig) []string {
	var problems []string
	if got := value(service.Environment["OTEL_SERVICE_NAME"]); got != name {
		problems = append(problems, fmt.Sprintf("service %s: OTEL_SERVICE_NAME is %q, want %q", name, got, name))
	}
	endpoint := value(service.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"])
	target, err := url.Parse(endpoint)
	if endpoint == "" || err != nil || target.Scheme != "http" || target.Port() == "" {
		return append(problems, fmt.Sprintf("service %s: OTEL_EXPORTER_OTLP_ENDPOINT=%q is not http://<service>:<port>", name, endpoint))
	}
	if _, ok := project.Services[target.Hostname()]; !ok {
		problems = append(problems, fmt.Sprintf("service %s: OTEL_EXPORTER_OTLP_ENDPOINT=%s names no compose service", name, endpoint))
	}
	return problems
}

func value(v *string) string {
	if v == nil {
		return ""
	}
	return *v
}
