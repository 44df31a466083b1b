package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"
)

type customResourceDefinition struct {
	Kind string `json:"kind"`
	Spec struct {
		Group string `json:"group"`
		Names struct {
			Kind string `json:"kind"`
		} `json:"names"`
		Versions []struct {
			Name   string `json:"name"`
			Schema struct {
				OpenAPIV3Schema json.RawMessage `json:"openAPIV3Schema"`
			} `json:"schema"`
		} `json:"versions"`
	} `json:"spec"`
}

// writeCRDSchemas converts the openAPIV3Schema of every version of every CustomResourceDefinition
// in files into the JSON schema kubeconform reads for that kind, at
// <out>/<group>/<kind>_<version>.json in lower case (openapi2jsonschema's file name in the CRDs
// catalog's group folders), and returns the paths written, relative to out.
func writeCRDSchemas(out string, files []string) ([]string, error) {
	var written []string
	for _, file := range files {
		err := eachDocument(file, func(doc []byte) error {
			asJSON, err := yaml.YAMLToJSON(doc)
			if err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
			var crd customResourceDefinition
			if err := json.Unmarshal(asJSON, &crd); err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
			if crd.Kind != "CustomResourceDefinition" {
				return nil
			}
			for _, version := range crd.Spec.Versions {
				if len(version.Schema.OpenAPIV3Schema) == 0 {
					continue
				}
				// UseNumber keeps bounds such as int64 maxima exact.
				schemaDecoder := json.NewDecoder(bytes.NewReader(version.Schema.OpenAPIV3Schema))
				schemaDecoder.UseNumber()
				var schema any
				if err := schemaDecoder.Decode(&schema); err != nil {
					return fmt.Errorf("%s: %s %s: %w", file, crd.Spec.Names.Kind, version.Name, err)
				}
				converted, err := json.MarshalIndent(toJSONSchema(schema), "", "  ")
				if err != nil {
					return err
				}
				name := strings.ToLower(filepath.Join(crd.Spec.Group, crd.Spec.Names.Kind+"_"+version.Name+".json"))
				if err := os.MkdirAll(filepath.Join(out, filepath.Dir(name)), 0o755); err != nil {
					return err
				}
				if err := os.WriteFile(filepath.Join(out, name), append(converted, '\n'), 0o644); err != nil {
					return err
				}
				written = append(written, name)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(written) == 0 {
		return nil, fmt.Errorf("no CustomResourceDefinition with an openAPIV3Schema in %s", strings.Join(files, ", "))
	}
	return written, nil
}

// toJSONSchema turns one structural OpenAPI v3 schema into the JSON schema kubeconform -strict
// needs, in place:
//   - an object that lists its properties refuses any other (additionalProperties: false), the
//     root included, unless it keeps unknown fields (x-kubernetes-preserve-unknown-fields) or says
//     otherwise: what the API server's strict field validation refuses, a misspelt field fails;
//   - int-or-string (format or x-kubernetes-int-or-string) accepts an integer or a string;
//   - nullable accepts null, as the API server does.
//
// It walks only the keywords that hold schemas, so a property named like a keyword
// ("properties", "items") is never taken for one.
func toJSONSchema(node any) any {
	schema, ok := node.(map[string]any)
	if !ok {
		return node
	}
	if properties, ok := schema["properties"].(map[string]any); ok {
		for name, property := range properties {
			properties[name] = toJSONSchema(property)
		}
		_, open := schema["additionalProperties"]
		if !open && schema["x-kubernetes-preserve-unknown-fields"] != true {
			schema["additionalProperties"] = false
		}
	}
	for _, key := range []string{"additionalProperties", "items", "not"} {
		if sub, ok := schema[key].(map[string]any); ok {
			schema[key] = toJSONSchema(sub)
		}
	}
	for _, key := range []string{"allOf", "anyOf", "oneOf", "items"} {
		if list, ok := schema[key].([]any); ok {
			for i, sub := range list {
				list[i] = toJSONSchema(sub)
			}
		}
	}
	_, alternatives := schema["anyOf"]
	_, exclusive := schema["oneOf"]
	if schema["format"] == "int-or-string" || (schema["x-kubernetes-int-or-string"] == true && !alternatives && !exclusive) {
		delete(schema, "type")
		delete(schema, "format")
		schema["oneOf"] = []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}
	}
	if schema["nullable"] == true {
		if kind, ok := schema["type"].(string); ok {
			schema["type"] = []any{kind, "null"}
		}
		if enum, ok := schema["enum"].([]any); ok {
			schema["enum"] = append(enum, nil)
		}
	}
	return schema
}
