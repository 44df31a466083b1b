package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	yamlv3 "gopkg.in/yaml.v3"
)

// eachDocument calls visit with every non-empty document of a multi-document YAML file (helm
// template output, CRD bundles), each marshalled on its own so it can be decoded into its own type.
// An error from visit stops the walk and is returned as it is.
func eachDocument(file string, visit func(doc []byte) error) error {
	raw, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	decoder := yamlv3.NewDecoder(bytes.NewReader(raw))
	for {
		var node yamlv3.Node
		if err := decoder.Decode(&node); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		if len(node.Content) == 0 {
			continue
		}
		doc, err := yamlv3.Marshal(&node)
		if err != nil {
			return err
		}
		if strings.TrimSpace(string(doc)) == "null" {
			continue
		}
		if err := visit(doc); err != nil {
			return err
		}
	}
}
