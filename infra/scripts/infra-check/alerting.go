package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"gopkg.in/yaml.v3"
)

// prometheusAlerting is the part of prometheus.yml that says which rules Prometheus evaluates and
// where it sends the alerts.
type prometheusAlerting struct {
	RuleFiles []string `yaml:"rule_files"`
	Alerting  struct {
		Alertmanagers []struct {
			StaticConfigs []struct {
				Targets []string `yaml:"targets"`
			} `yaml:"static_configs"`
		} `yaml:"alertmanagers"`
	} `yaml:"alerting"`
}

// checkComposeAlerting: the Prometheus service of the compose file loads the shared rules file
// (a bind mount of its folder under a path its rule_files glob matches) and sends alerts to an
// Alertmanager service of the same file, whose configuration file is mounted and exists.
func checkComposeAlerting(project *types.Project, prometheusRaw []byte, root string) ([]string, string) {
	rulesFile := filepath.Join(root, "infra", "prometheus", "rules", "tributary.rules.yml")
	var config prometheusAlerting
	if err := yaml.Unmarshal(prometheusRaw, &config); err != nil {
		return []string{fmt.Sprintf("prometheus.yml: %v", err)}, ""
	}
	prometheus, ok := project.Services["prometheus"]
	if !ok {
		return []string{"no prometheus service"}, ""
	}
	var problems []string
	rulesDir, rulesName := filepath.Split(rulesFile)
	loaded := ""
	for _, mount := range prometheus.Volumes {
		if mount.Type != types.VolumeTypeBind || filepath.Clean(mount.Source) != filepath.Clean(rulesDir) {
			continue
		}
		inside := path.Join(mount.Target, rulesName)
		for _, glob := range config.RuleFiles {
			if matched, _ := path.Match(glob, inside); matched {
				loaded = inside
			}
		}
	}
	if loaded == "" {
		problems = append(problems, fmt.Sprintf("prometheus: no rule_files entry matches %s mounted from %s", rulesName, rulesDir))
	}
	senders := 0
	for _, manager := range config.Alerting.Alertmanagers {
		for _, static := range manager.StaticConfigs {
			for _, target := range static.Targets {
				senders++
				problems = append(problems, checkAlertmanager(project, target)...)
			}
		}
	}
	if senders == 0 {
		problems = append(problems, "prometheus.yml: alerting.alertmanagers names no Alertmanager")
	}
	return problems, fmt.Sprintf("Prometheus loads %s (infra/prometheus/rules/%s), sends alerts to %d Alertmanager", loaded, rulesName, senders)
}

// checkAlertmanager: the target is host:port of a compose service running Alertmanager with a
// configuration file that is mounted from the repository.
func checkAlertmanager(project *types.Project, target string) []string {
	host, _, err := net.SplitHostPort(target)
	if err != nil {
		return []string{fmt.Sprintf("prometheus.yml: Alertmanager target %q is not host:port", target)}
	}
	service, ok := project.Services[host]
	if !ok {
		return []string{fmt.Sprintf("prometheus.yml: Alertmanager target %s names no compose service", target)}
	}
	if !strings.Contains(service.Image, "alertmanager") {
		return []string{fmt.Sprintf("service %s: Prometheus sends it alerts but its image is %s", host, service.Image)}
	}
	for _, arg := range service.Command {
		file, found := strings.CutPrefix(arg, "--config.file=")
		if !found {
			continue
		}
		for _, mount := range service.Volumes {
			if mount.Type == types.VolumeTypeBind && mount.Target == file {
				if _, err := os.Stat(mount.Source); err != nil {
					return []string{fmt.Sprintf("service %s: %s is mounted from %s, which does not exist", host, file, mount.Source)}
				}
				return nil
			}
		}
		return []string{fmt.Sprintf("service %s: --config.file=%s is not mounted", host, file)}
	}
	return []string{fmt.Sprintf("service %s: no --config.file", host)}
}

// loadCompose loads a compose file as `docker compose config` does.
func loadCompose(composeFile string) (*types.Project, error) {
	options, err := cli.NewProjectOptions([]string{composeFile}, cli.WithOsEnv, cli.WithName("tributary"))
	if err != nil {
		return nil, err
	}
	return options.LoadProject(context.Background())
}

// printComposeConfig prints the compose file as `docker compose config` does: loaded,
// interpolated and merged by compose-go, as YAML.
func printComposeConfig(composeFile string) error {
	project, err := loadCompose(composeFile)
	if err != nil {
		return err
	}
	out, err := project.MarshalYAML()
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(out)
	return err
}
