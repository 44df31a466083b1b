package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The repository's compose file and prometheus.yml, as check-infra.sh checks them.
func loadRepositoryCompose(t *testing.T) (root string, prometheus []byte) {
	t.Helper()
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	prometheus, err = os.ReadFile(filepath.Join(root, "infra", "compose", "prometheus", "prometheus.yml"))
	if err != nil {
		t.Fatal(err)
	}
	return root, prometheus
}

func TestComposeAlerting(t *testing.T) {
	root, prometheus := loadRepositoryCompose(t)
	project, err := loadCompose(filepath.Join(root, "infra", "compose", "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if problems, _ := checkComposeAlerting(project, prometheus, root); len(problems) > 0 {
		t.Fatalf("the repository's files: %v", problems)
	}
	planted := map[string]string{
		"rule_files that miss the mounted rules": strings.Replace(string(prometheus), "/etc/prometheus/rules/*.rules.yml", "/etc/prometheus/other/*.yml", 1),
		"alerts sent to no compose service":      strings.Replace(string(prometheus), "alertmanager:9093", "pager:9093", 1),
		"no Alertmanager at all":                 strings.Replace(string(prometheus), "alertmanagers:", "alertmanagers: []\n  unused:", 1),
	}
	for name, config := range planted {
		if problems, _ := checkComposeAlerting(project, []byte(config), root); len(problems) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
	delete(project.Services, "alertmanager")
	if problems, _ := checkComposeAlerting(project, prometheus, root); len(problems) == 0 {
		t.Error("a compose file without the alertmanager service: accepted")
	}
}
