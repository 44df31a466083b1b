package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// checkSettings reads the ConfigMaps of `helm template` output: each belongs to one service
// (label app.kubernetes.io/name), and every key it sets must be a setting that service's app
// (apps/<service>/src) or libs/ declares. A service with no app folder (one added by values
// alone, running another app's image) is left out.
func checkSettings(rendered, root string) ([]string, error) {
	shared, err := declaredSettings(filepath.Join(root, "libs"))
	if err != nil {
		return nil, err
	}
	var problems []string
	checked := 0
	err = eachDocument(rendered, func(doc []byte) error {
		var meta typeMeta
		if err := yaml.Unmarshal(doc, &meta); err != nil || meta.APIVersion != "v1" || meta.Kind != "ConfigMap" {
			return nil
		}
		var configMap corev1.ConfigMap
		if err := yaml.Unmarshal(doc, &configMap); err != nil {
			return fmt.Errorf("%s: ConfigMap %s: %w", rendered, meta.Metadata.Name, err)
		}
		service := configMap.Labels["app.kubernetes.io/name"]
		source := filepath.Join(root, "apps", service, "src")
		if _, err := os.Stat(filepath.Join(source, "settings.ts")); service == "" || err != nil {
			return nil
		}
		own, err := declaredSettings(source)
		if err != nil {
			return err
		}
		var unknown []string
		for key := range configMap.Data {
			if !own[key] && !shared[key] && !runtimeVariables[key] {
				unknown = append(unknown, key)
			}
		}
		sort.Strings(unknown)
		for _, key := range unknown {
			problems = append(problems, fmt.Sprintf("ConfigMap %s: %s is no setting of apps/%s or libs/", meta.Metadata.Name, key, service))
		}
		checked++
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(problems) == 0 {
		fmt.Printf("settings: every key of %d service ConfigMaps is a setting of its app or libs/\n", checked)
	}
	if checked == 0 && len(problems) == 0 {
		return []string{fmt.Sprintf("%s: no ConfigMap of a service with apps/<service>/src/settings.ts", rendered)}, nil
	}
	return problems, nil
}
