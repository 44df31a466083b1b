package main

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestToJSONSchema(t *testing.T) {
	var schema any
	input := `{
	  "type": "object",
	  "properties": {
	    "spec": {
	      "type": "object",
	      "properties": {
	        "properties": {"type": "object", "properties": {"a": {"type": "string"}}},
	        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
	        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true, "properties": {"b": {"type": "string"}}},
	        "port": {"x-kubernetes-int-or-string": true},
	        "size": {"anyOf": [{"type": "integer"}, {"type": "string"}], "x-kubernetes-int-or-string": true},
	        "mode": {"type": "string", "nullable": true, "enum": ["x"]},
	        "items": {"type": "array", "items": {"type": "object", "properties": {"c": {"type": "string"}}}}
	      }
	    }
	  }
	}`
	if err := json.Unmarshal([]byte(input), &schema); err != nil {
		t.Fatal(err)
	}
	root := toJSONSchema(schema).(map[string]any)
	spec := root["properties"].(map[string]any)["spec"].(map[string]any)
	fields := spec["properties"].(map[string]any)
	field := func(name string) map[string]any { return fields[name].(map[string]any) }
	checks := []struct {
		name      string
		got, want any
	}{
		{"root is closed", root["additionalProperties"], false},
		{"spec is closed", spec["additionalProperties"], false},
		{"a field named properties is a field", field("properties")["additionalProperties"], false},
		{"no field named additionalProperties appears", fields["additionalProperties"], nil},
		{"a map keeps its value schema", field("labels")["additionalProperties"], map[string]any{"type": "string"}},
		{"preserved unknown fields stay open", field("free")["additionalProperties"], nil},
		{"int-or-string", field("port")["oneOf"], []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}},
		{"int-or-string with anyOf is kept", field("size")["oneOf"], nil},
		{"nullable type", field("mode")["type"], []any{"string", "null"}},
		{"nullable enum", field("mode")["enum"], []any{"x", nil}},
		{"array items are closed", field("items")["items"].(map[string]any)["additionalProperties"], false},
	}
	for _, check := range checks {
		if !reflect.DeepEqual(check.got, check.want) {
			t.Errorf("%s: got %#v, want %#v", check.name, check.got, check.want)
		}
	}
}
